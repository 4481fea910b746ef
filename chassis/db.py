"""Async database access: engines for PostgreSQL and SQLite, the session that owns a request's
transaction, and the metadata conventions every service shares."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, TypeDecorator, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool
from uuid_utils.compat import uuid7

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored with its zone and always read back as aware UTC (SQLite drops it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_metadata() -> MetaData:
    """A fresh MetaData per service, so that services' tables never mix in one process."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def new_id() -> UUID:
    """Time-ordered UUIDs (v7): keyset pagination by id follows creation order."""
    return uuid7()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; we issue BEGIN ourselves (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front: two writers queue instead of one failing later.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(
    url: str, *, pool_size: int = 10, null_pool: bool = False, **kwargs: Any
) -> AsyncEngine:
    if null_pool:
        kwargs["poolclass"] = NullPool
    elif not is_sqlite(url):
        kwargs.update(pool_size=pool_size, max_overflow=5, pool_pre_ping=False)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


class Database:
    """An engine and the session factory built on it; tests rebind it to one connection."""

    def __init__(self, url: str, *, pool_size: int = 10, null_pool: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=max(1, pool_size // 2), null_pool=null_pool)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_engine = self.engine
        if self.engine.dialect.name == "postgresql" and not null_pool:
            # Reads need no BEGIN/COMMIT/ROLLBACK round trips: under READ COMMITTED each
            # statement has its own snapshot either way. SQLite keeps its explicit transactions.
            self.read_engine = make_engine(
                url, pool_size=pool_size, isolation_level="AUTOCOMMIT", pool_reset_on_return=None
            )
        self.read_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, read_only: bool = False) -> AsyncSession:
        return self.read_sessionmaker() if read_only else self.sessionmaker()

    def bind_to(self, connection: AsyncConnection) -> None:
        """Route every session through `connection`; commits become savepoint releases."""
        self.sessionmaker = async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        self.read_sessionmaker = self.sessionmaker

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


async def serialize(session: AsyncSession, name: str) -> None:
    """Hold a lock named `name` until the transaction ends, so that checks spanning several rows
    (a tree stays a tree) can't pass side by side. SQLite already runs one writer at a time."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


_READS = frozenset({"GET", "HEAD"})


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: services flush, this commits once or rolls back."""
    db: Database = request.app.state.db
    async with db.session(read_only=request.method in _READS) as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


# scope="function": the commit runs before the response is sent, so a failed commit is an error.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
