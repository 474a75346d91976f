"""``make run-cluster`` for real: PostgreSQL, Redis, two action servers, two Rasa replicas and
HAProxy, started by scripts/run_cluster.sh; conversations that move between the replicas.

Needs the trained model (``make train``) and Debian's postgresql, redis-server and haproxy.
About two minutes, most of it the two Rasa servers loading the model.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.channels import payloads
from tests.channels.fake_graph import FakeGraphApi
from tests.e2e import servers
from tests.redis_server import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 420
REPLY_TIMEOUT_S = 90


@dataclass
class Cluster:
    url: str
    replicas: list[str]
    database_url: str
    redis_url: str
    dir: Path
    graph: FakeGraphApi
    loop: asyncio.AbstractEventLoop
    log: Path

    def graph_wait(self, condition, timeout: float = REPLY_TIMEOUT_S) -> None:  # type: ignore[no-untyped-def]
        asyncio.run_coroutine_threadsafe(self.graph.wait_for(condition, timeout), self.loop).result(timeout + 5)


def _fake_graph_in_a_thread() -> tuple[FakeGraphApi, asyncio.AbstractEventLoop, threading.Thread]:
    """The fake Graph API on its own event loop, so the synchronous tests can wait on the cluster."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    graph = asyncio.run_coroutine_threadsafe(FakeGraphApi().start(), loop).result(10)
    return graph, loop, thread


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    missing = [name for name in ("redis-server", "haproxy") if shutil.which(name) is None]
    if missing or not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.fail(f"run-cluster needs postgresql, redis-server and haproxy (missing: {missing or 'postgresql'})")
    if not (ROOT / "models" / "shop.tar.gz").is_file():
        pytest.fail("no trained model in models/: run `make train` first (make test does)")
    work = tmp_path_factory.mktemp("cluster")
    info, log = work / "cluster.info", work / "run_cluster.log"
    graph, loop, thread = _fake_graph_in_a_thread()
    env = {
        **os.environ,
        "CLUSTER_PORT": str(free_port()),
        "CLUSTER_INFO": str(info),
        "INSTAGRAM_VERIFY_TOKEN": payloads.VERIFY_TOKEN,
        "INSTAGRAM_APP_SECRET": payloads.APP_SECRET,
        "INSTAGRAM_ACCESS_TOKEN": "cluster-access-token",
        "INSTAGRAM_GRAPH_BASE_URL": graph.base_url,
        "SHOP_POLICY_FILE": str(ROOT / "shop_policy.yml"),
        "RASA_API_TOKEN": "",  # the test reads a tracker through Rasa's API (development: no token)
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    }
    started = time.monotonic()
    values: dict[str, str] = {}
    with log.open("w") as out:
        script = subprocess.Popen(
            ["scripts/run_cluster.sh"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        while not info.exists() or "dir=" not in info.read_text():
            if script.poll() is not None or time.monotonic() - started > START_TIMEOUT_S:
                pytest.fail(f"run_cluster.sh did not come up:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(1)
        values = dict(line.split("=", 1) for line in info.read_text().splitlines() if "=" in line)
        print(f"cluster up in {time.monotonic() - started:.0f} s")
        yield Cluster(
            values["url"],
            values["rasa"].split(),
            values["database_url"],
            values["redis_url"],
            Path(values["dir"]),
            graph,
            loop,
            log,
        )
    finally:
        script.send_signal(signal.SIGINT)  # what Ctrl-C does
        try:
            script.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(script.pid, signal.SIGKILL)
            script.wait()
        asyncio.run_coroutine_threadsafe(graph.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
    assert "cluster stopped" in log.read_text(errors="replace")
    assert values and not Path(values["dir"]).exists()  # the temporary directory went with it


def say(base_url: str, sender: str, message: str) -> list[str]:
    """One REST turn's reply texts."""
    return [reply.get("text", "") for reply in servers.say(base_url, sender, message)]


def orders_of(cluster: Cluster, sender: str) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "owner.cli", "orders", "list", "--json"],
        capture_output=True,
        text=True,
        env={"DATABASE_URL": cluster.database_url, "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        check=True,
    )
    return [order for order in json.loads(result.stdout) if order["customer_id"] == sender]


CHECKOUT = [
    ("سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟", "۱٬۲۵۰٬۰۰۰"),
    ("میخوام", "چند"),
    ("دوتا", "نام"),
    ("مریم احمدی", "موبایل"),
    ("۰۹۱۲ ۳۴۵ ۶۷۸۹", "آدرس"),
    ("تهران، خیابان ولیعصر، کوچه بهار، پلاک ۱۲", "کد پستی"),
    ("ندارم", "پست"),
    ('/inform{"shipping_method": "post"}', "۲٬۵۶۰٬۰۰۰"),
    ("/affirm", "ثبت شد"),
]


def test_a_purchase_moving_between_replicas_completes_in_order_with_one_order(cluster: Cluster) -> None:
    sender = "cluster-buyer"
    for turn, (message, expected) in enumerate(CHECKOUT):
        replica = cluster.replicas[turn % 2]  # every turn on the other replica
        replies = "\n".join(say(replica, sender, message))
        assert expected in replies, (turn, message, replies)
    placed = orders_of(cluster, sender)
    assert len(placed) == 1 and placed[0]["total"] == 2560000
    say(cluster.url, sender, "/affirm")  # a second "yes", through the balancer: nothing more placed
    assert len(orders_of(cluster, sender)) == 1


def test_concurrent_messages_to_both_replicas_take_turns(cluster: Cluster) -> None:
    """Rasa's lock, in Redis: one conversation's turns never interleave across replicas."""
    sender = "cluster-burst"
    messages = ["سلام", "قیمت شال SH-12 چنده؟", "مانتو B-21 مشکی L دارید؟", "ممنون"]
    with ThreadPoolExecutor(len(messages)) as pool:
        answers = list(pool.map(lambda i: say(cluster.replicas[i % 2], sender, messages[i]), range(len(messages))))
    assert all(answers), answers
    with urllib.request.urlopen(f"{cluster.url}/conversations/{sender}/tracker", timeout=30) as response:
        events = json.loads(response.read())["events"]
    kinds = [
        "user" if e["event"] == "user" else "listen"
        for e in events
        if e["event"] == "user" or (e["event"] == "action" and e.get("name") == "action_listen")
    ]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(users) == sorted(messages)  # none lost
    while kinds and kinds[0] == "listen":  # the session's start
        kinds.pop(0)
    assert kinds == ["user", "listen"] * len(messages), kinds  # each turn finished before the next began


def test_one_delivery_sent_to_both_replicas_gets_one_reply(cluster: Cluster) -> None:
    sender = "cluster-ig-1"
    question = payloads.text_message(sender, "قیمت شال SH-12 چنده؟", mid="mid-cluster-both")
    body = payloads.encode(payloads.delivery(question))

    def post(base_url: str) -> int:
        request = urllib.request.Request(
            f"{base_url}/webhooks/instagram/webhook", data=body, headers=payloads.signed_headers(body)
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(post, cluster.replicas * 2)) == [200] * 4
    cluster.graph_wait(lambda graph: bool(graph.texts(sender)))
    time.sleep(3)  # time enough for a second answer, were there one
    replies = cluster.graph.texts(sender)
    assert len([text for text in replies if "SH-12" in text and "۳۲۰٬۰۰۰" in text]) == 1, replies
    # The replies were paced through Redis, shared by both replicas (channels/send_pacing.py).
    assert redis.Redis.from_url(cluster.redis_url).keys("shop:send-pace:*")
