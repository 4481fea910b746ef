"""`/v1/stock-reports` and `/v1/stock-positions`: idempotent per (location, product, as_of), the
newest line is the position, per-line errors, partner isolation."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from chassis.testing import auth_headers
from tests.api import listed
from tests.dealers.helpers import feed, make_product, partner, unknown_id
from tests.dealers.stock_helpers import STOCK, network, post_lines, stock_line


async def test_a_resend_changes_nothing(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    first = await post_lines(dealers, STOCK, [stock_line(net)])
    assert first["created"] == 1
    again = await post_lines(dealers, STOCK, [stock_line(net, as_of="2026-11-20T00:00:00Z")])
    assert (again["created"], again["updated"], again["invalid"]) == (0, 1, 0)
    assert again["items"][0]["id"] == first["items"][0]["id"]
    assert len(await listed(dealers, "/v1/stock-reports")) == 1
    other = await post_lines(dealers, STOCK, [stock_line(net, on_hand=9)])
    assert other["items"][0]["errors"][0]["pointer"] == "#/on_hand"
    assert len(await listed(dealers, "/v1/stock-reports")) == 1


async def test_the_newest_line_is_the_position(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    lines = [
        stock_line(net, as_of="2026-11-21T00:00:00Z", on_hand=0, in_transit=5),
        stock_line(net, as_of="2026-11-20T00:00:00Z", on_hand=7),
    ]
    await post_lines(dealers, STOCK, lines)
    await post_lines(dealers, STOCK, [stock_line(net, as_of="2026-11-19T00:00:00Z", on_hand=3)])
    [position] = await listed(dealers, "/v1/stock-positions")
    assert (position["on_hand"], position["in_transit"]) == (0, 5)
    assert position["dealer_id"] == net["dealer"]["id"]
    assert position["location_type"] == "outlet"
    assert position["as_of"].startswith("2026-11-21")
    assert len(await listed(dealers, "/v1/stock-reports")) == 3
    out = await listed(dealers, "/v1/stock-positions", out_of_stock="true")
    assert [p["id"] for p in out] == [position["id"]]
    assert await listed(dealers, "/v1/stock-positions", out_of_stock="false") == []
    assert await listed(dealers, "/v1/stock-positions", product_id=unknown_id()) == []


async def test_a_dealer_warehouse_is_a_location(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    await post_lines(dealers, STOCK, [stock_line(net, location_id=net["dealer"]["id"])])
    [position] = await listed(dealers, "/v1/stock-positions", dealer_id=net["dealer"]["id"])
    assert position["location_type"] == "dealer"
    assert position["region_id"] == net["dealer"]["region_id"]


async def test_bad_lines_are_refused_one_by_one(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    result = await post_lines(
        dealers,
        STOCK,
        [
            stock_line(net),
            stock_line(net, location_id=unknown_id(), as_of="2026-11-21T00:00:00Z"),
            stock_line(net, product_id=unknown_id()),
            stock_line(net, on_hand=-1),
            stock_line(net, on_hand="3"),
            stock_line(net, as_of="2026-11-20 08:00"),
        ],
    )
    assert (result["created"], result["invalid"]) == (1, 5)
    errors = {i["index"]: [e["pointer"] for e in i["errors"] or []] for i in result["items"]}
    assert errors[1] == ["#/location_id"] and errors[2] == ["#/product_id"]
    assert errors[3] == ["#/on_hand"] and errors[4] == ["#/on_hand"] and errors[5] == ["#/as_of"]
    assert len(await listed(dealers, "/v1/stock-reports")) == 1


async def test_too_many_lines_are_refused_whole(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    r = await dealers.post(STOCK, json={"items": [stock_line(net)] * 5001})
    assert r.status_code == 422
    assert await listed(dealers, "/v1/stock-reports") == []


async def test_partners_report_and_read_only_their_own(dealers: httpx.AsyncClient) -> None:
    mine, theirs = await network(dealers, 1), await network(dealers, 2)
    headers = partner(mine["dealer"])
    result = await post_lines(
        dealers, STOCK, [stock_line(mine), stock_line(theirs)], headers=headers
    )
    assert [i["status"] for i in result["items"]] == ["created", "invalid"]
    assert result["items"][1]["errors"][0]["pointer"] == "#/location_id"
    await post_lines(dealers, STOCK, [stock_line(theirs)])
    seen = (await dealers.get("/v1/stock-positions", headers=headers)).json()["items"]
    assert [p["location_id"] for p in seen] == [mine["outlet"]["id"]]
    reports = (await dealers.get("/v1/stock-reports", headers=headers)).json()["items"]
    assert [p["location_id"] for p in reports] == [mine["outlet"]["id"]]
    assert len(await listed(dealers, "/v1/stock-positions")) == 2


async def test_events_name_the_dealer(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    net = await network(client)
    lines = [stock_line(net, on_hand=0), stock_line(net, as_of="2026-11-19T00:00:00Z")]
    await post_lines(client, STOCK, lines)
    await post_lines(client, STOCK, lines)
    reported = await feed(client, "/v1/dealer-events", 2, type="stock.reported")
    assert len(reported["items"]) == 2
    assert all(e["dealer_ids"] == [net["dealer"]["id"]] for e in reported["items"])
    [out] = (await feed(client, "/v1/dealer-events", 1, type="stock.out"))["items"]
    assert out["data"]["location_id"] == net["outlet"]["id"]


async def test_five_thousand_lines_in_one_request(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    lines = [
        stock_line(net, as_of=f"2026-11-{1 + n // 1440:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00Z")
        for n in range(5000)
    ]
    assert (await post_lines(dealers, STOCK, lines))["created"] == 5000
    assert (await post_lines(dealers, STOCK, lines))["updated"] == 5000
    [position] = await listed(dealers, "/v1/stock-positions")
    assert position["as_of"].startswith("2026-11-04T11:19")


async def test_falling_to_the_reorder_point_is_an_event(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    net = await network(client)
    sales = [
        {
            "location_id": net["outlet"]["id"],
            "product_id": net["product"]["id"],
            "day": f"2026-11-{d:02d}",
            "quantity": 10,
            "amount": "100.00",
        }
        for d in range(1, 29)
    ]
    await post_lines(client, "/v1/sell-out-reports/bulk", sales)
    await post_lines(client, STOCK, [stock_line(net, on_hand=200, in_transit=0)])
    r = await client.post(
        "/v1/replenishment-proposals/compute",
        json={"outlet_id": net["outlet"]["id"], "as_of": "2026-11-28"},
    )
    assert r.json()["items"][0]["reorder_point"] == 70  # built-in L = 7
    late = stock_line(net, as_of="2026-11-28T08:00:00Z", on_hand=60, in_transit=5)
    await post_lines(client, STOCK, [late])
    [event] = (await feed(client, "/v1/dealer-events", 1, type="stock.below_reorder_point"))[
        "items"
    ]
    assert event["dealer_ids"] == [net["dealer"]["id"]]
    assert (event["data"]["on_hand"], event["data"]["reorder_point"]) == (60, "70.0000")


async def test_parallel_reports_lose_no_line(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    net = await network(client)

    def lines(hour: int) -> list[dict[str, Any]]:
        return [
            stock_line(net, as_of=f"2026-11-{day:02d}T{hour:02d}:00:00Z", on_hand=hour)
            for day in range(1, 21)
        ]

    results = await asyncio.gather(*(post_lines(client, STOCK, lines(h)) for h in range(8)))
    assert all(r["created"] == 20 for r in results)
    assert len(await listed(client, "/v1/stock-reports", product_id=net["product"]["id"])) == 160
    [position] = await listed(client, "/v1/stock-positions", product_id=net["product"]["id"])
    assert (position["on_hand"], position["as_of"][:13]) == (7, "2026-11-20T07")


async def test_parallel_overlapping_reports(dealers_committed: httpx.AsyncClient) -> None:
    """The same lines sent in parallel in opposite orders: stored once, no request fails."""
    client = dealers_committed
    net = await network(client)
    products = [net["product"]] + [await make_product(client, n) for n in range(2, 6)]
    lines = [
        stock_line(net, product_id=p["id"], as_of=f"2026-11-{day:02d}T08:00:00Z", on_hand=day)
        for p in products
        for day in range(1, 29)
    ]
    orders = [lines if n % 2 == 0 else lines[::-1] for n in range(6)]
    results = await asyncio.gather(*(post_lines(client, STOCK, o) for o in orders))
    assert sum(r["created"] for r in results) == len(lines)
    assert sum(r["updated"] for r in results) == 5 * len(lines)
    positions = await listed(client, "/v1/stock-positions", location_id=net["outlet"]["id"])
    assert sorted(p["on_hand"] for p in positions) == [28] * 5
    reported = await feed(client, "/v1/dealer-events", len(lines), type="stock.reported", limit=500)
    assert len(reported["items"]) == len(lines)  # one event per stored line, none per resend


async def test_impossible_times_are_refused(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    result = await post_lines(
        dealers,
        STOCK,
        [
            stock_line(net, as_of="0001-01-01T00:00:00+01:00"),
            stock_line(net, as_of="9999-12-31T23:00:00-05:00"),
            stock_line(net, as_of="0001-01-01T00:00:00-01:00"),
            stock_line(net, as_of=soon),
            stock_line(net, as_of="1900-01-01T00:00:00+01:00"),
        ],
    )
    assert [i["status"] for i in result["items"]] == ["invalid"] * 4 + ["created"]
    for item in result["items"][:4]:
        assert [e["pointer"] for e in item["errors"]] == ["#/as_of"]


async def test_reporting_needs_the_stock_report_scope(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    clerk = auth_headers("dealers", ("dealers:read", "dealers:write"))
    r = await dealers.post(STOCK, json={"items": [stock_line(net)]}, headers=clerk)
    assert r.status_code == 403 and r.json()["missing_scopes"] == ["stock:report"]
    r = await dealers.post(
        "/v1/replenishment-proposals/compute",
        json={"dealer_id": net["dealer"]["id"]},
        headers=clerk,
    )
    assert r.status_code == 403
    assert await listed(dealers, "/v1/stock-reports") == []
    field_force = auth_headers("dealers", ("dealers:read", "stock:report"))
    result = await post_lines(dealers, STOCK, [stock_line(net)], headers=field_force)
    assert result["created"] == 1
