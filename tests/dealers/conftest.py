"""The dealers test apps check regions against a regions service the test controls
(`regions_owner`): it knows the regions the helpers name."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.dealers.upstream import RegionsOwner, app_of, use_owner


@pytest.fixture
def regions_owner() -> RegionsOwner:
    return RegionsOwner()


@pytest.fixture
async def dealers(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner
) -> AsyncIterator[httpx.AsyncClient]:
    app = app_of(dealers)
    kept = app.state.regions
    use_owner(app, regions_owner)
    yield dealers
    app.state.regions = kept


@pytest.fixture
async def dealers_committed(
    dealers_committed: httpx.AsyncClient, regions_owner: RegionsOwner
) -> AsyncIterator[httpx.AsyncClient]:
    app = app_of(dealers_committed)
    kept = app.state.regions
    use_owner(app, regions_owner)
    yield dealers_committed
    app.state.regions = kept
