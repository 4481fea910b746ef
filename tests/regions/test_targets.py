"""Targets: rules, the cascade check, actuals, and achievement rolled up the tree and to quarters
and years, checked against figures computed by hand."""

from typing import Any

import httpx
import pytest

from tests.api import feed
from tests.regions.helpers import count, post, refused, small_tree
from tests.regions.peers import ADVISOR

GHOST = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"
TARGETS = {  # sales_amount by region code and month
    "510000": {"01": "1000", "02": "1200", "04": "500"},
    "510100": {"01": "600", "02": "700"},
    "510700": {"01": "400", "02": "500"},
    "510104": {"01": "300"},
    "510105": {"01": "300"},
    "510703": {"01": "400", "02": "500"},
}
ACTUALS = {
    "510104": {"01": "250", "02": "100", "04": "50"},
    "510105": {"01": "350"},
    "510703": {"01": "380", "02": "520"},
    "510000": {"03": "10"},
}


async def actuals(client: httpx.AsyncClient, items: list[dict[str, Any]]) -> httpx.Response:
    return await client.post("/v1/targets/actuals", json={"source": "erp", "items": items})


async def seeded(client: httpx.AsyncClient) -> dict[str, str]:
    ids = await small_tree(client)
    for code, months in TARGETS.items():
        for month, value in months.items():
            body = {"region_id": ids[code], "period": f"2026-{month}", "metric": "sales_amount"}
            await post(client, "/v1/targets", body | {"value": value})
    items = [
        {"region_id": ids[code], "period": f"2026-{m}", "metric": "sales_amount", "value": v}
        for code, months in ACTUALS.items()
        for m, v in months.items()
    ]
    assert (await actuals(client, items)).status_code == 200
    return ids


async def report(
    client: httpx.AsyncClient, region_id: str, period: str, **params: Any
) -> dict[str, Any]:
    q = {"region_id": region_id, "metric": "sales_amount", "period": period} | params
    r = await client.get("/v1/targets/achievement", params=q)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_achievement_rolls_up_the_tree_and_over_time(regions: httpx.AsyncClient) -> None:
    ids = await seeded(regions)
    q1 = await report(regions, ids["510000"], "2026-Q1")
    assert (q1["target"], q1["actual"], q1["achievement"]) == ("2200.00", "1610.00", "0.7318")
    assert (q1["first_month"], q1["last_month"]) == ("2026-01", "2026-03")
    kids = {c["region_code"]: (c["target"], c["actual"], c["achievement"]) for c in q1["children"]}
    assert kids == {
        "510100": ("1300.00", "700.00", "0.5385"),
        "510700": ("900.00", "900.00", "1.0000"),
    }
    year = await report(regions, ids["510000"], "2026", by="quarter")
    assert (year["target"], year["actual"], year["achievement"]) == ("2700.00", "1660.00", "0.6148")
    assert [(s["period"], s["target"], s["actual"]) for s in year["series"]] == [
        ("2026-Q1", "2200.00", "1610.00"),
        ("2026-Q2", "500.00", "50.00"),
        ("2026-Q3", None, None),
        ("2026-Q4", None, None),
    ]
    month = await report(regions, ids["510000"], "2026-01")
    assert (month["target"], month["actual"], month["achievement"]) == (
        "1000.00",
        "980.00",
        "0.9800",
    )
    county = await report(regions, ids["510104"], "2026")
    assert (county["target"], county["actual"], county["children"]) == ("300.00", "400.00", [])


async def test_level_metrics_read_the_latest_month(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    for code, month, value in [("510100", "01", "20"), ("510100", "03", "25")]:
        body = {"region_id": ids[code], "period": f"2026-{month}", "metric": "outlet_coverage"}
        await post(regions, "/v1/targets", body | {"value": value})
    await post(
        regions,
        "/v1/targets",
        {"region_id": ids["510100"], "period": "2026-01", "metric": "market_share", "value": "30"},
    )
    items = [
        {
            "region_id": ids["510104"],
            "period": "2026-01",
            "metric": "outlet_coverage",
            "value": "10",
        },
        {
            "region_id": ids["510104"],
            "period": "2026-03",
            "metric": "outlet_coverage",
            "value": "12",
        },
        {
            "region_id": ids["510105"],
            "period": "2026-02",
            "metric": "outlet_coverage",
            "value": "5",
        },
        {"region_id": ids["510100"], "period": "2026-01", "metric": "market_share", "value": "27"},
        {"region_id": ids["510104"], "period": "2026-01", "metric": "market_share", "value": "50"},
    ]
    assert (await actuals(regions, items)).status_code == 200
    coverage = await report(regions, ids["510100"], "2026-Q1", metric="outlet_coverage")
    assert (coverage["target"], coverage["actual"], coverage["achievement"]) == (
        "25.00",
        "17.00",
        "0.6800",
    )
    monthly = await report(regions, ids["510100"], "2026-Q1", metric="outlet_coverage", by="month")
    assert [(p["period"], p["target"], p["actual"]) for p in monthly["series"]] == [
        ("2026-01", "20.00", "10.00"),
        ("2026-02", None, "5.00"),
        ("2026-03", "25.00", "12.00"),
    ]
    share = await report(regions, ids["510100"], "2026-01", metric="market_share")
    assert (share["target"], share["actual"], share["achievement"]) == ("30.00", "27.00", "0.9000")


async def test_cascade_check_lists_parents_that_dont_add_up(regions: httpx.AsyncClient) -> None:
    ids = await seeded(regions)
    await post(
        regions,
        "/v1/targets",
        {"region_id": ids["510000"], "period": "2026-01", "metric": "market_share", "value": "40"},
    )
    r = await regions.get(
        "/v1/targets/cascade-check", params={"metric": "sales_amount", "period": "2026"}
    )
    gaps = sorted(
        (g["region_code"], g["period"], g["target"], g["children_total"], g["difference"])
        for g in r.json()["items"]
    )
    assert gaps == [
        ("510000", "2026-04", "500.00", "0.00", "-500.00"),
        ("510100", "2026-02", "700.00", "0.00", "-700.00"),
    ]
    q1 = (await regions.get("/v1/targets/cascade-check", params={"period": "2026-Q1"})).json()
    assert [g["region_code"] for g in q1["items"]] == ["510100"]
    below = await regions.get("/v1/targets/cascade-check", params={"ancestor": ids["510700"]})
    assert below.json()["items"] == []
    page = (await regions.get("/v1/targets/cascade-check", params={"limit": 1})).json()
    rest = (
        await regions.get(
            "/v1/targets/cascade-check", params={"limit": 1, "cursor": page["next_cursor"]}
        )
    ).json()
    assert len(page["items"]) == len(rest["items"]) == 1 and rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"period": "2026-13"}, "#/period"),
        ({"period": "2026-1"}, "#/period"),
        ({"value": "-5"}, "#/value"),
        ({"value": 5}, "#/value"),
        ({"metric": "happiness"}, "#/metric"),
        ({"region_id": GHOST}, "#/region_id"),
        ({"metric": "market_share", "value": "100.5"}, "#/value"),
        ({"owner_id": "nobody"}, "#/owner_id"),
    ],
)
async def test_bad_targets_are_refused(
    regions: httpx.AsyncClient, change: dict[str, Any], pointer: str
) -> None:
    ids = await small_tree(regions)
    body = {
        "region_id": ids["510000"],
        "period": "2026-01",
        "metric": "sales_amount",
        "value": "10",
    }
    r = await regions.post("/v1/targets", json=body | change)
    assert pointer in refused(r)
    assert await count(regions, "/v1/targets") == 0


async def test_target_updates_and_duplicates(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    body = {
        "region_id": ids["510000"],
        "period": "2026-01",
        "metric": "sales_amount",
        "value": "10",
        "owner_id": ADVISOR,
    }
    t = await post(regions, "/v1/targets", body)
    assert (t["value"], t["owner_id"]) == ("10.00", ADVISOR)
    refused(await regions.post("/v1/targets", json=body), 409)
    url = f"/v1/targets/{t['id']}"
    refused(await regions.patch(url, json={"value": "12"}), 428)
    r = await regions.patch(url, json={"value": "12.5"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["value"] == "12.50"
    assert refused(
        await regions.patch(url, json={"value": None}, headers={"If-Match": '"v2"'})
    ) == ["#/value"]
    assert (await regions.get("/v1/targets", params={"owner_id": ADVISOR})).json()["items"][0][
        "id"
    ] == t["id"]
    r = await regions.delete(f"/v1/regions/{ids['510000']}", headers={"If-Match": '"v1"'})
    refused(r, 409)
    assert (await regions.delete(url, headers={"If-Match": '"v2"'})).status_code == 204


async def test_actuals_replace_and_refuse_as_a_whole(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    item = {"region_id": ids["510104"], "period": "2026-01", "metric": "sales_volume", "value": "5"}
    assert (await actuals(regions, [item])).status_code == 200
    r = await actuals(regions, [item | {"value": "7"}])
    assert r.json()["items"][0]["value"] == "7.00" and r.json()["items"][0]["source"] == "erp"
    assert await count(regions, "/v1/targets/actuals") == 1
    other = item | {"period": "2026-02"}
    assert refused(await actuals(regions, [other, other])) == ["#/items/1"]
    assert refused(await actuals(regions, [other, item | {"region_id": GHOST}])) == [
        "#/items/1/region_id"
    ]
    assert refused(await actuals(regions, [other | {"period": "26-02"}])) == ["#/items/0/period"]
    listed = (await regions.get("/v1/targets/actuals", params={"region_id": ids["510104"]})).json()
    assert [(a["period"], a["value"]) for a in listed["items"]] == [("2026-01", "7.00")]


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2026-Q5"},
        {"period": "26"},
        {"metric": "joy"},
        {"region_id": GHOST},
    ],
)
async def test_bad_achievement_queries(regions: httpx.AsyncClient, params: dict[str, Any]) -> None:
    ids = await small_tree(regions)
    q = {"region_id": ids["510000"], "metric": "sales_amount", "period": "2026"} | params
    r = await regions.get("/v1/targets/achievement", params=q)
    if params.get("region_id") == GHOST:
        refused(r, 404)
    else:
        assert refused(r) == ["#/" + next(iter(params))]


async def test_actuals_emit_events(regions_committed: httpx.AsyncClient) -> None:
    ids = await small_tree(regions_committed)
    item = {"region_id": ids["510104"], "period": "2026-01", "metric": "sales_amount", "value": "5"}
    await actuals(regions_committed, [item])
    events = await feed(regions_committed, "/v1/region-events", 1, type="target_actual.recorded")
    assert events["items"][0]["data"]["value"] == "5.00"
