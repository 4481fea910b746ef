"""Following another service's feed: read pages after the stored position, apply each event and
move the position in one transaction of this service's database, so that every event takes
effect exactly once, across crashes and replicas."""

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge
from pydantic import ValidationError
from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import Database, utcnow
from chassis.leader import Leadership
from chassis.outbox import Event, EventFeed
from chassis.peers import PeerSigner
from chassis.queries import dialect_insert

log = logging.getLogger("chassis.consumer")
T = TypeVar("T")

EventHandler = Callable[[AsyncSession, Event], Awaitable[None]]
ResetHook = Callable[[AsyncSession], Awaitable[None]]
START = "0.0"  # the position before a feed's first event
STANDBY_RETRY = 2.0  # seconds between a standby's attempts to become the active consumer


@dataclass(frozen=True)
class ConsumerSpec:
    """A feed a service follows and what it does with each event."""

    feed: str  # the name its position is stored and measured under
    source: str  # the service serving the feed: the token's audience, a key of `peer_urls`
    path: str  # the feed's path on the source, e.g. /v1/<singular>-events
    apply: EventHandler  # called in the transaction that also moves the position
    reset: ResetHook  # empties what `apply` built, before a rebuild replays the feed
    types: tuple[str, ...] = ()  # only these event types (all when empty)


class Backoff:
    """Delays after consecutive failures: `first` doubling up to `cap`, each with jitter (half
    of it random) so that replicas that failed together don't retry together."""

    def __init__(self, first: float = 0.2, cap: float = 30.0) -> None:
        self.first = first
        self.cap = cap
        self.failures = 0

    def next(self) -> float:
        delay = min(self.cap, self.first * 2**self.failures)
        self.failures += 1
        return delay * (0.5 + random.random() / 2)

    def reset(self) -> None:
        self.failures = 0


class ConsumerMetrics:
    """The consumers' Prometheus series, labelled by feed."""

    def __init__(self, registry: CollectorRegistry) -> None:
        feed = ("feed",)
        self.applied = Counter(
            "feed_consumer_events_applied",
            "Events applied from a followed feed",
            feed,
            registry=registry,
        )
        self.lag_events = Gauge(
            "feed_consumer_lag_events",
            "Events the feed holds after the last page read (counted up to 10,000)",
            feed,
            registry=registry,
        )
        self.lag_seconds = Gauge(
            "feed_consumer_lag_seconds",
            "Seconds since the last applied event occurred while behind; 0 when caught up",
            feed,
            registry=registry,
        )
        self.errors = Counter(
            "feed_consumer_errors",
            "Failed reads of the feed or applies of a page",
            ("feed", "stage"),
            registry=registry,
        )
        self.last_error = Gauge(
            "feed_consumer_last_error_timestamp_seconds",
            "When the last failure happened",
            feed,
            registry=registry,
        )
        self.active = Gauge(
            "feed_consumer_active",
            "1 while this process is the feed's active consumer",
            feed,
            registry=registry,
        )


class SourceError(RuntimeError):
    """The feed's service answered something other than a page."""


async def unless_stopped(work: Coroutine[Any, Any, T], stopping: asyncio.Event) -> T | None:
    """`work`'s result, or None once `stopping` is set first (work is then cancelled)."""
    task = asyncio.ensure_future(work)
    stop = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None


class FeedConsumer:
    """Follows one feed for one service. `step` reads and applies one page; `run` follows the
    feed while it is the active consumer, backing off while the source fails."""

    def __init__(
        self,
        spec: ConsumerSpec,
        *,
        db: Database,
        cursors: Table,
        client: httpx.AsyncClient,
        signer: PeerSigner,
        metrics: ConsumerMetrics,
        leader: Leadership,
        batch: int = 500,
        wait: float = 20.0,
        backoff: Backoff | None = None,
    ) -> None:
        self.spec = spec
        self.db = db
        self.cursors = cursors
        self.client = client
        self.signer = signer
        self.metrics = metrics
        self.leader = leader
        self.batch = batch
        self.wait = wait
        self.backoff = backoff or Backoff()
        self.position: str | None = None  # as stored; None: read it again
        self.behind = False
        self.last_event_at: datetime | None = None
        metrics.lag_seconds.labels(spec.feed).set_function(self.seconds_behind)

    @property
    def feed(self) -> str:
        return self.spec.feed

    def seconds_behind(self) -> float:
        if not self.behind or self.last_event_at is None:
            return 0.0
        return max(0.0, time.time() - self.last_event_at.timestamp())

    # --- the stored position --------------------------------------------------------------

    async def _ensure_cursor(self, session: AsyncSession) -> None:
        stmt = dialect_insert(session, self.cursors).values(
            feed=self.feed, position=START, applied=0, updated_at=utcnow()
        )
        await session.execute(stmt.on_conflict_do_nothing(index_elements=["feed"]))

    async def stored_position(self) -> str:
        async with self.db.session() as session:
            await self._ensure_cursor(session)
            c = self.cursors.c
            row = (
                await session.execute(
                    select(c.position, c.last_event_at).where(c.feed == self.feed)
                )
            ).one()
            await session.commit()
        self.last_event_at = row.last_event_at
        return str(row.position)

    async def _moved(self, expected: str) -> bool:
        c = self.cursors.c
        async with self.db.session(read_only=True) as session:
            stored = await session.scalar(select(c.position).where(c.feed == self.feed))
        return stored != expected

    async def _locked_position(self, session: AsyncSession) -> str | None:
        c = self.cursors.c
        stmt = select(c.position).where(c.feed == self.feed).with_for_update()
        return await session.scalar(stmt)

    # --- one page -------------------------------------------------------------------------

    async def fetch(self, after: str, wait: float) -> EventFeed:
        params: dict[str, Any] = {"after": after, "limit": self.batch, "wait": wait}
        if self.spec.types:
            params["type"] = list(self.spec.types)
        token = self.signer.token(self.spec.source)
        headers = {"authorization": f"Bearer {token}", "accept": "application/json"}
        try:
            r = await self.client.get(self.spec.path, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise SourceError(f"{self.spec.source} is unreachable: {exc!r}") from exc
        if r.status_code != 200:
            raise SourceError(f"{self.spec.path} answered {r.status_code}: {r.text[:200]}")
        try:
            return EventFeed.model_validate_json(r.content)
        except ValidationError as exc:
            raise SourceError(f"{self.spec.path} answered no feed page: {exc}") from exc

    async def apply(self, expected: str, page: EventFeed) -> bool:
        """Apply the page and move the position in one transaction, only if the position is
        still the one the page was read after (else another consumer or a rebuild moved it)."""
        c = self.cursors.c
        async with self.db.session() as session:
            if await self._locked_position(session) != expected:
                await session.rollback()
                return False
            for event in page.items:
                await self.spec.apply(session, event)
            values: dict[str, Any] = {
                "position": page.next_after,
                "applied": c.applied + len(page.items),
                "updated_at": utcnow(),
            }
            if page.items:
                values["last_event_at"] = page.items[-1].occurred_at
            await session.execute(update(self.cursors).where(c.feed == self.feed).values(values))
            await session.commit()
        return True

    async def step(
        self, stopping: asyncio.Event | None = None, *, wait: float | None = None
    ) -> int:
        """Read the page after the stored position (waiting for one up to `wait` seconds) and
        apply it; the number of events applied."""
        if self.position is None:
            self.position = await self.stored_position()
        after = self.position
        fetch = self.fetch(after, self.wait if wait is None else wait)
        page = await (fetch if stopping is None else unless_stopped(fetch, stopping))
        if page is None:
            return 0
        if page.next_after == after:
            self._measure(page, applied=0)
            if await self._moved(after):  # a rebuild reset it, or another consumer moved on
                self.position = None
            return 0
        if not await self.apply(after, page):
            self.position = None
            return 0
        self.position = page.next_after
        if page.items:
            self.last_event_at = page.items[-1].occurred_at
        self._measure(page, applied=len(page.items))
        return len(page.items)

    def _measure(self, page: EventFeed, *, applied: int) -> None:
        self.behind = page.remaining > 0
        self.metrics.lag_events.labels(self.feed).set(page.remaining)
        if applied:
            self.metrics.applied.labels(self.feed).inc(applied)

    def failed(self, stage: str, exc: BaseException) -> None:
        self.metrics.errors.labels(self.feed, stage).inc()
        self.metrics.last_error.labels(self.feed).set(time.time())
        log.warning("following the %s feed failed (%s): %r", self.feed, stage, exc)

    # --- following ------------------------------------------------------------------------

    async def catch_up(self, settle: float = 0) -> int:
        """Apply pages until the feed has nothing more, waiting `settle` seconds at most for
        events that have committed but are not served yet; the events applied."""
        total = 0
        while True:
            before = self.position
            total += await self.step(wait=settle)
            if self.position is not None and self.position == before:
                return total

    async def reset(self) -> None:
        """Empty what the consumer built (its `reset` hook) and move the position back to the
        start, in one transaction; the active consumer then replays the feed from its start."""
        c = self.cursors.c
        async with self.db.session() as session:
            await self._ensure_cursor(session)
            await self._locked_position(session)
            await self.spec.reset(session)
            values = {
                "position": START,
                "applied": 0,
                "last_event_at": None,
                "updated_at": utcnow(),
            }
            await session.execute(update(self.cursors).where(c.feed == self.feed).values(values))
            await session.commit()
        self.position = None
        self.last_event_at = None

    async def run(self, stopping: asyncio.Event) -> None:
        """Follow the feed until `stopping` is set: as the active consumer while this process
        holds the leadership, else as a standby trying to take it over."""
        active = self.metrics.active.labels(self.feed)
        while not stopping.is_set():
            try:
                leading = await self.leader.acquire()
            except Exception as exc:  # the database being away must not end the loop
                self.failed("lead", exc)
                await pause(stopping, self.backoff.next())
                continue
            if not leading:
                await pause(stopping, STANDBY_RETRY * (0.5 + random.random()))
                continue
            active.set(1)
            try:
                await self._follow(stopping)
            finally:
                active.set(0)
                await self.leader.release()

    async def _follow(self, stopping: asyncio.Event) -> None:
        self.position = None  # another replica may have moved it while this one stood by
        while not stopping.is_set() and self.leader.held:
            try:
                await self.step(stopping)
            except SourceError as exc:
                self.failed("read", exc)
            except Exception as exc:  # a handler or the database: retry the same page later
                self.failed("apply", exc)
            else:
                self.backoff.reset()
                continue
            await pause(stopping, self.backoff.next())


async def pause(stopping: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less if `stopping` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)
