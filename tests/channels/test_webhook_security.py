"""Verification handshake, signatures over the raw bytes, and bodies we refuse."""

from __future__ import annotations

import json
import time

from channels.instagram_webhook import sign
from tests.channels import payloads
from tests.channels.conftest import Harness


async def _get(harness: Harness, **params: str) -> tuple[int, str]:
    async with harness.http.get(harness.webhook_url, params=params) as reply:
        return reply.status, await reply.text()


async def test_verification_echoes_the_challenge_for_the_right_token(harness: Harness) -> None:
    status, text = await _get(
        harness, **{"hub.mode": "subscribe", "hub.verify_token": payloads.VERIFY_TOKEN, "hub.challenge": "1158201444"}
    )
    assert (status, text) == (200, "1158201444")


async def test_verification_refuses_a_wrong_token_or_mode(harness: Harness) -> None:
    wrong_token = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "42"}
    wrong_mode = {"hub.mode": "unsubscribe", "hub.verify_token": payloads.VERIFY_TOKEN, "hub.challenge": "42"}
    assert (await _get(harness, **wrong_token))[0] == 403
    assert (await _get(harness, **wrong_mode))[0] == 403
    assert (await _get(harness))[0] == 403


async def test_unsigned_or_badly_signed_posts_get_403_and_are_not_processed(harness: Harness) -> None:
    body = payloads.encode(payloads.delivery(payloads.text_message("5001", "سلام")))
    for headers in (
        {"Content-Type": "application/json"},
        {"X-Hub-Signature-256": sign("another-secret", body)},
        {"X-Hub-Signature-256": sign(payloads.APP_SECRET, body).replace("sha256=", "sha1=")},
        {"X-Hub-Signature-256": sign(payloads.APP_SECRET, body)[:-2]},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature-256": "sha256=زززز"},
    ):
        status, _ = await harness.post(body, headers=headers)
        assert status == 403, headers
    await harness.settle()
    assert harness.bot.received == [] and harness.graph.calls == []


async def test_signature_is_over_the_raw_bytes_not_reserialised_json(harness: Harness) -> None:
    document = payloads.delivery(payloads.text_message("5002", "سلام، مانتو موجوده؟"))
    raw = payloads.encode(document)  # what Meta sends: Persian unescaped
    reserialised = json.dumps(document).encode()  # \u0633\u0644... : same JSON, other bytes
    assert raw != reserialised
    status, _ = await harness.post(raw, headers={"X-Hub-Signature-256": sign(payloads.APP_SECRET, reserialised)})
    assert status == 403
    status, _ = await harness.post(raw)
    assert status == 200
    await harness.settle()
    assert harness.bot.texts == ["سلام، مانتو موجوده؟"]


async def test_malformed_bodies_get_400(harness: Harness) -> None:
    for body in (
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'{"object": "instagram"}',
        b'{"object": "instagram", "entry": "nope"}',
        b"[" * 100_000 + b"]" * 100_000,
    ):
        status, _ = await harness.post(body)
        assert status == 400, body[:40]


async def test_oversized_bodies_get_413_before_they_are_buffered(harness: Harness, caplog) -> None:  # type: ignore[no-untyped-def]
    padded = b'{"object": "instagram", "entry": [], "pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert (await harness.post(padded))[0] == 413

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(64):  # 4 MiB in all, with no Content-Length: the cap must stop the reading
            yield b"x" * 65536

    async with harness.http.post(harness.webhook_url, data=chunks(), headers=payloads.signed_headers(b"")) as reply:
        assert reply.status == 413
    assert sum("body over" in record.getMessage() for record in caplog.records) == 2


async def test_every_odd_shape_gets_200_or_4xx_never_500(harness: Harness) -> None:
    sender = {"id": "7100"}
    shapes = [
        {"object": "instagram", "entry": [1, {"id": "1", "messaging": [None, {"sender": 5}, {"message": []}]}]},
        {"object": "instagram", "entry": [{"id": "1", "messaging": 5}]},
        {"object": "instagram", "entry": [{"id": "1", "changes": "x", "messaging": {"a": 1}}]},
        {"object": "instagram", "entry": [{"id": "1", "messaging": [{"sender": ["7100"], "message": {"mid": "m"}}]}]},
        {
            "object": "instagram",
            "entry": [{"id": "1", "messaging": [{"sender": sender, "message": {"mid": {"x": 1}}}]}],
        },
        {
            "object": "instagram",
            "entry": [
                {
                    "id": "1",
                    "messaging": [{"sender": sender, "timestamp": "soon", "message": {"mid": "m-soon", "text": 5}}],
                }
            ],
        },
        {"object": "instagram", "entry": [{"id": "1", "changes": [{"field": "comments", "value": {"id": []}}]}]},
        {"object": "instagram", "entry": [{"id": "1", "time": True, "field": "comments", "value": {"id": "c1"}}]},
        {"object": 7, "entry": []},
        {"object": "user", "entry": [{"id": "1"}]},
    ]
    for shape in shapes:
        status, _ = await harness.post(payloads.encode(shape))
        assert status == 200, shape
    for constant in (b"Infinity", b"-Infinity", b"NaN", b"1e400"):
        body = (
            b'{"object": "instagram", "entry": [{"id": "1", "time": ' + constant + b', "messaging": [{"sender": '
            b'{"id": "7101"}, "timestamp": '
            + constant
            + b', "message": {"mid": "m-'
            + constant
            + b'", "text": "hi"}}]}]}'
        )
        assert (await harness.post(body))[0] == 200, constant
    await harness.settle()
    assert sorted(harness.bot.texts) == ["5", "hi", "hi", "hi", "hi"]  # read as now; the text 5 as "5"


async def test_webhook_answers_at_once_and_processes_afterwards(harness: Harness) -> None:
    harness.bot.delay = lambda: 1.5  # a slow bot turn
    started = time.monotonic()
    status, _ = await harness.post(payloads.delivery(payloads.text_message("5003", "سلام")))
    answered_in = time.monotonic() - started
    assert status == 200 and answered_in < 0.5
    await harness.settle()
    assert harness.graph.texts("5003") == ["got: سلام"]


async def test_health_route(harness: Harness) -> None:
    async with harness.http.get(f"{harness.base_url}/webhooks/instagram/") as reply:
        assert reply.status == 200 and (await reply.json()) == {"status": "ok"}
