from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chassis.testing import auth_headers
from tests.chassis.probe import probe_app
from tests.harness import Databases

SCOPES = ("probes:write", "probes:read")


@pytest.fixture(scope="session")
async def probe_apps(databases: Databases) -> AsyncIterator[Any]:
    cache: dict[tuple[str, str], Any] = {}

    async def get(backend: str, purpose: str) -> Any:
        if (backend, purpose) not in cache:
            url = await databases.url("regions", backend, f"probe_{purpose}")
            cache[(backend, purpose)] = probe_app(url)
        return cache[(backend, purpose)]

    yield get
    for app in cache.values():
        await app.state.db.dispose()


@pytest.fixture
async def probe(backend: str, probe_apps: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Probe client with real commits; the tables it writes are emptied afterwards."""
    app = await probe_apps(backend, "committed")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://probe",
        headers=auth_headers("regions", SCOPES),
    ) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client
    async with app.state.db.engine.begin() as conn:
        for table in (app.state.tables.outbox, app.state.tables.idempotency):
            await conn.execute(table.delete())
