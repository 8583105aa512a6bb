"""The e-mail copy of a new message, its audio attached, through the SMTP server of the
password reset e-mails (PBX_SMTP_*). Sent off the call's thread; a failure is logged."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from i18n import N_, tr

log = logging.getLogger("voicemail")
SUBJECT = N_("New voicemail from {who}")
BODY = N_("{who} left you a message of {seconds} seconds. The recording is attached.")


def smtp_config():
    """The SMTP settings from the environment; None when no server is configured."""
    import os

    from ..config import Settings
    from ..passwordreset.config import ResetConfig

    env = {k: v for k, v in os.environ.items() if k.startswith("PBX_")}
    config = ResetConfig.from_settings(Settings(extra=env))
    return config if config.smtp_host else None


def compose(config, to: str, who: str, seconds: int, audio: bytes, language: str
            ) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"] = config.smtp_from, to
    msg["Subject"] = tr(language, SUBJECT, who=who)
    msg.set_content(tr(language, BODY, who=who, seconds=seconds))
    msg.add_attachment(audio, maintype="audio", subtype="wav", filename="voicemail.wav")
    return msg


def send(config, msg: EmailMessage) -> bool:
    from ..passwordreset.mail import send_message

    try:
        send_message(config, msg)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("voicemail e-mail not sent", extra={"event": "voicemail_email_failed",
                                                        "error": str(exc)})
        return False
