"""The SMS command and the texts of the messages (pure: no I/O, no clock)."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from i18n import tr, tr_n

RESET, UNKNOWN = "reset", "unknown"
CODE_DIGITS = 6


def parse_command(text: str, keyword: str) -> str:
    """`PASSWORD`, in any case and with spaces around, optionally after one prefix word
    (`TSC PASSWORD`), asks for a reset. Anything else is unknown."""
    words = (text or "").casefold().split()
    kw = (keyword or "").casefold().strip()
    if kw and 1 <= len(words) <= 2 and words[-1] == kw:
        return RESET
    return UNKNOWN


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def code_hash(secret: str, user_id: int, code: str) -> str:
    """Keyed hash: a short code cannot be recovered from a copy of the database alone."""
    msg = f"{user_id}:{code.strip()}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_sms(code: str, link: str, minutes: int, lang: str = "en") -> str:
    """One SMS (160 characters with a link of up to about 70). Never holds the user id (the
    login): a code and a password-setting link only."""
    return tr(lang, "Your reset code: {code}. Or set a new password at {link} - valid {minutes} "
                    "min.", code=code, link=link, minutes=minutes)


def help_sms(keyword: str, lang: str = "en") -> str:
    """The same text for every sender, registered or not."""
    return tr(lang, "To reset your password, send {keyword} to this number.",
              keyword=keyword.upper())


def reset_email(code: str, link: str, minutes: int, *, login: str | None,
                lang: str = "en") -> tuple[str, str]:
    """Subject and body. `login` is left out by the caller under the strict policy, where a
    user id and a password (or the code that sets it) never travel in the same message."""
    lines = [tr(lang, "Hello,"), "",
             tr(lang, "Someone (we hope you) asked to set a new password for the phone app."), ""]
    if login:
        lines += [tr(lang, "Your login: {login}", login=login), ""]
    lines += [tr(lang, "Code: {code}", code=code),
              tr(lang, "Or open this link to set it: {link}", link=link), "",
              tr_n(lang, "The code and the link work once, for {n} minute.",
                   "The code and the link work once, for {n} minutes.", minutes),
              tr(lang, "If you did not ask for it, ignore this message.")]
    return tr(lang, "Your new password for the phone app"), "\n".join(lines) + "\n"
