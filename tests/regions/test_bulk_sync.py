"""Region bulk events carry what single writes' events carry."""

import httpx

from tests.api import feed


async def test_bulk_region_events_match_single_ones(regions_committed: httpx.AsyncClient) -> None:
    client = regions_committed
    r = await client.post("/v1/regions", json={"code": "510000", "name": "四川省"})
    assert r.status_code == 201, r.text
    r = await client.post(
        "/v1/regions/bulk",
        json={"items": [{"code": "510000", "name": "四川"}, {"code": "520000", "name": "贵州省"}]},
    )
    assert r.status_code == 200 and r.json()["invalid"] == 0, r.text
    items = (await feed(client, "/v1/region-events", 3))["items"]
    single, updated, created = (e["data"] for e in items)
    assert [e["type"] for e in items] == ["region.created", "region.updated", "region.created"]
    assert single.keys() == updated.keys() == created.keys()
    assert (updated["version"], updated["name"], updated["created_at"]) == (
        2,
        "四川",
        single["created_at"],
    )
