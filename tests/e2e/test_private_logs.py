"""Nothing secret or personal in the logs of a production run.

The production profile (``scripts/run.sh prod``) with a fake Graph API: Meta's verification
handshake, a customer buying through Instagram (name, mobile number, address, postal code),
an action that fails inside Rasa's turn, and a failing action call straight to the action
server. rasa-sdk 3.6 would answer that failure with the whole tracker and Rasa would log it;
the profile's action server must not. Then the output of both servers must hold neither the
app secret, the verify token, the access token or the API secret, nor the customer's phone
(in any of the forms it took), address or postal code.

Needs ``make train`` first (models/). Slow: it starts both servers and plays a checkout.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.orm import sessionmaker

from inventory_db import orders
from inventory_db.database import transaction
from owner.rasa_api import bearer_token
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.e2e.production import API_SECRET, Profile, running_production_profile
from tests.e2e.servers import ROOT

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT_S = 120
ACCESS_TOKEN = "e2e-private-access-token-Zq81"
SENDER = "e2e-private-customer"
NAME = "مریم احمدی"
PHONE_TYPED = "۰۹۱۲ ۳۴۵ ۶۷۸۹"
PHONE_FORMS = ("+989123456789", "09123456789", "9123456789", "۰۹۱۲۳۴۵۶۷۸۹", "۰۹۱۲ ۳۴۵ ۶۷۸۹", "0912 345 6789")
ADDRESS = "تهران، خیابان ولیعصر، کوچه نسترن، پلاک ۱۲"
ADDRESS_PARTS = ("ولیعصر", "نسترن")  # distinctive words of it, however the rest was normalised
POSTAL_CODE = "۱۳۴۵۶۷۸۹۱۱"
POSTAL_CODE_FORMS = ("1345678911", "۱۳۴۵۶۷۸۹۱۱", "13456-78911")


def forms(value: str) -> set[str]:
    """The value as a log may write it: as is, with JSON's \\uXXXX escapes (upper or lower
    case), those escaped again (JSON inside a bytes repr), and as UTF-8 bytes in a repr."""
    escaped = json.dumps(value)[1:-1]
    found = {value, escaped, escaped.upper().replace("\\U", "\\u"), repr(value.encode("utf-8"))[2:-1]}
    return found | {form.replace("\\", "\\\\") for form in found}


SECRETS = (payloads.APP_SECRET, payloads.VERIFY_TOKEN, ACCESS_TOKEN, API_SECRET)
PERSONAL = (*PHONE_FORMS, *ADDRESS_PARTS, *POSTAL_CODE_FORMS, NAME)


@pytest.fixture
def profile(tmp_path: Path, database_url: str, demo_store: sessionmaker, graph: FakeGraphApi) -> Iterator[Profile]:
    if not (ROOT / "models" / "shop.tar.gz").is_file():
        pytest.fail("no trained model in models/: run `make train` first (make test does)")
    instagram = {
        "INSTAGRAM_VERIFY_TOKEN": payloads.VERIFY_TOKEN,
        "INSTAGRAM_APP_SECRET": payloads.APP_SECRET,
        "INSTAGRAM_ACCESS_TOKEN": ACCESS_TOKEN,
        "INSTAGRAM_GRAPH_BASE_URL": graph.base_url,
    }
    with running_production_profile(tmp_path, database_url, instagram) as running:
        yield running


def post_json(url: str, body: object, bearer: str | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


async def buy_through_instagram(profile: Profile, graph: FakeGraphApi) -> None:
    graph.media["18000000000000021"] = {"shortcode": "C8dmoB21", "permalink": "https://www.instagram.com/p/C8dmoB21/"}
    share = {
        "type": "ig_post",
        "payload": {"ig_post_media_id": "18000000000000021", "url": "https://lookaside.fbsbx.com/x"},
    }
    steps: list[tuple[dict, str]] = [
        (payloads.attachment_message(SENDER, [share]), "موجوده"),
        (payloads.text_message(SENDER, "میخوامش"), "چه رنگی"),
        (payloads.text_message(SENDER, "مشکیشو"), "چه سایزی"),
        (payloads.text_message(SENDER, "L"), "چند عدد"),
        (payloads.text_message(SENDER, "یکی"), "نام و نام خانوادگی"),
        (payloads.text_message(SENDER, NAME), "شماره موبایل"),
        (payloads.text_message(SENDER, PHONE_TYPED), "آدرس"),
        (payloads.text_message(SENDER, ADDRESS), "کد پستی"),
        (payloads.text_message(SENDER, POSTAL_CODE), "بفرستیم"),
        (payloads.text_message(SENDER, "با پست بفرستید"), "خلاصه سفارش"),
        (payloads.text_message(SENDER, "آره ثبت کن"), "ثبت شد"),
    ]
    url = f"{profile.base_url}/webhooks/instagram/webhook"
    async with aiohttp.ClientSession() as http:
        query = {"hub.mode": "subscribe", "hub.verify_token": payloads.VERIFY_TOKEN, "hub.challenge": "7"}
        async with http.get(url, params=query) as reply:
            assert reply.status == 200
        for event, expected in steps:
            seen = len(graph.texts(SENDER))
            body = payloads.encode(payloads.delivery(event))
            async with http.post(url, data=body, headers=payloads.signed_headers(body)) as reply:
                assert reply.status == 200

            def answered(fake: FakeGraphApi, seen: int = seen, expected: str = expected) -> bool:
                return any(expected in text for text in fake.texts(SENDER)[seen:])

            try:
                await graph.wait_for(answered, timeout=REPLY_TIMEOUT_S)
            except AssertionError:
                tail = "\n".join(profile.output().splitlines()[-40:])
                raise AssertionError(f"no «{expected}» in {graph.texts(SENDER)[seen:]}\n{tail}") from None


def fail_an_action_inside_rasa(profile: Profile) -> None:
    """Rasa runs an action that fails on the customer's tracker: it logs the action server's answer.

    The failure is made by hand: a retry counter that is not a number makes
    ``action_ask_phone`` raise ValueError (``int(...)``)."""
    admin = bearer_token(API_SECRET)
    conversation = f"{profile.base_url}/conversations/{SENDER}"
    broken = {"event": "slot", "name": "checkout_retries", "value": "not-a-number"}
    assert post_json(f"{conversation}/tracker/events", broken, admin)[0] == 200
    status, _ = post_json(f"{conversation}/execute", {"name": "action_ask_phone"}, admin)
    assert status == 200  # Rasa carries on without the action's events


def fail_an_action_on_the_action_server(profile: Profile) -> str:
    """An action call the action server cannot run (no sender_id), carrying the customer's data."""
    slots = {"customer_name": NAME, "phone": "+989123456789", "address": ADDRESS, "postal_code": "1345678911"}
    call = {
        "next_action": "action_place_order",
        "tracker": {
            "slots": slots,
            "events": [{"event": "slot", "name": key, "value": value} for key, value in slots.items()],
            "latest_message": {"text": PHONE_TYPED},
        },
        "domain": {},
    }
    status, body = post_json(f"{profile.actions_url}/webhook", call)
    assert status == 500
    return body


def leaks(text: str, values: tuple[str, ...]) -> list[str]:
    return sorted(value for value in values if any(form in text for form in forms(value)))


async def test_no_secret_or_personal_data_in_the_logs(
    profile: Profile, graph: FakeGraphApi, demo_store: sessionmaker
) -> None:
    await buy_through_instagram(profile, graph)
    with transaction(demo_store) as session:
        placed = [order for order in orders.list_orders(session) if order.customer_id == SENDER]
    assert [(order.phone, order.postal_code) for order in placed] == [("+989123456789", "1345678911")]

    fail_an_action_inside_rasa(profile)
    answer = fail_an_action_on_the_action_server(profile)
    assert leaks(answer, PERSONAL) == [], answer

    profile.process.terminate()  # run.sh stops both servers; the fixture waits for it
    profile.process.wait(timeout=60)
    log = profile.output()
    assert "Encountered an exception while running action 'action_ask_phone'" in log, "the failure did not happen"
    assert "Action action_place_order failed" in log
    assert leaks(log, SECRETS) == []
    assert leaks(log, PERSONAL) == []
