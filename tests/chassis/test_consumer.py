"""Following another service's feed: each event takes effect exactly once (across a crash
between apply and commit, with two consumers on one database), the consumer backs off while the
source is down and then catches up, lag is measured, and a rebuild ends where incremental
application did."""

import asyncio
import random
from collections import Counter

import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.consumer import Backoff
from chassis.db import Database
from chassis.outbox import Event
from tests.chassis.following import (
    Sink,
    Switch,
    apply_event,
    consumer_spec,
    following,
    pair,
    publish,
    published,
    sample,
    sets,
)

__all__ = ["following", "pair"]  # fixtures

Pair = tuple[FastAPI, Sink]


def once_each(applied: list[tuple[str, str]]) -> bool:
    return all(n == 1 for n in Counter(event_id for event_id, _ in applied).values())


async def test_follows_the_feed_in_order_and_stores_the_position(pair: Pair) -> None:
    source, sink = pair
    await publish(source, sets(0, 25))
    await published(source, 25)
    registry = CollectorRegistry()
    consumers = sink.consumers(Switch(source), batch=10, registry=registry)
    [consumer] = consumers
    try:
        assert await consumer.catch_up() == 25
    finally:
        await consumers.close()
    applied = await sink.applied()
    assert len(applied) == 25 and once_each(applied)
    assert await sink.items() == {f"k{i}": i for i in range(25)}
    cursor = await sink.cursor()
    assert cursor["feed"] == "probes" and cursor["applied"] == 25
    assert cursor["position"] == applied[-1][1]  # the last event's position
    assert sample(registry, "feed_consumer_events_applied_total", feed="probes") == 25
    assert sample(registry, "feed_consumer_lag_events", feed="probes") == 0


async def test_a_crash_between_apply_and_commit_applies_nothing_twice(pair: Pair) -> None:
    """The handler has written its copy of event 7 when the process "dies": the page's
    transaction is rolled back, position included, and a restarted consumer applies each
    event once."""
    source, sink = pair
    await publish(source, sets(0, 20))
    await published(source, 20)
    seen = 0

    async def crashing(session: AsyncSession, event: Event) -> None:
        nonlocal seen
        await apply_event(session, event)
        seen += 1
        if seen == 7:
            raise RuntimeError("the process dies before the commit")

    first = sink.consumers(Switch(source), spec=consumer_spec(crashing), batch=10)
    [consumer] = first
    with pytest.raises(RuntimeError, match="dies"):
        await consumer.step(wait=0)
    await first.close()
    assert await sink.applied() == []
    assert (await sink.cursor())["position"] == "0.0"

    restarted = sink.consumers(Switch(source), batch=10)  # a new process: nothing in memory
    try:
        assert await next(iter(restarted)).catch_up() == 20
    finally:
        await restarted.close()
    applied = await sink.applied()
    assert len(applied) == 20 and once_each(applied)
    assert (await sink.cursor())["applied"] == 20


async def test_a_page_is_applied_only_after_the_position_it_was_read_after(pair: Pair) -> None:
    """Two consumers read the same page; the second finds the position moved and applies
    nothing (compare-and-set), then carries on from the new position."""
    source, sink = pair
    await publish(source, sets(0, 6))
    await published(source, 6)
    one, two = sink.consumers(Switch(source)), sink.consumers(Switch(source))
    [a], [b] = one, two
    try:
        start = await a.stored_position()
        assert await b.stored_position() == start
        page = await a.fetch(start, wait=0)
        same = await b.fetch(start, wait=0)
        assert await a.apply(start, page) is True
        assert await b.apply(start, same) is False
        await publish(source, sets(6, 2))
        await published(source, 8)
        b.position = None  # what `step` does after a lost compare-and-set
        assert await b.catch_up() == 2
    finally:
        await one.close()
        await two.close()
    applied = await sink.applied()
    assert len(applied) == 8 and once_each(applied)


async def test_two_consumers_on_one_database_apply_each_event_once(
    pair: Pair, backend: str
) -> None:
    source, sink = pair
    registries = [CollectorRegistry(), CollectorRegistry()]
    replicas = [Database(sink.url, pool_size=2) for _ in registries]
    groups = [
        sink.consumers(Switch(source), batch=7, wait=1, registry=r, db=db)
        for r, db in zip(registries, replicas, strict=True)
    ]
    stops = [asyncio.Event(), asyncio.Event()]
    runs = [asyncio.create_task(g.run(s)) for g, s in zip(groups, stops, strict=True)]
    try:
        for start in range(0, 60, 6):  # written while both run
            await publish(source, sets(start, 6))
            await asyncio.sleep(random.random() / 20)
        assert await sink.until_count(60) == 60
        await asyncio.sleep(0.3)  # a second apply of anything would show now
        active = [sample(r, "feed_consumer_active", feed="probes") for r in registries]
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*runs)
        for db in replicas:
            await db.dispose()
    applied = await sink.applied()
    assert len(applied) == 60 and once_each(applied)
    assert [p for _, p in applied] == sorted((p for _, p in applied), key=_order)
    if backend == "postgres":  # the advisory lock: one active, the other standing by
        assert sorted(active) == [0.0, 1.0]


def _order(position: str) -> tuple[int, int]:
    txid, _, seq = position.partition(".")
    return int(txid), int(seq)


async def test_backs_off_while_the_source_is_down_then_catches_up(pair: Pair) -> None:
    source, sink = pair
    await publish(source, sets(0, 10))
    switch = Switch(source)
    switch.state = "down"
    registry = CollectorRegistry()
    consumers = sink.consumers(switch, batch=4, wait=1, registry=registry)
    stop = asyncio.Event()
    run = asyncio.create_task(consumers.run(stop))
    try:
        await asyncio.sleep(1.0)
        down_errors = sample(registry, "feed_consumer_errors_total", feed="probes", stage="read")
        # 0.05 s doubling to 0.4 s, half of each random: a handful of tries, not a busy loop
        assert down_errors is not None and 3 <= down_errors <= 12
        assert switch.requests == down_errors
        assert await sink.count() == 0
        switch.state = "503"
        await asyncio.sleep(0.5)
        assert (
            sample(registry, "feed_consumer_errors_total", feed="probes", stage="read") or 0
        ) > down_errors
        assert sample(registry, "feed_consumer_last_error_timestamp_seconds", feed="probes")
        switch.state = "up"
        await publish(source, sets(10, 10))
        assert await sink.until_count(20) == 20
    finally:
        stop.set()
        await run
    applied = await sink.applied()
    assert len(applied) == 20 and once_each(applied)
    assert await sink.items() == {f"k{i}": i for i in range(20)}


async def test_lag_is_measured_in_events_and_seconds(pair: Pair) -> None:
    source, sink = pair
    await publish(source, sets(0, 30))
    await published(source, 30)
    await asyncio.sleep(0.05)  # the events are now at least this old
    registry = CollectorRegistry()
    consumers = sink.consumers(Switch(source), batch=10, registry=registry)
    [consumer] = consumers
    try:
        assert await consumer.step(wait=0) == 10
        assert sample(registry, "feed_consumer_lag_events", feed="probes") == 20
        assert (sample(registry, "feed_consumer_lag_seconds", feed="probes") or 0) >= 0.05
        assert await consumer.catch_up() == 20
    finally:
        await consumers.close()
    assert sample(registry, "feed_consumer_lag_events", feed="probes") == 0
    assert sample(registry, "feed_consumer_lag_seconds", feed="probes") == 0
    assert sample(registry, "feed_consumer_events_applied_total", feed="probes") == 30


async def test_rebuild_ends_in_the_state_of_incremental_application(pair: Pair) -> None:
    source, sink = pair
    rng = random.Random(13)
    consumers = sink.consumers(Switch(source), batch=8)
    [consumer] = consumers
    try:
        for round_ in range(6):  # written and applied in turns, page by page
            events = [
                ("item.deleted", {"key": f"k{rng.randrange(12)}"})
                if rng.random() < 0.25
                else ("item.set", {"key": f"k{rng.randrange(12)}", "value": round_ * 100 + i})
                for i in range(11)
            ]
            await publish(source, events)
            await consumer.step(wait=0)
        await published(source, 66)
        await consumer.catch_up()
        incremental, cursor = await sink.items(), await sink.cursor()
        assert incremental and cursor["applied"] == 66

        assert await consumers.rebuild() == {"probes": 66}
    finally:
        await consumers.close()
    assert await sink.items() == incremental
    rebuilt = await sink.cursor()
    assert (rebuilt["position"], rebuilt["applied"]) == (cursor["position"], cursor["applied"])
    assert len(await sink.applied()) == 66  # the copies were emptied first


async def test_a_reset_makes_the_running_consumer_replay_the_feed(pair: Pair) -> None:
    """`rebuild` while the service's consumer runs: the reset moves the position back, the
    running consumer's compare-and-set fails, and it replays from the start."""
    source, sink = pair
    await publish(source, sets(0, 15, keys=5))
    running = sink.consumers(Switch(source), batch=4, wait=0.3)
    stop = asyncio.Event()
    run = asyncio.create_task(running.run(stop))
    other = sink.consumers(Switch(source))
    try:
        assert await sink.until_count(15) == 15
        before = await sink.items()
        await next(iter(other)).reset()
        assert await sink.until_count(15) == 15
        await asyncio.sleep(0.2)
    finally:
        stop.set()
        await run
        await other.close()
    assert await sink.items() == before
    assert (await sink.cursor())["applied"] == 15 == len(await sink.applied())


def test_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    backoff = Backoff(first=0.2, cap=30)
    delays = [backoff.next() for _ in range(12)]
    for n, delay in enumerate(delays):
        full = min(30, 0.2 * 2**n)
        assert full / 2 <= delay <= full
    backoff.reset()
    assert backoff.next() <= 0.2
