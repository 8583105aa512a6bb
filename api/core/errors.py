"""One base application error; every failure leaves the API as RFC 9457 problem JSON."""
from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error the API answers deliberately. Subclasses carry their status."""

    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str | None = None, *, extra: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra or {}
        self.headers = headers or {}


class ValidationFailed(AppError):
    status = 422
    title = "Unprocessable content"
    type_slug = "validation-error"

    def __init__(self, detail: str, errors: dict[str, Any] | None = None):
        super().__init__(detail, extra={"errors": errors or {}})


class Unauthorized(AppError):
    status = 401
    title = "Unauthorized"
    type_slug = "unauthorized"

    def __init__(self, detail: str = "Authentication required"):
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


class Forbidden(AppError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class NotFound(AppError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(AppError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class UnsupportedMediaType(AppError):
    status = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


class TooManyRequests(AppError):
    status = 429
    title = "Too many requests"
    type_slug = "rate-limited"

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after)))},
                         extra={"retry_after": max(1, int(retry_after))})


class ServiceUnavailable(AppError):
    status = 503
    title = "Service unavailable"
    type_slug = "unavailable"


def field_error(field: str, message: str) -> ValidationFailed:
    """A 422 naming the one field that is wrong."""
    return ValidationFailed(f"{field}: {message}", {field: [message]})
