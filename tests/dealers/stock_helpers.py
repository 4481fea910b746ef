"""Helpers of the stock, sell-out and replenishment tests: a dealer with an outlet and products."""

from typing import Any

import httpx

from tests.dealers.helpers import create, make_outlet, make_product

STOCK = "/v1/stock-reports/bulk"
SELL_OUT = "/v1/sell-out-reports/bulk"


async def network(client: httpx.AsyncClient, n: int = 1) -> dict[str, Any]:
    """A dealer, one of its outlets and a product."""
    dealer = await create(client, n)
    outlet = await make_outlet(client, n, dealer)
    product = await make_product(client, n)
    return {"dealer": dealer, "outlet": outlet, "product": product}


async def post_lines(
    client: httpx.AsyncClient, path: str, items: list[dict[str, Any]], **kw: Any
) -> dict[str, Any]:
    r = await client.post(path, json={"items": items}, **kw)
    assert r.status_code == 200, r.text
    return dict(r.json())


def stock_line(net: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "location_id": net["outlet"]["id"],
        "product_id": net["product"]["id"],
        "as_of": "2026-11-20T08:00:00+08:00",
        "on_hand": 10,
        "in_transit": 2,
    } | extra


def sale(net: dict[str, Any], day: str, quantity: int, **extra: Any) -> dict[str, Any]:
    return {
        "location_id": net["outlet"]["id"],
        "product_id": net["product"]["id"],
        "day": day,
        "quantity": quantity,
        "amount": f"{quantity * 10}.00",
    } | extra


async def events(client: httpx.AsyncClient, type: str) -> list[dict[str, Any]]:
    r = await client.get("/v1/dealer-events", params={"type": type, "limit": 500})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])
