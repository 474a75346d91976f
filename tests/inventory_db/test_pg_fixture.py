"""Without PostgreSQL the postgres tests fail loudly, unless skipping was asked for."""

from __future__ import annotations

import pytest

from tests.databases import start_postgres_or_explain
from tests.inventory_db import pg_server


def test_missing_server_binaries_fail_with_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_server, "find_bin_dir", lambda: None)
    monkeypatch.delenv(pg_server.SKIP_VARIABLE, raising=False)
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y postgresql.*SHOP_SKIP_POSTGRES=1"):
        start_postgres_or_explain()


def test_missing_server_binaries_skip_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_server, "find_bin_dir", lambda: None)
    monkeypatch.setenv(pg_server.SKIP_VARIABLE, "1")
    with pytest.raises(pytest.skip.Exception, match="SHOP_SKIP_POSTGRES=1"):
        start_postgres_or_explain()
