"""A demonstration of one service following another's feed, built on the chassis alone: a
*source* probe app serves its feed, a *sink* database keeps a copy of what the events say, and
switching the source's transport off plays a source that is down."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.app import ServiceSpec, build_app
from chassis.consumer import Backoff, ConsumerSpec
from chassis.consumers import Consumers, build_consumers
from chassis.db import Database
from chassis.identity import Principal
from chassis.outbox import Event, emit_many, read_feed
from chassis.peers import PeerGrant
from chassis.settings import BaseServiceSettings
from services.regions.models import tables
from services.regions.settings import MIGRATIONS
from tests.chassis.probe import router as probe_router
from tests.harness import Databases

SOURCE, SINK = "source", "sink"
FEED_PATH = "/v1/probe-events"

# The sink's copies, in a metadata of their own: one row per applied event (a second apply of
# an event would show as a second row) and the state the events describe, by key.
copies_metadata = MetaData()
applied_events = Table(
    "test_applied_events",
    copies_metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("position", String(64), nullable=False),
)
items = Table(
    "test_items",
    copies_metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)


async def apply_event(session: AsyncSession, event: Event) -> None:
    await session.execute(
        applied_events.insert().values(event_id=event.id, position=event.position)
    )
    key = str(event.data.get("key", ""))
    if event.type == "item.set":
        await session.execute(delete(items).where(items.c.key == key))
        await session.execute(items.insert().values(key=key, value=int(event.data["value"])))
    elif event.type == "item.deleted":
        await session.execute(delete(items).where(items.c.key == key))


async def reset_copies(session: AsyncSession) -> None:
    await session.execute(delete(applied_events))
    await session.execute(delete(items))


def consumer_spec(
    apply: Callable[[AsyncSession, Event], Awaitable[None]] = apply_event,
) -> ConsumerSpec:
    return ConsumerSpec(
        feed="probes", source=SOURCE, path=FEED_PATH, apply=apply, reset=reset_copies
    )


def source_app(database_url: str) -> FastAPI:
    """The probe app as a service called `source` that grants the sink its feed alone."""
    spec = ServiceSpec(
        name=SOURCE,
        title="source",
        description="chassis probe serving a feed",
        version="0",
        event_path=FEED_PATH,
        event_scope="probes:read",
        routers=[probe_router],
        tables=tables,
        migrations=MIGRATIONS,
    )
    settings = BaseServiceSettings(
        database_url=database_url,
        environment="test",
        access_log=False,
        log_level="WARNING",
        peers={SINK: PeerGrant(scopes=frozenset({"source:events"}))},
    )
    return build_app(spec, settings)


async def publish(app: FastAPI, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Commit events in the source's outbox, in one transaction."""
    async with app.state.db.session() as session:
        await emit_many(session, app.state.tables.outbox, [(t, d, ()) for t, d in events])
        await session.commit()


async def published(app: FastAPI, count: int, within: float = 10.0) -> None:
    """Until the source's feed serves `count` events: on PostgreSQL an event is served once
    every older transaction in the cluster has ended, and other test runs hold some open."""
    reader = Principal(subject="test", kind="service")
    deadline = time.monotonic() + within
    while True:
        async with app.state.db.session(read_only=True) as session:
            page = await read_feed(
                session,
                app.state.tables.outbox,
                after=None,
                limit=500,
                types=None,
                principal=reader,
            )
        if len(page.items) >= count or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.05)


def sets(start: int, count: int, *, keys: int = 1_000_000) -> list[tuple[str, dict[str, Any]]]:
    return [("item.set", {"key": f"k{i % keys}", "value": i}) for i in range(start, start + count)]


class Switch(httpx.AsyncBaseTransport):
    """The source over ASGI, which a test can take down (connection refused) or make answer
    503, as a source being restarted would."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.state = "up"
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.state == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if self.state == "503":
            return httpx.Response(503, json={"title": "Service Unavailable"})
        return await self.inner.handle_async_request(request)


@dataclass
class Sink:
    url: str
    db: Database

    def consumers(
        self,
        transport: httpx.AsyncBaseTransport,
        *,
        spec: ConsumerSpec | None = None,
        batch: int = 500,
        wait: float = 0.5,
        registry: CollectorRegistry | None = None,
        db: Database | None = None,
    ) -> Consumers:
        settings = BaseServiceSettings(
            database_url=self.url,
            environment="test",
            peer_urls={SOURCE: "http://source"},
            consumer_batch=batch,
            consumer_wait=wait,
        )
        return build_consumers(
            [spec or consumer_spec()],
            service=SINK,
            settings=settings,
            db=db or self.db,
            cursors=tables.cursors,
            metrics=registry or CollectorRegistry(),
            transport=transport,
            backoff=lambda: Backoff(first=0.05, cap=0.4),
        )

    async def applied(self) -> list[tuple[str, str]]:
        """(event id, position) of every apply, in order."""
        async with self.db.session(read_only=True) as session:
            rows = await session.execute(
                select(applied_events.c.event_id, applied_events.c.position).order_by(
                    applied_events.c.n
                )
            )
            return [(str(r.event_id), r.position) for r in rows]

    async def items(self) -> dict[str, int]:
        async with self.db.session(read_only=True) as session:
            return {r.key: r.value for r in await session.execute(select(items))}

    async def cursor(self) -> dict[str, Any]:
        async with self.db.session(read_only=True) as session:
            row = (await session.execute(select(tables.cursors))).mappings().one()
            return dict(row)

    async def count(self) -> int:
        async with self.db.session(read_only=True) as session:
            return int(await session.scalar(select(func.count()).select_from(applied_events)) or 0)

    async def until_count(self, expected: int, within: float = 15.0) -> int:
        deadline = time.monotonic() + within
        while (n := await self.count()) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        return n


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels or None)


# --- fixtures (imported by the test modules that use them) -----------------------------------


@pytest.fixture(scope="session")
async def following(databases: Databases) -> AsyncIterator[Any]:
    """Per backend: the source app and the sink, each on a database of its own."""
    cache: dict[str, tuple[FastAPI, Sink]] = {}

    async def get(backend: str) -> tuple[FastAPI, Sink]:
        if backend not in cache:
            app = source_app(await databases.url("regions", backend, "feed_source"))
            url = await databases.url("regions", backend, "feed_sink")
            db = Database(url, pool_size=4)
            async with db.engine.begin() as conn:
                await conn.run_sync(copies_metadata.create_all)
            cache[backend] = (app, Sink(url, db))
        return cache[backend]

    yield get
    for app, sink in cache.values():
        if app.state.feed_notifier is not None:
            await app.state.feed_notifier.close()
        await app.state.db.dispose()
        await sink.db.dispose()


@pytest.fixture
async def pair(backend: str, following: Any) -> AsyncIterator[tuple[FastAPI, Sink]]:
    """The source and the sink, emptied after the test."""
    app, sink = await following(backend)
    yield app, sink
    async with app.state.db.engine.begin() as conn:
        await conn.execute(delete(app.state.tables.outbox))
    async with sink.db.engine.begin() as conn:
        for table in (applied_events, items, tables.cursors):
            await conn.execute(delete(table))
