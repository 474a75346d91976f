"""One run: a fresh store with the simulator's catalog, the servers started once, every
conversation played concurrently, then each checked against the store.

A Rasa server is one process that uses one core, so ``servers`` pairs of Rasa and action
servers share the store and the conversations (a SQLite tracker store, as endpoints.yml
has it). Each customer posts to the same pair, but an Instagram message stored by one
server may be handled by the other's inbox workers, as in a deployment with several
processes. Each Rasa server listens on REST and on the Instagram channel, whose Graph
API is a fake on 127.0.0.1 that also answers the media → shortcode lookups.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine

from inventory_db import catalog_csv, schema
from inventory_db.database import make_engine, make_session_factory, transaction
from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.conversations.catalog import CATALOG_CSV, load_catalog
from tests.conversations.checks import check_order, wrong_script
from tests.conversations.customer import Customer
from tests.conversations.report import Result
from tests.conversations.responses import ResponseMatcher
from tests.conversations.scenarios import Scenario, expected_order, load_policy
from tests.conversations.transports import InstagramTransport, RestTransport, Transport, share_media
from tests.e2e.servers import INSTAGRAM_CREDENTIALS, ROOT, running_assistant

POLICY_FILE = ROOT / "shop_policy.yml"
TURN_TIMEOUT_S = 120
# Sanic drops a connection that stays idle 5 s before its request; a Rasa server busy with
# other customers can take that long between connecting to the action server and writing.
ACTION_SERVER_IDLE_S = "75"
# One thread per server process: several servers on a few cores, each with OpenBLAS and
# TensorFlow thread pools as wide as the machine, spend their time waiting on each other.
ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "TF_INTRA_OP_PARALLELISM_THREADS",
        "TF_INTER_OP_PARALLELISM_THREADS",
    )
}


@dataclass(frozen=True)
class Settings:
    model: Path
    concurrency: int = 8  # conversations at once, over all servers
    servers: int = 2  # Rasa + action server pairs
    workdir: Path | None = None  # default: a new temporary folder
    phrasings: str = "main"  # what customers write: a key of customer.PHRASING_SETS


@dataclass
class Run:
    results: list[Result]
    server_start_s: float
    conversations_s: float
    workdir: Path


def prepare_store(url: str) -> None:
    """Migrate a new store and import the simulator's catalog."""
    schema.upgrade(url)
    engine = make_engine(url)
    try:
        with CATALOG_CSV.open(encoding="utf-8") as stream, transaction(make_session_factory(engine)) as session:
            catalog_csv.import_catalog(session, catalog_csv.parse_catalog(stream))
    finally:
        engine.dispose()


async def play(scenario: Scenario, transport: Transport, matcher: ResponseMatcher, phrasings: str = "main") -> Result:
    """One whole conversation; a server failure ends it as a harness error, not a crash."""
    customer = Customer(scenario, load_catalog()[scenario.asked.code], matcher, phrasings)
    result = Result(scenario, customer)
    started = time.monotonic()
    english = scenario.variety == "english"
    said = customer.opening()
    try:
        while said is not None:
            replies = await asyncio.wait_for(transport.send(scenario.sender, said), TURN_TIMEOUT_S)
            if said.share_media_id is None:  # a bare shared post says nothing about the language
                result.wrong_script += sum(wrong_script(m.text, english) for m in replies if m.text.strip())
            said = customer.react(said, replies)
    except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError) as error:
        result.error = f"{type(error).__name__}: {error}"
    result.seconds = time.monotonic() - started
    return result


async def run(scenarios: list[Scenario], settings: Settings) -> Run:
    workdir = settings.workdir or Path(tempfile.mkdtemp(prefix="conversations-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'shop.db'}"
    started = time.monotonic()
    prepare_store(url)
    graph = await FakeGraphApi().start()
    for product in load_catalog().values():
        share_media(graph, product.media_id, product.post)
    env = {
        "SHOP_POLICY_FILE": str(POLICY_FILE),
        "SANIC_KEEP_ALIVE_TIMEOUT": ACTION_SERVER_IDLE_S,
        **ONE_THREAD,
        "INSTAGRAM_VERIFY_TOKEN": payloads.VERIFY_TOKEN,
        "INSTAGRAM_APP_SECRET": payloads.APP_SECRET,
        "INSTAGRAM_ACCESS_TOKEN": "simulator-access-token",
        "INSTAGRAM_GRAPH_BASE_URL": graph.base_url,
        "INSTAGRAM_GRAPH_API_VERSION": "v25.0",
    }
    matcher = ResponseMatcher.from_project(ROOT, POLICY_FILE)
    log_engine = create_engine(url, connect_args={"timeout": 30})  # plain reads; WAL never blocks them
    stacks = [ExitStack() for _ in range(settings.servers)]

    def start(number: int) -> str:
        folder = workdir / f"server{number}"
        folder.mkdir(exist_ok=True)
        credentials = "rest:\n" + INSTAGRAM_CREDENTIALS
        return stacks[number].enter_context(
            running_assistant(
                folder,
                url,
                credentials=credentials,
                extra_env=env,
                model=settings.model,
                tracker_db=workdir / "tracker.db",  # shared: any server's worker may take an Instagram message
            )
        )

    try:
        started_up = await asyncio.gather(
            *(asyncio.to_thread(start, n) for n in range(settings.servers)), return_exceptions=True
        )
        for failure in (s for s in started_up if isinstance(s, BaseException)):
            raise failure
        base_urls = [str(base) for base in started_up]
        server_start_s = time.monotonic() - started
        begun = time.monotonic()
        timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as http:
            rest = [RestTransport(http, base) for base in base_urls]
            instagram = [InstagramTransport(http, base, graph, log_engine) for base in base_urls]
            gate = asyncio.Semaphore(settings.concurrency)
            done = 0

            async def one(scenario: Scenario) -> Result:
                nonlocal done
                pair = scenario.index % len(base_urls)
                transport = instagram[pair] if scenario.channel == "instagram" else rest[pair]
                async with gate:
                    result = await play(scenario, transport, matcher, settings.phrasings)
                done += 1
                if done % 40 == 0 or done == len(scenarios):
                    print(f"  {done}/{len(scenarios)} conversations, {time.monotonic() - begun:.0f} s", file=sys.stderr)
                return result

            results = await asyncio.gather(*(one(s) for s in scenarios))
        conversations_s = time.monotonic() - begun
    finally:
        await asyncio.gather(*(asyncio.to_thread(stack.close) for stack in stacks))
    await graph.stop()
    log_engine.dispose()
    check_all(url, results)
    return Run(list(results), server_start_s, conversations_s, workdir)


def check_all(url: str, results: list[Result]) -> None:
    """Each conversation's outcome, read from the store after every conversation is over."""
    catalog, policy = load_catalog(), load_policy(POLICY_FILE)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            for result in results:
                result.outcome = check_order(session, result.scenario, expected_order(result.scenario, catalog, policy))
    finally:
        engine.dispose()
