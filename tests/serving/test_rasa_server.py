"""Rasa as scripts/run.sh starts it: the API's secret from the environment, refused when too short
outside development; and the production profile's one-line refusals before anything starts."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from serving import rasa_server
from serving.rasa_server import MIN_API_TOKEN_LENGTH, api_refusal, production_refusal

ROOT = Path(__file__).resolve().parents[2]
SECRET = "x" * MIN_API_TOKEN_LENGTH
INSTAGRAM = {
    "INSTAGRAM_VERIFY_TOKEN": "real-verify-token",
    "INSTAGRAM_APP_SECRET": "real-app-secret",
    "INSTAGRAM_ACCESS_TOKEN": "real-access-token",
}


def test_the_api_needs_a_long_secret_outside_development() -> None:
    assert api_refusal({}) is not None
    assert api_refusal({"RASA_API_TOKEN": SECRET[:-1]}) is not None
    assert api_refusal({"RASA_API_TOKEN": SECRET}) is None
    assert api_refusal({"SHOP_ENV": "development"}) is None
    assert SECRET[:-1] not in api_refusal({"RASA_API_TOKEN": SECRET[:-1]})


def test_production_refuses_placeholders_too() -> None:
    assert production_refusal({"RASA_API_TOKEN": SECRET, **INSTAGRAM}) is None
    placeholder = {**INSTAGRAM, "INSTAGRAM_APP_SECRET": "change-me-app-secret"}
    refusal = production_refusal({"RASA_API_TOKEN": SECRET, **placeholder})
    assert refusal is not None and "INSTAGRAM_APP_SECRET" in refusal


@pytest.fixture
def fake_rasa(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """Rasa's command line, replaced by one that records what it was given."""
    calls: list[list[str]] = []
    fake = types.ModuleType("rasa.__main__")
    fake.main = lambda: calls.append(list(sys.argv))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rasa.__main__", fake)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    original = logging.getLogRecordFactory()
    yield calls
    logging.setLogRecordFactory(original)


def test_the_secret_reaches_rasa_as_the_jwt_secret(fake_rasa: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_API_TOKEN", SECRET)
    monkeypatch.delenv("SHOP_ENV", raising=False)
    rasa_server.main(["run", "--enable-api", "--port", "5005"])
    jwt = ["--jwt-secret", SECRET, "--jwt-method", "HS256"]
    assert fake_rasa == [["rasa", "run", "--enable-api", "--port", "5005", *jwt]]
    assert getattr(logging.getLogRecordFactory(), "masks_personal_data", False)


def test_a_short_secret_stops_it_before_rasa_starts(fake_rasa: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_API_TOKEN", "short")
    monkeypatch.delenv("SHOP_ENV", raising=False)
    with pytest.raises(SystemExit, match="RASA_API_TOKEN"):
        rasa_server.main(["run", "--enable-api"])
    assert fake_rasa == []


def test_development_runs_without_a_secret(fake_rasa: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    monkeypatch.setenv("SHOP_ENV", "development")
    rasa_server.main(["run", "--enable-api"])
    rasa_server.main(["shell"])
    assert fake_rasa == [["rasa", "run", "--enable-api"], ["rasa", "shell"]]


def run_prod(env: dict[str, str]) -> subprocess.CompletedProcess:
    """scripts/run.sh prod expected to refuse; on free ports in case it does not."""
    ports = []
    for _ in range(2):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(str(sock.getsockname()[1]))
    full_env = {**os.environ, "RASA_PORT": ports[0], "ACTIONS_PORT": ports[1], **INSTAGRAM, **env}
    process = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run.sh"), "prod"],
        cwd=ROOT,
        env=full_env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(process.args, process.returncode, output)


@pytest.mark.parametrize("token", ["", "too-short-for-production"])
def test_the_production_profile_refuses_a_short_token_in_one_line(token: str) -> None:
    started = time.monotonic()
    result = run_prod({"RASA_API_TOKEN": token})
    assert result.returncode == 1
    assert result.stdout.count("\n") == 1 and "RASA_API_TOKEN" in result.stdout, result.stdout
    assert time.monotonic() - started < 30  # refused before any server started


def test_the_production_profile_refuses_placeholders_whatever_shop_env_says() -> None:
    result = run_prod(
        {"RASA_API_TOKEN": SECRET, "INSTAGRAM_ACCESS_TOKEN": "change-me-access-token", "SHOP_ENV": "development"}
    )
    assert result.returncode == 1
    assert result.stdout.count("\n") == 1 and "INSTAGRAM_ACCESS_TOKEN" in result.stdout, result.stdout
