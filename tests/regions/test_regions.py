"""The region tree over HTTP: GB/T 2260 rules, sales regions, ETags, pagination, scopes."""

from typing import Any

import httpx
import pytest

from chassis.testing import auth_headers
from tests.api import PROBLEM
from tests.api import feed as poll_feed
from tests.regions.helpers import count, create


async def sichuan(
    client: httpx.AsyncClient,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    province = await create(client, "510000", "四川省")
    city = await create(client, "510100", "成都市", parent_id=province["id"])
    county = await create(client, "510104", "锦江区", parent_id=city["id"])
    return province, city, county


async def test_tree_follows_gb2260_codes(regions: httpx.AsyncClient) -> None:
    province, city, county = await sichuan(regions)
    assert (province["level"], city["level"], county["level"]) == (
        "province",
        "prefecture",
        "county",
    )
    assert county["parent_id"] == city["id"] and city["parent_id"] == province["id"]
    got = await regions.get(f"/v1/regions/{county['id']}")
    assert got.json()["name"] == "锦江区"
    assert got.headers["etag"] == '"v1"'


@pytest.mark.parametrize(
    ("code", "parent", "pointer"),
    [
        ("510104", "province", "#/parent_id"),  # a county under the province, skipping 510100
        ("510100", None, "#/parent_id"),  # a prefecture without its province
        ("520100", "province", "#/parent_id"),  # a prefecture of another province
        ("51000", None, "#/code"),  # not six digits
        ("510000", "province", "#/parent_id"),  # a province with a parent
    ],
)
async def test_code_and_parent_must_agree(
    regions: httpx.AsyncClient, code: str, parent: str | None, pointer: str
) -> None:
    province = await create(regions, "510000" if code != "510000" else "520000", "省")
    before = await count(regions, "/v1/regions")
    body = {"code": code, "name": "x"} | ({"parent_id": province["id"]} if parent else {})
    r = await regions.post("/v1/regions", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    assert [e["pointer"] for e in r.json()["errors"]] == [pointer]
    assert await count(regions, "/v1/regions") == before


async def test_unknown_parent_is_named(regions: httpx.AsyncClient) -> None:
    r = await regions.post(
        "/v1/regions",
        json={
            "code": "510100",
            "name": "成都市",
            "parent_id": "01a221de-6ceb-7108-8dab-d0c4dfae1f7d",
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "#/parent_id"


async def test_sales_regions_group_in_two_levels(regions: httpx.AsyncClient) -> None:
    area = await create(regions, "SW", "西南大区", kind="sales")
    district = await create(regions, "SW-CD", "成都片区", kind="sales", parent_id=area["id"])
    assert (area["level"], district["level"]) == ("sales_area", "sales_district")
    r = await regions.post(
        "/v1/regions",
        json={"code": "SW-CD-1", "name": "x", "kind": "sales", "parent_id": district["id"]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/parent_id"
    r = await regions.post("/v1/regions", json={"code": "510000", "name": "x", "kind": "sales"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/code"


async def test_duplicate_code_is_a_conflict(regions: httpx.AsyncClient) -> None:
    await create(regions, "510000", "四川省")
    r = await regions.post("/v1/regions", json={"code": "510000", "name": "again"})
    assert r.status_code == 409
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["field"] == "code"
    assert await count(regions, "/v1/regions") == 1


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"code": 510000, "name": "x"}, "#/code"),
        ({"code": "510000", "name": "x", "extra": 1}, "#/extra"),
        ({"code": "510000", "name": ""}, "#/name"),
        ({"code": "510000", "name": "x", "kind": "planet"}, "#/kind"),
        ({"code": "510000", "name": "x", "parent_id": 12}, "#/parent_id"),
        ({"code": "510000", "name": True}, "#/name"),
    ],
)
async def test_bad_input_names_the_field(
    regions: httpx.AsyncClient, body: dict[str, Any], pointer: str
) -> None:
    r = await regions.post("/v1/regions", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    problem = r.json()
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert pointer in [e["pointer"] for e in problem["errors"]]
    assert await count(regions, "/v1/regions") == 0


async def test_malformed_json_is_a_problem(regions: httpx.AsyncClient) -> None:
    r = await regions.post(
        "/v1/regions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM


async def test_update_needs_current_etag(regions: httpx.AsyncClient) -> None:
    province = await create(regions, "510000", "四川省")
    url = f"/v1/regions/{province['id']}"
    assert (await regions.patch(url, json={"name": "四川"})).status_code == 428
    ok = await regions.patch(url, json={"name": "四川"}, headers={"If-Match": '"v1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"v2"'
    stale = await regions.patch(url, json={"name": "蜀"}, headers={"If-Match": '"v1"'})
    assert stale.status_code == 412
    assert (await regions.get(url)).json()["name"] == "四川"


async def test_delete_refuses_a_region_with_children(regions: httpx.AsyncClient) -> None:
    _province, city, county = await sichuan(regions)
    r = await regions.delete(f"/v1/regions/{city['id']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 409
    r = await regions.delete(f"/v1/regions/{county['id']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 204
    assert (await regions.get(f"/v1/regions/{county['id']}")).status_code == 404


async def test_pages_are_stable_under_inserts(regions: httpx.AsyncClient) -> None:
    codes = [f"{p}0000" for p in range(11, 21)]
    for code in codes:
        await create(regions, code, code)
    first = (await regions.get("/v1/regions", params={"limit": 4})).json()
    await create(regions, "210000", "辽宁省")  # inserted while a client pages
    seen = [r["code"] for r in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = (await regions.get("/v1/regions", params={"limit": 4, "cursor": cursor})).json()
        seen += [r["code"] for r in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [*codes, "210000"]


async def test_list_filters(regions: httpx.AsyncClient) -> None:
    province, _city, _ = await sichuan(regions)
    r = await regions.get("/v1/regions", params={"parent_id": province["id"]})
    assert [x["code"] for x in r.json()["items"]] == ["510100"]
    r = await regions.get("/v1/regions", params={"level": "county"})
    assert [x["code"] for x in r.json()["items"]] == ["510104"]


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"limit": "x"}, {"cursor": "!!"}, {"level": "moon"}]
)
async def test_bad_list_parameters(regions: httpx.AsyncClient, params: dict[str, Any]) -> None:
    r = await regions.get("/v1/regions", params=params)
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["errors"][0]["pointer"] == "#/" + next(iter(params))


async def test_scopes_are_checked(regions: httpx.AsyncClient) -> None:
    read_only = auth_headers("regions", ["regions:read"])
    r = await regions.post("/v1/regions", json={"code": "510000", "name": "x"}, headers=read_only)
    assert r.status_code == 403
    assert "regions:write" in r.json()["detail"]
    assert (await regions.get("/v1/regions", headers=read_only)).status_code == 200
    assert await count(regions, "/v1/regions") == 0


async def test_events_are_emitted_in_commit_order(regions_committed: httpx.AsyncClient) -> None:
    client = regions_committed
    province = await create(client, "510000", "四川省")
    await client.patch(
        f"/v1/regions/{province['id']}", json={"name": "四川"}, headers={"If-Match": '"v1"'}
    )
    feed = await poll_feed(client, "/v1/region-events", 2)
    assert [e["type"] for e in feed["items"]] == ["region.created", "region.updated"]
    assert feed["items"][1]["data"]["name"] == "四川"
    after = (await client.get("/v1/region-events", params={"after": feed["next_after"]})).json()
    assert after["items"] == [] and after["next_after"] == feed["next_after"]
    typed = (await client.get("/v1/region-events", params={"type": "region.updated"})).json()
    assert [e["type"] for e in typed["items"]] == ["region.updated"]


async def test_rejected_write_emits_no_event(regions_committed: httpx.AsyncClient) -> None:
    r = await regions_committed.post("/v1/regions", json={"code": "510100", "name": "x"})
    assert r.status_code == 422
    assert (await regions_committed.get("/v1/region-events")).json()["items"] == []
