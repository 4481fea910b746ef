"""The region tree beyond create: subtrees, breadcrumbs, moves without cycles, owner and key-market
flag, roll-out stages with history, bulk upsert by code, and what blocks a delete."""

from datetime import UTC, datetime
from typing import Any

import httpx

from tests.api import assert_problem, feed, pointers
from tests.regions.helpers import count, create, refused, small_tree
from tests.regions.peers import ADVISOR

OWNER = ADVISOR  # an advisor the advisors service knows


async def test_subtree_and_breadcrumb(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    r = await regions.get("/v1/regions", params={"ancestor": ids["510100"]})
    assert sorted(x["code"] for x in r.json()["items"]) == ["510104", "510105"]
    r = await regions.get("/v1/regions", params={"ancestor": ids["510000"], "level": "county"})
    assert sorted(x["code"] for x in r.json()["items"]) == ["510104", "510105", "510703"]
    path = (await regions.get(f"/v1/regions/{ids['510104']}/path")).json()["items"]
    assert [c["code"] for c in path] == ["510000", "510100", "510104"]
    assert (await regions.get(f"/v1/regions/{OWNER}/path")).status_code == 404


async def test_owner_and_key_market(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    url = f"/v1/regions/{ids['510100']}"
    r = await regions.patch(
        url, json={"owner_id": OWNER, "key_market": True}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["owner_id"], r.json()["key_market"]) == (OWNER, True)
    listed = (await regions.get("/v1/regions", params={"key_market": True})).json()["items"]
    assert [x["code"] for x in listed] == ["510100"]
    assert (await regions.get("/v1/regions", params={"owner_id": OWNER})).json()["items"][0][
        "id"
    ] == ids["510100"]
    r = await regions.patch(url, json={"key_market": None}, headers={"If-Match": '"v2"'})
    assert refused(r) == ["#/key_market"]


async def test_province_moves_between_sales_regions(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    area = await create(regions, "SW", "西南大区", kind="sales")
    district = await create(regions, "SW-CD", "成渝片区", kind="sales", parent_id=area["id"])
    url = f"/v1/regions/{ids['510000']}"
    r = await regions.patch(url, json={"parent_id": district["id"]}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert r.json()["parent_id"] == district["id"]
    path = (await regions.get(f"/v1/regions/{ids['510703']}/path")).json()["items"]
    assert [c["code"] for c in path] == ["SW", "SW-CD", "510000", "510700", "510703"]
    below = (await regions.get("/v1/regions", params={"ancestor": area["id"], "limit": 500})).json()
    assert len(below["items"]) == 7


async def test_moves_that_break_the_tree_are_refused(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    area = await create(regions, "SW", "西南大区", kind="sales")
    district = await create(regions, "SW-CD", "成渝片区", kind="sales", parent_id=area["id"])
    other = await create(regions, "NW", "西北大区", kind="sales")
    cases: list[tuple[str, Any]] = [
        (area["id"], district["id"]),  # a cycle: the area under its own district
        (area["id"], area["id"]),  # itself
        (ids["510104"], ids["510700"]),  # a county's parent is fixed by its code
        (ids["510000"], ids["510100"]),  # a province under an administrative region
        (area["id"], other["id"]),  # an area with districts can't become a district
        (district["id"], OWNER),  # unknown parent
    ]
    for region_id, parent in cases:
        r = await regions.patch(
            f"/v1/regions/{region_id}", json={"parent_id": parent}, headers={"If-Match": '"v1"'}
        )
        assert_problem(r, 422)
        assert pointers(r) == ["#/parent_id"], (region_id, parent)
    assert (await regions.get(f"/v1/regions/{area['id']}")).json()["version"] == 1
    r = await regions.patch(
        f"/v1/regions/{district['id']}",
        json={"parent_id": other["id"]},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 200 and r.json()["level"] == "sales_district"
    r = await regions.patch(
        f"/v1/regions/{district['id']}", json={"parent_id": None}, headers={"If-Match": '"v2"'}
    )
    assert r.json()["level"] == "sales_area"


async def stage(client: httpx.AsyncClient, region_id: str, to: str, on: str) -> httpx.Response:
    body = {"to": to, "on": on, "reason": f"to {to}"}
    return await client.post(f"/v1/regions/{region_id}/transitions", json=body)


async def test_rollout_stage_steps_one_at_a_time(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    rid = ids["510100"]
    r = await stage(regions, rid, "focused", "2026-01-10")
    assert r.status_code == 200, r.text
    # the answer is the region in its new stage, with its new ETag
    assert (r.json()["id"], r.json()["rollout_stage"], r.json()["version"]) == (rid, "focused", 2)
    assert r.headers["ETag"] == '"v2"'
    assert (await stage(regions, rid, "replicating", "2026-03-01")).status_code == 200
    for to, on, status, pointer in [
        ("scattered", "2026-04-01", 409, "#/to"),  # two steps back
        ("replicating", "2026-04-01", 409, "#/to"),  # no change
        ("dominant", "2026-02-01", 422, "#/on"),  # before the last change
        ("galactic", "2026-04-01", 422, "#/to"),
        ("dominant", "2026-13-01", 422, "#/on"),
        ("dominant", "2199-01-01", 422, "#/on"),  # a move that has not happened yet
        ("dominant", "0001-01-01", 422, "#/on"),
    ]:
        r = await stage(regions, rid, to, on)
        assert_problem(r, status)
        assert pointers(r) == [pointer], to
    assert (await stage(regions, rid, "focused", "2026-05-01")).status_code == 200
    region = (await regions.get(f"/v1/regions/{rid}")).json()
    assert (region["rollout_stage"], region["version"]) == ("focused", 4)
    history = (await regions.get(f"/v1/regions/{rid}/transitions")).json()["items"]
    assert [(h["from"], h["to"]) for h in history] == [
        ("scattered", "focused"),
        ("focused", "replicating"),
        ("replicating", "focused"),
    ]
    assert history[0]["on"] == "2026-01-10" and history[0]["reason"] == "to focused"
    assert history[0]["actor"] and history[0]["region_id"] == rid
    r = await regions.post(
        f"/v1/regions/{ids['510105']}/transitions",
        json={"to": "replicating", "on": "2026-01-01", "reason": "x"},
    )
    assert refused(r, 409) == ["#/to"]
    assert "focused" in r.json()["errors"][0]["detail"]  # says which move is allowed
    assert await count(regions, f"/v1/regions/{ids['510105']}/transitions") == 0


async def test_a_transition_defaults_to_today_and_checks_if_match(
    regions: httpx.AsyncClient,
) -> None:
    ids = await small_tree(regions)
    url = f"/v1/regions/{ids['510105']}/transitions"
    stale = await regions.post(
        url, json={"to": "focused", "reason": "x"}, headers={"If-Match": '"v9"'}
    )
    assert_problem(stale, 412)
    for reason in ["", "   ", "\t\n", "\u3000"]:
        assert refused(await regions.post(url, json={"to": "focused", "reason": reason})) == [
            "#/reason"
        ]
    assert await count(regions, url) == 0
    r = await regions.post(
        url, json={"to": "focused", "reason": " 突破口 "}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200, r.text
    (move,) = (await regions.get(url)).json()["items"]
    assert move["on"] == datetime.now(UTC).date().isoformat() and move["reason"] == "突破口"
    # without If-Match (optional here), and with an empty one
    r = await regions.post(url, json={"to": "replicating", "reason": "x"}, headers={"If-Match": ""})
    assert r.status_code == 200, r.text


async def test_bulk_upsert_by_code(regions: httpx.AsyncClient) -> None:
    await create(regions, "510000", "四川")
    items: list[dict[str, Any]] = [
        {"code": "510104", "name": "锦江区"},  # its parent comes later in the same request
        {"code": "510100", "name": "成都市"},
        {"code": "510000", "name": "四川省"},  # an update
        {"code": "520100", "name": "贵阳市"},  # no 520000
        {"code": "51000", "name": "x"},
        {"code": "510100", "name": "again"},
        {"code": "SW", "name": "西南大区", "kind": "sales"},
        {"code": "510300", "name": "自贡市", "parent_code": "510000", "key_market": "yes"},
    ]
    r = await regions.post("/v1/regions/bulk", json={"items": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [i["status"] for i in body["items"]] == [
        "created",
        "created",
        "updated",
        "invalid",
        "invalid",
        "invalid",
        "created",
        "invalid",
    ]
    assert (body["created"], body["updated"], body["invalid"]) == (3, 1, 4)
    errors = {i["index"]: i["errors"][0]["pointer"] for i in body["items"] if i["errors"]}
    assert errors == {3: "#/parent_code", 4: "#/code", 5: "#/code", 7: "#/key_market"}
    path = (await regions.get(f"/v1/regions/{body['items'][0]['id']}/path")).json()["items"]
    assert [(c["code"], c["name"]) for c in path] == [
        ("510000", "四川省"),
        ("510100", "成都市"),
        ("510104", "锦江区"),
    ]
    assert await count(regions, "/v1/regions") == 4
    province = (await regions.get("/v1/regions", params={"code": "510000"})).json()["items"][0]
    assert province["version"] == 2


async def test_bulk_refuses_more_than_1000_items(regions: httpx.AsyncClient) -> None:
    items = [{"code": f"{11 + i // 100:02d}{i % 100:02d}00", "name": "x"} for i in range(1001)]
    r = await regions.post("/v1/regions/bulk", json={"items": items})
    assert refused(r) == ["#/items"]
    assert await count(regions, "/v1/regions") == 0


async def test_bulk_events(regions_committed: httpx.AsyncClient) -> None:
    items = [{"code": "510000", "name": "四川省"}, {"code": "510100", "name": "成都市"}]
    r = await regions_committed.post("/v1/regions/bulk", json={"items": items})
    assert r.json()["created"] == 2
    events = await feed(regions_committed, "/v1/region-events", 2)
    assert sorted(e["data"]["code"] for e in events["items"]) == ["510000", "510100"]
    assert {e["type"] for e in events["items"]} == {"region.created"}


async def test_bulk_places_provinces_under_sales_regions(regions: httpx.AsyncClient) -> None:
    items = [
        {"code": "510000", "name": "四川省", "parent_code": "SW-CD"},
        {"code": "SW-CD", "name": "成渝片区", "kind": "sales", "parent_code": "SW"},
        {"code": "SW", "name": "西南大区", "kind": "sales"},
        {"code": "520000", "name": "贵州省", "parent_code": "510000"},  # not a sales region
        {"code": "530000", "name": "云南省", "parent_code": "NOPE"},
    ]
    body = (await regions.post("/v1/regions/bulk", json={"items": items})).json()
    assert [i["status"] for i in body["items"]] == [
        "created",
        "created",
        "created",
        "invalid",
        "invalid",
    ]
    assert [i["errors"][0]["pointer"] for i in body["items"][3:]] == ["#/parent_code"] * 2
    path = (await regions.get(f"/v1/regions/{body['items'][0]['id']}/path")).json()["items"]
    assert [(c["code"], c["level"]) for c in path] == [
        ("SW", "sales_area"),
        ("SW-CD", "sales_district"),
        ("510000", "province"),
    ]
    owner = {"owner_id": OWNER, "key_market": True}
    r = await regions.patch(
        f"/v1/regions/{body['items'][0]['id']}", json=owner, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200
    kept = [{"code": "510000", "name": "四川"}]  # without parent_code: stays where it is
    again = (await regions.post("/v1/regions/bulk", json={"items": kept})).json()
    assert again["items"][0]["status"] == "updated"
    province = (await regions.get(f"/v1/regions/{body['items'][0]['id']}")).json()
    assert (province["name"], province["parent_id"]) == ("四川", body["items"][1]["id"])
    assert (province["owner_id"], province["key_market"]) == (OWNER, True)
    moved = [{"code": "510000", "name": "四川", "parent_code": "SW"}]  # a move: PATCH, not bulk
    again = (await regions.post("/v1/regions/bulk", json={"items": moved})).json()
    assert again["items"][0]["errors"][0]["pointer"] == "#/parent_code"
