"""One active consumer per feed across replicas: a PostgreSQL advisory lock held on a connection
of its own while active (losing the connection releases it). SQLite assumes a single process."""

import contextlib
from typing import Protocol

import asyncpg

from chassis.db import is_sqlite
from chassis.notify import pg_dsn


class Leadership(Protocol):
    @property
    def held(self) -> bool: ...

    async def acquire(self) -> bool: ...

    async def release(self) -> None: ...


class SingleProcess:
    """SQLite: one process follows the feed, so it always leads."""

    held = True

    async def acquire(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class AdvisoryLock:
    """Tries `pg_try_advisory_lock` on a dedicated connection, kept between attempts."""

    def __init__(self, dsn: str, name: str) -> None:
        self.dsn = dsn
        self.name = name
        self._conn: asyncpg.Connection | None = None
        self._held = False

    @property
    def held(self) -> bool:
        return self._held and self._conn is not None and not self._conn.is_closed()

    async def acquire(self) -> bool:
        if self._conn is None or self._conn.is_closed():
            self._held = False
            self._conn = await asyncpg.connect(self.dsn, timeout=10)
        if not self._held:
            self._held = bool(
                await self._conn.fetchval(
                    "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", self.name, timeout=10
                )
            )
        return self._held

    async def release(self) -> None:
        """Give the lock up by closing its connection (which releases it even mid-failure)."""
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)
            if not conn.is_closed():
                conn.terminate()


def leadership(database_url: str, name: str) -> Leadership:
    if is_sqlite(database_url):
        return SingleProcess()
    return AdvisoryLock(pg_dsn(database_url), name)
