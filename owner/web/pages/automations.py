"""*Automations*: what the worker sent the owner and what failed (``owner_notifications``), and
customers' follow-ups: sent, skipped and waiting to be sent by hand (``due_work``), with the
text ready to copy and a button to mark one sent by hand, recorded in the owner's action log."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.orm import Session

from inventory_db import due_work, owner_accounts, owner_notifications
from inventory_db.models import utcnow
from owner.web import store
from owner.web.templating import render

ACTOR = "owner"
SHOWN = 50


@dataclass(frozen=True)
class AutomationLog:
    notifications: list[owner_notifications.Notification]
    hand_send: list[due_work.DueItem]
    follow_ups: list[due_work.DueItem]


def read_log(session: Session) -> AutomationLog:
    return AutomationLog(
        notifications=owner_notifications.recent(session, limit=SHOWN),
        hand_send=due_work.recent(session, statuses=[due_work.HAND_SEND], limit=SHOWN),
        follow_ups=due_work.recent(session, limit=SHOWN),
    )


async def automations_page(request: web.Request) -> web.Response:
    log = await store.run(request, read_log)
    return render(request, "automations.html", here="automations", log=log)


async def mark_hand_sent(request: web.Request) -> web.Response:
    item_id = int(request.match_info["id"])

    def work(session: Session) -> bool:
        done = due_work.hand_sent(session, item_id, ACTOR, utcnow())
        if done:
            owner_accounts.record_action(session, "follow_up.hand_sent", str(item_id), actor=ACTOR)
        return done

    if not await store.run(request, work):
        raise web.HTTPConflict(text="that follow-up is not waiting to be sent by hand")
    raise web.HTTPSeeOther("/automations")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/automations", automations_page)
    app.router.add_post(r"/automations/hand-sent/{id:\d+}", mark_hand_sent)
