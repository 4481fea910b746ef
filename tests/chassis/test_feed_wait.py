"""Long-polling the feed: with `wait=` the answer comes as soon as an event commits (PostgreSQL:
LISTEN/NOTIFY, the writer notifying after its commit, also through a lost listening connection;
SQLite: re-reading), or empty when the time is up; the page says how many events remain."""

import asyncio
import time

import httpx
import pytest
from sqlalchemy import text

from chassis.notify import IDLE_RECHECK, FeedNotifier
from chassis.outbox import REMAINING_CAP, emit, emit_many
from tests.harness import feed

FEED = "/v1/probe-events"


async def _timed_get(probe: httpx.AsyncClient, **params: object) -> tuple[float, dict]:  # type: ignore[type-arg]
    started = time.monotonic()
    r = await probe.get(FEED, params=params)
    assert r.status_code == 200, r.text
    return time.monotonic() - started, r.json()


async def test_answers_as_soon_as_an_event_commits(probe: httpx.AsyncClient, backend: str) -> None:
    waiting = asyncio.create_task(_timed_get(probe, wait=10))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    assert (await probe.post("/v1/probes", json={"value": 7})).status_code == 201
    elapsed, page = await waiting
    assert [e["data"]["value"] for e in page["items"]] == [7]
    # PostgreSQL is woken by the commit's notification, well before a waiter's own re-read
    assert elapsed < (IDLE_RECHECK - 1 if backend == "postgres" else 5)


async def test_bulk_writes_wake_waiters_too(probe: httpx.AsyncClient, backend: str) -> None:
    app = probe.app  # type: ignore[attr-defined]
    waiting = asyncio.create_task(_timed_get(probe, wait=10, limit=500))
    await asyncio.sleep(0.3)
    async with app.state.db.session() as session:
        await emit_many(
            session, app.state.tables.outbox, [("bulk", {"n": n}, ()) for n in range(3)]
        )
        await session.commit()
    elapsed, page = await waiting
    assert page["items"] and {e["type"] for e in page["items"]} == {"bulk"}
    assert elapsed < (IDLE_RECHECK - 1 if backend == "postgres" else 5)


async def test_answers_empty_when_the_time_is_up(probe: httpx.AsyncClient) -> None:
    elapsed, page = await _timed_get(probe, wait=1)
    assert page == {"items": [], "next_after": "0.0", "remaining": 0}
    assert 0.9 <= elapsed < 4
    elapsed, _ = await _timed_get(probe)  # no wait: at once
    assert elapsed < 0.9


async def test_waits_after_the_position_given(probe: httpx.AsyncClient) -> None:
    await probe.post("/v1/probes", json={"value": 1})
    first = await feed(probe, FEED, 1)
    waiting = asyncio.create_task(_timed_get(probe, wait=10, after=first["next_after"]))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # the event already read is no news
    await probe.post("/v1/probes", json={"value": 2})
    _, page = await waiting
    assert [e["data"]["value"] for e in page["items"]] == [2]


async def test_a_type_filter_waits_for_its_types(probe: httpx.AsyncClient) -> None:
    app = probe.app  # type: ignore[attr-defined]
    waiting = asyncio.create_task(_timed_get(probe, wait=3, type="wanted"))
    await asyncio.sleep(0.2)
    async with app.state.db.session() as session:
        await emit(session, app.state.tables.outbox, "other", {})
        await session.commit()
    await asyncio.sleep(0.5)
    assert not waiting.done()
    async with app.state.db.session() as session:
        await emit(session, app.state.tables.outbox, "wanted", {})
        await session.commit()
    _, page = await waiting
    assert [e["type"] for e in page["items"]] == ["wanted"]


@pytest.mark.parametrize("wait", ["-1", "31", "soon", "nan", "inf", "1e400"])
async def test_bad_wait_is_named(probe: httpx.AsyncClient, wait: str) -> None:
    r = await probe.get(FEED, params={"wait": wait})
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "#/wait"


async def test_remaining_counts_what_follows_a_full_page(probe: httpx.AsyncClient) -> None:
    app = probe.app  # type: ignore[attr-defined]
    async with app.state.db.session() as session:
        await emit_many(session, app.state.tables.outbox, [("t", {"n": n}, ()) for n in range(7)])
        await session.commit()
    await feed(probe, FEED, 7)
    page = (await probe.get(FEED, params={"limit": 3})).json()
    assert len(page["items"]) == 3 and page["remaining"] == 4
    rest = (await probe.get(FEED, params={"limit": 3, "after": page["next_after"]})).json()
    assert rest["remaining"] == 1
    whole = (await probe.get(FEED, params={"limit": 10})).json()
    assert len(whole["items"]) == 7 and whole["remaining"] == 0  # a page not full: caught up
    assert REMAINING_CAP == 10_000


async def test_a_commit_held_back_by_an_older_transaction_is_awaited(
    probe: httpx.AsyncClient, backend: str
) -> None:
    """B commits while the older A still runs: B's notification comes, but B may be served only
    after A ends, which notifies nothing of its own if it writes no event. The waiter re-reads
    until then."""
    if backend != "postgres":
        pytest.skip("SQLite serialises writers: nothing is held back")
    app = probe.app  # type: ignore[attr-defined]
    db = app.state.db
    async with db.session() as a, db.session() as b:
        await a.execute(text("SELECT pg_current_xact_id()"))  # A holds the oldest transaction id
        waiting = asyncio.create_task(_timed_get(probe, wait=10))
        await asyncio.sleep(0.2)
        await emit(b, app.state.tables.outbox, "b", {})
        await b.commit()
        await asyncio.sleep(0.6)
        assert not waiting.done()  # B is not served while A runs
        await a.commit()  # no event, no notification
    elapsed, page = await waiting
    assert [e["type"] for e in page["items"]] == ["b"]
    assert elapsed < 5


async def test_the_listener_reconnects_when_its_connection_is_lost(
    probe: httpx.AsyncClient, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite has no listening connection")
    app = probe.app  # type: ignore[attr-defined]
    notifier = app.state.feed_notifier
    assert await notifier.ready(within=5)
    async with app.state.db.engine.connect() as conn:
        killed = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = 'listen:outbox_events'"
            )
        )
    assert killed == 1
    deadline = time.monotonic() + 10
    while notifier.listening and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    assert await notifier.ready(within=10)  # back, after a short backoff
    heard = notifier.generation
    async with app.state.db.engine.connect() as conn:  # another process's notification
        await conn.execute(text("SELECT pg_notify('outbox_events', '')"))
        await conn.commit()
    assert await notifier.wait(heard, 3)
    waiting = asyncio.create_task(_timed_get(probe, wait=10))
    await asyncio.sleep(0.3)
    await probe.post("/v1/probes", json={"value": 3})
    elapsed, page = await waiting
    assert [e["data"]["value"] for e in page["items"]] == [3]
    assert elapsed < IDLE_RECHECK - 1


async def test_a_commit_wakes_the_listeners_of_other_processes(
    probe: httpx.AsyncClient, backend: str
) -> None:
    """The writing process NOTIFYs after its commit; a listener elsewhere (another replica
    serving the feed) hears it. A rolled-back write announces nothing."""
    if backend != "postgres":
        pytest.skip("SQLite has no notifications")
    app = probe.app  # type: ignore[attr-defined]
    elsewhere = FeedNotifier(app.state.feed_notifier.dsn, app.state.tables.outbox.name)
    try:
        assert await elsewhere.ready(within=5)
        heard = elsewhere.generation
        async with app.state.db.session() as session:
            await emit(session, app.state.tables.outbox, "undone", {})
            await session.rollback()
        assert not await elsewhere.wait(heard, 0.5)
        async with app.state.db.session() as session:
            await emit(session, app.state.tables.outbox, "done", {})
            await session.commit()
        assert await elsewhere.wait(heard, 3)
    finally:
        await elsewhere.close()
