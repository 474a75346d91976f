"""Start the production profile itself (``scripts/run.sh prod``) on free ports for a test, and
look at what its processes listen on.

The profile runs as it would on a server, only pointed at the test's store, tracker store and
ports; the environment given here wins over any .env in the checkout.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.servers import ROOT, free_port, server_env, wait_http

API_SECRET = "e2e-production-api-secret-0123456789abcdef"  # 42 characters
START_TIMEOUT_S = 300


@dataclass
class Profile:
    base_url: str
    actions_url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def profile_env(workdir: Path, database_url: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """What run.sh prod needs to start on its own ports, store and tracker store in ``workdir``."""
    rasa_port, actions_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "tracker.db"}"\n',
        encoding="utf-8",
    )
    env = {
        **server_env(database_url),
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "SHOP_ENDPOINTS": str(endpoints),
        "RASA_API_TOKEN": API_SECRET,
        "INSTAGRAM_VERIFY_TOKEN": "e2e-verify-token",
        "INSTAGRAM_APP_SECRET": "e2e-app-secret",
        "INSTAGRAM_ACCESS_TOKEN": "e2e-access-token",
        "INSTAGRAM_GRAPH_BASE_URL": "http://127.0.0.1:9",  # nothing there: the tests that send give a fake
        "INSTAGRAM_GRAPH_API_VERSION": "v25.0",
        **(extra_env or {}),
    }
    env.pop("SHOP_ENV", None)  # run.sh prod sets it
    return env


@contextmanager
def running_production_profile(
    workdir: Path, database_url: str, extra_env: dict[str, str] | None = None
) -> Iterator[Profile]:
    """``scripts/run.sh prod`` up (both servers answering); stopped as Ctrl-C would on exit."""
    env = profile_env(workdir, database_url, extra_env)
    log = workdir / "production.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "run.sh"), "prod"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    profile = Profile(f"http://127.0.0.1:{env['RASA_PORT']}", f"http://127.0.0.1:{env['ACTIONS_PORT']}", process, log)
    try:
        wait_http(f"{profile.actions_url}/health", process, log, timeout=START_TIMEOUT_S)
        wait_http(f"{profile.base_url}/", process, log, timeout=START_TIMEOUT_S)
        yield profile
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to run.sh, which stops both servers; anything left in its group is killed."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the session run.sh leads: its servers, if still there
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def group_pids(leader: int) -> list[int]:
    """The processes in the process group ``leader`` started (run.sh and the servers it ran)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == leader:
                    pids.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return pids


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _address(hex_address: str) -> tuple[str, int]:
    """/proc/net/tcp{,6}'s ``0100007F:1F90`` → ("127.0.0.1", 8080); IPv6 as 32 hex digits."""
    host, port = hex_address.split(":")
    if len(host) == 8:
        return ".".join(str(int(host[i : i + 2], 16)) for i in (6, 4, 2, 0)), int(port, 16)
    words = [host[i : i + 8] for i in range(0, 32, 8)]  # each 32-bit word in host (little-endian) order
    raw = b"".join(bytes.fromhex(word)[::-1] for word in words)
    return str(ipaddress.IPv6Address(raw)), int(port, 16)


def listening_sockets(pids: list[int]) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state that one of ``pids`` holds."""
    inodes = set().union(*(_socket_inodes(pid) for pid in pids)) if pids else set()
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A: TCP_LISTEN
                listening.append(_address(local))
    return listening
