"""`make run`'s demo loads through the gateway as any client would, and a second run adds
nothing: run as its own process, as `make run` does, against the real processes."""

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from scripts.stack import ROOT, Stack
from tests.e2e.conftest import start_stack
from tests.harness import Databases

pytestmark = pytest.mark.e2e
COLLECTIONS = (
    "/v1/regions",
    "/v1/advisors",
    "/v1/dealers",
    "/v1/outlets",
    "/v1/products",
    "/v1/orders",
    "/v1/payments",
    "/v1/assignments",
    "/v1/visits",
    "/v1/training-courses",
    "/v1/market-surveys",
    "/v1/targets",
)


@pytest.fixture(scope="module")
def stack(backend: str, databases: Databases) -> Iterator[Stack]:
    """A stack of its own: the demo fills its databases."""
    stack = start_stack(databases, backend, "e2e_demo")
    try:
        yield stack
    finally:
        stack.stop_all()


def _load(stack: Stack) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.demo", stack.gateway_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _count(gw: httpx.Client, path: str) -> int:
    total, cursor = 0, None
    while True:
        r = gw.get(path, params={"limit": 500, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, (path, r.text)
        total += len(r.json()["items"])
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return total


def test_the_demo_loads_and_a_rerun_adds_nothing(stack: Stack, gw: httpx.Client) -> None:
    _load(stack)
    first = {path: _count(gw, path) for path in COLLECTIONS}
    assert all(first.values()), first
    _load(stack)
    assert {path: _count(gw, path) for path in COLLECTIONS} == first
