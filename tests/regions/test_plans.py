"""Market plans: per region and month, editable while draft; the status moves by transitions,
draft → approved → closed, one step at a time."""

import httpx

from tests.api import assert_problem
from tests.regions.helpers import count, post, refused, small_tree

IF_V1, IF_V2 = {"If-Match": '"v1"'}, {"If-Match": '"v2"'}


async def test_plan_lifecycle(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    body = {
        "region_id": ids["510100"],
        "period": "2026-03",
        "objectives": "成为第一",
        "strategy": "核心经销商 + 终端",
    }
    plan = await post(regions, "/v1/market-plans", body)
    assert plan["status"] == "draft"
    refused(await regions.post("/v1/market-plans", json=body), 409)
    url = f"/v1/market-plans/{plan['id']}"
    moves = f"{url}/transitions"
    r = await regions.post(moves, json={"to": "closed"}, headers=IF_V1)
    assert refused(r, 409) == ["#/to"] and "approved" in r.json()["errors"][0]["detail"]
    r = await regions.patch(url, json={"objectives": "区域第一"}, headers=IF_V1)
    assert r.status_code == 200 and r.json()["objectives"] == "区域第一"
    assert_problem(await regions.post(moves, json={"to": "approved"}, headers=IF_V1), 412)
    r = await regions.post(moves, json={"to": "approved", "reason": "批准"}, headers=IF_V2)
    assert r.status_code == 200 and (r.json()["status"], r.json()["objectives"]) == (
        "approved",
        "区域第一",
    )
    assert r.headers["ETag"] == '"v3"'
    v3 = {"If-Match": '"v3"'}
    refused(await regions.patch(url, json={"strategy": "x"}, headers=v3), 409)
    assert refused(await regions.post(moves, json={"to": "draft"}), 409) == ["#/to"]
    assert refused(await regions.post(moves, json={"to": "approved"}), 409) == ["#/to"]
    refused(await regions.delete(url, headers=v3), 409)
    r = await regions.post(moves, json={"to": "closed"})  # If-Match is optional here
    assert r.json()["status"] == "closed"
    assert refused(await regions.post(moves, json={"to": "approved"}), 409) == ["#/to"]
    listed = (await regions.get("/v1/market-plans", params={"status": "closed"})).json()["items"]
    assert [p["id"] for p in listed] == [plan["id"]]
    refused(await regions.delete(f"/v1/regions/{ids['510100']}", headers=IF_V1), 409)


async def test_bad_plans_are_refused(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    body = {"region_id": ids["510100"], "period": "2026-03", "objectives": "x", "strategy": "y"}
    for change, pointer in [
        ({"period": "2026-3"}, "#/period"),
        ({"objectives": ""}, "#/objectives"),
        ({"region_id": "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"}, "#/region_id"),
        ({"status": "approved"}, "#/status"),
    ]:
        assert refused(await regions.post("/v1/market-plans", json=body | change)) == [pointer]
    assert await count(regions, "/v1/market-plans") == 0
    plan = await post(regions, "/v1/market-plans", body)
    url = f"/v1/market-plans/{plan['id']}"
    for status in ["sideways", "approved"]:
        r = await regions.patch(url, json={"status": status}, headers=IF_V1)
        assert refused(r) == ["#/status"]
        assert "/transitions" in r.json()["errors"][0]["detail"]  # says where the status moves
    r = await regions.patch(url, json={"strategy": None}, headers=IF_V1)
    assert refused(r) == ["#/strategy"]
    for move in [{"to": "sideways"}, {"to": "approved", "reason": "  "}, {}]:
        r = await regions.post(f"{url}/transitions", json=move)
        assert refused(r) == ["#/to" if "reason" not in move else "#/reason"], move
    assert (await regions.get(url)).json()["version"] == 1
