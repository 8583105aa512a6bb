"""E-mail over SMTP (smtplib), for users whose mobile cannot be reached by SMS."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from .config import ResetConfig


def send_email(config: ResetConfig, to: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = config.smtp_from, to, subject
    msg.set_content(body)
    send_message(config, msg)


def send_message(config: ResetConfig, msg: EmailMessage) -> None:
    """Hand a composed message to the configured SMTP server (voicemail copies use it too)."""
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=10) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password or "")
        smtp.send_message(msg)
