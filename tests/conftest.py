"""Fixtures shared by every test: backends, per-worker databases and per-test clients."""

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.harness import BACKENDS, SERVICES, Databases, committed, rolled_back


@pytest.fixture(scope="session")
def worker(worker_id: str) -> str:
    """The worker's part of its database names; `TEST_DB_TAG` keeps two runs on one server apart."""
    return os.environ.get("TEST_DB_TAG", "") + worker_id.replace("gw", "w")


@pytest.fixture(scope="session")
def databases(worker: str, tmp_path_factory: pytest.TempPathFactory) -> Databases:
    return Databases(worker, tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def apps(databases: Databases) -> AsyncIterator[Any]:
    """One app per (service, backend, purpose) for the whole worker session."""
    cache: dict[tuple[str, str, str], Any] = {}

    async def get(service: str, backend: str, purpose: str = "main") -> Any:
        key = (service, backend, purpose)
        if key not in cache:
            cache[key] = SERVICES[service].create_app(
                await databases.url(service, backend, purpose)
            )
        return cache[key]

    yield get
    for app in cache.values():
        await app.state.db.dispose()


@pytest.fixture
async def regions(backend: str, apps: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with rolled_back(await apps("regions", backend), "regions") as client:
        yield client


@pytest.fixture
async def dealers(backend: str, apps: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with rolled_back(await apps("dealers", backend), "dealers") as client:
        yield client


@pytest.fixture
async def advisors(backend: str, apps: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with rolled_back(await apps("advisors", backend), "advisors") as client:
        yield client


@pytest.fixture
async def regions_committed(backend: str, apps: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with committed(await apps("regions", backend, "committed"), "regions") as client:
        yield client


@pytest.fixture
async def dealers_committed(backend: str, apps: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with committed(await apps("dealers", backend, "committed"), "dealers") as client:
        yield client


@pytest.fixture
async def advisors_committed(backend: str, apps: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with committed(await apps("advisors", backend, "committed"), "advisors") as client:
        yield client
