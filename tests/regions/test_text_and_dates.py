"""Names and texts are trimmed and never blank; days that record what happened are not in the
future; date and month query parameters are dates and months (`?on=0` is none). Every refusal is
a 422 naming the field and changes nothing."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.regions.helpers import budget, competitors, count, post, refused, small_tree, survey_body

BLANKS = ["", "   ", "\t\n", "\u3000", " \u3000 "]
IF_V1 = {"If-Match": '"v1"'}


def later(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("blank", BLANKS)
async def test_blank_names_and_texts_are_refused(regions: httpx.AsyncClient, blank: str) -> None:
    ids = await small_tree(regions)
    comp = await competitors(regions)
    model = await post(
        regions,
        "/v1/key-market-models",
        {
            "code": "KM",
            "name": "重点",
            "criteria": [
                {
                    "metric": "population",
                    "weight": 100,
                    "scoring": {"kind": "bands", "bands": [{"min": 0, "score": 1}]},
                }
            ],
        },
    )
    plan = {"region_id": ids["510104"], "period": "2026-01", "objectives": "o", "strategy": "s"}
    b = await budget(regions, ids["510104"], "2026-01", "other", "10")
    writes: list[tuple[str, str, dict[str, Any], str]] = [
        ("post", "/v1/regions", {"code": "520000", "name": blank}, "#/name"),
        ("patch", f"/v1/regions/{ids['510104']}", {"name": blank}, "#/name"),
        ("post", "/v1/competitors", {"code": "BL", "name": blank}, "#/name"),
        ("post", "/v1/competitors", {"code": "BL", "name": "x", "notes": blank}, "#/notes"),
        ("patch", f"/v1/competitors/{comp['HR']}", {"name": blank}, "#/name"),
        (
            "post",
            "/v1/key-market-models",
            {"code": "K2", "name": blank, "criteria": model["criteria"]},
            "#/name",
        ),
        ("patch", f"/v1/key-market-models/{model['id']}", {"name": blank}, "#/name"),
        ("post", "/v1/market-plans", plan | {"objectives": blank}, "#/objectives"),
        ("post", "/v1/market-plans", plan | {"strategy": blank}, "#/strategy"),
        (
            "post",
            f"/v1/budgets/{b['id']}/spend",
            {"spent_on": "2026-01-02", "amount": "1", "note": blank},
            "#/note",
        ),
        (
            "post",
            "/v1/targets/actuals",
            {
                "source": blank,
                "items": [
                    {
                        "region_id": ids["510104"],
                        "period": "2026-01",
                        "metric": "new_outlets",
                        "value": "1",
                    }
                ],
            },
            "#/source",
        ),
    ]
    for method, url, body, pointer in writes:
        r = await regions.request(method.upper(), url, json=body, headers=IF_V1)
        assert refused(r) == [pointer], (method, url)
    assert await count(regions, "/v1/regions") == 6
    assert (await regions.get(f"/v1/regions/{ids['510104']}")).json()["version"] == 1
    assert await count(regions, "/v1/competitors") == 3
    assert (await regions.get(f"/v1/competitors/{comp['HR']}")).json()["version"] == 1
    assert (await regions.get(f"/v1/key-market-models/{model['id']}")).json()["version"] == 1
    assert await count(regions, "/v1/key-market-models") == 1
    assert await count(regions, "/v1/market-plans") == 0
    assert await count(regions, f"/v1/budgets/{b['id']}/spend") == 0
    assert await count(regions, "/v1/targets/actuals") == 0
    bulk = await regions.post(
        "/v1/regions/bulk", json={"items": [{"code": "520000", "name": blank}]}
    )
    (item,) = bulk.json()["items"]
    assert (item["status"], [e["pointer"] for e in item["errors"]]) == ("invalid", ["#/name"])
    assert await count(regions, "/v1/regions") == 6


async def test_names_and_texts_are_trimmed(regions: httpx.AsyncClient) -> None:
    region = await post(regions, "/v1/regions", {"code": "510000", "name": "\u3000四川省 \t"})
    assert region["name"] == "四川省"
    competitor = await post(
        regions, "/v1/competitors", {"code": "HR", "name": " 华润 ", "notes": "\n雪花\n"}
    )
    assert (competitor["name"], competitor["notes"]) == ("华润", "雪花")


async def test_days_that_happened_are_not_in_the_future(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    for on in [later(3), "2199-12-31", "9999-12-31", "0001-01-01", "1899-12-31"]:
        r = await regions.post("/v1/market-surveys", json=survey_body(ids["510104"], on))
        assert refused(r) == ["#/surveyed_on"], on
    assert await count(regions, "/v1/market-surveys") == 0
    ahead = (datetime.now(UTC).date() + timedelta(days=40)).strftime("%Y-%m")
    b = await budget(regions, ids["510104"], ahead, "other", "10")  # a budget may be planned ahead
    r = await regions.post(
        f"/v1/budgets/{b['id']}/spend", json={"spent_on": f"{ahead}-28", "amount": "1"}
    )
    assert refused(r) == ["#/spent_on"]
    assert await count(regions, f"/v1/budgets/{b['id']}/spend") == 0
    today = datetime.now(UTC).date().isoformat()
    await post(regions, "/v1/market-surveys", survey_body(ids["510104"], today))


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/v1/market-surveys", "surveyed_from", "0"),
        ("/v1/market-surveys", "surveyed_to", "9999-12-31"),
        ("/v1/market-surveys", "surveyed_from", "2026-02-30"),
        ("/v1/budgets", "period", "0"),
        ("/v1/budgets", "period", "2026-13"),
        ("/v1/market-plans", "period", "202601"),
        ("/v1/targets", "period", "0"),
        ("/v1/targets/actuals", "period", "2026-1"),
    ],
)
async def test_date_and_month_queries_are_dates_and_months(
    regions: httpx.AsyncClient, path: str, name: str, value: str
) -> None:
    assert refused(await regions.get(path, params={name: value})) == [f"#/{name}"]


async def test_trend_months_are_months(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    url = f"/v1/regions/{ids['510000']}/trend"
    for name, value in [("from", "0"), ("to", "2026-00"), ("from", "20261")]:
        r = await regions.get(url, params={"metric": "population", name: value})
        assert refused(r) == [f"#/{name}"], (name, value)
