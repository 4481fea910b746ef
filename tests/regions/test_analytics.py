"""Analytics on a region from census surveys: trend, competitive landscape and coverage, with
subtrees aggregating their children; figures computed by hand."""

from typing import Any

import httpx

from tests.regions.helpers import competitors, line, post, refused, small_tree, survey_body

GHOST = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"


def county(
    region_id: str,
    on: str,
    capacity: str,
    share: str,
    lines: list[dict[str, Any]],
    total: int,
    covered: int,
    population: int,
) -> dict[str, Any]:
    return survey_body(
        region_id,
        on,
        capacity_amount=capacity,
        our_share=share,
        lines=lines,
        outlets_total=total,
        outlets_covered=covered,
        population=population,
    )


async def seeded(client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, str]]:
    ids = await small_tree(client)
    c = await competitors(client)
    for on in ("2026-01-10", "2026-02-10"):
        first = on == "2026-01-10"
        lines = [line(c["HR"], "40"), line(c["QD"], "30")] if first else [line(c["HR"], "40")]
        await post(
            client,
            "/v1/market-surveys",
            county(
                ids["510104"],
                on,
                "60000",
                "20" if first else "25",
                lines,
                100,
                40 if first else 50,
                1000,
            ),
        )
        on2 = on.replace("-10", "-12")
        await post(
            client,
            "/v1/market-surveys",
            county(
                ids["510105"],
                on2,
                "40000",
                "35",
                [line(c["HR"], "25"), line(c["XL"], "30")],
                50,
                30,
                2000,
            ),
        )
    return ids, c


async def get(client: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    r = await client.get(path, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_landscape_and_coverage_aggregate_children(regions: httpx.AsyncClient) -> None:
    ids, c = await seeded(regions)
    land = await get(regions, f"/v1/regions/{ids['510100']}/competitive-landscape")
    assert (land["period"], land["surveys"]) == ("2026-02", 2)
    assert [(x["rank"], x["name"], x["share"]) for x in land["ranking"]] == [
        (1, "华润", "34.00"),
        (2, "us", "29.00"),
        (3, "雪花", "12.00"),
    ]
    assert (land["our_rank"], land["our_share"], land["gap_to_leader"]) == (2, "29.00", "5.00")
    assert land["leader"]["competitor_id"] == c["HR"] and land["ranking"][0]["outlets"] == 20
    cov = await get(regions, f"/v1/regions/{ids['510100']}/coverage")
    assert (cov["outlets_total"], cov["outlets_covered"], cov["coverage"]) == (150, 80, "53.33")
    own = county(ids["510100"], "2026-03-05", "120000", "30", [line(c["QD"], "35")], 200, 100, 3500)
    await post(regions, "/v1/market-surveys", own)
    land = await get(regions, f"/v1/regions/{ids['510100']}/competitive-landscape")
    assert [(x["name"], x["share"]) for x in land["ranking"]] == [
        ("青岛", "35.00"),
        ("us", "30.00"),
    ]
    assert (land["period"], land["gap_to_leader"]) == ("2026-03", "5.00")
    assert (await get(regions, f"/v1/regions/{ids['510100']}/coverage"))["coverage"] == "50.00"
    empty = await get(regions, f"/v1/regions/{ids['510703']}/competitive-landscape")
    assert (empty["ranking"], empty["our_rank"], empty["period"]) == ([], None, None)


async def test_we_lead_with_no_gap(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    c = await competitors(regions)
    await post(
        regions,
        "/v1/market-surveys",
        survey_body(ids["510104"], "2026-01-01", our_share="50", lines=[line(c["HR"], "20")]),
    )
    land = await get(regions, f"/v1/regions/{ids['510104']}/competitive-landscape")
    assert (land["our_rank"], land["gap_to_leader"], land["leader"]["is_us"]) == (1, "0.00", True)


async def test_trend_prefers_own_surveys_and_aggregates_children(
    regions: httpx.AsyncClient,
) -> None:
    ids, _c = await seeded(regions)
    await post(
        regions,
        "/v1/market-surveys",
        county(ids["510100"], "2026-03-05", "120000", "30", [], 200, 100, 3500),
    )
    pop = await get(regions, f"/v1/regions/{ids['510000']}/trend", metric="population")
    assert [(p["period"], p["value"], p["surveys"], p["source"]) for p in pop["points"]] == [
        ("2026-01", "3000", 2, "children"),
        ("2026-02", "3000", 2, "children"),
        ("2026-03", "3500", 1, "children"),
    ]
    share = await get(regions, f"/v1/regions/{ids['510100']}/trend", metric="our_share")
    assert [(p["period"], p["value"], p["source"]) for p in share["points"]] == [
        ("2026-01", "26.00", "children"),
        ("2026-02", "29.00", "children"),
        ("2026-03", "30.00", "own"),
    ]
    cov = await get(
        regions,
        f"/v1/regions/{ids['510100']}/trend",
        metric="coverage",
        **{"from": "2026-02", "to": "2026-02"},
    )
    assert [(p["period"], p["value"]) for p in cov["points"]] == [("2026-02", "53.33")]


async def test_bad_analytics_queries(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    url = f"/v1/regions/{ids['510000']}/trend"
    assert refused(await regions.get(url, params={"metric": "joy"})) == ["#/metric"]
    assert refused(await regions.get(url, params={"metric": "population", "from": "2026-1"})) == [
        "#/from"
    ]
    refused(await regions.get(f"/v1/regions/{GHOST}/coverage"), 404)
