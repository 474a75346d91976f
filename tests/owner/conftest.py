"""For the owner's notifications and the worker: a real SMTP server (aiosmtpd) and a fake Telegram Bot API, both on 127.0.0.1, and a clean
environment: no notification variable of the machine running the tests leaks in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from inventory_db import settings
from tests.owner.notify.fake_telegram import FakeTelegram
from tests.owner.notify.local_servers import Certificate, Mailbox, SmtpServer, authenticate, free_port, make_certificate


@pytest.fixture(autouse=True)
def notification_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*settings.SMTP_VARIABLES, *settings.TELEGRAM_VARIABLES, "SHOP_ENV"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., SmtpServer]]:
    """Starts aiosmtpd on a free port of 127.0.0.1, offering AUTH (even without TLS) and
    requiring it; ``reply`` is its answer to DATA, other options go to aiosmtpd."""
    started: list[Controller] = []

    def start(*, reply: str = "250 OK", **options: Any) -> SmtpServer:
        mailbox = Mailbox(reply)
        port = free_port()
        controller = Controller(
            mailbox,
            hostname="127.0.0.1",
            port=port,
            authenticator=authenticate,
            auth_required=True,
            auth_require_tls=False,
            **options,
        )
        controller.start()
        started.append(controller)
        return SmtpServer(mailbox, port)

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = await FakeTelegram().start()
    yield fake
    await fake.stop()
