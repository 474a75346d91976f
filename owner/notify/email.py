"""Email to the owner over SMTP, with smtplib in a worker thread so the event loop keeps going.

TLS by default: STARTTLS on port 587, or implicit TLS (SMTPS) on 465, verified against the
system's trusted certificates. The message is UTF-8 plain text, the Persian as written, with
an HTML alternative marked ``dir="rtl"`` so mail apps lay it out right to left. Failures come
back as ``NotificationFailed``: a refused login, a missing TLS or a rejected address are the
settings' fault (not retryable); no connection, a timeout or an SMTP 4xx may pass.

The password goes to ``smtplib.login`` and nowhere else: ``SmtpSettings`` leaves it out of its
repr, smtplib's debug output stays off, and no failure message quotes it.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from inventory_db.settings import SmtpSettings
from owner.notify import EMAIL, TIMEOUT_S, NotificationFailed

logger = logging.getLogger(__name__)

_URL = re.compile(r"https?://[^\s<>\"]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_STYLE = "direction: rtl; text-align: right; font-family: Vazirmatn, Tahoma, sans-serif; line-height: 1.8"


def _line_html(line: str) -> str:
    """One line escaped, its URLs made links (kept left to right inside the Persian)."""
    parts, at = [], 0
    for found in _URL.finditer(line):
        url = found.group(0)
        parts.append(html.escape(line[at : found.start()]))
        parts.append(f'<a href="{html.escape(url)}" dir="ltr">{html.escape(url)}</a>')
        at = found.end()
    parts.append(html.escape(line[at:]))
    return "".join(parts)


def html_body(subject: str, body: str) -> str:
    """The HTML alternative: the subject as a heading, a paragraph per blank-line block."""
    paragraphs = [block for block in _PARAGRAPH_BREAK.split(body.strip()) if block.strip()]
    rendered = "\n".join(
        "<p>" + "<br>\n".join(_line_html(line) for line in p.splitlines()) + "</p>" for p in paragraphs
    )
    title = html.escape(subject)
    return (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl">\n'
        f'<head><meta charset="utf-8"><title>{title}</title></head>\n'
        f'<body dir="rtl" style="{_STYLE}">\n<h3>{title}</h3>\n{rendered}\n</body>\n</html>\n'
    )


def build_message(sender: str, recipients: tuple[str, ...], subject: str, body: str) -> EmailMessage:
    """The email as sent: UTF-8 text and its right-to-left HTML twin, marked as sent by a machine."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message["Content-Language"] = "fa"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the shop
    message.set_content(body, charset="utf-8")
    message.add_alternative(html_body(subject, body), subtype="html", charset="utf-8")
    return message


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {text.strip()}"[:200]


def _failure(error: OSError, server: str) -> NotificationFailed:
    """What went wrong, in one line the owner can act on, and whether trying again may help."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        reason = f"{server} refused the user name or password (SHOP_SMTP_USER, SHOP_SMTP_PASSWORD): {_reply(error)}"
        return NotificationFailed(f"email: {reason}", retryable=False)
    if isinstance(error, smtplib.SMTPNotSupportedError):  # no STARTTLS, no AUTH, no SMTPUTF8
        reason = f"{server}: {error} (check SHOP_SMTP_SECURITY and SHOP_SMTP_PORT)"
        return NotificationFailed(f"email: {reason}", retryable=False)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        refused = ", ".join(f"{address} ({code})" for address, (code, _) in error.recipients.items())
        retryable = bool(codes) and all(400 <= code < 500 for code in codes)
        return NotificationFailed(f"email: {server} refused every recipient: {refused}", retryable=retryable)
    if isinstance(error, smtplib.SMTPResponseException):  # 4xx: try later; 5xx: it will not change
        retryable = 400 <= error.smtp_code < 500
        return NotificationFailed(f"email: {server} answered {_reply(error)}", retryable=retryable)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        if isinstance(error.__context__, TimeoutError):  # smtplib words a read timeout as a disconnection
            return NotificationFailed(f"email: {server} did not answer in time", retryable=True)
        return NotificationFailed(f"email: {server} closed the connection ({error})", retryable=True)
    if isinstance(error, smtplib.SMTPException):
        return NotificationFailed(f"email: {server}: {error}", retryable=False)
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = f"{server}'s TLS certificate could not be verified ({error.verify_message})"
        return NotificationFailed(f"email: {reason}", retryable=False)
    if isinstance(error, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        return NotificationFailed(f"email: {server} dropped the TLS connection", retryable=True)
    if isinstance(error, ssl.SSLError):  # e.g. ssl on a STARTTLS port: "wrong version number"
        reason = f"TLS with {server} failed ({error.reason}); SHOP_SMTP_SECURITY=ssl is for port 465, starttls for 587"
        return NotificationFailed(f"email: {reason}", retryable=False)
    if isinstance(error, TimeoutError):
        return NotificationFailed(f"email: {server} did not answer in time", retryable=True)
    return NotificationFailed(f"email: could not reach {server} ({type(error).__name__}: {error})", retryable=True)


class EmailNotifier:
    """Email to ``SHOP_NOTIFY_EMAIL_TO``: a connection per message, closed once it is sent."""

    channel = EMAIL

    def __init__(
        self, config: SmtpSettings, *, timeout_s: float = TIMEOUT_S, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.config = config
        self.timeout_s = timeout_s
        self._ssl_context = ssl_context  # None: the system's trusted certificates

    def __repr__(self) -> str:
        return f"EmailNotifier({self.config!r})"

    async def send(self, subject: str, body: str) -> None:
        message = build_message(self.config.sender, self.config.recipients, subject, body)
        await asyncio.to_thread(self._deliver, message)

    def _deliver(self, message: EmailMessage) -> None:
        config = self.config
        server = f"{config.host}:{config.port}"
        try:
            refused = self._transmit(message)
        except OSError as error:  # smtplib's and ssl's errors are OSErrors too
            raise _failure(error, server) from error
        if refused:  # some of the owner's addresses took it, these did not
            logger.warning("The SMTP server %s refused some owner addresses: %s", server, ", ".join(sorted(refused)))
        logger.info("Email notification sent through %s to %d address(es)", server, len(config.recipients))

    def _transmit(self, message: EmailMessage) -> dict:
        config = self.config
        context = self._ssl_context or ssl.create_default_context()
        client: smtplib.SMTP
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(config.host, config.port, timeout=self.timeout_s, context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=self.timeout_s)
        try:
            if config.security == "starttls":
                client.starttls(context=context)
            if config.user:
                client.login(config.user, config.password)
            recipients = [parseaddr(address)[1] for address in config.recipients]
            return client.send_message(message, from_addr=parseaddr(config.sender)[1], to_addrs=recipients)
        finally:
            try:
                client.quit()  # after the message was taken, a failed goodbye is no failure to send
            except OSError:
                client.close()
