"""Outgoing mail: multipart text + HTML through SMTP, configured from Config.

Callers build messages inside a transaction but send them only after it commits
(``app.web.db.after_commit`` in a request, or after a job's ``unit_of_work``), so a
rolled-back change never emails anybody.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.text import count, plural
from config import PROJECT_ROOT, Config

log = logging.getLogger("diaryboost.mail")


class MailError(Exception):
    """The SMTP server could not take the message; ``temporary`` says whether to retry."""

    def __init__(self, message: str, temporary: bool = True):
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def single_line(value: str, limit: int = 200) -> str:
    """Collapse newlines and control characters: text from feeds must not add headers."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in value)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


# Headers whose value is one long URL list. The default policy cannot fold a URL and
# writes it as an RFC 2047 encoded word instead, which mail clients do not read as a
# List-Unsubscribe (RFC 2369/8058), so these are written as they are.
RAW_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})


class _MailPolicy(EmailPolicy):
    def _fold(self, name, value, refold_binary=False):
        if name.lower() in RAW_HEADERS:
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, refold_binary)


_POLICY = _MailPolicy()


@cache
def templates() -> Environment:
    """The one Jinja environment for mail (the digest, shift notices and reminders).

    Plain Jinja, not Flask's, so the scheduler and the CLI render without an app. .html
    templates are escaped; the text/plain part (.txt) is not HTML, so it is not. A name a
    template uses but the caller did not pass is an error, never an empty string in a
    mail already sent.
    """
    env = Environment(loader=FileSystemLoader(str(PROJECT_ROOT / "templates")),
                      autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["line"] = lambda value, limit=160: single_line(str(value), limit)
    env.filters["plural"] = plural
    env.filters["count"] = count
    return env


def _raw_value(name: str, value: str) -> str:
    value = single_line(value, 900)
    if not value.isascii():
        raise ValueError(f"{name} must be ASCII (percent-encode the URL)")
    return value


def build_message(config: Config, mail: Mail) -> EmailMessage:
    msg = EmailMessage(policy=_POLICY)
    msg["Subject"] = single_line(mail.subject, 250)
    msg["From"] = config.MAIL_FROM
    msg["To"] = str(Address(addr_spec=mail.to))
    if config.MAIL_REPLY_TO:
        msg["Reply-To"] = config.MAIL_REPLY_TO
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="diaryboost")
    for name, value in mail.headers.items():
        raw = name.lower() in RAW_HEADERS
        msg[name] = _raw_value(name, value) if raw else single_line(value, 900)
    msg.set_content(mail.text)
    if mail.html is not None:
        msg.add_alternative(mail.html, subtype="html")
    return msg


def _connect(config: Config) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if config.SMTP_SECURITY == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.SMTP_HOST, config.SMTP_PORT,
                                              timeout=config.SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(config.SMTP_HOST, config.SMTP_PORT, timeout=config.SMTP_TIMEOUT)
        if config.SMTP_SECURITY == "starttls":
            smtp.starttls(context=context)
    if config.SMTP_USER:
        smtp.login(config.SMTP_USER, config.SMTP_PASSWORD or "")
    return smtp


def send(config: Config, mails: Iterable[Mail]) -> list[tuple[Mail, MailError | None]]:
    """Send each mail over one connection; returns (mail, error or None) per mail.

    Never raises for delivery problems: each failure comes back as a MailError so the
    caller can record it and retry later.
    """
    mails = list(mails)
    if not mails:
        return []
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        error = MailError(f"cannot connect to SMTP {config.SMTP_HOST}:{config.SMTP_PORT}: "
                          f"{exc}")
        return [(mail, error) for mail in mails]
    results: list[tuple[Mail, MailError | None]] = []
    with smtp:
        for mail in mails:
            try:
                smtp.send_message(build_message(config, mail))
                results.append((mail, None))
                log.info("mail sent", extra={"to": mail.to, "subject": mail.subject})
            except smtplib.SMTPResponseException as exc:
                temporary = 400 <= exc.smtp_code < 500
                results.append((mail, MailError(
                    f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", temporary=temporary)))
            except (OSError, smtplib.SMTPException) as exc:
                results.append((mail, MailError(f"SMTP error: {exc}")))
    return results
