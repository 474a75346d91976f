"""TelegramNotifier against a fake Bot API on 127.0.0.1: what it posts, and how failures read."""

from __future__ import annotations

import logging
import traceback

import aiohttp
import pytest

from inventory_db import settings
from owner.notify import NotificationFailed, notifiers_from_settings
from owner.notify.telegram import MAX_TEXT, TelegramNotifier, message_text
from tests.owner.notify.fake_telegram import FakeTelegram
from tests.owner.notify.local_servers import TOKEN, free_port

CHAT = "-1001234567890"


def configure(monkeypatch: pytest.MonkeyPatch, base_url: str) -> TelegramNotifier:
    monkeypatch.setenv("SHOP_TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SHOP_TELEGRAM_CHAT_ID", CHAT)
    monkeypatch.setenv("SHOP_TELEGRAM_API_BASE", base_url)
    [notifier] = notifiers_from_settings()
    assert isinstance(notifier, TelegramNotifier)
    return notifier


def everything_shown(failure: NotificationFailed) -> str:
    """What a log line or a traceback of the failure would show."""
    return "".join(traceback.format_exception(type(failure), failure, failure.__traceback__)) + repr(failure)


async def test_posts_the_chat_and_the_text_to_send_message(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifier = configure(monkeypatch, telegram.base_url)

    await notifier.send("موجودی رو به اتمام", "مانتو کتان (کد B-21): ۱ عدد مانده")

    [call] = telegram.calls
    assert call.path == f"/bot{TOKEN}/sendMessage"
    assert call.body == {"chat_id": int(CHAT), "text": "موجودی رو به اتمام\n\nمانتو کتان (کد B-21): ۱ عدد مانده"}


async def test_a_session_passed_in_is_used_and_left_open(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SHOP_TELEGRAM_CHAT_ID", "@shop_owner_channel")
    monkeypatch.setenv("SHOP_TELEGRAM_API_BASE", telegram.base_url)
    async with aiohttp.ClientSession() as session:
        notifier = TelegramNotifier(settings.telegram_settings(), session=session)  # type: ignore[arg-type]
        await notifier.send("یک", "دو")
        await notifier.send("سه", "چهار")
        assert not session.closed
    assert [call.body["chat_id"] for call in telegram.calls] == ["@shop_owner_channel"] * 2


async def test_an_unknown_chat_is_not_retried_and_the_token_stays_hidden(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = configure(monkeypatch, telegram.base_url)
    telegram.answer_next(400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    caplog.set_level(logging.DEBUG)

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is False
    assert "Bad Request: chat not found" in failed.value.reason
    assert "SHOP_TELEGRAM_CHAT_ID" in failed.value.reason
    assert TOKEN not in everything_shown(failed.value) + caplog.text + repr(notifier)


async def test_a_wrong_token_is_not_retried(telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    notifier = configure(monkeypatch, telegram.base_url)
    telegram.answer_next(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is False
    assert "SHOP_TELEGRAM_BOT_TOKEN" in failed.value.reason


async def test_429_is_retryable_after_the_time_telegram_asks(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifier = configure(monkeypatch, telegram.base_url)
    telegram.answer_next(
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is True
    assert failed.value.retry_after == 7


async def test_a_server_error_is_retryable(telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    notifier = configure(monkeypatch, telegram.base_url)
    telegram.answer_next(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is True
    assert failed.value.retry_after is None


async def test_no_server_is_retryable_and_the_token_stays_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    notifier = configure(monkeypatch, f"http://127.0.0.1:{free_port()}")

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is True
    assert "ClientConnectorError" in failed.value.reason
    assert failed.value.__cause__ is None and failed.value.__suppress_context__
    assert TOKEN not in everything_shown(failed.value)


async def test_an_aiohttp_error_quoting_the_url_is_rewritten_without_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiohttp's InvalidURL and ClientResponseError print the URL, which holds the token."""

    class QuotingSession:
        def post(self, url: str, **options: object) -> None:
            raise aiohttp.InvalidURL(url)

    configure(monkeypatch, "https://api.telegram.org")
    notifier = TelegramNotifier(settings.telegram_settings(), session=QuotingSession())  # type: ignore[arg-type]

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert "InvalidURL" in failed.value.reason and "/bot<token>/sendMessage" in failed.value.reason
    assert TOKEN not in everything_shown(failed.value)


async def test_a_redirect_is_not_followed(telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    notifier = configure(monkeypatch, telegram.base_url)
    telegram.answer_next(302, {}, headers={"Location": f"{telegram.base_url}/elsewhere"})

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is False
    assert "SHOP_TELEGRAM_API_BASE" in failed.value.reason
    assert [call.path for call in telegram.calls] == [f"/bot{TOKEN}/sendMessage"]


async def test_a_slow_server_times_out_as_retryable(telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, telegram.base_url)
    notifier = TelegramNotifier(settings.telegram_settings(), timeout_s=0.2)  # type: ignore[arg-type]
    telegram.stall_s = 2

    with pytest.raises(NotificationFailed) as failed:
        await notifier.send("گزارش", "متن")

    assert failed.value.retryable is True
    assert "in time" in failed.value.reason


def test_a_long_message_is_cut_at_a_line_to_fit() -> None:
    body = "\n".join(f"• مدل شماره {n}: ۱ عدد مانده" for n in range(1000))

    text = message_text("موجودی رو به اتمام", body)

    assert len(text) <= MAX_TEXT
    assert text.startswith("موجودی رو به اتمام\n\n• مدل شماره 0:")
    assert text.endswith("عدد مانده\n…")
