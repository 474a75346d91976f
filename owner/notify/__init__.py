"""How the shop reaches its owner between chats: one interface, email and Telegram behind it.

A ``Notifier`` sends one message, a subject and a plain-text body (``owner.notify.messages``
words them), and either returns or raises ``NotificationFailed``, which says whether the
same message may work later (``retryable``: the server was unreachable, slow or busy) or
needs the owner to fix the settings first (a wrong password, an unknown chat). Sending is
all a notifier does: what to send and when, and remembering what was sent, is the caller's.

``notifiers_from_settings()`` builds the transports ``inventory_db.settings`` finds in the
environment; docs/notifications.md says how to set each up.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from inventory_db import settings

EMAIL = "email"
TELEGRAM = "telegram"
TIMEOUT_S = 15.0  # per message: a notification is never worth holding a worker longer


class NotificationFailed(Exception):
    """A message did not reach the owner.

    ``retryable``: the same message may get through later (no connection, a timeout, an
    SMTP 4xx, Telegram's 429 or 5xx); otherwise the settings need fixing (a wrong
    password, an unknown chat) and retrying only repeats the failure. ``retry_after``:
    the seconds the server asked us to wait (Telegram's 429), when it said.
    The reason never holds a password or a bot token.
    """

    def __init__(self, reason: str, retryable: bool, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


@runtime_checkable
class Notifier(Protocol):
    """One way of reaching the owner."""

    channel: str  # "email" or "telegram"

    async def send(self, subject: str, body: str) -> None:
        """Deliver one message, or raise NotificationFailed."""
        ...


def notifiers_from_settings() -> list[Notifier]:
    """The transports configured in the environment: none is an empty list, half of one a
    ValueError naming the missing variable (``inventory_db.settings``)."""
    from owner.notify.email import EmailNotifier
    from owner.notify.telegram import TelegramNotifier

    found: list[Notifier] = []
    smtp = settings.smtp_settings()
    if smtp is not None:
        found.append(EmailNotifier(smtp))
    telegram = settings.telegram_settings()
    if telegram is not None:
        found.append(TelegramNotifier(telegram))
    return found
