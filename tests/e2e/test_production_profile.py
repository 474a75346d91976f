"""The production profile (``scripts/run.sh prod``, ``make run-prod``) as a server would run it:
only Meta's webhook is there for the internet, Rasa's HTTP API takes only a JWT signed with
``RASA_API_TOKEN`` in the Authorization header, and nothing listens beyond 127.0.0.1.

Needs ``make train`` first (models/). Slow: it starts both servers, once for the module.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from owner.rasa_api import bearer_token, resume_conversation
from tests.e2e.production import API_SECRET, Profile, group_pids, listening_sockets, running_production_profile
from tests.e2e.servers import ROOT, demo_store_url

pytestmark = pytest.mark.e2e

LOOPBACK = {"127.0.0.1", "::1"}


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    if not (ROOT / "models" / "shop.tar.gz").is_file():
        pytest.fail("no trained model in models/: run `make train` first (make test does)")
    workdir = tmp_path_factory.mktemp("production")
    with running_production_profile(workdir, demo_store_url(workdir)) as running:
        yield running


def status_of(url: str, *, method: str = "GET", body: dict | None = None, bearer: str | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_there_is_no_rest_channel(profile: Profile) -> None:
    body = {"sender": "someone", "message": "سلام"}
    assert status_of(f"{profile.base_url}/webhooks/rest/webhook", method="POST", body=body) == 404


def test_the_instagram_webhook_is_served(profile: Profile) -> None:
    query = "hub.mode=subscribe&hub.verify_token=e2e-verify-token&hub.challenge=42"
    with urllib.request.urlopen(f"{profile.base_url}/webhooks/instagram/webhook?{query}", timeout=30) as reply:
        assert reply.read() == b"42"


@pytest.mark.parametrize("path", ["/status", "/conversations/x/tracker"])
def test_the_api_refuses_requests_without_the_token(profile: Profile, path: str) -> None:
    assert status_of(f"{profile.base_url}{path}") in (401, 403)
    assert status_of(f"{profile.base_url}{path}", bearer=bearer_token("not-the-secret-" * 3)) in (401, 403)
    # Rasa's --auth-token would take the secret from the URL: the profile does not use it.
    assert status_of(f"{profile.base_url}{path}?token={API_SECRET}") in (401, 403)


def test_the_api_answers_a_jwt_signed_with_the_token_in_the_header(profile: Profile) -> None:
    assert status_of(f"{profile.base_url}/status", bearer=bearer_token(API_SECRET)) == 200
    assert status_of(f"{profile.base_url}/conversations/x/tracker", bearer=bearer_token(API_SECRET)) == 200


def test_a_conversation_token_opens_that_conversation_only(profile: Profile) -> None:
    mine = bearer_token(API_SECRET, "x")
    assert status_of(f"{profile.base_url}/conversations/x/tracker", bearer=mine) == 200
    assert status_of(f"{profile.base_url}/conversations/y/tracker", bearer=mine) == 403
    assert status_of(f"{profile.base_url}/status", bearer=mine) == 403


def test_handoff_release_resumes_through_the_api(profile: Profile) -> None:
    resume_conversation("released-customer", base_url=profile.base_url, token=API_SECRET)  # raises on refusal


def test_nothing_listens_beyond_loopback(profile: Profile) -> None:
    sockets = listening_sockets(group_pids(profile.process.pid))
    ports = {port for _, port in sockets}
    assert {int(profile.base_url.rsplit(":", 1)[1]), int(profile.actions_url.rsplit(":", 1)[1])} <= ports, sockets
    assert [(host, port) for host, port in sockets if host not in LOOPBACK] == []


def test_the_secrets_are_not_on_any_command_line(profile: Profile) -> None:
    for pid in group_pids(profile.process.pid):
        try:
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            continue
        assert API_SECRET not in command_line and "e2e-app-secret" not in command_line, command_line
