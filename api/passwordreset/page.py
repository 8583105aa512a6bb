"""The page the SMS link opens: a plain HTML form to set the new password (no JavaScript)."""
from __future__ import annotations

from flask import Blueprint, render_template_string, request

from ..core.request_db import db_session
from . import services

page_bp = Blueprint("password_reset_page", __name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>body{font-family:sans-serif;max-width:26em;margin:2em auto;padding:0 1em}
label,input,button{display:block;width:100%;margin:.4em 0;font-size:1.1em}
.error{color:#a00}</style></head>
<body><h1>{{ title }}</h1>
{% for e in errors %}<p class="error">{{ e }}</p>{% endfor %}
{% if message %}<p>{{ message }}</p>{% endif %}
{% if form %}<form method="post" autocomplete="off">
<label for="p1">New password</label>
<input id="p1" name="new_password" type="password" autocomplete="new-password" required>
<label for="p2">New password again</label>
<input id="p2" name="new_password_again" type="password" autocomplete="new-password" required>
<button type="submit">Set password</button></form>{% endif %}
</body></html>"""

GONE = "This link has expired or was already used. Ask for a new code in the app, or by SMS."


def _page(status: int, title: str, *, form=False, message="", errors=()):
    html = render_template_string(PAGE, title=title, form=form, message=message,
                                  errors=list(errors))
    return html, status, {
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                   "form-action 'self'; frame-ancestors 'none'"}


@page_bp.get("/reset/<token>")
def show(token: str):
    """The form, while the link is valid."""
    if len(token) > 100 or services.user_for_link(db_session(), token) is None:
        return _page(404, "Link expired", message=GONE)
    return _page(200, "Set a new password", form=True)


@page_bp.post("/reset/<token>")
def submit(token: str):
    """Set the password with the same checks as the app; every session ends."""
    first = request.form.get("new_password", "")[:300]
    again = request.form.get("new_password_again", "")[:300]
    if len(token) > 100 or services.user_for_link(db_session(), token) is None:
        return _page(404, "Link expired", message=GONE)
    if not first or first != again:
        return _page(422, "Set a new password", form=True,
                     errors=["The two passwords are not the same."])
    refusals = services.confirm_with_link(db_session(), token, first)
    if refusals is None:
        return _page(404, "Link expired", message=GONE)
    if refusals:
        return _page(422, "Set a new password", form=True, errors=refusals)
    return _page(200, "Password changed",
                 message="Your new password is set and every device has been logged out. "
                         "Open the app and log in.")
