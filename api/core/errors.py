"""One base application error; every failure leaves the API as RFC 9457 problem JSON.

Titles and details are written in English and marked for the catalogs (`N_`); a detail
with parts carries them in `values` (`Conflict(N_("The number {number} is taken"),
values={"number": n})`), so the problem can be worded in the reader's language when it is
answered (`localised`). `type` and the machine-readable members never change with it.
"""
from __future__ import annotations

from typing import Any

from i18n import N_, tr

from .field_messages import localise_message


def localise_texts(lang: str, value: Any) -> Any:
    """Every message in a tree of per-field errors (lists, dicts) in `lang`; texts the
    catalogs do not know stay as they are."""
    if isinstance(value, str):
        return localise_message(lang, value)
    if isinstance(value, list):
        return [localise_texts(lang, v) for v in value]
    if isinstance(value, dict):
        return {k: localise_texts(lang, v) for k, v in value.items()}
    return value


class Phrase(str):
    """A value that is itself a catalog text (a refusal's reason in a larger message): it
    is worded in the reader's language too."""


def _worded(lang: str, message: str, values: dict[str, Any]) -> str:
    """A marked template with its values, or a text already filled in (recognised by its
    template), in `lang`."""
    if not values:
        return localise_message(lang, message)
    return tr(lang, message, **{k: localise_message(lang, v) if isinstance(v, Phrase) else v
                                for k, v in values.items()})


class AppError(Exception):
    """Base of every error the API answers deliberately. Subclasses carry their status."""

    status = 400
    title = N_("Bad request")
    type_slug = "bad-request"

    def __init__(self, detail: str | None = None, *, extra: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None, values: dict[str, Any] | None = None):
        self.message = detail or self.title
        self.values = values or {}
        self.detail = self.message.format(**self.values) if self.values else self.message
        super().__init__(self.detail)
        self.extra = extra or {}
        self.headers = headers or {}

    def localised(self, lang: str) -> tuple[str, str, dict[str, Any]]:
        """(title, detail, extra) in `lang`; per-field messages in `extra` too."""
        extra = dict(self.extra)
        if "errors" in extra:
            extra["errors"] = localise_texts(lang, extra["errors"])
        return tr(lang, self.title), _worded(lang, self.message, self.values), extra


class ValidationFailed(AppError):
    status = 422
    title = N_("Unprocessable content")
    type_slug = "validation-error"

    def __init__(self, detail: str, errors: dict[str, Any] | None = None,
                 values: dict[str, Any] | None = None):
        super().__init__(detail, extra={"errors": errors or {}}, values=values)


class FieldInvalid(ValidationFailed):
    """A 422 naming the one field that is wrong, with what is wrong with it."""

    def __init__(self, field: str, messages: list[str], values: dict[str, Any] | None = None,
                 **more_errors: Any):
        self.field, self.messages = field, list(messages)
        texts = [m.format(**values) if values else m for m in self.messages]
        super().__init__(f"{field}: " + "; ".join(texts), {field: texts, **more_errors})
        self.field_values = values or {}

    def localised(self, lang: str) -> tuple[str, str, dict[str, Any]]:
        texts = [_worded(lang, m, self.field_values) for m in self.messages]
        extra = {**self.extra, "errors": {**self.extra["errors"], self.field: texts}}
        return tr(lang, self.title), f"{self.field}: " + "; ".join(texts), extra


class FieldsInvalid(ValidationFailed):
    """A 422 naming every field that is wrong ({field: [message]}, nested for a field of
    fields); the detail lists them, both in the reader's language."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__(_summary(errors), errors)

    def localised(self, lang: str) -> tuple[str, str, dict[str, Any]]:
        errors = localise_texts(lang, self.extra["errors"])
        return tr(lang, self.title), _summary(errors), {**self.extra, "errors": errors}


def _summary(errors: dict[str, Any], path: str = "") -> str:
    parts = []
    for field, messages in sorted(errors.items()):
        where = f"{path}.{field}" if path else field
        if isinstance(messages, dict):
            parts.append(_summary(messages, where))
        else:
            parts.append(f"{where}: " + "; ".join(map(str, messages)))
    return "; ".join(parts)


class Unauthorized(AppError):
    status = 401
    title = N_("Unauthorized")
    type_slug = "unauthorized"

    def __init__(self, detail: str = N_("Authentication required"), **kw):
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="api"'}, **kw)


class Forbidden(AppError):
    status = 403
    title = N_("Forbidden")
    type_slug = "forbidden"


class NotFound(AppError):
    status = 404
    title = N_("Not found")
    type_slug = "not-found"


class Conflict(AppError):
    status = 409
    title = N_("Conflict")
    type_slug = "conflict"


class UnsupportedMediaType(AppError):
    status = 415
    title = N_("Unsupported media type")
    type_slug = "unsupported-media-type"


class TooManyRequests(AppError):
    status = 429
    title = N_("Too many requests")
    type_slug = "rate-limited"

    def __init__(self, detail: str, retry_after: int, values: dict[str, Any] | None = None):
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after)))},
                         extra={"retry_after": max(1, int(retry_after))}, values=values)


class ServiceUnavailable(AppError):
    status = 503
    title = N_("Service unavailable")
    type_slug = "unavailable"


def field_error(field: str, message: str, **values: Any) -> ValidationFailed:
    """A 422 naming the one field that is wrong; `message` may hold `{name}` parts."""
    return FieldInvalid(field, [message], values)
