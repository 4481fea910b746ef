"""The regions app as its tests use it: the advisors service it asks about owners is played by
`advisors_service` (which knows `ADVISOR`), so no test depends on a real one."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.regions.owners import use_advisors
from tests.harness import committed, rolled_back
from tests.regions.peers import AdvisorsService


@pytest.fixture
def advisors_service() -> AdvisorsService:
    return AdvisorsService()


@pytest.fixture
async def regions_app(
    backend: str, apps: Any, advisors_service: AdvisorsService
) -> AsyncIterator[FastAPI]:
    app: FastAPI = await apps("regions", backend)
    use_advisors(app, advisors_service.fetch)
    yield app
    app.state.advisor_reference = None  # the app is shared: other tests ask as it would


@pytest.fixture
async def regions(regions_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with rolled_back(regions_app, "regions") as client:
        yield client


@pytest.fixture
async def regions_committed(
    backend: str, apps: Any, advisors_service: AdvisorsService
) -> AsyncIterator[httpx.AsyncClient]:
    app = await apps("regions", backend, "committed")
    use_advisors(app, advisors_service.fetch)
    async with committed(app, "regions") as client:
        yield client
    app.state.advisor_reference = None
