"""The SMTP client: the standard library's ``smtplib``, run in a thread (it blocks), with
STARTTLS, implicit TLS or neither as ``[email] security`` says."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.config.forwarding import EmailConfig
from core.integrations.forwarding import Email


def message(cfg: EmailConfig, mail: Email) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"] = cfg.sender, ", ".join(mail.to)
    msg["Subject"], msg["Date"] = mail.subject, formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=cfg.sender.rpartition("@")[2] or None)
    msg.set_content(mail.body)
    return msg


def _send(cfg: EmailConfig, msg: EmailMessage, timeout: float) -> None:
    context = ssl.create_default_context(cafile=cfg.ca_file or None)
    smtp: smtplib.SMTP
    if cfg.security == "ssl":
        smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=timeout)
    with smtp:
        if cfg.security == "starttls":
            smtp.starttls(context=context)
        if cfg.user:
            smtp.login(cfg.user, cfg.password)
        smtp.send_message(msg)


async def send(cfg: EmailConfig, mail: Email, timeout_s: float) -> None:
    """Send ``mail`` through the configured server; raises on any failure (the worker tries
    again later)."""
    await asyncio.to_thread(_send, cfg, message(cfg, mail), timeout_s)
