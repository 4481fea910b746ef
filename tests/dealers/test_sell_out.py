"""`/v1/sell-out-reports`: a resend of the same (location, product, day) replaces the figure."""

import asyncio
from datetime import date, timedelta
from typing import Any

import httpx

from tests.api import listed
from tests.dealers.helpers import make_product, partner, unknown_id
from tests.dealers.stock_helpers import SELL_OUT, network, post_lines, sale


async def test_a_resend_replaces_the_figure(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    first = await post_lines(dealers, SELL_OUT, [sale(net, "2026-11-20", 5)])
    again = await post_lines(dealers, SELL_OUT, [sale(net, "2026-11-20", 7, amount="71.50")])
    assert again["items"][0]["status"] == "updated"
    assert again["items"][0]["id"] == first["items"][0]["id"]
    [line] = await listed(dealers, "/v1/sell-out-reports")
    assert (line["quantity"], line["amount"], line["version"]) == (7, "71.50", 2)
    assert line["region_id"] == net["outlet"]["region_id"]


async def test_days_filter(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    days = [sale(net, f"2026-11-{d:02d}", d) for d in range(1, 11)]
    assert (await post_lines(dealers, SELL_OUT, days))["created"] == 10
    got = await listed(dealers, "/v1/sell-out-reports", day_from="2026-11-03", day_to="2026-11-05")
    assert [g["quantity"] for g in got] == [3, 4, 5]


async def test_bad_lines_write_nothing(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    result = await post_lines(
        dealers,
        SELL_OUT,
        [
            sale(net, "2026-11-20", 1, amount="1.234"),
            sale(net, "2026-11-31", 1),
            sale(net, "2026-11-20", 1, location_id=unknown_id()),
            sale(net, "2026-11-20", 1, product_id=unknown_id()),
            sale(net, "2026-11-20", 1) | {"quantity": True},
            sale(net, "2026-11-21", 1),
            sale(net, "2026-11-21", 2),
        ],
    )
    errors = {i["index"]: [e["pointer"] for e in i["errors"] or []] for i in result["items"]}
    assert errors[0] == ["#/amount"] and errors[1] == ["#/day"]
    assert errors[2] == ["#/location_id"] and errors[3] == ["#/product_id"]
    assert errors[4] == ["#/quantity"] and errors[6] == ["#/day"]
    assert (result["created"], result["invalid"]) == (1, 6)
    [line] = await listed(dealers, "/v1/sell-out-reports")
    assert (line["day"], line["quantity"]) == ("2026-11-21", 1)


async def test_partners_report_only_for_their_own(dealers: httpx.AsyncClient) -> None:
    mine, theirs = await network(dealers, 1), await network(dealers, 2)
    headers = partner(mine["dealer"])
    lines = [sale(mine, "2026-11-20", 1), sale(theirs, "2026-11-20", 1)]
    result = await post_lines(dealers, SELL_OUT, lines, headers=headers)
    assert [i["status"] for i in result["items"]] == ["created", "invalid"]
    await post_lines(dealers, SELL_OUT, [sale(theirs, "2026-11-21", 1)])
    seen = (await dealers.get("/v1/sell-out-reports", headers=headers)).json()["items"]
    assert [s["location_id"] for s in seen] == [mine["outlet"]["id"]]
    assert len(await listed(dealers, "/v1/sell-out-reports")) == 2


async def test_five_thousand_lines_in_one_request(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    products = [net["product"]] + [await make_product(dealers, n) for n in range(2, 201)]
    lines = [
        sale(net, f"2026-10-{d:02d}", d, product_id=p["id"]) for p in products for d in range(1, 26)
    ]
    assert len(lines) == 5000
    assert (await post_lines(dealers, SELL_OUT, lines))["created"] == 5000
    again = await post_lines(dealers, SELL_OUT, [dict(line, quantity=1) for line in lines])
    assert again["updated"] == 5000
    sample = await listed(dealers, "/v1/sell-out-reports", product_id=products[-1]["id"])
    assert {(s["quantity"], s["version"]) for s in sample} == {(1, 2)}


async def test_new_and_resent_lines_in_one_request(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    first = await post_lines(dealers, SELL_OUT, [sale(net, "2026-11-02", 2)])
    result = await post_lines(
        dealers,
        SELL_OUT,
        [
            sale(net, "2026-11-01", 1),
            sale(net, "2026-11-02", 5),
            sale(net, "2026-11-02", 6),  # the same day twice: refused, the first one stands
            sale(net, "2026-11-03", 3, location_id=unknown_id()),
            sale(net, "2026-11-03", 3),
        ],
    )
    assert [i["status"] for i in result["items"]] == [
        "created", "updated", "invalid", "invalid", "created",
    ]  # fmt: skip
    assert result["items"][1]["id"] == first["items"][0]["id"]
    assert result["items"][2]["errors"][0] == {"pointer": "#/day", "detail": "repeats item 1"}
    got = await listed(dealers, "/v1/sell-out-reports")
    assert {(g["day"], g["quantity"], g["version"]) for g in got} == {
        ("2026-11-01", 1, 1), ("2026-11-02", 5, 2), ("2026-11-03", 3, 1),
    }  # fmt: skip
    ids = {g["day"]: g["id"] for g in got}
    assert [i["id"] for i in result["items"] if i["status"] != "invalid"] == [
        ids["2026-11-01"], ids["2026-11-02"], ids["2026-11-03"],
    ]  # fmt: skip


async def test_parallel_overlapping_requests(dealers_committed: httpx.AsyncClient) -> None:
    """Requests resending the same lines in opposite orders neither fail nor lose a figure."""
    client = dealers_committed
    net = await network(client)
    products = [net["product"]] + [await make_product(client, n) for n in range(2, 6)]
    days = [(date(2026, 1, 1) + timedelta(days=d)).isoformat() for d in range(300)]
    lines = [sale(net, day, 1, product_id=p["id"]) for p in products for day in days]

    def variant(n: int) -> list[dict[str, Any]]:
        ordered = lines if n % 2 == 0 else lines[::-1]
        return [dict(line, quantity=n) for line in ordered]

    results = await asyncio.gather(*(post_lines(client, SELL_OUT, variant(n)) for n in range(6)))
    assert sum(r["created"] for r in results) == len(lines)
    assert sum(r["updated"] for r in results) == 5 * len(lines)
    got = await listed(client, "/v1/sell-out-reports", product_id=products[0]["id"])
    assert len(got) == 300 and {g["version"] for g in got} == {6}
    assert len({g["quantity"] for g in got}) == 1  # one request's figures won, whole
