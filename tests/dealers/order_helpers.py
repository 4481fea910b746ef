"""Helpers of the order, payment and receivable tests."""

from itertools import count
from typing import Any

import httpx

from tests.dealers.helpers import create, feed, make_outlet, make_product

_keys = count()


def key() -> dict[str, str]:
    """A fresh Idempotency-Key header."""
    return {"Idempotency-Key": f"test-{next(_keys)}"}


async def trade(client: httpx.AsyncClient, n: int = 1, credit: str = "100000.00") -> dict[str, Any]:
    """A dealer with a credit limit, one of its outlets (credit 5,000) and two products (48.50)."""
    dealer = await create(client, n, credit_limit=credit)
    outlet = await make_outlet(client, n, dealer, credit_limit="5000.00")
    products = [await make_product(client, 10 * n + i) for i in range(2)]
    return {"dealer": dealer, "outlet": outlet, "products": products}


async def place(
    client: httpx.AsyncClient,
    buyer: dict[str, Any],
    lines: list[tuple[dict[str, Any], int]],
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "buyer_id": buyer["id"],
        "lines": [{"product_id": p["id"], "quantity": q} for p, q in lines],
    } | extra
    r = await client.post("/v1/orders", json=body, headers=key() | (headers or {}))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def move(
    client: httpx.AsyncClient, order: dict[str, Any], status: str, **extra: Any
) -> httpx.Response:
    return await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": status} | extra)


async def moved(client: httpx.AsyncClient, order: dict[str, Any], *statuses: str) -> dict[str, Any]:
    """The order after each of `statuses` in turn (each must succeed)."""
    for status in statuses:
        r = await move(client, order, status)
        assert r.status_code == 200, r.text
        order = dict(r.json())
    return order


async def pay(
    client: httpx.AsyncClient,
    payer: dict[str, Any],
    parts: list[tuple[dict[str, Any], str]],
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    total = sum(float(a) for _, a in parts)
    body = {
        "payer_id": payer["id"],
        "amount": f"{total:.2f}",
        "method": "bank_transfer",
        "paid_on": "2026-11-20",
        "allocations": [{"order_id": o["id"], "amount": a} for o, a in parts],
    } | extra
    return await client.post("/v1/payments", json=body, headers=key() | (headers or {}))


async def events_of(client: httpx.AsyncClient, type_: str, expected: int = 1) -> list[Any]:
    """The feed's events of `type_` once `expected` of them are served (PostgreSQL serves an
    event only when every older transaction has ended)."""
    page = await feed(client, "/v1/dealer-events", expected, type=type_, limit=500)
    return list(page["items"])
