"""The event feed: written in the request's transaction, served in commit-safe order, never
skipping an event whose transaction commits late, filtered for partners."""

import asyncio
import time
from uuid import uuid4

import httpx
import pytest

from chassis.identity import Principal
from chassis.outbox import emit, read_feed
from chassis.testing import auth_headers
from tests.chassis.conftest import SCOPES
from tests.harness import feed


async def test_feed_pages_with_positions(probe: httpx.AsyncClient) -> None:
    for value in range(5):
        await probe.post("/v1/probes", json={"value": value})
    await feed(probe, "/v1/probe-events", 5)
    page = (await probe.get("/v1/probe-events", params={"limit": 3})).json()
    rest = (await probe.get("/v1/probe-events", params={"after": page["next_after"]})).json()
    assert [e["data"]["value"] for e in page["items"] + rest["items"]] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    "after", ["yesterday", "57684689667272323164591.3", "1.99999999999999999999999"]
)
async def test_bad_position_is_named(probe: httpx.AsyncClient, after: str) -> None:
    r = await probe.get("/v1/probe-events", params={"after": after})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/after"


async def test_partners_see_only_their_dealers_events(probe: httpx.AsyncClient) -> None:
    mine, other = uuid4(), uuid4()
    await probe.post("/v1/probes", json={"value": 1, "dealer_id": str(mine)})
    await probe.post("/v1/probes", json={"value": 2, "dealer_id": str(other)})
    await probe.post("/v1/probes", json={"value": 3})
    partner = auth_headers("regions", SCOPES, kind="partner", dealer_ids=[mine])
    await feed(probe, "/v1/probe-events", 3)
    seen = (await probe.get("/v1/probe-events", headers=partner)).json()["items"]
    assert [e["data"]["value"] for e in seen] == [1]


async def test_late_commit_is_not_skipped(backend: str, probe: httpx.AsyncClient) -> None:
    """Transaction A writes first but commits last; a reader in between must not move past A."""
    if backend != "postgres":
        pytest.skip("SQLite serialises writers; the race needs concurrent transactions")
    db = probe.app.state.db  # type: ignore[attr-defined]
    outbox = probe.app.state.tables.outbox  # type: ignore[attr-defined]
    reader = Principal(subject="r", kind="service")
    async with db.session() as a, db.session() as b, db.session() as r1:
        await emit(a, outbox, "a", {})  # takes the lower id, stays open
        await emit(b, outbox, "b", {})
        await b.commit()
        first = await read_feed(r1, outbox, after=None, limit=10, types=None, principal=reader)
        await r1.rollback()
        assert [e.type for e in first.items] == []  # b waits behind a's open transaction
        await a.commit()
    # Served once every transaction older than a's commit has ended: the other test worker may
    # hold one for a moment, so read again until then.
    deadline = time.monotonic() + 10
    while True:
        async with db.session() as r2:
            second = await read_feed(
                r2, outbox, after=first.next_after, limit=10, types=None, principal=reader
            )
        if len(second.items) >= 2 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert sorted(e.type for e in second.items) == ["a", "b"]
