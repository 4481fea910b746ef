"""`/v1/payments` and `/v1/receivables`: a payment never exceeds what is open on the orders it
names, only the party owed records it, and receivables age by days since delivery."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from tests.api import assert_problem, listed, pointers
from tests.dealers.helpers import partner, unknown_id
from tests.dealers.order_helpers import events_of, move, moved, pay, place, trade

TODAY = datetime.now(UTC).date()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


async def delivered(
    client: httpx.AsyncClient, buyer: dict[str, Any], product: dict[str, Any], quantity: int
) -> dict[str, Any]:
    order = await place(client, buyer, [(product, quantity)])
    return await moved(client, order, "submitted", "confirmed", "shipped", "delivered")


async def order_of(client: httpx.AsyncClient, order: dict[str, Any]) -> dict[str, Any]:
    r = await client.get(f"/v1/orders/{order['id']}")
    assert r.status_code == 200
    return dict(r.json())


async def test_a_payment_settles_its_orders(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    t = await trade(client)
    p = t["products"][0]
    first = await delivered(client, t["dealer"], p, 10)  # 485.00
    second = await delivered(client, t["dealer"], p, 2)  # 97.00
    r = await pay(client, t["dealer"], [(first, "485.00"), (second, "50.00")], code="BK-001")
    assert r.status_code == 201, r.text
    payment = r.json()
    assert payment["amount"] == "535.00" and payment["payee_id"] is None
    assert payment["payer_type"] == "dealer" and payment["dealer_id"] == t["dealer"]["id"]
    assert r.headers["location"] == f"/v1/payments/{payment['id']}"
    assert (await client.get(r.headers["location"])).json() == payment
    assert (await order_of(client, first))["open_amount"] == "0.00"
    assert (await order_of(client, second))["paid_amount"] == "50.00"
    listed_ = await listed(client, "/v1/payments", order_id=second["id"])
    assert [x["id"] for x in listed_] == [payment["id"]]
    [event] = await events_of(client, "payment.received")
    assert event["data"]["allocations"] == payment["allocations"]
    assert event["dealer_ids"] == [t["dealer"]["id"]]


async def test_a_payment_cant_exceed_what_is_open(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p = t["products"][0]
    order = await delivered(dealers, t["dealer"], p, 2)  # 97.00
    r = await pay(dealers, t["dealer"], [(order, "97.01")])
    problem = assert_problem(r, 409)
    assert pointers(r) == ["#/allocations/0/amount"]
    assert "97.00" in problem["errors"][0]["detail"]
    assert (await pay(dealers, t["dealer"], [(order, "60.00")])).status_code == 201
    r = await pay(dealers, t["dealer"], [(order, "40.00")])
    assert "37.00" in assert_problem(r, 409)["errors"][0]["detail"]
    assert (await order_of(dealers, order))["paid_amount"] == "60.00"
    assert len(await listed(dealers, "/v1/payments")) == 1


async def test_bad_payments_are_refused_and_change_nothing(dealers: httpx.AsyncClient) -> None:
    mine, theirs = await trade(dealers, 1), await trade(dealers, 2)
    p = mine["products"][0]
    order = await delivered(dealers, mine["dealer"], p, 2)
    draft = await place(dealers, mine["dealer"], [(p, 1)])
    foreign = await delivered(dealers, theirs["dealer"], p, 1)
    cases: list[tuple[httpx.Response, int, str]] = [
        (await pay(dealers, mine["dealer"], [(order, "0.00")]), 422, "#/amount"),
        (await pay(dealers, mine["dealer"], [(draft, "10.00")]), 409, "#/allocations/0/order_id"),
        (
            await pay(dealers, mine["dealer"], [(foreign, "10.00")]),
            422,
            "#/allocations/0/order_id",
        ),
        (
            await pay(dealers, mine["dealer"], [({"id": unknown_id()}, "1.00")]),
            422,
            "#/allocations/0/order_id",
        ),
        (
            await pay(dealers, mine["dealer"], [(order, "1.00"), (order, "1.00")]),
            422,
            "#/allocations/1/order_id",
        ),
        (
            await pay(dealers, mine["dealer"], [(order, "1.00")], amount="2.00"),
            422,
            "#/allocations",
        ),
        (await pay(dealers, {"id": unknown_id()}, [(order, "1.00")]), 422, "#/payer_id"),
        (
            await pay(dealers, mine["dealer"], [(order, "1.00")], method="barter"),
            422,
            "#/method",
        ),
        (
            await pay(dealers, mine["dealer"], [(order, "1.005")], amount="1.005"),
            422,
            "#/amount",
        ),
    ]
    for r, status, pointer in cases:
        assert_problem(r, status)
        assert pointer in pointers(r), r.text
    r = await dealers.post("/v1/payments", json={"payer_id": mine["dealer"]["id"]})
    assert_problem(r, 422)  # no Idempotency-Key, and no amount either
    assert await listed(dealers, "/v1/payments") == []
    assert (await order_of(dealers, order))["paid_amount"] == "0.00"


async def test_only_the_party_owed_records_a_payment(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p = t["products"][0]
    me = partner(t["dealer"])
    to_manufacturer = await delivered(dealers, t["dealer"], p, 1)
    to_dealer = await delivered(dealers, t["outlet"], p, 1)
    r = await pay(dealers, t["dealer"], [(to_manufacturer, "48.50")], headers=me)
    assert_problem(r, 403)
    r = await pay(dealers, t["outlet"], [(to_dealer, "48.50")], headers=me)
    assert r.status_code == 201, r.text
    assert r.json()["payee_id"] == t["dealer"]["id"]
    other = partner((await trade(dealers, 2))["dealer"])
    assert_problem(await dealers.get(f"/v1/payments/{r.json()['id']}", headers=other), 404)
    r = await dealers.get("/v1/payments", headers=other)
    assert r.json()["items"] == []


async def test_receivables_age_by_days_since_delivery(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers, credit="10000.00")
    p = t["products"][0]
    a = await delivered(dealers, t["dealer"], p, 10)  # 485.00, due in 30 days
    b = await place(dealers, t["dealer"], [(p, 4)], payment_terms_days=0)  # 194.00, due today
    b = await moved(dealers, b, "submitted", "confirmed", "shipped", "delivered")
    c = await moved(dealers, await place(dealers, t["dealer"], [(p, 2)]), "submitted")  # 97.00
    assert (await pay(dealers, t["dealer"], [(a, "85.00")])).status_code == 201
    url = f"/v1/receivables/{t['dealer']['id']}"
    now = (await dealers.get(url)).json()
    assert now["open_balance"] == "594.00"  # 400.00 + 194.00 delivered
    assert now["open_orders"] == "97.00"
    assert now["credit_limit"] == "10000.00" and now["available_credit"] == "9309.00"
    assert now["ageing"] == {
        "days_0_30": "594.00",
        "days_31_60": "0.00",
        "days_61_90": "0.00",
        "over_90": "0.00",
    }
    assert (now["overdue_amount"], now["overdue_orders"], now["overdue"]) == ("0.00", 0, [])
    later = (await dealers.get(url, params={"as_of": days(45)})).json()
    assert later["ageing"]["days_31_60"] == "594.00"
    assert later["overdue_amount"] == "594.00"
    assert [(o["order_id"], o["days_overdue"], o["open_amount"]) for o in later["overdue"]] == [
        (b["id"], 45, "194.00"),
        (a["id"], 15, "400.00"),
    ]
    assert (await dealers.get(url, params={"as_of": days(95)})).json()["ageing"][
        "over_90"
    ] == "594.00"
    assert (await dealers.get(url, params={"as_of": days(75)})).json()["ageing"][
        "days_61_90"
    ] == "594.00"
    # the list: one entry per customer owing something, filterable by lateness
    other = await delivered(dealers, t["outlet"], p, 1)
    everyone = await listed(dealers, "/v1/receivables", as_of=days(10))
    assert {(x["customer_id"], x["customer_type"]) for x in everyone} == {
        (t["dealer"]["id"], "dealer"),
        (t["outlet"]["id"], "outlet"),
    }
    late = await listed(dealers, "/v1/receivables", as_of=days(10), overdue="true")
    assert [x["customer_id"] for x in late] == [t["dealer"]["id"]]
    on_time = await listed(dealers, "/v1/receivables", as_of=days(10), overdue="false")
    assert [x["customer_id"] for x in on_time] == [t["outlet"]["id"]]
    [outlet] = await listed(dealers, "/v1/receivables", customer_type="outlet")
    assert (
        outlet["seller_id"] == t["dealer"]["id"] and outlet["open_balance"] == other["total_amount"]
    )
    assert c["status"] == "submitted"


async def test_receivables_page_and_hide_other_dealers(dealers: httpx.AsyncClient) -> None:
    owing = [await trade(dealers, n) for n in (1, 2, 3)]
    for t in owing:
        await delivered(dealers, t["dealer"], t["products"][0], 1)
    r = await dealers.get("/v1/receivables", params={"limit": 2})
    first = r.json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (
        await dealers.get("/v1/receivables", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    ids = [x["customer_id"] for x in first["items"] + rest["items"]]
    assert sorted(ids) == sorted(t["dealer"]["id"] for t in owing) and rest["next_cursor"] is None
    me = partner(owing[0]["dealer"])
    seen = (await dealers.get("/v1/receivables", headers=me)).json()["items"]
    assert [x["customer_id"] for x in seen] == [owing[0]["dealer"]["id"]]
    r = await dealers.get(f"/v1/receivables/{owing[1]['dealer']['id']}", headers=me)
    assert_problem(r, 404)
    assert_problem(await dealers.get(f"/v1/receivables/{unknown_id()}"), 404)
    assert_problem(await dealers.get("/v1/receivables", params={"as_of": "2026-13-01"}), 422)
    nothing = (await dealers.get(f"/v1/receivables/{owing[0]['outlet']['id']}")).json()
    assert nothing["open_balance"] == "0.00" and nothing["credit_limit"] == "5000.00"
    assert date.fromisoformat(nothing["as_of"]) == TODAY


async def test_a_payment_dated_in_the_future_is_refused(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    order = await delivered(dealers, t["dealer"], t["products"][0], 1)
    r = await pay(dealers, t["dealer"], [(order, "10.00")], paid_on=days(3))
    assert_problem(r, 422)
    assert pointers(r) == ["#/paid_on"]
    assert (await pay(dealers, t["dealer"], [(order, "10.00")], paid_on=days(0))).status_code == 201


async def test_receivables_as_of_a_day_count_only_what_happened_by_then(
    dealers: httpx.AsyncClient,
) -> None:
    """Facts on both sides of the day: deliveries, payments, submissions and a cancellation
    after it don't count as of it, and ageing runs to it."""
    t = await trade(dealers, credit="10000.00")
    p = t["products"][0]
    now = datetime.now(UTC)

    def ago(n: float) -> str:
        return (now - timedelta(days=n)).isoformat()

    async def history(buyer: dict[str, Any], quantity: int, *moves: tuple[str, float]) -> Any:
        order = await place(dealers, buyer, [(p, quantity)], placed_at=ago(moves[0][1] + 1))
        for status, days in moves:
            r = await move(dealers, order, status, at=ago(days))
            assert r.status_code == 200, r.text
            order = r.json()
        return order

    delivered_early = [("submitted", 39), ("confirmed", 38), ("shipped", 36), ("delivered", 35)]
    a = await history(t["dealer"], 10, *delivered_early)  # 485.00, due 5 days ago
    b = await history(
        t["dealer"], 4, ("submitted", 29), ("confirmed", 28), ("shipped", 5), ("delivered", 3)
    )
    c = await history(t["dealer"], 2, ("submitted", 2))  # 97.00, after the day
    e = await history(t["dealer"], 1, ("submitted", 25))  # 48.50, cancelled after the day
    assert (await move(dealers, e, "cancelled", reason="客户取消", at=ago(4))).status_code == 200
    late_outlet = await history(t["outlet"], 1, ("submitted", 2))
    assert (await pay(dealers, t["dealer"], [(a, "100.00")], paid_on=days(-20))).status_code == 201
    assert (await pay(dealers, t["dealer"], [(a, "85.00")], paid_on=days(-5))).status_code == 201
    url = f"/v1/receivables/{t['dealer']['id']}"

    then = (await dealers.get(url, params={"as_of": days(-10)})).json()
    assert then["as_of"] == days(-10)
    assert then["open_balance"] == "385.00"  # a, less the first payment only
    assert then["open_orders"] == "242.50"  # b (not yet delivered) and e (not yet cancelled)
    assert then["available_credit"] == "9372.50"
    assert then["ageing"]["days_0_30"] == "385.00"  # 25 days after delivery
    assert (then["overdue_amount"], then["overdue"]) == ("0.00", [])  # due 5 days after the day

    now_ = (await dealers.get(url)).json()
    assert now_["open_balance"] == "494.00"  # a 300.00 + b 194.00
    assert now_["open_orders"] == "97.00"  # c
    assert now_["ageing"]["days_31_60"] == "300.00" and now_["ageing"]["days_0_30"] == "194.00"
    assert [(o["order_id"], o["paid_amount"], o["open_amount"]) for o in now_["overdue"]] == [
        (a["id"], "185.00", "300.00")
    ]

    as_of_then = await listed(dealers, "/v1/receivables", as_of=days(-10))
    assert [(r["customer_id"], r["open_balance"]) for r in as_of_then] == [
        (t["dealer"]["id"], "385.00")
    ]
    everyone = {r["customer_id"] for r in await listed(dealers, "/v1/receivables")}
    assert everyone == {t["dealer"]["id"], late_outlet["buyer_id"]}
    before_all = await listed(dealers, "/v1/receivables", as_of=days(-60))
    assert before_all == []
    assert c["status"] == "submitted" and b["status"] == "delivered"
