"""Start the real action server and Rasa server on free localhost ports for a test."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} server exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up in {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


def tracker_store_config(path: Path) -> str:
    """endpoints.yml's tracker store, as the project configures it, in the SQLite file ``path``."""
    return f"tracker_store:\n  type: channels.turn_guard.TurnSafeSQLTrackerStore\n  dialect: sqlite\n  db: {path}\n"


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SHOP_ENV": "development",  # as `make run`; the production profile's tests set their own
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONPATH": str(ROOT),
    }


@contextmanager
def running_assistant(
    workdir: Path,
    database_url: str,
    credentials: str | None = None,
    extra_env: dict[str, str] | None = None,
    model: Path | None = None,
    tracker_db: Path | None = None,
) -> Iterator[str]:
    """Both servers up, serving ``model`` (default models/shop.tar.gz); yields the Rasa server's
    base URL. Stops both on exit. Conversations are kept in memory, or in the SQLite file
    ``tracker_db`` as endpoints.yml keeps them, which several Rasa servers may share."""
    env = {**server_env(database_url), **(extra_env or {})}
    model = Path(model) if model is not None else ROOT / "models" / "shop.tar.gz"
    actions_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        + (tracker_store_config(tracker_db) if tracker_db else ""),
        encoding="utf-8",
    )
    creds = workdir / "credentials.yml"
    creds.write_text(credentials or "rest:\n", encoding="utf-8")
    actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    processes: list[subprocess.Popen] = []
    try:
        with actions_log.open("w") as out:
            processes.append(
                subprocess.Popen(
                    [str(BIN / "python"), "-m", "serving.action_server", "--port", str(actions_port)],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_http(f"http://127.0.0.1:{actions_port}/health", processes[0], actions_log)
        with rasa_log.open("w") as out:
            processes.append(
                subprocess.Popen(
                    [
                        str(BIN / "python"),
                        "-m",
                        "serving.rasa_server",  # as scripts/run.sh starts it
                        "run",
                        "--model",
                        str(model),
                        "--endpoints",
                        str(endpoints),
                        "--credentials",
                        str(creds),
                        "--port",
                        str(rasa_port),
                        "--interface",
                        "127.0.0.1",
                        "--enable-api",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_http(f"http://127.0.0.1:{rasa_port}/", processes[1], rasa_log, timeout=300)
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        stop_processes(processes)


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """Ask each to stop, then wait up to 20 s each before killing it."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# The block credentials.yml carries for Instagram, its values from the environment.
INSTAGRAM_CREDENTIALS = """\
channels.instagram.InstagramInput:
  verify_token: ${INSTAGRAM_VERIFY_TOKEN}
  app_secret: ${INSTAGRAM_APP_SECRET}
  access_token: ${INSTAGRAM_ACCESS_TOKEN}
  graph_base_url: ${INSTAGRAM_GRAPH_BASE_URL}
  graph_api_version: ${INSTAGRAM_GRAPH_API_VERSION}
"""


@contextmanager
def instagram_assistant(
    workdir: Path, database_url: str, graph: FakeGraphApi, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """Both servers with the Instagram channel from credentials.yml, sending to the fake Graph
    API ``graph``; yields the Rasa server's base URL."""
    if not any((ROOT / "models").glob("*.tar.gz")):
        raise RuntimeError("no trained model in models/: run `make train` first (make test does)")
    instagram_env = {
        "INSTAGRAM_VERIFY_TOKEN": payloads.VERIFY_TOKEN,
        "INSTAGRAM_APP_SECRET": payloads.APP_SECRET,
        "INSTAGRAM_ACCESS_TOKEN": "e2e-access-token",
        "INSTAGRAM_GRAPH_BASE_URL": graph.base_url,
        "INSTAGRAM_GRAPH_API_VERSION": "v25.0",
        **(extra_env or {}),
    }
    with running_assistant(workdir, database_url, credentials=INSTAGRAM_CREDENTIALS, extra_env=instagram_env) as url:
        yield url


def say(base_url: str, sender: str, message: str) -> list[dict]:
    """One REST turn; returns the bot's messages."""
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def shopctl(url: str, *args: str) -> str:
    """The owner's CLI as a real process against the test's store; fails the test on error."""
    result = subprocess.run(
        [sys.executable, "-m", "owner.cli", *args],
        capture_output=True,
        text=True,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def demo_store_url(workdir: Path) -> str:
    """A migrated SQLite store in ``workdir`` holding the demo catalog, and a trained model to serve it."""
    if not (ROOT / "models" / "shop.tar.gz").is_file():
        raise RuntimeError("no trained model in models/: run `make train` first (make test does)")
    url = f"sqlite:///{workdir / 'shop.db'}"
    shopctl(url, "db", "upgrade")
    shopctl(url, "catalog", "import", str(ROOT / "catalogs" / "demo.csv"))
    return url
