"""One shop's real processes, to break on purpose: an action server and any number of
Rasa servers (Instagram channel, turn-safe SQL tracker store) on one SQLite store, with
a fake Graph API. Used by the fault tests and ``make bench-faults``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from inventory_db import inbox
from inventory_db.database import make_engine, make_session_factory, transaction
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.e2e.servers import BIN, ROOT, free_port, server_env, tracker_store_config, wait_http

CREDENTIALS = """\
channels.instagram.InstagramInput:
  verify_token: {verify}
  app_secret: {secret}
  access_token: faults-access-token
  graph_base_url: {graph}
  inbox_lease_s: 4
  inbox_poll_s: 0.5
  inbox_retry_base_s: 1
  inbox_retry_max_s: 4
  inbox_max_attempts: 8
"""


@dataclass
class Shop:
    """Processes of one shop: an action server and any number of Rasa servers on one store."""

    workdir: Path
    database_url: str
    graph: FakeGraphApi
    actions_port: int = field(default_factory=free_port)
    actions: subprocess.Popen | None = None
    rasa: dict[str, tuple[subprocess.Popen, int]] = field(default_factory=dict)

    def _env(self) -> dict[str, str]:
        return server_env(self.database_url)

    def start_actions(self) -> None:
        log = self.workdir / "actions.log"
        with log.open("a") as out:
            self.actions = subprocess.Popen(
                [str(BIN / "python"), "-m", "serving.action_server", "--port", str(self.actions_port)],
                cwd=ROOT,
                env=self._env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_http(f"http://127.0.0.1:{self.actions_port}/health", self.actions, log)

    def stop_actions(self) -> None:
        assert self.actions is not None
        self.actions.kill()
        self.actions.wait(timeout=20)

    def start_rasa(self, name: str) -> str:
        """A Rasa server named ``name`` (its log is <name>.log); its base URL."""
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n'
            + tracker_store_config(self.workdir / "tracker.db"),
            encoding="utf-8",
        )
        credentials = self.workdir / "credentials.yml"
        credentials.write_text(
            CREDENTIALS.format(verify=payloads.VERIFY_TOKEN, secret=payloads.APP_SECRET, graph=self.graph.base_url),
            encoding="utf-8",
        )
        port = free_port()
        log = self.workdir / f"{name}.log"
        with log.open("a") as out:
            process = subprocess.Popen(
                [
                    str(BIN / "python"),
                    "-m",
                    "serving.rasa_server",  # as scripts/run.sh starts it
                    "run",
                    "--model",
                    str(ROOT / "models" / "shop.tar.gz"),
                    "--endpoints",
                    str(endpoints),
                    "--credentials",
                    str(credentials),
                    "--port",
                    str(port),
                    "--interface",
                    "127.0.0.1",
                ],
                cwd=ROOT,
                env=self._env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.rasa[name] = (process, port)
        wait_http(f"http://127.0.0.1:{port}/", process, log, timeout=300)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.rasa[name][1]}/webhooks/instagram/webhook"

    def kill_rasa(self, name: str) -> None:
        process, _ = self.rasa.pop(name)
        process.kill()  # SIGKILL: no shutdown hook runs, as in a crash or an OOM kill
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in [p for p, _ in self.rasa.values()] + ([self.actions] if self.actions else []):
            process.terminate()
        for process in [p for p, _ in self.rasa.values()] + ([self.actions] if self.actions else []):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name} ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            for log in sorted(self.workdir.glob("*.log"))
        )

    def times_in_conversation(self, sender: str, mid: str) -> int:
        """How often Rasa's stored conversation holds the message ``mid``."""
        with sqlite3.connect(self.workdir / "tracker.db") as db:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
            ).fetchall()
        return sum(json.loads(data).get("message_id") == mid for (data,) in rows)

    def inbox_counts(self) -> inbox.InboxCounts:
        engine = make_engine(self.database_url)
        try:
            with transaction(make_session_factory(engine)) as session:
                return inbox.counts(session)
        finally:
            engine.dispose()
