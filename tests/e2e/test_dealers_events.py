"""The dealers service among the real processes, following the regions and advisors feeds with
its consumer run as a process of its own (`python -m services.dealers consume`), so that a test
decides when the copy catches up: regions checked against the copy or by one read of the regions
service (503 while it is down), the copy catching up after restarts with no event lost or applied
twice, two consumers applying each event once, `rebuild` ending in the same copy, the advisor and
the inbound references from the advisors feed, and the dealer read by a peer signing as itself."""

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from chassis.peers import PeerSigner, dev_service_private_key
from scripts.stack import ROOT, SERVICES, Stack, free_port
from services.dealers.references.feeds import REGIONS
from tests.dealers.helpers import uscc
from tests.harness import Databases

pytestmark = pytest.mark.e2e
T = TypeVar("T")
PURPOSE = "e2e_dealers"
REGION_TYPES = ", ".join(f"'{t}'" for t in REGIONS.types)
COPY = "SELECT id, code, name, level, parent_id, deleted, version FROM region_copies"


class World:
    """The stack, the dealers consumers it runs, and its databases read directly."""

    def __init__(self, stack: Stack, urls: dict[str, str]) -> None:
        self.stack = stack
        self.urls = urls
        self.consumers: list[subprocess.Popen[bytes]] = []
        self.gw = httpx.Client(base_url=stack.gateway_url, timeout=15)
        self.serial = 0

    # --- processes ------------------------------------------------------------------------

    def run(self, *args: str, **kw: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "services.dealers", *args],
            env=self.stack.env(),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **kw,
        )

    def start_consumer(self) -> None:
        self.consumers.append(self.run("consume"))

    def ensure_consumer(self) -> None:
        if not self.consumers:
            self.start_consumer()

    def stop_consumers(self) -> None:
        for proc in self.consumers:
            proc.send_signal(signal.SIGTERM)
        for proc in self.consumers:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.consumers = []

    def restart(self, name: str) -> None:
        self.stack.start(name)
        self.stack.wait_ready()

    # --- the databases --------------------------------------------------------------------

    def query(self, service: str, sql: str) -> list[Any]:
        async def run() -> list[Any]:
            engine = create_async_engine(self.urls[service], poolclass=NullPool)
            try:
                async with engine.connect() as conn:
                    return list((await conn.execute(text(sql))).all())
            finally:
                await engine.dispose()

        return asyncio.run(run())

    def copy(self) -> dict[UUID, tuple[Any, ...]]:
        return {
            _id(r[0]): (*r[1:4], _id(r[4]), bool(r[5]), r[6]) for r in self.query("dealers", COPY)
        }

    def regions(self) -> dict[UUID, tuple[Any, ...]]:
        rows = self.query(
            "regions", "SELECT id, code, name, level, parent_id, version FROM regions"
        )
        return {_id(r[0]): (r[1], r[2], r[3], _id(r[4]), False, r[5]) for r in rows}

    def region_events(self) -> int:
        sql = f"SELECT count(*) FROM outbox_events WHERE type IN ({REGION_TYPES})"
        return int(self.query("regions", sql)[0][0])

    def applied(self, feed: str = "regions") -> int:
        rows = self.query("dealers", f"SELECT applied FROM consumer_cursors WHERE feed = '{feed}'")
        return int(rows[0][0]) if rows else 0

    def caught_up(self) -> bool:
        """Every region event applied exactly once, and the copy is the regions table (with
        tombstones for the regions deleted)."""
        live = {k: v for k, v in self.copy().items() if not v[4]}
        return self.applied() == self.region_events() and live == self.regions()

    # --- writes through the gateway -------------------------------------------------------

    def region(self, **extra: Any) -> dict[str, Any]:
        self.serial += 1
        body = {"code": f"ED{self.serial:03d}", "name": f"测试大区{self.serial}", "kind": "sales"}
        r = self.gw.post("/v1/regions", json=body | extra)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def dealer(self, region_id: str) -> httpx.Response:
        self.serial += 1
        body = {
            "code": f"ED-{self.serial:04d}",
            "name": f"测试经销商{self.serial}",
            "uscc": uscc(7000 + self.serial),
            "region_id": region_id,
        }
        return self.gw.post("/v1/dealers", json=body)

    def copied_region(self) -> dict[str, Any]:
        """A region the copy already holds (from the feed): no read of the owner needed."""
        region = self.region()
        eventually(lambda: UUID(region["id"]) in self.copy(), "the new region in the copy")
        return region

    def dealers(self) -> int:
        return int(self.query("dealers", "SELECT count(*) FROM dealers")[0][0])


def _id(value: Any) -> UUID | None:
    return None if value is None else UUID(str(value))


def eventually(check: Callable[[], T], what: str, within: float = 45.0) -> T:
    deadline = time.monotonic() + within
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within} s")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def world(backend: str, databases: Databases) -> Iterator[World]:
    urls = {n: asyncio.run(databases.url(n, backend, PURPOSE)) for n in (*SERVICES, "gateway")}
    ports = {name: free_port() for name in ("gateway", *SERVICES)}
    # the dealers app follows no feed itself: the consumer processes the tests start do
    env = {"GATEWAY_DEV_AUTH": "true", "DEALERS_CONSUME_IN_PROCESS": "false"}
    stack = Stack(urls, ports=ports, extra_env=env, quiet=True)
    stack.start_all()
    world = World(stack, urls)
    try:
        stack.wait_ready()
        yield world
    finally:
        world.stop_consumers()
        world.gw.close()
        stack.stop_all()


def test_a_region_is_checked_by_the_owner_until_the_copy_has_it(world: World) -> None:
    fresh = world.region()  # no consumer runs: the copy can't have heard of it
    assert str(_id(fresh["id"])) not in {str(k) for k in world.copy()}
    r = world.dealer(fresh["id"])
    assert r.status_code == 201, r.text
    assert world.copy()[UUID(fresh["id"])][:3] == (fresh["code"], fresh["name"], "sales_area")
    assert world.applied() == 0  # copied by the read of the owner, not by the feed
    ghost = str(uuid4())
    before = world.dealers()
    r = world.dealer(ghost)
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["#/region_id"]
    assert world.dealers() == before
    world.start_consumer()
    eventually(world.caught_up, "the consumer applying the region feed")


def test_with_regions_down_the_copy_decides_and_an_unseen_region_is_a_503(world: World) -> None:
    world.ensure_consumer()
    known = world.copied_region()
    world.stack.stop("regions")
    try:
        r = world.dealer(known["id"])
        assert r.status_code == 201, r.text
        before = world.dealers()
        r = world.dealer(str(uuid4()))
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["service"] == "regions"
        assert world.dealers() == before
    finally:
        world.restart("regions")
    later = world.region()  # created after the restart: the consumer recovered from its backoff
    eventually(lambda: UUID(later["id"]) in world.copy(), "the region created after the restart")
    eventually(world.caught_up, "every region event applied once")


def test_the_consumer_catches_up_after_its_own_downtime(world: World) -> None:
    world.stop_consumers()
    made = [world.region() for _ in range(3)]
    items = [{"code": f"EB{n:03d}", "name": f"批量大区{n}", "kind": "sales"} for n in range(40)]
    r = world.gw.post("/v1/regions/bulk", json={"items": items})
    assert r.status_code == 200 and r.json()["created"] == 40, r.text
    r = world.gw.patch(
        f"/v1/regions/{made[0]['id']}", json={"name": "改名大区"}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200, r.text
    r = world.gw.delete(f"/v1/regions/{made[1]['id']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 204, r.text
    pending = world.region_events() - world.applied()
    assert pending >= 45
    world.start_consumer()
    eventually(world.caught_up, "the backlog applied")
    copy = world.copy()
    assert copy[UUID(made[0]["id"])][1] == "改名大区"
    assert copy[UUID(made[1]["id"])][4] is True  # a tombstone


def test_two_consumers_apply_each_event_once(world: World) -> None:
    world.ensure_consumer()
    world.start_consumer()  # a second replica beside the first
    assert len(world.consumers) == 2
    for _ in range(10):
        world.region()
    items = [{"code": f"EP{n:03d}", "name": f"并发大区{n}", "kind": "sales"} for n in range(30)]
    assert world.gw.post("/v1/regions/bulk", json={"items": items}).status_code == 200
    eventually(world.caught_up, "both replicas running, every event applied once")
    world.stop_consumers()
    world.start_consumer()


def test_rebuild_ends_in_the_copy_incremental_application_made(world: World) -> None:
    world.ensure_consumer()
    eventually(world.caught_up, "the copy caught up before the rebuild")
    world.stop_consumers()
    incremental, applied = world.copy(), world.applied()
    assert any(row[4] for row in incremental.values())  # tombstones are replayed too
    done = world.run("rebuild", stdin=subprocess.DEVNULL)
    assert done.wait(timeout=120) == 0
    assert world.copy() == incremental
    assert world.applied() == applied == world.region_events()
    world.start_consumer()


def test_the_advisor_and_the_references_come_from_the_advisors_feed(world: World) -> None:
    world.ensure_consumer()
    region = world.copied_region()
    dealer = world.dealer(region["id"]).json()
    r = world.gw.post(
        "/v1/advisors",
        json={"employee_code": "E9001", "name": "测试顾问", "role": "customer_advisor"},
    )
    assert r.status_code == 201, r.text
    advisor = r.json()
    body = {
        "advisor_id": advisor["id"],
        "account_kind": "dealer",
        "account_id": dealer["id"],
        "from_date": "2026-01-01",
    }
    r = world.gw.post("/v1/assignments", json=body)
    assert r.status_code == 201, r.text
    visit = {
        "advisor_id": advisor["id"],
        "account_kind": "dealer",
        "account_id": dealer["id"],
        "planned_date": "2026-11-03",
        "purpose": "季度回访",
    }
    assert world.gw.post("/v1/visits", json=visit).status_code == 201

    def advisor_shown() -> bool:
        got = world.gw.get(f"/v1/dealers/{dealer['id']}").json()
        return bool(got["advisor_id"] == advisor["id"])

    eventually(advisor_shown, "the dealer's advisor from the assignment")
    both = {"assignments.account_id": 1, "visits.account_id": 1}

    def refused_naming_both() -> bool:
        # the assignment is counted already, so the dealer can't go; the visit may still be on
        # its way
        r = world.gw.delete(f"/v1/dealers/{dealer['id']}", headers={"If-Match": '"v1"'})
        assert r.status_code == 409, r.text
        return bool(r.json()["references"] == both)

    eventually(refused_naming_both, "the visit counted beside the assignment")
    r = world.gw.patch(
        f"/v1/dealers/{dealer['id']}",
        json={"advisor_id": advisor["id"]},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 422 and "assignment" in r.text


def test_a_peer_signing_as_itself_reads_a_dealer_and_nothing_else(world: World) -> None:
    world.ensure_consumer()
    region = world.copied_region()
    dealer = world.dealer(region["id"]).json()
    token = PeerSigner(dev_service_private_key("advisors"), "advisors").token("dealers")
    direct = httpx.Client(
        base_url=f"http://127.0.0.1:{world.stack.ports['dealers']}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with direct:
        got = direct.get(f"/v1/dealers/{dealer['id']}")
        assert got.status_code == 200 and got.json()["id"] == dealer["id"]
        assert direct.get("/v1/dealers").status_code == 403
        assert direct.get("/v1/dealer-events").status_code == 200
