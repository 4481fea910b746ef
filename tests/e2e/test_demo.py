"""`make run`'s demo loads through the gateway as any client would, and a second run adds
nothing: run as its own process, as `make run` does, against the real processes."""

import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

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


def _listed(gw: httpx.Client, path: str, **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = gw.get(path, params={"limit": 500, **params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, (path, r.text)
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items


def _count(gw: httpx.Client, path: str) -> int:
    return len(_listed(gw, path))


def test_the_demo_loads_and_a_rerun_adds_nothing(stack: Stack, gw: httpx.Client) -> None:
    _load(stack)
    first = {path: _count(gw, path) for path in COLLECTIONS}
    assert all(first.values()), first
    _load(stack)
    assert {path: _count(gw, path) for path in COLLECTIONS} == first


def test_the_demo_shows_the_replenishment_loop(stack: Stack, gw: httpx.Client) -> None:
    """Sixty days of sell-out and counts, policies, proposals with outlets to reorder and a few
    stock-outs, orders in every state and receivables in every ageing bucket."""
    _load(stack)
    assert _count(gw, "/v1/outlets") >= 185
    assert len(_listed(gw, "/v1/sell-out-reports")) > 20_000
    assert 3 <= len(_listed(gw, "/v1/stock-positions", out_of_stock="true")) <= 30
    reorder = _listed(gw, "/v1/replenishment-proposals", reorder="true")
    assert len(reorder) >= 10
    assert {p["policy_source"] for p in reorder} >= {"grade"}
    for p in reorder:
        assert p["proposed_quantity"] % p["order_multiple"] == 0
    orders = _listed(gw, "/v1/orders")
    statuses = {o["status"] for o in orders}
    assert len(orders) >= 50 and {"delivered", "submitted", "confirmed", "shipped"} <= statuses
    assert len(_listed(gw, "/v1/payments")) >= 25
    owed = _listed(gw, "/v1/receivables", customer_type="dealer")
    assert owed and all(r["overdue_orders"] >= 1 for r in owed)
    assert any(Decimal(r["ageing"]["over_90"]) > 0 for r in owed)
