"""A partner's replenishment loop through the gateway with its API key: it orders for its own
outlets (one order per Idempotency-Key, even retried), records what they pay it, reads its
receivables, and finds nothing of dealer B's orders, payments or receivables."""

from typing import Any

import httpx

from tests.gateway.test_partner_isolation_network import UNKNOWN, network

__all__ = ["network"]


async def product_id(gw: httpx.AsyncClient, manager: dict[str, str]) -> str:
    r = await gw.get("/v1/products", params={"code": "SKU-1"}, headers=manager)
    return str(r.json()["items"][0]["id"])


async def test_a_partner_orders_pays_and_reads_only_its_own(
    gw: httpx.AsyncClient, network: dict[str, Any]
) -> None:
    key, manager = network["key"], network["manager"]
    mine, theirs = network["outlets"]["TA1"], network["outlets"]["TB1"]
    sku = await product_id(gw, manager)
    body = {"buyer_id": mine["id"], "lines": [{"product_id": sku, "quantity": 5}]}
    headers = key | {"Idempotency-Key": "partner-po-1"}
    first = await gw.post("/v1/orders", json=body, headers=headers)
    retry = await gw.post("/v1/orders", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201, first.text
    order = first.json()
    assert retry.json()["id"] == order["id"] and order["total_amount"] == "150.00"
    refused = await gw.post(
        "/v1/orders",
        json={"buyer_id": theirs["id"], "lines": body["lines"]},
        headers=key | {"Idempotency-Key": "partner-po-2"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/buyer_id"
    for status in ("submitted", "confirmed", "shipped", "delivered"):
        r = await gw.post(f"/v1/orders/{order['id']}/transitions", json={"to": status}, headers=key)
        assert r.status_code == 200, r.text
    payment = {
        "payer_id": mine["id"],
        "amount": "100.00",
        "method": "cash",
        "paid_on": "2026-11-27",
        "allocations": [{"order_id": order["id"], "amount": "100.00"}],
    }
    r = await gw.post("/v1/payments", json=payment, headers=key | {"Idempotency-Key": "pay-1"})
    assert r.status_code == 201, r.text
    [receivable] = (await gw.get("/v1/receivables", headers=key)).json()["items"]
    assert (receivable["customer_id"], receivable["open_balance"]) == (mine["id"], "50.00")
    # dealer B's side, made by the manufacturer: invisible to A
    theirs_body = {"buyer_id": theirs["id"], "lines": [{"product_id": sku, "quantity": 1}]}
    r = await gw.post(
        "/v1/orders", json=theirs_body, headers=manager | {"Idempotency-Key": "mgr-po-1"}
    )
    assert r.status_code == 201, r.text
    other = r.json()
    assert (await gw.get(f"/v1/orders/{other['id']}", headers=key)).status_code == 404
    listed = (await gw.get("/v1/orders", headers=key)).json()["items"]
    assert [o["id"] for o in listed] == [order["id"]]
    r = await gw.post(
        f"/v1/orders/{other['id']}/transitions", json={"to": "submitted"}, headers=key
    )
    assert r.status_code == 404
    assert (await gw.get(f"/v1/receivables/{theirs['id']}", headers=key)).status_code == 404
    assert (await gw.get(f"/v1/receivables/{UNKNOWN}", headers=key)).status_code == 404
    still = (await gw.get(f"/v1/orders/{other['id']}", headers=manager)).json()
    assert still["status"] == "draft"
