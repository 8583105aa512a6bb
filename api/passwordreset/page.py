"""The page the SMS link opens: a plain HTML form to set the new password (no JavaScript)."""
from __future__ import annotations

from flask import Blueprint, render_template_string, request

from ..accounts.models import Tenant
from ..core.request_db import db_session
from i18n import N_, best_accepted, from_accept_language, tr, user_language
from . import services

page_bp = Blueprint("password_reset_page", __name__)

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>body{font-family:sans-serif;max-width:26em;margin:2em auto;padding:0 1em}
label,input,button{display:block;width:100%;margin:.4em 0;font-size:1.1em}
.error{color:#a00}</style></head>
<body><h1>{{ title }}</h1>
{% for e in errors %}<p class="error">{{ e }}</p>{% endfor %}
{% if message %}<p>{{ message }}</p>{% endif %}
{% if form %}<form method="post" autocomplete="off">
<label for="p1">{{ labels.first }}</label>
<input id="p1" name="new_password" type="password" autocomplete="new-password" required>
<label for="p2">{{ labels.again }}</label>
<input id="p2" name="new_password_again" type="password" autocomplete="new-password" required>
<button type="submit">{{ labels.button }}</button></form>{% endif %}
</body></html>"""

GONE = N_("This link has expired or was already used. Ask for a new code in the app, or by "
           "SMS.")
EXPIRED, SET_NEW, CHANGED = N_("Link expired"), N_("Set a new password"), N_("Password changed")


def _language(found) -> str:
    """The link's user's language, else the browser's (`Accept-Language`), else the
    company's; a link no longer valid: the browser's."""
    browser = request.headers.get("Accept-Language")
    if found is None:
        return from_accept_language(browser)
    user = found[1]
    tenant = db_session().get(Tenant, user.tenant_id)
    return user_language(user.language, best_accepted(browser),
                         tenant.language if tenant else None)


def _page(status: int, lang: str, title: str, *, form=False, message="", errors=()):
    labels = {"first": tr(lang, "New password"), "again": tr(lang, "New password again"),
              "button": tr(lang, "Set password")}
    html = render_template_string(PAGE, lang=lang, title=tr(lang, title), form=form,
                                  message=message and tr(lang, message), labels=labels,
                                  errors=list(errors))
    return html, status, {
        "Content-Type": "text/html; charset=utf-8", "Content-Language": lang,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                   "form-action 'self'; frame-ancestors 'none'"}


@page_bp.get("/reset/<token>")
def show(token: str):
    """The form, while the link is valid."""
    found = None if len(token) > 100 else services.user_for_link(db_session(), token)
    lang = _language(found)
    if found is None:
        return _page(404, lang, EXPIRED, message=GONE)
    return _page(200, lang, SET_NEW, form=True)


@page_bp.post("/reset/<token>")
def submit(token: str):
    """Set the password with the same checks as the app; every session ends."""
    first = request.form.get("new_password", "")[:300]
    again = request.form.get("new_password_again", "")[:300]
    found = None if len(token) > 100 else services.user_for_link(db_session(), token)
    lang = _language(found)
    if found is None:
        return _page(404, lang, EXPIRED, message=GONE)
    if not first or first != again:
        return _page(422, lang, SET_NEW, form=True,
                     errors=[tr(lang, "The two passwords are not the same.")])
    refusals = services.confirm_with_link(db_session(), token, first, lang)
    if refusals is None:
        return _page(404, lang, EXPIRED, message=GONE)
    if refusals:
        return _page(422, lang, SET_NEW, form=True, errors=refusals)
    return _page(200, lang, CHANGED,
                 message=N_("Your new password is set and every device has been logged out. "
                            "Open the app and log in."))
