"""Sell-out facts for consumers: one `sell_out.summarised` event per dealer and day written,
carrying each location's stored totals for that day (resends and concurrent writers included)."""

import asyncio
from datetime import date, timedelta
from typing import Any

import httpx

from tests.api import listed
from tests.dealers.helpers import feed, make_outlet, make_product
from tests.dealers.stock_helpers import SELL_OUT, network, post_lines, sale

TYPE = "sell_out.summarised"


async def _summaries(client: httpx.AsyncClient, expected: int) -> list[dict[str, Any]]:
    page = await feed(client, "/v1/dealer-events", expected, type=TYPE, limit=500)
    return [e for e in page["items"] if e["type"] == TYPE]


async def test_a_summary_per_dealer_and_day_with_stored_totals(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    net = await network(client)
    second = await make_outlet(client, 2, net["dealer"])
    other = await make_product(client, 2)
    await post_lines(
        client,
        SELL_OUT,
        [
            sale(net, "2026-11-01", 2),
            sale(net, "2026-11-01", 3, product_id=other["id"]),
            sale(net, "2026-11-01", 1, location_id=second["id"]),
            sale(net, "2026-11-02", 4),
        ],
    )
    first = await _summaries(client, 2)
    assert [e["data"]["day"] for e in first] == ["2026-11-01", "2026-11-02"]
    day1 = first[0]
    assert day1["dealer_ids"] == [net["dealer"]["id"]]
    by_location = {loc["location_id"]: loc for loc in day1["data"]["locations"]}
    assert by_location[net["outlet"]["id"]] | {"region_id": None} == {
        "location_id": net["outlet"]["id"],
        "location_type": "outlet",
        "region_id": None,
        "lines": 2,
        "quantity": 5,
        "amount": "50.00",
    }
    assert by_location[second["id"]]["quantity"] == 1
    assert (day1["data"]["quantity"], day1["data"]["amount"]) == (6, "60.00")
    # A resend replaces a line: the next summary carries the day's new totals, not a delta.
    await post_lines(client, SELL_OUT, [sale(net, "2026-11-01", 7)])
    after = await _summaries(client, 3)
    assert len(after) == 3 and after[-1]["data"]["day"] == "2026-11-01"
    assert after[-1]["data"]["quantity"] == 7 + 3 + 1


async def test_a_million_lines_would_not_make_a_million_events(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    net = await network(client)
    products = [net["product"]] + [await make_product(client, n) for n in range(2, 11)]
    days = [(date(2026, 10, 1) + timedelta(days=d)).isoformat() for d in range(30)]
    lines = [sale(net, day, 1, product_id=p["id"]) for p in products for day in days]
    result = await post_lines(client, SELL_OUT, lines)
    assert result["created"] == 300
    assert len(await _summaries(client, 30)) == 30  # one per dealer and day, not per line


async def test_concurrent_writers_end_with_the_full_totals(
    dealers_committed: httpx.AsyncClient,
) -> None:
    """Two requests writing other products on the same days: the last summary of each day (in
    feed order) holds both requests' lines."""
    client = dealers_committed
    net = await network(client)
    products = [net["product"]] + [await make_product(client, n) for n in range(2, 7)]
    days = [(date(2026, 9, 1) + timedelta(days=d)).isoformat() for d in range(20)]

    def request(part: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [sale(net, day, 2, product_id=p["id"]) for p in part for day in days]

    await asyncio.gather(
        post_lines(client, SELL_OUT, request(products[:3])),
        post_lines(client, SELL_OUT, request(products[3:])),
    )
    last: dict[str, int] = {}
    for event in await _summaries(client, 40):
        last[event["data"]["day"]] = event["data"]["quantity"]
    stored = await listed(client, "/v1/sell-out-reports")
    assert len(stored) == 120
    assert last == {day: 2 * len(products) for day in days}
