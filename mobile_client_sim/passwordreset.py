"""The app's "forgot password" flows: by the API, and by texting the keyword (handset)."""
from __future__ import annotations

import re

from .client import AppClient

CODE = re.compile(r"\b(\d{6})\b")


def forgot_password(app: AppClient, username: str) -> dict:
    """Tap "New password": the service sends a code by SMS or e-mail."""
    return app.request("POST", "/api/v1/auth/password-reset", json={"username": username})


def reset_password(app: AppClient, username: str, code: str, new_password: str) -> dict:
    """Type the code and a new password: every old session ends and this one is logged in."""
    body = app.request("POST", "/api/v1/auth/password-reset/confirm",
                       json={"username": username, "code": code, "new_password": new_password})
    app._take(body)
    return body


def code_in(text: str) -> str | None:
    """The one-time code in a reset SMS or e-mail."""
    m = CODE.search(text)
    return m.group(1) if m else None


def forgot_password_by_sms(handset, mobile: str, service_number: str, keyword: str = "PASSWORD",
                           timeout_s: float = 15) -> str:
    """Text the keyword from the phone and wait for the reply; returns the code."""
    handset.send(mobile, service_number, keyword)
    _sender, text = handset.receive(mobile, timeout_s)
    code = code_in(text)
    if code is None:
        raise RuntimeError(f"the reply holds no code: {text!r}")
    return code
