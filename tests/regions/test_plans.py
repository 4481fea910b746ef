"""Market plans: per region and month, editable while draft, status draft → approved → closed."""

import httpx

from tests.regions.helpers import count, post, refused, small_tree


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
    r = await regions.patch(url, json={"status": "closed"}, headers={"If-Match": '"v1"'})
    refused(r, 409)
    r = await regions.patch(
        url, json={"objectives": "区域第一", "status": "approved"}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200 and (r.json()["status"], r.json()["objectives"]) == (
        "approved",
        "区域第一",
    )
    refused(await regions.patch(url, json={"strategy": "x"}, headers={"If-Match": '"v2"'}), 409)
    refused(await regions.patch(url, json={"status": "draft"}, headers={"If-Match": '"v2"'}), 409)
    refused(await regions.delete(url, headers={"If-Match": '"v2"'}), 409)
    r = await regions.patch(url, json={"status": "closed"}, headers={"If-Match": '"v2"'})
    assert r.json()["status"] == "closed"
    listed = (await regions.get("/v1/market-plans", params={"status": "closed"})).json()["items"]
    assert [p["id"] for p in listed] == [plan["id"]]
    refused(await regions.delete(f"/v1/regions/{ids['510100']}", headers={"If-Match": '"v1"'}), 409)


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
    r = await regions.patch(
        f"/v1/market-plans/{plan['id']}", json={"status": "sideways"}, headers={"If-Match": '"v1"'}
    )
    assert refused(r) == ["#/status"]
    r = await regions.patch(
        f"/v1/market-plans/{plan['id']}", json={"strategy": None}, headers={"If-Match": '"v1"'}
    )
    assert refused(r) == ["#/strategy"]
