"""Which transports the environment configures: none, both, or a clear refusal of half of one."""

from __future__ import annotations

import pytest

from inventory_db import settings
from owner.notify import EMAIL, TELEGRAM, Notifier, notifiers_from_settings
from tests.owner.notify.local_servers import PASSWORD, TOKEN

EMAIL_SETTINGS = {
    "SHOP_SMTP_HOST": "smtp.example.ir",
    "SHOP_SMTP_USER": "shop@example.ir",
    "SHOP_SMTP_PASSWORD": PASSWORD,
    "SHOP_NOTIFY_EMAIL_TO": "owner@example.ir",
}
TELEGRAM_SETTINGS = {"SHOP_TELEGRAM_BOT_TOKEN": TOKEN, "SHOP_TELEGRAM_CHAT_ID": "123456789"}


def set_all(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_nothing_configured_is_no_notifier() -> None:
    assert notifiers_from_settings() == []


def test_both_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    set_all(monkeypatch, EMAIL_SETTINGS | TELEGRAM_SETTINGS)

    found = notifiers_from_settings()

    assert [notifier.channel for notifier in found] == [EMAIL, TELEGRAM]
    assert all(isinstance(notifier, Notifier) for notifier in found)
    shown = " ".join(repr(notifier) for notifier in found)
    assert PASSWORD not in shown and TOKEN not in shown
    assert "smtp.example.ir" in shown  # the rest is there to debug with


def test_email_defaults_to_starttls_on_587_from_the_user(monkeypatch: pytest.MonkeyPatch) -> None:
    set_all(monkeypatch, EMAIL_SETTINGS)

    smtp = settings.smtp_settings()

    assert smtp is not None
    assert (smtp.security, smtp.port, smtp.sender) == ("starttls", 587, "shop@example.ir")


def test_ssl_defaults_to_port_465_and_recipients_are_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    set_all(
        monkeypatch,
        EMAIL_SETTINGS | {"SHOP_SMTP_SECURITY": "SSL", "SHOP_NOTIFY_EMAIL_TO": " a@example.ir, b@example.ir ,"},
    )

    smtp = settings.smtp_settings()

    assert smtp is not None
    assert (smtp.security, smtp.port, smtp.recipients) == ("ssl", 465, ("a@example.ir", "b@example.ir"))


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({"SHOP_SMTP_HOST": "smtp.example.ir"}, "SHOP_NOTIFY_EMAIL_TO"),
        ({"SHOP_NOTIFY_EMAIL_TO": "owner@example.ir", "SHOP_SMTP_FROM": "shop@example.ir"}, "SHOP_SMTP_HOST"),
        ({k: v for k, v in EMAIL_SETTINGS.items() if k != "SHOP_SMTP_PASSWORD"}, "SHOP_SMTP_PASSWORD"),
        ({"SHOP_SMTP_HOST": "smtp.example.ir", "SHOP_NOTIFY_EMAIL_TO": "owner@example.ir"}, "SHOP_SMTP_FROM"),
        ({"SHOP_TELEGRAM_BOT_TOKEN": TOKEN}, "SHOP_TELEGRAM_CHAT_ID"),
        ({"SHOP_TELEGRAM_CHAT_ID": "123456789"}, "SHOP_TELEGRAM_BOT_TOKEN"),
        ({"SHOP_TELEGRAM_API_BASE": "https://tapi.bale.ai"}, "SHOP_TELEGRAM_BOT_TOKEN"),
    ],
)
def test_half_configured_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], missing: str
) -> None:
    set_all(monkeypatch, values)

    with pytest.raises(ValueError, match=missing) as refused:
        notifiers_from_settings()

    assert PASSWORD not in str(refused.value) and TOKEN not in str(refused.value)


def test_unencrypted_smtp_only_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    set_all(monkeypatch, EMAIL_SETTINGS | {"SHOP_SMTP_SECURITY": "none"})
    with pytest.raises(ValueError, match="SHOP_ENV=development"):
        settings.smtp_settings()

    monkeypatch.setenv("SHOP_ENV", "development")
    assert settings.smtp_settings().security == "none"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("SHOP_SMTP_SECURITY", "tls", "not one of"),
        ("SHOP_SMTP_PORT", "smtp", "not a port"),
        ("SHOP_NOTIFY_EMAIL_TO", "owner at example.ir", "not an email address"),
    ],
)
def test_email_values_that_cannot_work(monkeypatch: pytest.MonkeyPatch, name: str, value: str, complaint: str) -> None:
    set_all(monkeypatch, EMAIL_SETTINGS | {name: value})

    with pytest.raises(ValueError, match=complaint):
        settings.smtp_settings()


def test_bale_is_a_base_url_away(monkeypatch: pytest.MonkeyPatch) -> None:
    set_all(monkeypatch, TELEGRAM_SETTINGS | {"SHOP_TELEGRAM_API_BASE": "https://tapi.bale.ai/"})

    telegram = settings.telegram_settings()

    assert telegram is not None
    assert (telegram.api_base, telegram.chat_id) == ("https://tapi.bale.ai", "123456789")


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("SHOP_TELEGRAM_API_BASE", "http://api.example.ir", "unencrypted"),
        ("SHOP_TELEGRAM_API_BASE", "api.telegram.org", "not an http"),
        ("SHOP_TELEGRAM_CHAT_ID", "the owner", "not a chat id"),
        ("SHOP_TELEGRAM_BOT_TOKEN", "123/../456", "not a bot token"),
    ],
)
def test_telegram_values_that_cannot_work(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, complaint: str
) -> None:
    set_all(monkeypatch, TELEGRAM_SETTINGS | {name: value})

    with pytest.raises(ValueError, match=complaint):
        settings.telegram_settings()
