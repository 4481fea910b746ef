"""The test harness: a database per service, backend and test worker, built by
`alembic upgrade head`; apps bound to one connection whose transaction is rolled back per test."""

import asyncio
import importlib
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import httpx
from sqlalchemy import MetaData, delete
from sqlalchemy.engine import make_url

from chassis.migrations import upgrade
from chassis.testing import auth_headers

PG_URL = os.environ.get("TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]


@dataclass(frozen=True)
class ServiceKit:
    name: str
    scopes: tuple[str, ...]

    @property
    def package(self) -> str:
        return f"services.{self.name}"

    def module(self, sub: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{sub}")

    @property
    def migrations(self) -> Path:
        return Path(self.module("settings").MIGRATIONS)

    @property
    def metadata(self) -> MetaData:
        return self.module("models").metadata  # type: ignore[no-any-return]

    def settings(self, database_url: str) -> Any:
        cls = next(
            v
            for k, v in vars(self.module("settings")).items()
            if k.endswith("Settings") and k != "BaseServiceSettings"
        )
        return cls(
            database_url=database_url,
            environment="test",
            access_log=False,
            log_level="WARNING",
            db_pool_size=4,  # many apps per worker share one PostgreSQL server
            feed_max_wait=0.5,  # fuzzing asks for long waits; the waiting itself is tested apart
        )

    def create_app(self, database_url: str) -> Any:
        return self.module("app").create_app(self.settings(database_url))


SERVICES = {
    "regions": ServiceKit("regions", ("regions:read", "regions:write")),
    "dealers": ServiceKit(
        "dealers", ("dealers:read", "dealers:write", "orders:write", "stock:report")
    ),
    "advisors": ServiceKit("advisors", ("advisors:read", "advisors:write")),
}


def migrations_for(name: str) -> Path:
    if name == "gateway":
        return Path(importlib.import_module("gateway.settings").MIGRATIONS)
    return SERVICES[name].migrations


def pg_admin_dsn() -> str:
    assert PG_URL
    return make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_url(database: str) -> str:
    assert PG_URL
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


async def _recreate_pg(name: str) -> None:
    conn = await asyncpg.connect(pg_admin_dsn())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def fresh_database(backend: str, name: str, tmp: Path) -> str:
    """An empty database named `name` on `backend`, returned as an async URL."""
    if backend == "sqlite":
        path = tmp / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            await asyncio.to_thread(Path(f"{path}{suffix}").unlink, missing_ok=True)
        return f"sqlite+aiosqlite:///{path}"
    await _recreate_pg(name)
    return pg_url(name)


class Databases:
    """Migrated databases, made once per (service, backend, purpose) in this worker."""

    def __init__(self, worker: str, tmp: Path) -> None:
        self.worker = worker
        self.tmp = tmp
        self._urls: dict[tuple[str, str, str], str] = {}

    async def url(self, service: str, backend: str, purpose: str = "main") -> str:
        key = (service, backend, purpose)
        if key not in self._urls:
            name = f"ars_test_{self.worker}_{service}_{purpose}"
            url = await fresh_database(backend, name, self.tmp)
            await asyncio.to_thread(upgrade, migrations_for(service), url)
            self._urls[key] = url
        return self._urls[key]


def client_for(app: Any, service: str, scopes: tuple[str, ...] | None = None) -> httpx.AsyncClient:
    kit = SERVICES[service]
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=f"http://{service}",
        headers=auth_headers(service, kit.scopes if scopes is None else scopes),
    )


@asynccontextmanager
async def rolled_back(app: Any, service: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose every write is undone when the test ends."""
    db = app.state.db
    original = db.sessionmaker, db.read_sessionmaker
    async with db.engine.connect() as conn:
        outer = await conn.begin()
        db.bind_to(conn)
        try:
            async with client_for(app, service) as client:
                yield client
        finally:
            db.sessionmaker, db.read_sessionmaker = original
            await outer.rollback()


@asynccontextmanager
async def committed(app: Any, service: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose writes really commit (feeds, concurrency); tables are emptied afterwards."""
    try:
        async with client_for(app, service) as client:
            yield client
    finally:
        async with app.state.db.engine.begin() as conn:
            for table in reversed(SERVICES[service].metadata.sorted_tables):
                await conn.execute(delete(table))


AppFactory = Callable[[str, str], Any]


async def feed(
    client: httpx.AsyncClient,
    path: str,
    expected: int,
    *,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """The event feed once it shows `expected` events (or after 30 s). On PostgreSQL an event is
    served only when every older transaction in the cluster has ended, and parallel test workers
    (or other runs on the same server) keep some open for a while."""
    deadline = time.monotonic() + 30
    while True:
        r = await client.get(path, params=params, headers=headers)
        assert r.status_code == 200, r.text
        page = dict(r.json())
        if len(page["items"]) >= expected or time.monotonic() > deadline:
            return page
        await asyncio.sleep(0.05)
