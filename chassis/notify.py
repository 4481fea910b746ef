"""Wake-ups for long-polling feeds on PostgreSQL: each process keeps one connection that LISTENs
(reconnecting when lost) and wakes the requests waiting for new events; a process that commits
events NOTIFYs on it right after the commit."""

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from chassis.db import is_sqlite

log = logging.getLogger("chassis.notify")
T = TypeVar("T")

RECONNECT_MIN = 0.2
RECONNECT_MAX = 30.0
PING_EVERY = 30.0  # a half-open connection sends no termination; a ping finds it
IDLE_RECHECK = 5.0  # a waiter re-reads at least this often, whatever it heard
SQLITE_POLL = 0.1  # no notifications on SQLite: re-read this often
UNHEARD_POLL = 0.25  # while the listening connection is down
SETTLE_FIRST, SETTLE_MAX = 0.02, 0.5
_PENDING = "chassis.notify.pending"


def pg_dsn(url: str) -> str:
    """The plain libpq DSN asyncpg takes for a SQLAlchemy `postgresql+asyncpg://` URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _jitter(delay: float) -> float:
    return delay * (0.5 + random.random() / 2)


class FeedNotifier:
    """Listens on one channel over a connection of its own and counts what it hears; a waiter
    remembers the count before it reads and waits for it to move."""

    def __init__(self, dsn: str, channel: str) -> None:
        self.dsn = dsn
        self.channel = channel
        self.generation = 0
        self._changed = asyncio.Event()
        self._listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()  # one statement at a time on the connection
        self._announcer: asyncio.Task[None] | None = None
        self._more = False

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._supervise(), name=f"listen:{self.channel}")

    async def ready(self, within: float) -> bool:
        """Started and listening (waiting at most `within` seconds): a read after this can't
        miss a commit, which would otherwise wait for the next one."""
        self.start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), within)
        return self.listening

    def wake(self) -> None:
        self.generation += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, since: int, within: float) -> bool:
        """Until something is heard after generation `since`, or `within` seconds; whether it
        was."""
        if self.generation == since:
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), within)
        return self.generation != since

    def announce(self) -> None:
        """Events committed: wake this process's waiters now and NOTIFY every other listener,
        one NOTIFY at a time (commits meanwhile share the next one). Sent after the writer's
        commit rather than inside its transaction: a NOTIFY in a transaction takes a lock that
        serialises the commits of every notifying transaction in the cluster."""
        self.wake()
        self._more = True
        if self._announcer is None or self._announcer.done():
            self._announcer = asyncio.get_running_loop().create_task(self._announce())

    async def _announce(self) -> None:
        while self._more:
            self._more = False
            if not await self.ready(within=2.0):
                return  # readers elsewhere re-read within IDLE_RECHECK
            try:
                async with self._lock:
                    if self._conn is not None:
                        await self._conn.execute("SELECT pg_notify($1, '')", self.channel)
            except Exception as exc:  # a lost connection: the listener reconnects
                log.warning("notifying %s failed: %r", self.channel, exc)
                return

    async def close(self) -> None:
        if self._announcer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._announcer), 2)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._listening.clear()

    async def _supervise(self) -> None:
        delay = RECONNECT_MIN
        while True:
            try:
                await self._listen()
                delay = RECONNECT_MIN
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database being away must not end the listener
                log.warning("listening on %s failed: %r; reconnecting", self.channel, exc)
                delay = min(delay * 2, RECONNECT_MAX)
            self._listening.clear()
            self.wake()  # waiters re-read while nobody listens
            await asyncio.sleep(_jitter(delay))

    async def _listen(self) -> None:
        # A NOTIFY needs no durable commit: losing one in a crash only delays a reader.
        settings = {"synchronous_commit": "off", "application_name": f"listen:{self.channel}"}
        conn = await asyncpg.connect(self.dsn, timeout=10, server_settings=settings)
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            await conn.add_listener(self.channel, self._heard)
            self._conn = conn
            self._listening.set()
            self.wake()  # events may have committed while nobody listened
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), PING_EVERY)
                if not lost.is_set():
                    async with self._lock:
                        await conn.execute("SELECT 1", timeout=10)
        finally:
            self._conn = None
            self._listening.clear()
            conn.terminate()

    def _heard(self, *_: object) -> None:
        self.wake()


_NOTIFIERS: dict[tuple[str, str], FeedNotifier] = {}


def feed_notifier(database_url: str, channel: str) -> FeedNotifier | None:
    """The process's notifier for a database's channel: none on SQLite (waiters poll)."""
    if is_sqlite(database_url):
        return None
    key = (pg_dsn(database_url), channel)
    if key not in _NOTIFIERS:
        _NOTIFIERS[key] = FeedNotifier(*key)
    return _NOTIFIERS[key]


def announce_on_commit(session: AsyncSession, channel: str) -> None:
    """Have the listeners of `channel` told once the session's transaction commits."""
    sync = session.sync_session
    if _PENDING in sync.info:
        return
    bind = sync.get_bind()
    if bind.dialect.name == "postgresql":
        url = bind.engine.url.render_as_string(hide_password=False)
        sync.info[_PENDING] = feed_notifier(url, channel)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    notifier = session.info.pop(_PENDING, None)
    if isinstance(session.bind, Connection) and session.bind.in_transaction():
        return  # the session joined an outer transaction: nothing is committed yet
    if notifier is not None:
        with contextlib.suppress(RuntimeError):  # no running loop: nobody here to wake
            notifier.announce()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


Poll = tuple[T, bool, bool]  # the answer, whether it has news, whether news is settling


async def long_poll(
    read: Callable[[], Awaitable[Poll[T]]], wait: float, notifier: FeedNotifier | None
) -> T:
    """Read until the answer has news or `wait` seconds are up. Between reads: the next
    notification (PostgreSQL), or a short sleep (SQLite, or while the listener is down). News
    that is *settling* (committed, but not served while an older transaction runs) is re-read
    with a short backoff: its commit will not be announced again."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    if notifier is not None and wait > 0:
        await notifier.ready(within=min(wait, 1.0))
    settle = SETTLE_FIRST
    while True:
        since = notifier.generation if notifier is not None else 0
        answer, news, settling = await read()
        left = deadline - loop.time()
        if news or left <= 0:
            return answer
        if settling:
            await asyncio.sleep(min(settle, left))
            settle = min(settle * 2, SETTLE_MAX)
        elif notifier is None:
            await asyncio.sleep(min(SQLITE_POLL, left))
        elif not notifier.listening:
            await asyncio.sleep(min(UNHEARD_POLL, left))
        else:
            await notifier.wait(since, min(IDLE_RECHECK, left))
