"""A throwaway PostgreSQL server for tests and benchmarks.

Debian's ``postgresql`` package puts initdb and pg_ctl in /usr/lib/postgresql/N/bin;
this starts a cluster in a temporary directory on 127.0.0.1 and a free port, with
durability switched off (it is thrown away), and removes it on ``stop``. initdb
refuses to run as root, so as root the cluster belongs to the ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SKIP_VARIABLE = "SHOP_SKIP_POSTGRES"
INSTALL_HINT = "apt-get install -y postgresql"


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the cluster would not start."""


def find_bin_dir() -> Path | None:
    """The newest installed server's bin directory, or None."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not found:
        on_path = shutil.which("initdb")
        return Path(on_path).parent if on_path and shutil.which("pg_ctl") else None

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in path.parent.name.split(".") if part.isdigit())

    return max(found, key=version)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bin_dir: Path
    base: Path
    port: int
    run_as: str | None
    _templates: set[str] = field(default_factory=set)

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.base)
        if result.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailable(f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}\n{tail}")
        return result

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Run a statement outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def version(self) -> str:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                return str(cursor.fetchone()[0])
        finally:
            connection.close()

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a fast copy of ``template`` when given); returns its URL."""
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        self.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start(max_connections: int = 200) -> PostgresServer:
    """Start a fresh cluster; PostgresUnavailable says why when it cannot."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or on PATH; "
            f"install them ({INSTALL_HINT}) or set {SKIP_VARIABLE}=1 to skip the PostgreSQL tests"
        )
    run_as = None
    base = Path(tempfile.mkdtemp(prefix="shop-pg-"))
    if os.geteuid() == 0:
        run_as = "postgres"
        try:
            user = pwd.getpwnam(run_as)
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            raise PostgresUnavailable(
                "running as root and there is no 'postgres' user to own the test cluster (initdb refuses root)"
            ) from None
        os.chown(base, user.pw_uid, user.pw_gid)
    server = PostgresServer(bin_dir=bin_dir, base=base, port=0, run_as=run_as)
    try:
        server._run("initdb", "-D", str(server.data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        for attempt in range(5):
            server.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories='{base}' "
                f"-c max_connections={max_connections} -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c shared_buffers=128MB"
            )
            try:
                server._run(
                    "pg_ctl",
                    "-D",
                    str(server.data_dir),
                    "-l",
                    str(base / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                break
            except PostgresUnavailable:
                if attempt == 4:
                    raise
                time.sleep(0.2)
    except BaseException:
        server.stop()
        raise
    return server
