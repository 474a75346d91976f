"""A throwaway ``redis-server`` for tests: a temporary directory, 127.0.0.1, a free port.

Debian's ``redis-server`` package (``apt-get install -y redis-server``; .ci/run installs it).
Nothing is written to disk (``--save ''``, no append-only file); ``restart`` stops it and
starts it again on the same port, empty, as a crash of an in-memory Redis would leave it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INSTALL_HINT = "apt-get install -y redis-server"


class RedisUnavailable(RuntimeError):
    """redis-server is missing or would not start."""


def find_redis_server() -> str | None:
    return shutil.which("redis-server") or next(
        (path for path in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if Path(path).exists()), None
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    binary: str
    base: Path
    port: int
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.base / "redis.log", "ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.base),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RedisUnavailable(f"redis-server exited: {(self.base / 'redis.log').read_text()[-1000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RedisUnavailable("redis-server did not answer within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def start_redis() -> RedisServer:
    """A running server; RedisUnavailable when the binary is missing or it will not start."""
    binary = find_redis_server()
    if binary is None:
        raise RedisUnavailable(f"redis-server is not installed ({INSTALL_HINT})")
    server = RedisServer(binary, Path(tempfile.mkdtemp(prefix="shop-redis-")), free_port())
    try:
        server.start()
    except BaseException:
        server.close()
        raise
    return server


# Fixtures: import both into a test module (``from tests.redis_server import redis_server, redis_url``).


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """One server per test module; skipped, with the reason, only where redis-server is not installed."""
    if find_redis_server() is None:
        pytest.skip(f"redis-server is not installed ({INSTALL_HINT}; CI's .ci/run installs it)")
    server = start_redis()
    yield server
    server.close()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The server's URL, running and empty."""
    if redis_server.process is None:
        redis_server.start()
    import redis

    redis.Redis.from_url(redis_server.url).flushall()
    return redis_server.url
