"""EmailNotifier against a real SMTP server on 127.0.0.1 (aiosmtpd): what arrives, and how it fails."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from inventory_db import low_stock, settings
from owner.notify import NotificationFailed, messages, notifiers_from_settings
from owner.notify.email import EmailNotifier
from tests.owner.notify.local_servers import PASSWORD, USER, Certificate, SmtpServer, free_port

OWNER, PARTNER = "owner@example.ir", "partner@example.ir"
# The loopback server offers AUTH without TLS on purpose (SHOP_SMTP_SECURITY=none tests); aiosmtpd warns.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def configure(monkeypatch: pytest.MonkeyPatch, port: int, *, security: str = "none", password: str = PASSWORD) -> None:
    monkeypatch.setenv("SHOP_ENV", "development")  # SHOP_SMTP_SECURITY=none is refused otherwise
    monkeypatch.setenv("SHOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SHOP_SMTP_PORT", str(port))
    monkeypatch.setenv("SHOP_SMTP_SECURITY", security)
    monkeypatch.setenv("SHOP_SMTP_USER", USER)
    monkeypatch.setenv("SHOP_SMTP_PASSWORD", password)
    monkeypatch.setenv("SHOP_SMTP_FROM", f"فروشگاه <{USER}>")
    monkeypatch.setenv("SHOP_NOTIFY_EMAIL_TO", f"{OWNER}, {PARTNER}")


def received(server: SmtpServer) -> email.message.EmailMessage:
    [envelope] = server.mailbox.envelopes
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)  # type: ignore[return-value]


async def test_the_owner_receives_the_persian_message_as_written(
    smtp_server: Callable[..., SmtpServer], monkeypatch: pytest.MonkeyPatch, session: Session
) -> None:
    server = smtp_server()
    configure(monkeypatch, server.port)
    [notifier] = notifiers_from_settings()
    level = low_stock.variant_level(session, "B-21", "black", "XL", default=2)
    subject, body = messages.low_stock_alert([level], "https://dashboard.example.ir")

    await notifier.send(subject, body)

    [envelope] = server.mailbox.envelopes
    assert envelope.mail_from == USER
    assert envelope.rcpt_tos == [OWNER, PARTNER]
    assert server.mailbox.logins == [USER]  # it logged in (the server requires it)
    message = received(server)
    assert message["Subject"] == subject
    assert message["To"] == f"{OWNER}, {PARTNER}"
    assert message["From"].addresses[0].display_name == "فروشگاه"
    assert message["Auto-Submitted"] == "auto-generated"
    plain = message.get_body(("plain",))
    assert plain.get_content_charset() == "utf-8"
    assert plain.get_content().rstrip("\n") == body
    html = message.get_body(("html",)).get_content()
    assert '<html lang="fa" dir="rtl">' in html and '<body dir="rtl"' in html
    assert "مانتو کتان (کد B-21) رنگ مشکی سایز XL" in html
    assert '<a href="https://dashboard.example.ir/stock" dir="ltr">' in html


async def test_starttls_then_login(
    smtp_server: Callable[..., SmtpServer], certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default: STARTTLS, verified (here against the test's own certificate); the server refuses
    any mail before STARTTLS, so arriving at all proves the connection was encrypted."""
    server = smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    configure(monkeypatch, server.port, security="starttls")
    notifier = EmailNotifier(settings.smtp_settings(), ssl_context=certificate.client_context())  # type: ignore[arg-type]

    await notifier.send("گزارش", "متن فارسی")

    assert received(server)["Subject"] == "گزارش"
    assert server.mailbox.logins == [USER]


async def test_implicit_tls(
    smtp_server: Callable[..., SmtpServer], certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_server(ssl_context=certificate.server_context())
    configure(monkeypatch, server.port, security="ssl")
    notifier = EmailNotifier(settings.smtp_settings(), ssl_context=certificate.client_context())  # type: ignore[arg-type]

    await notifier.send("گزارش", "متن فارسی")

    assert received(server).get_body(("plain",)).get_content().strip() == "متن فارسی"


async def test_an_untrusted_certificate_is_not_retried(
    smtp_server: Callable[..., SmtpServer], certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without being told to trust it, a self-signed certificate is refused: the system's CAs decide."""
    server = smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    configure(monkeypatch, server.port, security="starttls")
    [notifier] = notifiers_from_settings()

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is False
    assert "certificate" in failed.value.reason
    assert server.mailbox.envelopes == []


async def test_a_wrong_password_is_not_retried_and_never_shown(
    smtp_server: Callable[..., SmtpServer],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = smtp_server()
    wrong = "wrong-password-1234"
    configure(monkeypatch, server.port, password=wrong)
    [notifier] = notifiers_from_settings()
    caplog.set_level(logging.DEBUG)

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is False
    assert "535" in failed.value.reason and "SHOP_SMTP_PASSWORD" in failed.value.reason
    shown = [str(failed.value), repr(notifier), caplog.text, *capsys.readouterr()]
    assert not any(wrong in text for text in shown)
    assert server.mailbox.envelopes == []


async def test_a_refused_connection_is_retryable(monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, free_port())  # nothing listens there
    [notifier] = notifiers_from_settings()

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is True
    assert "ConnectionRefusedError" in failed.value.reason


async def test_a_silent_server_times_out_as_retryable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that takes the connection and never greets: the notifier gives up after its timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        configure(monkeypatch, silent.getsockname()[1])
        notifier = EmailNotifier(settings.smtp_settings(), timeout_s=0.3)  # type: ignore[arg-type]

        with pytest.raises(NotificationFailed) as failed:
            await notifier.send("گزارش", "متن")

    assert failed.value.retryable is True
    assert "in time" in failed.value.reason


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [("451 4.3.0 Mailbox busy, try later", True), ("554 5.7.1 Message rejected", False)],
)
async def test_smtp_4xx_is_retryable_and_5xx_is_not(
    smtp_server: Callable[..., SmtpServer], monkeypatch: pytest.MonkeyPatch, reply: str, retryable: bool
) -> None:
    server = smtp_server(reply=reply)
    configure(monkeypatch, server.port)
    [notifier] = notifiers_from_settings()

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is retryable
    assert reply.split()[0] in failed.value.reason
