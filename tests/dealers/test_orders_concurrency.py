"""Orders and payments under concurrency (committed transactions, requests in parallel): one key
makes one order, racing moves make one transition, credit can't be spent twice, payments never
exceed what is open, and a delivery racing payments keeps the balances right."""

import asyncio
from decimal import Decimal
from typing import Any

import httpx

from tests.api import listed
from tests.dealers.order_helpers import events_of, move, moved, pay, place, trade
from tests.dealers.stock_helpers import STOCK

N = 8


async def test_one_key_retried_in_parallel_makes_one_order(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    t = await trade(client)
    body = {
        "buyer_id": t["dealer"]["id"],
        "lines": [{"product_id": t["products"][0]["id"], "quantity": 3}],
    }
    headers = {"Idempotency-Key": "erp-po-42"}
    answers = await asyncio.gather(
        *(client.post("/v1/orders", json=body, headers=headers) for _ in range(N))
    )
    assert {r.status_code for r in answers} <= {201, 409}
    made = {r.json()["id"] for r in answers if r.status_code == 201}
    assert len(made) == 1
    orders = await listed(client, "/v1/orders")
    assert [o["id"] for o in orders] == list(made)
    again = await client.post("/v1/orders", json=body, headers=headers)
    assert again.status_code == 201 and again.json()["id"] in made
    assert len(await events_of(client, "order.created")) == 1


async def test_racing_submits_make_one_transition(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    t = await trade(client)
    order = await place(client, t["dealer"], [(t["products"][0], 1)])
    answers = await asyncio.gather(*(move(client, order, "submitted") for _ in range(N)))
    assert sorted(r.status_code for r in answers) == [200] + [409] * (N - 1)
    history = await listed(client, f"/v1/orders/{order['id']}/transitions")
    assert [h["to"] for h in history] == ["draft", "submitted"]
    got = (await client.get(f"/v1/orders/{order['id']}")).json()
    assert got["status"] == "submitted" and got["version"] == 2
    assert len(await events_of(client, "order.submitted")) == 1


async def test_credit_is_not_spent_twice(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    t = await trade(client, credit="500.00")
    orders = [await place(client, t["dealer"], [(t["products"][0], 6)]) for _ in range(N)]  # 291.00
    answers = await asyncio.gather(*(move(client, o, "submitted") for o in orders))
    assert sorted(r.status_code for r in answers) == [200] + [409] * (N - 1)
    submitted = await listed(client, "/v1/orders", status="submitted")
    assert len(submitted) == 1
    refused = [r.json() for r in answers if r.status_code == 409]
    assert all(p["credit"]["open_orders"] == "291.00" for p in refused)


async def test_racing_payments_never_exceed_what_is_open(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    t = await trade(client)
    order = await place(client, t["dealer"], [(t["products"][0], 10)])  # 485.00
    order = await moved(client, order, "submitted", "confirmed", "shipped", "delivered")
    answers = await asyncio.gather(
        *(pay(client, t["dealer"], [(order, "100.00")]) for _ in range(N))
    )
    assert sorted(r.status_code for r in answers) == [201] * 4 + [409] * (N - 4)
    got = (await client.get(f"/v1/orders/{order['id']}")).json()
    assert (got["paid_amount"], got["open_amount"]) == ("400.00", "85.00")
    payments = await listed(client, "/v1/payments", order_id=order["id"])
    assert sum(Decimal(p["amount"]) for p in payments) == Decimal("400.00")


async def test_a_delivery_racing_payments_keeps_the_balances(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    t = await trade(client)
    p = t["products"][0]
    orders: list[dict[str, Any]] = []
    for quantity in (10, 4):
        placed = await place(client, t["dealer"], [(p, quantity)])
        orders.append(await moved(client, placed, "submitted", "confirmed", "shipped"))
    big, small = orders  # 485.00 and 194.00
    jobs = [move(client, big, "delivered"), move(client, small, "delivered")]
    jobs += [pay(client, t["dealer"], [(big, "50.00"), (small, "20.00")]) for _ in range(3)]
    answers = await asyncio.gather(*jobs)
    assert [r.status_code for r in answers] == [200, 200, 201, 201, 201]
    receivable = (await client.get(f"/v1/receivables/{t['dealer']['id']}")).json()
    assert receivable["open_balance"] == "469.00"  # 679.00 − 3 × 70.00
    assert receivable["open_orders"] == "0.00"
    for order, paid in ((big, "150.00"), (small, "60.00")):
        got = (await client.get(f"/v1/orders/{order['id']}")).json()
        assert (got["status"], got["paid_amount"]) == ("delivered", paid)
    [position] = await listed(client, "/v1/stock-positions", location_id=t["dealer"]["id"])
    assert position["on_hand"] == 14  # both deliveries arrived


async def test_deliveries_and_stock_reports_racing_never_deadlock(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    t = await trade(client)
    outlet, products = t["outlet"], t["products"]
    orders = []
    for _ in range(3):
        placed = await place(client, outlet, [(products[0], 3), (products[1], 3)])
        orders.append(await moved(client, placed, "submitted", "confirmed", "shipped"))

    def counts(day: int) -> list[dict[str, Any]]:
        return [
            {
                "location_id": outlet["id"],
                "product_id": p["id"],
                "as_of": f"2026-11-{day:02d}T00:00:00Z",
                "on_hand": 10,
                "in_transit": 0,
            }
            for p in reversed(products)  # the other order than the deliveries'
        ]

    jobs = [move(client, o, "delivered") for o in orders]
    jobs += [client.post(STOCK, json={"items": counts(day)}) for day in (1, 2, 3)]
    answers = await asyncio.gather(*jobs)
    assert [r.status_code for r in answers] == [200] * 6, [r.text for r in answers]
    positions = await listed(client, "/v1/stock-positions", location_id=outlet["id"])
    assert len(positions) == 2
    # each delivery added 3 to whatever count it found: 9 on nothing, up to 19 on a count of 10
    assert all(p["on_hand"] in {9, 10, 13, 16, 19} for p in positions)
