"""Budgets, spend against them, and the cost-to-sales ratio rolled up the tree and over time,
checked against figures computed by hand."""

from typing import Any

import httpx
import pytest

from tests.regions.helpers import budget, count, refused, small_tree

GHOST = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"


async def spend(client: httpx.AsyncClient, budget_id: str, on: str, amount: str) -> httpx.Response:
    return await client.post(
        f"/v1/budgets/{budget_id}/spend", json={"spent_on": on, "amount": amount, "note": "广告"}
    )


async def seeded(client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, str]]:
    ids = await small_tree(client)
    b = {
        "ad": (await budget(client, ids["510100"], "2026-01", "advertising", "1000"))["id"],
        "promo": (await budget(client, ids["510104"], "2026-01", "promotion", "500"))["id"],
        "staff": (await budget(client, ids["510703"], "2026-02", "personnel", "800"))["id"],
        "other": (await budget(client, ids["510000"], "2026-04", "other", "100"))["id"],
    }
    for key, on, amount in [
        ("ad", "2026-01-05", "300"),
        ("ad", "2026-01-20", "200"),
        ("promo", "2026-01-09", "100"),
        ("staff", "2026-02-28", "800"),
    ]:
        assert (await spend(client, b[key], on, amount)).status_code == 201
    sales = [("510104", "01", "2000"), ("510105", "01", "3000"), ("510703", "02", "4000")]
    items = [
        {"region_id": ids[c], "period": f"2026-{m}", "metric": "sales_amount", "value": v}
        for c, m, v in sales
    ]
    assert (await client.post("/v1/targets/actuals", json={"items": items})).status_code == 200
    return ids, b


async def report(
    client: httpx.AsyncClient, region_id: str, period: str, **params: Any
) -> dict[str, Any]:
    r = await client.get(
        "/v1/budgets/cost-to-sales", params={"region_id": region_id, "period": period} | params
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def figures(row: dict[str, Any]) -> tuple[str, str, str, str | None]:
    return row["budget"], row["spend"], row["sales"], row["cost_to_sales"]


async def test_cost_to_sales_rolls_up(regions: httpx.AsyncClient) -> None:
    ids, _ = await seeded(regions)
    q1 = await report(regions, ids["510000"], "2026-Q1")
    assert figures(q1) == ("2300.00", "1400.00", "9000.00", "0.1556")
    assert {c["region_code"]: figures(c) for c in q1["children"]} == {
        "510100": ("1500.00", "600.00", "5000.00", "0.1200"),
        "510700": ("800.00", "800.00", "4000.00", "0.2000"),
    }
    assert [(c["category"], c["budget"], c["spend"]) for c in q1["by_category"]] == [
        ("advertising", "1000.00", "500.00"),
        ("personnel", "800.00", "800.00"),
        ("promotion", "500.00", "100.00"),
    ]
    assert figures(await report(regions, ids["510000"], "2026")) == (
        "2400.00",
        "1400.00",
        "9000.00",
        "0.1556",
    )
    assert figures(await report(regions, ids["510000"], "2026-02")) == (
        "800.00",
        "800.00",
        "4000.00",
        "0.2000",
    )
    ad_only = await report(regions, ids["510000"], "2026", category="advertising")
    assert figures(ad_only) == ("1000.00", "500.00", "9000.00", "0.0556")
    no_sales = await report(regions, ids["510000"], "2026-04")
    assert figures(no_sales) == ("100.00", "0.00", "0.00", None)


async def test_budget_shows_spent_and_remaining(regions: httpx.AsyncClient) -> None:
    _, b = await seeded(regions)
    got = (await regions.get(f"/v1/budgets/{b['ad']}")).json()
    assert (got["amount"], got["spent"], got["remaining"]) == ("1000.00", "500.00", "500.00")
    listed = (await regions.get(f"/v1/budgets/{b['ad']}/spend")).json()["items"]
    assert [(s["spent_on"], s["amount"]) for s in listed] == [
        ("2026-01-05", "300.00"),
        ("2026-01-20", "200.00"),
    ]
    r = await regions.patch(
        f"/v1/budgets/{b['ad']}", json={"amount": "400"}, headers={"If-Match": '"v1"'}
    )
    assert (r.json()["amount"], r.json()["remaining"]) == ("400.00", "-100.00")
    refused(await regions.delete(f"/v1/budgets/{b['ad']}", headers={"If-Match": '"v2"'}), 409)
    assert (
        await regions.delete(f"/v1/budgets/{b['other']}", headers={"If-Match": '"v1"'})
    ).status_code == 204


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"period": "2026-00"}, "#/period"),
        ({"amount": "-1"}, "#/amount"),
        ({"amount": 100}, "#/amount"),
        ({"category": "fun"}, "#/category"),
        ({"region_id": GHOST}, "#/region_id"),
    ],
)
async def test_bad_budgets_are_refused(
    regions: httpx.AsyncClient, change: dict[str, Any], pointer: str
) -> None:
    ids = await small_tree(regions)
    body = {
        "region_id": ids["510000"],
        "period": "2026-01",
        "category": "advertising",
        "amount": "1",
    }
    assert pointer in refused(await regions.post("/v1/budgets", json=body | change))
    assert await count(regions, "/v1/budgets") == 0


async def test_bad_spend_is_refused(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    b = await budget(regions, ids["510000"], "2026-01", "advertising", "100")
    refused(
        await regions.post(
            "/v1/budgets", json={k: b[k] for k in ("region_id", "period", "category", "amount")}
        ),
        409,
    )
    assert refused(await spend(regions, b["id"], "2026-02-01", "10")) == ["#/spent_on"]
    assert refused(await spend(regions, b["id"], "2026-01-01", "0")) == ["#/amount"]
    assert refused(await spend(regions, b["id"], "2026-01-01", "-3")) == ["#/amount"]
    refused(await spend(regions, GHOST, "2026-01-01", "3"), 404)
    assert await count(regions, f"/v1/budgets/{b['id']}/spend") == 0
