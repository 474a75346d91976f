"""shopctl as the owner runs it: real process, real database, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_CATALOG


def shopctl(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "inventory_db.cli", *args], capture_output=True, text=True, env=env)


def test_upgrade_import_and_show_json(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert shopctl("db", "upgrade", url=url).returncode == 0
    imported = shopctl("catalog", "import", str(DEMO_CATALOG), url=url)
    assert imported.returncode == 0, imported.stderr
    assert "imported 31 rows" in imported.stdout
    shown = shopctl("stock", "show", "b21", "--json", url=url)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["code"] == "B-21" and data["name_fa"] == "مانتو کتان"
    assert {"color": "black", "size": "L", "price": 1250000, "available": 3} in data["variants"]


def test_errors_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    shopctl("db", "upgrade", url=url)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name_fa,name_en,category,color,size,price,stock,post\nB-1,x,y,shawl,black,free,abc,1,\n", encoding="utf-8")
    for args in (["catalog", "import", str(bad)], ["catalog", "import", str(tmp_path / "missing.csv")], ["stock", "show", "Z-9"]):
        result = shopctl(*args, url=url)
        assert result.returncode != 0
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("shopctl: ")
    assert "line 2" in shopctl("catalog", "import", str(bad), url=url).stderr
    empty = shopctl("catalog", "export", url=url)
    assert empty.stdout.strip().splitlines() == ["code,name_fa,name_en,category,color,size,price,stock,post"]


def test_usage_errors_exit_non_zero(tmp_path: Path) -> None:
    result = shopctl("stock", url=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2
