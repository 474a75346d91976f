"""Load through the real channel, beside a bare ``rasa init`` bot (``make bench``).

Simulated customers (tests/conversations: its scenarios, phrasings and customer) hold
whole conversations, inquiry → checkout → order, over signed Instagram webhooks with
the real Rasa server, action server and SQLite store as ``make run`` starts them; a
fake Graph API on 127.0.0.1 records each Send API call, so a reply's latency is
webhook POST sent → first Send API call of that turn. For each concurrency (clients,
each playing ``--conversations-per-client`` conversations one after another, on fresh
servers and a fresh store): messages/s, reply latency p50/p95/p99, errors (a turn
that failed or got no reply), orders placed vs expected, oversold units (on hand
below 0, or held and allocated above on hand), duplicate replies (Send API calls
beyond the outbound ledger's, or one reply twice in one turn) and peak RSS (VmHWM)
of both servers. The bare ``rasa init`` bot (trained once, cached under
var/bench-bare/) takes the same number of messages over REST at the same
concurrency, so every figure is also a ratio. Also: model sizes, both servers'
start-up times, and with ``--with-train`` the wall time of ``rasa train``.

Writes a table and ``results/bench-load.json`` with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import create_engine, func, select

from benchmarks.nlu_eval import describe_machine, machine_info
from benchmarks.reporting import write_report
from inventory_db import orders, stock
from inventory_db.database import make_engine, make_session_factory, transaction
from inventory_db.message_log_models import OutboundMessage
from inventory_db.models import Variant
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.conversations.catalog import load_catalog
from tests.conversations.customer import BotMessage, Utterance
from tests.conversations.responses import ResponseMatcher
from tests.conversations.runner import POLICY_FILE, check_all, play, prepare_store
from tests.conversations.scenarios import Scenario, expected_order, generate, load_policy
from tests.conversations.transports import InstagramTransport, share_media
from tests.e2e.servers import BIN, INSTAGRAM_CREDENTIALS, ROOT, free_port, running_assistant, stop_processes, wait_http

MODEL = ROOT / "models" / "shop.tar.gz"
BARE_CACHE = ROOT / "var" / "bench-bare"
# The bare bot's customers: rasa init's own stories (greet, then a mood, then yes/no/bye).
BARE_SCRIPTS = (
    ("hello", "I am great", "bye"),
    ("hi", "I am very sad", "yes", "goodbye"),
    ("hey there", "not good", "no", "bye"),
)
# As scripts/run.sh starts the servers for `make run` (development profile).
RUN_ENV = {"SHOP_ENV": "development", "SANIC_KEEP_ALIVE_TIMEOUT": "75", "SHOP_POLICY_FILE": str(POLICY_FILE)}
REPLY_TIMEOUT_S = 120.0
COLUMNS = (
    ("messages/s", "messages_per_s"),
    ("p50 ms", "p50_ms"),
    ("p95 ms", "p95_ms"),
    ("p99 ms", "p99_ms"),
    ("errors", "errors"),
    ("orders exp/placed", "orders"),
    ("oversold", "oversold"),
    ("duplicates", "duplicates"),
    ("peak RSS MiB", "peak_rss_mib"),
)
RATIO_KEYS = ("messages_per_s", "p50_ms", "p95_ms", "p99_ms", "peak_rss_mib")


# --- the pure parts ----------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100), linear between the two nearest ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50/p95/p99 in milliseconds, rounded to 0.1 ms."""
    summary: dict[str, float | None] = {}
    for q in (50, 95, 99):
        value = percentile(seconds, q)
        summary[f"p{q}_ms"] = None if value is None else round(value * 1000, 1)
    return summary


def oversold_units(levels: Iterable[tuple[int, int, int]]) -> int:
    """Units promised beyond the shelf: per variant (on_hand, reserved, allocated), on hand
    below 0 or held plus allocated above on hand; the larger, so one fault counts once."""
    return sum(max(0, -on_hand, reserved + allocated - on_hand) for on_hand, reserved, allocated in levels)


def duplicate_replies(
    turns: Iterable[Sequence[str]], sends: Counter[str] | None = None, ledger: Counter[str] | None = None
) -> int:
    """Replies the customer got twice: the same message twice in one turn (``turns``: each
    turn's sent messages, serialised), or, per customer, Send API calls (``sends``) beyond
    the replies the outbound ledger claimed (``ledger``). The larger of the two per run,
    since a doubled reply usually shows in both."""
    in_turns = sum(len(turn) - len(set(turn)) for turn in turns)
    over_ledger = 0
    if sends is not None and ledger is not None:
        over_ledger = sum(max(count - ledger[recipient], 0) for recipient, count in sends.items())
    return max(in_turns, over_ledger)


def ratio(ours: float | None, bare: float | None) -> float | None:
    if ours is None or not bare:
        return None
    return round(ours / bare, 2)


def ratio_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per concurrency measured on both systems: each of RATIO_KEYS as ours / bare."""
    by_key = {(row["system"], row["concurrency"]): row for row in rows}
    ratios = []
    for (system, concurrency), ours in by_key.items():
        bare = by_key.get(("bare", concurrency))
        if system != "shop" or bare is None:
            continue
        ratios.append({"concurrency": concurrency, **{key: ratio(ours.get(key), bare.get(key)) for key in RATIO_KEYS}})
    return ratios


def _cell(row: dict[str, Any], key: str) -> str:
    if key == "orders":
        if row.get("orders_expected") is None:
            return "-"
        return f"{row['orders_expected']}/{row['orders_placed']}"
    value = row.get(key)
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return str(value)


def format_table(rows: Sequence[dict[str, Any]], ratios: Sequence[dict[str, Any]]) -> str:
    """Rows concurrency × system, then ours/bare per concurrency."""
    widths = [max(len(title), 8) for title, _ in COLUMNS]

    def line(clients: str, system: str, cells: Sequence[str]) -> str:
        return f"{clients:>7}  {system:<12}" + "".join(f"  {c:>{w}}" for c, w in zip(cells, widths, strict=True))

    lines = [line("clients", "system", [title for title, _ in COLUMNS])]
    ratio_by = {r["concurrency"]: r for r in ratios}
    for concurrency in sorted({row["concurrency"] for row in rows}):
        for row in (r for r in rows if r["concurrency"] == concurrency):
            lines.append(line(str(concurrency), row["system"], [_cell(row, key) for _, key in COLUMNS]))
        if concurrency in ratio_by:
            found = ratio_by[concurrency]
            lines.append(line("", "shop / bare", [_cell(found, k) if k in RATIO_KEYS else "" for _, k in COLUMNS]))
    return "\n".join(lines)


def build_report(
    machine: dict[str, Any],
    settings: dict[str, Any],
    rows: list[dict[str, Any]],
    extras: dict[str, Any],
) -> dict[str, Any]:
    """The JSON document: the machine, the settings, a row per concurrency × system,
    ours / bare per concurrency, and what was measured once (sizes, start-up, training)."""
    return {
        "benchmark": "load through the Instagram channel, beside a bare rasa init bot over REST",
        "machine": machine,
        "settings": settings,
        "rows": rows,
        "ratios": ratio_rows(rows),
        **extras,
    }


# --- processes --------------------------------------------------------------------


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM, the process's peak resident set since it started."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _started_s(pid: int) -> float:
    """When the process started, in seconds since boot (the clock of CLOCK_BOOTTIME)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")


def _children() -> dict[str, int]:
    """This process's server children by role: "rasa" and "actions"."""
    found: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if parent != os.getpid():
            continue
        if b"serving.action_server" in command:
            found["actions"] = int(entry.name)
        elif b"serving.rasa_server" in command or (any(p.endswith(b"/rasa") for p in command) and b"run" in command):
            found["rasa"] = int(entry.name)
    return found


@dataclass
class Turn:
    sender: str
    latency_s: float | None  # webhook POST sent → first Send API call of the turn
    sent: list[str] = field(default_factory=list)  # the turn's messages, serialised
    error: str | None = None


class TimedTransport:
    """The simulator's Instagram transport, timing each turn from the fake Graph API's clock."""

    def __init__(self, inner: InstagramTransport, graph: FakeGraphApi) -> None:
        self.inner, self.graph = inner, graph
        self.turns: list[Turn] = []

    def _sends_to(self, sender: str) -> list:
        return [c for c in self.graph.sends if (c.body.get("recipient") or {}).get("id") == sender]

    async def send(self, sender: str, said: Utterance) -> list[BotMessage]:
        seen = len(self._sends_to(sender))
        started = time.monotonic()
        try:
            replies = await self.inner.send(sender, said)
        except BaseException as error:  # a timeout cancels us: still one failed turn
            self.turns.append(Turn(sender, None, error=type(error).__name__))
            raise
        new = self._sends_to(sender)[seen:]
        sent = [json.dumps(c.message, ensure_ascii=False, sort_keys=True) for c in new]
        self.turns.append(Turn(sender, new[0].at - started if new else None, sent))
        return replies


def _instagram_scenarios(count: int, seed: int) -> list[Scenario]:
    """The simulator's customers, every one on Instagram (Instagram senders are digits)."""
    return [replace(s, channel="instagram", sender=f"88{seed % 100:02d}{s.index:07d}") for s in generate(count, seed)]


def _store_figures(url: str, scenarios: list[Scenario]) -> dict[str, Any]:
    catalog, policy = load_catalog(), load_policy(POLICY_FILE)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            levels = [
                (v.on_hand, v.reserved, v.allocated)
                for code in catalog
                for v in stock.product_stock(session, code).variants
            ]
            placed = len(orders.list_orders(session))
            ledger = Counter(
                dict(
                    session.execute(
                        select(OutboundMessage.recipient_id, func.count()).group_by(OutboundMessage.recipient_id)
                    ).all()
                )
            )
    finally:
        engine.dispose()
    expected = sum(expected_order(s, catalog, policy) is not None for s in scenarios)
    return {"orders_expected": expected, "orders_placed": placed, "oversold": oversold_units(levels), "ledger": ledger}


def _row(system: str, concurrency: int, turns: list[Turn], seconds: float, **extra: Any) -> dict[str, Any]:
    latencies = [t.latency_s for t in turns if t.latency_s is not None]
    return {
        "system": system,
        "concurrency": concurrency,
        "messages": len(turns),
        "seconds": round(seconds, 2),
        "messages_per_s": round(len(turns) / seconds, 2) if seconds else None,
        **latency_summary(latencies),
        "errors": sum(t.error is not None or t.latency_s is None for t in turns),
        "no_reply": sum(t.error is None and t.latency_s is None for t in turns),
        **extra,
    }


async def run_shop(workdir: Path, concurrency: int, per_client: int, seed: int) -> dict[str, Any]:
    """Fresh store and servers; ``concurrency`` customers, each ``per_client`` conversations."""
    url = f"sqlite:///{workdir / 'shop.db'}"
    prepare_store(url)
    graph = await FakeGraphApi().start()
    for product in load_catalog().values():
        share_media(graph, product.media_id, product.post)
    env = {
        **RUN_ENV,
        "INSTAGRAM_VERIFY_TOKEN": payloads.VERIFY_TOKEN,
        "INSTAGRAM_APP_SECRET": payloads.APP_SECRET,
        "INSTAGRAM_ACCESS_TOKEN": "bench-access-token",
        "INSTAGRAM_GRAPH_BASE_URL": graph.base_url,
        "INSTAGRAM_GRAPH_API_VERSION": "v25.0",
    }
    scenarios = _instagram_scenarios(concurrency * per_client, seed)
    matcher = ResponseMatcher.from_project(ROOT, POLICY_FILE)
    log_engine = create_engine(url, connect_args={"timeout": 30})
    credentials = "rest:\n" + INSTAGRAM_CREDENTIALS  # credentials.yml's blocks
    assistant = running_assistant(
        workdir, url, credentials=credentials, extra_env=env, model=MODEL, tracker_db=workdir / "tracker.db"
    )
    base_url = await asyncio.to_thread(assistant.__enter__)
    try:
        ready = time.clock_gettime(time.CLOCK_BOOTTIME)
        pids = _children()
        startup = {
            "actions": round(_started_s(pids["rasa"]) - _started_s(pids["actions"]), 1),
            "rasa": round(ready - _started_s(pids["rasa"]), 1),
        }
        timeout = aiohttp.ClientTimeout(total=REPLY_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as http:
            transport = TimedTransport(InstagramTransport(http, base_url, graph, log_engine), graph)

            async def client(number: int) -> list:
                mine = scenarios[number * per_client : (number + 1) * per_client]
                return [await play(s, transport, matcher) for s in mine]

            begun = time.monotonic()
            results = [r for batch in await asyncio.gather(*(client(n) for n in range(concurrency))) for r in batch]
            seconds = time.monotonic() - begun
        await asyncio.sleep(2)  # room for a late doubled reply
        rss = {role: peak_rss_mib(pid) for role, pid in pids.items()}
    finally:
        await asyncio.to_thread(assistant.__exit__, None, None, None)
        await graph.stop()
        log_engine.dispose()
    check_all(url, results)
    store = _store_figures(url, scenarios)
    sends = Counter((c.body.get("recipient") or {}).get("id") for c in graph.sends)
    return _row(
        "shop",
        concurrency,
        transport.turns,
        seconds,
        conversations=len(scenarios),
        conversations_completed=sum(r.completed for r in results),
        orders_expected=store["orders_expected"],
        orders_placed=store["orders_placed"],
        oversold=store["oversold"],
        duplicates=duplicate_replies((t.sent for t in transport.turns), sends, store["ledger"]),
        peak_rss_mib=round(sum(v for v in rss.values() if v), 1),
        peak_rss_mib_by_process=rss,
        startup_s=startup,
    )


# --- the bare rasa init bot ---------------------------------------------------------


def bare_project(cache: Path = BARE_CACHE) -> tuple[Path, float | None]:
    """rasa init's project with its trained model, made once per Rasa version; the folder
    and, when it was made now, how long ``rasa init`` took."""
    import rasa

    folder = cache / f"rasa-{rasa.__version__}"
    if any((folder / "models").glob("*.tar.gz")):
        return folder, None
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as tmp:
        project = Path(tmp) / "bot"
        project.mkdir()
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=tmp,
            env=_bare_env(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        took = time.monotonic() - started
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(project, folder)
    return folder, round(took, 1)


def _bare_env() -> dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def _start(command: list[str], cwd: Path, log: Path, health: str) -> tuple[subprocess.Popen, float]:
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=_bare_env(), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_http(health, process, log, timeout=300)
    except BaseException:
        process.kill()
        raise
    return process, round(time.monotonic() - started, 1)


def _bare_counts(messages: int, clients: int) -> list[int]:
    """``messages`` shared out over ``clients`` as evenly as can be."""
    return [messages // clients + (n < messages % clients) for n in range(clients)]


def bare_script(client: str, number: int, count: int) -> list[tuple[str, str]]:
    """(sender, text) for ``count`` messages of one client: whole rasa init conversations,
    one after another, each a new sender; client ``number`` starts at its own script."""
    messages: list[tuple[str, str]] = []
    conversation = 0
    while len(messages) < count:
        script = BARE_SCRIPTS[(number + conversation) % len(BARE_SCRIPTS)]
        messages += [(f"{client}-{conversation}", text) for text in script]
        conversation += 1
    return messages[:count]


async def run_bare(project: Path, workdir: Path, concurrency: int, messages: int) -> dict[str, Any]:
    """rasa run + rasa run actions for rasa init's bot; ``messages`` over REST, ``concurrency`` at once."""
    actions_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n', encoding="utf-8")
    processes: list[subprocess.Popen] = []
    try:
        actions, actions_s = await asyncio.to_thread(
            _start,
            [str(BIN / "rasa"), "run", "actions", "--port", str(actions_port)],
            project,
            workdir / "bare-actions.log",
            f"http://127.0.0.1:{actions_port}/health",
        )
        processes.append(actions)
        command = [str(BIN / "rasa"), "run", "--model", "models", "--endpoints", str(endpoints)]
        command += ["--credentials", "credentials.yml", "--port", str(rasa_port), "--interface", "127.0.0.1"]
        server, rasa_s = await asyncio.to_thread(
            _start, command, project, workdir / "bare-rasa.log", f"http://127.0.0.1:{rasa_port}/"
        )
        processes.append(server)
        url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        turns: list[Turn] = []
        timeout = aiohttp.ClientTimeout(total=REPLY_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as http:

            async def client(number: int, count: int) -> None:
                for sender, text in bare_script(f"bare-{concurrency}-{number}", number, count):
                    started = time.monotonic()
                    try:
                        async with http.post(url, json={"sender": sender, "message": text}) as reply:
                            reply.raise_for_status()
                            body = await reply.json()
                    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                        turns.append(Turn(sender, None, error=type(error).__name__))
                        continue
                    sent = [json.dumps(m, ensure_ascii=False, sort_keys=True) for m in body]
                    turns.append(Turn(sender, time.monotonic() - started if body else None, sent))

            begun = time.monotonic()
            counts = _bare_counts(messages, concurrency)
            await asyncio.gather(*(client(n, count) for n, count in enumerate(counts)))
            seconds = time.monotonic() - begun
        rss = {"rasa": peak_rss_mib(server.pid), "actions": peak_rss_mib(actions.pid)}
    finally:
        stop_processes(processes)
    return _row(
        "bare",
        concurrency,
        turns,
        seconds,
        conversations=None,
        orders_expected=None,
        orders_placed=None,
        oversold=None,
        duplicates=duplicate_replies(t.sent for t in turns),
        peak_rss_mib=round(sum(v for v in rss.values() if v), 1),
        peak_rss_mib_by_process=rss,
        startup_s={"actions": actions_s, "rasa": rasa_s},
    )


# --- once per run ---------------------------------------------------------------------


def train_wall_time() -> dict[str, Any]:
    """``rasa train`` of our model from scratch, into a temporary folder (models/ untouched)."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as out:
        started = time.monotonic()
        result = subprocess.run(
            [str(BIN / "rasa"), "train", "--data", "nlu_data", "--out", out, "--fixed-model-name", "shop"],
            cwd=ROOT,
            env=_bare_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        return {"measured": True, "seconds": round(time.monotonic() - started, 1), "exit_code": result.returncode}


# One hold as reservations.reserve does it: lock the variant row, sum what is held and
# ordered (stock.committed_units' UNION ALL), insert the hold and its ledger movement.
PGBENCH_RESERVE = """\
\\set v random(:first, :last)
BEGIN;
SELECT v.id, v.on_hand FROM variants v JOIN products p ON p.id = v.product_id
  WHERE v.id = :v FOR NO KEY UPDATE OF v;
SELECT r.variant_id, 0, sum(r.quantity) FROM reservations r
  WHERE r.status = 'active' AND r.expires_at > now() AND r.variant_id = :v GROUP BY r.variant_id
UNION ALL
SELECT i.variant_id, 1, sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
  WHERE (o.status = 'paid' OR (o.status = 'awaiting_payment' AND o.payment_due_at > now()))
  AND i.variant_id = :v GROUP BY i.variant_id;
INSERT INTO reservations (variant_id, customer_id, quantity, unit_price, status, expires_at, created_at)
  VALUES (:v, 'pgbench-' || :client_id, 1, 1000000, 'active', now() + interval '15 minutes', now());
INSERT INTO stock_movements (variant_id, product_code, color, size, reason, on_hand_delta, reserved_delta,
  allocated_delta, actor, created_at)
  VALUES (:v, 'BN-1', 'black', 'M', 'reserve', 0, 1, 0, 'pgbench', now());
COMMIT;
"""


def pgbench_store(levels: Sequence[int], seconds: float) -> dict[str, Any]:
    """pgbench with the reserve transaction's SQL on a throwaway PostgreSQL (store_bench's
    store: one product, 8 variants); transactions/s and mean latency per client count."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    if not found:
        return {"measured": False, "why": "no /usr/lib/postgresql/*/bin/pgbench (apt-get install postgresql)"}
    from benchmarks import store_bench
    from tests.inventory_db import pg_server

    try:
        server = pg_server.start()
    except pg_server.PostgresUnavailable as error:
        return {"measured": False, "why": str(error).splitlines()[0]}
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pgbench-") as folder:
            script = Path(folder) / "reserve.sql"
            script.write_text(PGBENCH_RESERVE, encoding="utf-8")
            for clients in levels:
                name = f"pgbench_{clients}"
                store_bench.prepare(server.create_database(name))
                engine = make_engine(server.url(name))
                with engine.connect() as connection:
                    first, last = connection.execute(select(func.min(Variant.id), func.max(Variant.id))).one()
                engine.dispose()
                command = [str(found[-1]), "-n", "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres"]
                command += ["-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)), "-T", str(int(seconds))]
                command += ["-D", f"first={first}", "-D", f"last={last}", "-f", str(script), name]
                done = subprocess.run(command, capture_output=True, text=True)
                if done.returncode != 0:
                    return {"measured": False, "why": f"pgbench failed: {done.stderr.strip()[-300:]}"}
                rows.append({"clients": clients, **_pgbench_figures(done.stdout)})
    finally:
        server.stop()
    return {"measured": True, "version": found[-1].parts[-3], "seconds": seconds, "rows": rows}


def _pgbench_figures(output: str) -> dict[str, float | None]:
    """transactions/s and mean latency from pgbench's summary."""
    figures: dict[str, float | None] = {"tps": None, "latency_avg_ms": None}
    for line in output.splitlines():
        if line.startswith("tps = "):
            figures["tps"] = round(float(line.split()[2]), 1)
        elif line.startswith("latency average = "):
            figures["latency_avg_ms"] = round(float(line.split()[3]), 2)
    return figures


def model_bytes(bare: Path | None) -> dict[str, int | None]:
    bare_models = sorted((bare / "models").glob("*.tar.gz")) if bare else []
    return {
        "shop": MODEL.stat().st_size if MODEL.is_file() else None,
        "bare": bare_models[-1].stat().st_size if bare_models else None,
    }


def _levels(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="load_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=_levels, default=None, help="clients at once, comma-separated (1,10,50)")
    parser.add_argument("--conversations-per-client", type=int, default=None, help="one after another (default 3)")
    parser.add_argument("--quick", action="store_true", help="1 and 10 clients, one conversation each")
    parser.add_argument("--no-bare", action="store_true", help="leave out the rasa init baseline")
    parser.add_argument("--with-train", action="store_true", help="also time `rasa train` of our model (~minutes)")
    parser.add_argument("--pgbench-seconds", type=float, default=5, help="per client count; 0 leaves pgbench out")
    parser.add_argument("--seed", type=int, default=11, help="scenario seed: the same seed, the same customers")
    parser.add_argument("--out", type=Path, default=Path("results/bench-load.json"))
    args = parser.parse_args(argv)
    levels = args.concurrency or ([1, 10] if args.quick else [1, 10, 50])
    per_client = args.conversations_per_client or (1 if args.quick else 3)
    if not MODEL.is_file():
        print(f"no trained model at {MODEL}: run `make train` first", file=sys.stderr)
        return 2
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    machine = machine_info()
    project, bare_init_s = (None, None) if args.no_bare else bare_project()
    rows: list[dict[str, Any]] = []
    for concurrency in levels:
        with tempfile.TemporaryDirectory(prefix=f"bench-load-{concurrency}-") as folder:
            print(f"  {concurrency} clients: shop over Instagram …", file=sys.stderr)
            shop = asyncio.run(run_shop(Path(folder), concurrency, per_client, args.seed))
            rows.append(shop)
            if project is not None:
                print(f"  {concurrency} clients: bare rasa init over REST …", file=sys.stderr)
                rows.append(asyncio.run(run_bare(project, Path(folder), concurrency, shop["messages"])))
    extras = {
        "model_bytes": model_bytes(project),
        "startup_s": {f"{row['system']}@{row['concurrency']}": row["startup_s"] for row in rows},
        "bare_init_s": bare_init_s,
        "train": train_wall_time() if args.with_train else {"measured": False, "why": "pass --with-train"},
        "pgbench": pgbench_store(levels, args.pgbench_seconds)
        if args.pgbench_seconds > 0
        else {"measured": False, "why": "--pgbench-seconds 0"},
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    settings = {"concurrency": levels, "conversations_per_client": per_client, "seed": args.seed, "quick": args.quick}
    report = build_report(machine, settings, rows, extras)
    print(f"Machine: {describe_machine(machine)}; load average at end {extras['load_average_at_end']}")
    print(format_table(rows, report["ratios"]))
    sizes = extras["model_bytes"]
    print(f"model size: shop {sizes['shop']} bytes, bare {sizes['bare']} bytes")
    for name, took in extras["startup_s"].items():
        print(f"start-up {name}: rasa {took['rasa']} s, actions {took['actions']} s")
    pgbench = extras["pgbench"]
    if pgbench["measured"]:
        for row in pgbench["rows"]:
            print(
                f"pgbench, the reserve transaction, {row['clients']} clients: {row['tps']} tps, {row['latency_avg_ms']} ms mean"
            )
    else:
        print(f"pgbench: not measured ({pgbench['why']})")
    if args.with_train:
        print(f"rasa train (ours): {extras['train']['seconds']} s")
    write_report(args.out, report)
    print(f"written to {args.out}")
    bad = sum((row.get("oversold") or 0) + (row.get("duplicates") or 0) for row in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
