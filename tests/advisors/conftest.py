"""The advisors clients of these tests check their references against a fake regions and
dealers service (`owners`), fresh for each test: its records are copied on first use, in the
test's own transaction."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.advisors.owners import FakeOwners


@pytest.fixture
def owners() -> FakeOwners:
    return FakeOwners.standard()


@pytest.fixture
async def advisors(
    advisors: httpx.AsyncClient, owners: FakeOwners, apps: Any, backend: str
) -> AsyncIterator[httpx.AsyncClient]:
    (await apps("advisors", backend)).state.references = owners.references()
    yield advisors


@pytest.fixture
async def advisors_committed(
    advisors_committed: httpx.AsyncClient, owners: FakeOwners, apps: Any, backend: str
) -> AsyncIterator[httpx.AsyncClient]:
    (await apps("advisors", backend, "committed")).state.references = owners.references()
    yield advisors_committed
