"""Competitors and census surveys: lines per competitor, the 100 % rule, ETags, filters, events,
and data that keeps a region from being deleted."""

from typing import Any

import httpx
import pytest

from tests.api import assert_problem, feed
from tests.regions.helpers import competitors, count, line, post, refused, small_tree, survey_body

GHOST = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"


async def test_competitor_crud(regions: httpx.AsyncClient) -> None:
    c = await post(regions, "/v1/competitors", {"code": "HR", "name": "华润", "notes": "雪花"})
    r = await regions.post("/v1/competitors", json={"code": "HR", "name": "again"})
    assert assert_problem(r, 409)["field"] == "code"
    url = f"/v1/competitors/{c['id']}"
    assert (await regions.patch(url, json={"name": "华润啤酒"})).status_code == 428
    r = await regions.patch(url, json={"name": "华润啤酒"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["name"] == "华润啤酒"
    found = (await regions.get("/v1/competitors", params={"code": "HR"})).json()["items"]
    assert [x["name"] for x in found] == ["华润啤酒"]
    assert (await regions.delete(url, headers={"If-Match": '"v2"'})).status_code == 204
    assert (await regions.get(url)).status_code == 404


async def test_survey_with_lines(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    comp = await competitors(regions)
    body = survey_body(
        ids["510104"], "2026-03-15", lines=[line(comp["HR"], "45.5", 60), line(comp["QD"], "34.5")]
    )
    s = await post(regions, "/v1/market-surveys", body)
    assert (s["capacity_amount"], s["our_sales"], s["our_share"]) == (
        "50000.00",
        "10000.00",
        "20.00",
    )
    assert [(x["competitor_id"], x["share"]) for x in s["lines"]] == [
        (comp["HR"], "45.50"),
        (comp["QD"], "34.50"),
    ]
    got = await regions.get(f"/v1/market-surveys/{s['id']}")
    assert got.json() == s and got.headers["etag"] == '"v1"'
    r = await regions.post("/v1/market-surveys", json=body)
    assert assert_problem(r, 409)["field"] == "surveyed_on"
    listed = (await regions.get("/v1/market-surveys", params={"region_id": ids["510104"]})).json()
    assert [x["id"] for x in listed["items"]] == [s["id"]]
    r = await regions.get("/v1/market-surveys", params={"surveyed_from": "2026-04-01"})
    assert r.json()["items"] == []


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"our_share": "30", "shares": ("45", "25.01")}, "#/lines"),  # 30 + 70.01 > 100
        ({"our_share": "100.01"}, "#/our_share"),
        ({"our_share": 20}, "#/our_share"),
        ({"capacity_amount": "-1.00"}, "#/capacity_amount"),
        ({"capacity_amount": "1.001"}, "#/capacity_amount"),
        ({"outlets_covered": 101}, "#/outlets_covered"),
        ({"population": -1}, "#/population"),
        ({"population": "1000"}, "#/population"),
        ({"surveyed_on": "2026-02-30"}, "#/surveyed_on"),
        ({"region_id": GHOST}, "#/region_id"),
        ({"ghost_competitor": True}, "#/lines/1/competitor_id"),
        ({"twice": True}, "#/lines/1/competitor_id"),
        ({"bad_line": True}, "#/lines/0/share"),
    ],
)
async def test_bad_surveys_are_refused(
    regions: httpx.AsyncClient, change: dict[str, Any], pointer: str
) -> None:
    ids = await small_tree(regions)
    comp = await competitors(regions)
    change = dict(change)  # parameters are shared by both backends
    shares = change.pop("shares", ("40", "20"))
    lines = [line(comp["HR"], shares[0]), line(comp["QD"], shares[1])]
    if change.pop("ghost_competitor", False):
        lines[1]["competitor_id"] = GHOST
    if change.pop("twice", False):
        lines[1]["competitor_id"] = comp["HR"]
    if change.pop("bad_line", False):
        lines[0]["share"] = "101"
    r = await regions.post(
        "/v1/market-surveys", json=survey_body(ids["510104"], "2026-03-01", lines=lines) | change
    )
    assert pointer in refused(r)
    assert await count(regions, "/v1/market-surveys") == 0


async def test_survey_update_keeps_the_100_percent_rule(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    comp = await competitors(regions)
    s = await post(
        regions,
        "/v1/market-surveys",
        survey_body(ids["510104"], "2026-03-01", lines=[line(comp["HR"], "70")]),
    )
    url = f"/v1/market-surveys/{s['id']}"
    r = await regions.patch(url, json={"our_share": "30.01"}, headers={"If-Match": '"v1"'})
    assert refused(r) == ["#/lines"]
    r = await regions.patch(
        url,
        json={"our_share": "30", "lines": [line(comp["QD"], "50")]},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 200, r.text
    assert [x["competitor_id"] for x in r.json()["lines"]] == [comp["QD"]]
    assert (await regions.get(url)).json()["our_share"] == "30.00"
    r = await regions.patch(url, json={"lines": None}, headers={"If-Match": '"v2"'})
    assert refused(r) == ["#/lines"]
    r = await regions.delete(f"/v1/competitors/{comp['QD']}", headers={"If-Match": '"v1"'})
    assert_problem(r, 409)
    assert (await regions.delete(url, headers={"If-Match": '"v2"'})).status_code == 204


async def test_region_with_surveys_is_not_deleted(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    await post(regions, "/v1/market-surveys", survey_body(ids["510104"], "2026-03-01"))
    r = await regions.delete(f"/v1/regions/{ids['510104']}", headers={"If-Match": '"v1"'})
    assert "market surveys" in assert_problem(r, 409)["detail"]
    assert (await regions.get(f"/v1/regions/{ids['510104']}")).status_code == 200


async def test_survey_events(regions_committed: httpx.AsyncClient) -> None:
    ids = await small_tree(regions_committed)
    comp = await competitors(regions_committed)
    await post(
        regions_committed,
        "/v1/market-surveys",
        survey_body(ids["510104"], "2026-03-01", lines=[line(comp["HR"], "10")]),
    )
    events = await feed(regions_committed, "/v1/region-events", 1, type="market_survey.created")
    assert events["items"][0]["data"]["lines"][0]["share"] == "10.00"
