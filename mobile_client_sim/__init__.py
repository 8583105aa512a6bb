"""A simulator of the phone app: a client of the public API (and, later, of the push sink)."""
from .client import ApiError, AppClient

__all__ = ["ApiError", "AppClient"]
