"""Running shopctl as the owner does: a real process on a given database."""

from __future__ import annotations

import os
import subprocess
import sys


def shopctl(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "owner.cli", *args], capture_output=True, text=True, env=env)
