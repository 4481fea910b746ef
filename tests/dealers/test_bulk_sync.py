"""An ERP sync by code never wipes what it leaves out, and bulk events carry what single writes'
events carry (one payload per event type)."""

from typing import Any

import httpx

from tests.dealers.helpers import CHENGDU, body, create, feed


async def _bulk(client: httpx.AsyncClient, path: str, *items: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(path, json={"items": list(items)})
    assert r.status_code == 200, r.text
    assert r.json()["invalid"] == 0, r.text
    return dict(r.json())


def _outlet(n: int, dealer_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": f"S{n:05d}",
        "name": f"终端{n}",
        "type": "supermarket",
        "grade": "A",
        "region_id": CHENGDU,
        "dealer_id": dealer_id,
    } | extra


async def test_a_dealer_sync_keeps_tier_and_credit_limit(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1, tier="core", credit_limit="300000.00")
    sync = {k: v for k, v in body(1, name="新名").items() if k in ("code", "name", "uscc")}
    await _bulk(dealers, "/v1/dealers/bulk", sync | {"region_id": CHENGDU})
    got = (await dealers.get(f"/v1/dealers/{dealer['id']}")).json()
    assert (got["name"], got["tier"], got["credit_limit"]) == ("新名", "core", "300000.00")
    # A field that is sent is written, defaults included.
    await _bulk(dealers, "/v1/dealers/bulk", body(1, tier="ordinary"))
    got = (await dealers.get(f"/v1/dealers/{dealer['id']}")).json()
    assert (got["tier"], got["credit_limit"]) == ("ordinary", "300000.00")


async def test_a_product_sync_keeps_pack_size_and_gtin(dealers: httpx.AsyncClient) -> None:
    full = {"code": "P-1", "name": "饮料", "unit": "case", "pack_size": 24, "list_price": "48.00"}
    r = await dealers.post("/v1/products", json=full | {"gtin": "6901234567892"})
    assert r.status_code == 201, r.text
    await _bulk(
        dealers,
        "/v1/products/bulk",
        {k: full[k] for k in ("code", "name", "unit")} | {"list_price": "50.00"},
    )
    got = (await dealers.get(f"/v1/products/{r.json()['id']}")).json()
    assert (got["pack_size"], got["gtin"], got["list_price"]) == (24, "6901234567892", "50.00")


async def test_an_outlet_sync_keeps_coordinates(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 2)
    placed = _outlet(1, dealer["id"], latitude=30.66, longitude=104.06, address="春熙路 1 号")
    r = await dealers.post("/v1/outlets", json=placed)
    assert r.status_code == 201, r.text
    await _bulk(dealers, "/v1/outlets/bulk", _outlet(1, dealer["id"], name="新店名"))
    got = (await dealers.get(f"/v1/outlets/{r.json()['id']}")).json()
    assert got["name"] == "新店名" and got["address"] == "春熙路 1 号"
    assert (got["latitude"], got["longitude"]) == (placed["latitude"], placed["longitude"])


async def test_bulk_events_carry_the_single_writes_payload(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    single = await create(client, 3, tier="core")
    await _bulk(client, "/v1/dealers/bulk", body(3, name="批量"), body(4))
    items = (await feed(client, "/v1/dealer-events", 3))["items"]
    by_type = {(e["type"], e["data"]["code"]): e for e in items}
    created_single = by_type[("dealer.created", "D003")]["data"]
    updated_bulk = by_type[("dealer.updated", "D003")]["data"]
    created_bulk = by_type[("dealer.created", "D004")]["data"]
    assert created_single.keys() == updated_bulk.keys() == created_bulk.keys()
    assert updated_bulk["version"] == 2 and updated_bulk["tier"] == "core"
    assert updated_bulk["lifecycle_stage"] == single["lifecycle_stage"]
    assert updated_bulk["created_at"] == single["created_at"]
    assert by_type[("dealer.updated", "D003")]["dealer_ids"] == [single["id"]]
