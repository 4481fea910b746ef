"""`/v1/orders`: drafts from lines or proposals, the lifecycle and who may move it, the credit
check on submit, stock on shipment and delivery, idempotent creation, events."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from chassis.testing import auth_headers
from tests.api import assert_problem, listed, pointers
from tests.dealers.helpers import make_outlet, partner, unknown_id
from tests.dealers.order_helpers import events_of, key, move, moved, place, trade
from tests.dealers.stock_helpers import SELL_OUT, STOCK, post_lines


async def test_a_draft_prices_its_lines(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p, q = t["products"]
    order = await place(
        dealers,
        t["dealer"],
        [(p, 10)],
        code="PO-2026-0001",
        note="双十一备货",
    )
    assert order["status"] == "draft" and order["kind"] == "manufacturer_dealer"
    assert order["seller_id"] is None and order["dealer_id"] == t["dealer"]["id"]
    assert order["buyer_type"] == "dealer" and order["region_id"] == t["dealer"]["region_id"]
    assert order["lines"] == [
        {
            "line_no": 1,
            "product_id": p["id"],
            "quantity": 10,
            "unit_price": "48.50",
            "amount": "485.00",
            "proposal_id": None,
        }
    ]
    assert (order["total_amount"], order["paid_amount"], order["open_amount"]) == (
        "485.00",
        "0.00",
        "485.00",
    )
    r = await dealers.get(f"/v1/orders/{order['id']}")
    assert r.status_code == 200 and r.json() == order and r.headers["etag"] == '"v1"'
    lines = [
        {"product_id": p["id"], "quantity": 3, "unit_price": "45.00"},
        {"product_id": q["id"], "quantity": 2},
    ]
    r = await dealers.post(
        "/v1/orders", json={"buyer_id": t["outlet"]["id"], "lines": lines}, headers=key()
    )
    assert r.status_code == 201, r.text
    to_outlet = r.json()
    assert to_outlet["kind"] == "dealer_outlet" and to_outlet["seller_id"] == t["dealer"]["id"]
    assert to_outlet["total_amount"] == "232.00"  # 3 × 45.00 + 2 × 48.50
    found = await listed(dealers, "/v1/orders", buyer_id=t["outlet"]["id"])
    assert [o["id"] for o in found] == [to_outlet["id"]]
    assert await listed(dealers, "/v1/orders", code="PO-2026-0001") == [
        {k: v for k, v in order.items() if k in found[0]}
    ]
    with_q = await listed(dealers, "/v1/orders", product_id=q["id"])
    assert [o["id"] for o in with_q] == [to_outlet["id"]]


async def test_bad_orders_are_refused_and_write_nothing(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p, _ = t["products"]
    line = {"product_id": p["id"], "quantity": 1}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"buyer_id": unknown_id(), "lines": [line]}, "#/buyer_id"),
        ({"buyer_id": t["dealer"]["id"], "lines": [line | {"quantity": 0}]}, "#/lines/0/quantity"),
        (
            {"buyer_id": t["dealer"]["id"], "lines": [line | {"product_id": unknown_id()}]},
            "#/lines/0/product_id",
        ),
        ({"buyer_id": t["dealer"]["id"], "lines": [line, line]}, "#/lines/1/product_id"),
        (
            {"buyer_id": t["dealer"]["id"], "lines": [line | {"quantity": "1"}]},
            "#/lines/0/quantity",
        ),
        ({"buyer_id": t["dealer"]["id"], "proposal_ids": [unknown_id()]}, "#/proposal_ids/0"),
    ]
    for body, pointer in cases:
        r = await dealers.post("/v1/orders", json=body, headers=key())
        assert_problem(r, 422)
        assert pointer in pointers(r), (body, r.text)
    both = {"buyer_id": t["dealer"]["id"], "lines": [line], "proposal_ids": [unknown_id()]}
    assert_problem(await dealers.post("/v1/orders", json=both, headers=key()), 422)
    assert await listed(dealers, "/v1/orders") == []


async def test_creating_needs_an_idempotency_key_and_a_retry_makes_no_second_order(
    dealers: httpx.AsyncClient,
) -> None:
    t = await trade(dealers)
    body = {
        "buyer_id": t["dealer"]["id"],
        "lines": [{"product_id": t["products"][0]["id"], "quantity": 2}],
    }
    r = await dealers.post("/v1/orders", json=body)
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["pointer"] == "#/Idempotency-Key"
    assert await listed(dealers, "/v1/orders") == []
    first = await dealers.post("/v1/orders", json=body, headers={"Idempotency-Key": "po-77"})
    again = await dealers.post("/v1/orders", json=body, headers={"Idempotency-Key": "po-77"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    other = body | {"payment_terms_days": 60}
    r = await dealers.post("/v1/orders", json=other, headers={"Idempotency-Key": "po-77"})
    assert_problem(r, 422)
    assert len(await listed(dealers, "/v1/orders")) == 1


async def empty_shelf_selling_two_a_day(
    client: httpx.AsyncClient,
    outlet: dict[str, Any],
    selling: dict[str, Any],
    *idle: dict[str, Any],
) -> None:
    """Nothing on the outlet's shelf on 2026-11-20 of `selling` (and `idle`), and two of
    `selling` sold every day of November until then."""
    stock = [
        {
            "location_id": outlet["id"],
            "product_id": x["id"],
            "as_of": "2026-11-20T00:00:00Z",
            "on_hand": 0,
            "in_transit": 0,
        }
        for x in (selling, *idle)
    ]
    await post_lines(client, STOCK, stock)
    sales = [
        {
            "location_id": outlet["id"],
            "product_id": selling["id"],
            "day": f"2026-11-{d:02d}",
            "quantity": 2,
            "amount": "97.00",
        }
        for d in range(1, 21)
    ]
    await post_lines(client, SELL_OUT, sales)


async def test_an_order_from_proposals_takes_their_quantities(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p, q = t["products"]
    outlet = t["outlet"]
    await empty_shelf_selling_two_a_day(dealers, outlet, p, q)
    r = await dealers.post(
        "/v1/replenishment-proposals/compute",
        json={"outlet_id": outlet["id"], "as_of": "2026-11-20", "window_days": 20},
    )
    assert r.status_code == 200, r.text
    proposals = {x["product_id"]: x for x in r.json()["items"]}
    wanted = proposals[p["id"]]
    assert wanted["reorder"] and wanted["proposed_quantity"] == 28  # d=2, L=7, R=7, σ=0
    body = {"buyer_id": outlet["id"], "proposal_ids": [wanted["id"]]}
    r = await dealers.post("/v1/orders", json=body, headers=key())
    assert r.status_code == 201, r.text
    [line] = r.json()["lines"]
    assert (line["product_id"], line["quantity"], line["proposal_id"]) == (
        p["id"],
        28,
        wanted["id"],
    )
    idle = proposals[q["id"]]  # no demand: nothing proposed
    r = await dealers.post(
        "/v1/orders", json={"buyer_id": outlet["id"], "proposal_ids": [idle["id"]]}, headers=key()
    )
    assert_problem(r, 422)
    assert pointers(r) == ["#/proposal_ids/0"]
    r = await dealers.post(
        "/v1/orders",
        json={"buyer_id": t["dealer"]["id"], "proposal_ids": [wanted["id"]]},
        headers=key(),
    )
    assert "another location" in r.json()["errors"][0]["detail"]


async def test_the_lifecycle_is_recorded_and_each_move_is_an_event(
    dealers_committed: httpx.AsyncClient,
) -> None:
    client = dealers_committed
    t = await trade(client)
    order = await place(client, t["dealer"], [(t["products"][0], 4)])
    done = await moved(client, order, "submitted", "confirmed", "shipped", "delivered")
    assert done["status"] == "delivered" and done["version"] == 5
    for stamp in ("submitted_at", "confirmed_at", "shipped_at", "delivered_at"):
        assert done[stamp] is not None
    assert done["cancelled_at"] is None and done["due_on"] is not None
    history = await listed(client, f"/v1/orders/{order['id']}/transitions")
    assert [(h["from"], h["to"]) for h in history] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "confirmed"),
        ("confirmed", "shipped"),
        ("shipped", "delivered"),
    ]
    assert {h["actor"] for h in history} == {"test-user"}
    assert {h["order_id"] for h in history} == {order["id"]}
    assert all(h["created_at"] >= h["at"][:19] for h in history)
    for type_ in ("created", "submitted", "confirmed", "shipped", "delivered"):
        [event] = await events_of(client, f"order.{type_}")
        assert event["data"]["id"] == order["id"]
        assert event["dealer_ids"] == [t["dealer"]["id"]]
    [delivered] = await events_of(client, "order.delivered")
    assert delivered["data"]["status"] == "delivered"
    assert delivered["data"]["lines"][0]["quantity"] == 4


async def test_moves_out_of_order_are_refused(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    order = await place(dealers, t["dealer"], [(t["products"][0], 1)])
    for status in ("shipped", "delivered", "confirmed", "draft"):
        r = await move(dealers, order, status)
        problem = assert_problem(r, 409)
        assert problem["field"] == "to" and pointers(r) == ["#/to"]
        if status != "draft":
            assert "cancelled, submitted" in problem["errors"][0]["detail"]  # what is allowed
    already = assert_problem(await move(dealers, order, "draft"), 409)
    assert "already draft" in already["detail"]
    assert_problem(await move(dealers, order, "cancelled"), 422)  # a reason is required
    assert_problem(await move(dealers, order, "lost"), 422)
    cancelled = await moved(dealers, order, "submitted")
    r = await move(dealers, cancelled, "cancelled", reason="客户取消")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert_problem(await move(dealers, order, "submitted"), 409)
    shipped = await moved(
        dealers,
        await place(dealers, t["dealer"], [(t["products"][0], 1)]),
        "submitted",
        "confirmed",
        "shipped",
    )
    assert_problem(await move(dealers, shipped, "cancelled", reason="太晚"), 409)
    assert_problem(await move(dealers, {"id": unknown_id()}, "submitted"), 404)


async def test_submitting_checks_credit_with_the_figures(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers, credit="1000.00")
    p, _ = t["products"]
    first = await place(dealers, t["dealer"], [(p, 10)])  # 485.00
    await moved(dealers, first, "submitted", "confirmed", "shipped", "delivered")
    second = await place(dealers, t["dealer"], [(p, 8)])  # 388.00
    await moved(dealers, second, "submitted")
    third = await place(dealers, t["dealer"], [(p, 3)])  # 145.50 > 1000 − 485 − 388 = 127
    problem = assert_problem(await move(dealers, third, "submitted"), 409)
    assert problem["credit"] == {
        "credit_limit": "1000.00",
        "open_receivable": "485.00",
        "open_orders": "388.00",
        "order_value": "145.50",
        "available": "127.00",
        "shortfall": "18.50",
    }
    assert (await dealers.get(f"/v1/orders/{third['id']}")).json()["status"] == "draft"
    smaller = await place(dealers, t["dealer"], [(p, 2)])  # 97.00 fits
    assert (await move(dealers, smaller, "submitted")).status_code == 200


async def test_delivery_moves_goods_into_the_receivers_stock(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p, q = t["products"]
    warehouse = {
        "location_id": t["dealer"]["id"],
        "product_id": p["id"],
        "as_of": "2026-11-20T00:00:00Z",
        "on_hand": 50,
        "in_transit": 0,
    }
    await post_lines(dealers, STOCK, [warehouse])
    order = await place(dealers, t["outlet"], [(p, 12), (q, 5)])
    await moved(dealers, order, "submitted", "confirmed", "shipped")
    [left] = await listed(dealers, "/v1/stock-positions", location_id=t["dealer"]["id"])
    assert left["on_hand"] == 38  # shipped out of the dealer's warehouse
    assert await listed(dealers, "/v1/stock-positions", location_id=t["outlet"]["id"]) == []
    await moved(dealers, order, "delivered")
    got = {
        x["product_id"]: x["on_hand"]
        for x in await listed(dealers, "/v1/stock-positions", location_id=t["outlet"]["id"])
    }
    assert got == {p["id"]: 12, q["id"]: 5}
    again = await place(dealers, t["outlet"], [(p, 3)])
    await moved(dealers, again, "submitted", "confirmed", "shipped", "delivered")
    [position] = await listed(
        dealers, "/v1/stock-positions", location_id=t["outlet"]["id"], product_id=p["id"]
    )
    assert position["on_hand"] == 15
    # an older count does not undo the delivery; a newer one replaces it
    older = warehouse | {"location_id": t["outlet"]["id"], "on_hand": 1}
    await post_lines(dealers, STOCK, [older])
    [position] = await listed(
        dealers, "/v1/stock-positions", location_id=t["outlet"]["id"], product_id=p["id"]
    )
    assert position["on_hand"] == 15
    # counted just after the delivery (a clock a little ahead of the server's is accepted)
    soon = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    newer = older | {"as_of": soon, "on_hand": 9}
    await post_lines(dealers, STOCK, [newer])
    [position] = await listed(
        dealers, "/v1/stock-positions", location_id=t["outlet"]["id"], product_id=p["id"]
    )
    assert position["on_hand"] == 9


async def test_only_a_draft_changes(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p, q = t["products"]
    order = await place(dealers, t["dealer"], [(p, 1)])
    url = f"/v1/orders/{order['id']}"
    body = {"lines": [{"product_id": q["id"], "quantity": 4}], "note": "改单"}
    assert_problem(await dealers.patch(url, json=body), 428)
    assert_problem(await dealers.patch(url, json=body, headers={"If-Match": '"v9"'}), 412)
    r = await dealers.patch(url, json=body, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    changed = r.json()
    assert [(x["product_id"], x["quantity"]) for x in changed["lines"]] == [(q["id"], 4)]
    assert changed["total_amount"] == "194.00" and changed["note"] == "改单"
    assert r.headers["etag"] == '"v2"'
    submitted = await moved(dealers, changed, "submitted")
    r = await dealers.patch(
        url, json={"note": "x"}, headers={"If-Match": f'"v{submitted["version"]}"'}
    )
    assert_problem(r, 409)


async def test_partners_order_for_their_own_dealers_only(dealers: httpx.AsyncClient) -> None:
    mine, theirs = await trade(dealers, 1), await trade(dealers, 2)
    me = partner(mine["dealer"])
    p = mine["products"][0]
    own = await place(dealers, mine["dealer"], [(p, 1)], headers=me)
    for_outlet = await place(dealers, mine["outlet"], [(p, 1)], headers=me)
    r = await dealers.post(
        "/v1/orders",
        json={
            "buyer_id": theirs["outlet"]["id"],
            "lines": [{"product_id": p["id"], "quantity": 1}],
        },
        headers=key() | me,
    )
    assert_problem(r, 422)
    assert pointers(r) == ["#/buyer_id"]
    other = await place(dealers, theirs["dealer"], [(p, 1)])
    assert_problem(await dealers.get(f"/v1/orders/{other['id']}", headers=me), 404)
    r = await dealers.post(
        f"/v1/orders/{other['id']}/transitions", json={"to": "submitted"}, headers=me
    )
    assert_problem(r, 404)
    seen = {o["id"] for o in (await dealers.get("/v1/orders", headers=me)).json()["items"]}
    assert seen == {own["id"], for_outlet["id"]}
    # on its own order with the manufacturer, a partner submits and receives, never confirms
    r = await dealers.post(
        f"/v1/orders/{own['id']}/transitions", json={"to": "submitted"}, headers=me
    )
    assert r.status_code == 200
    r = await dealers.post(
        f"/v1/orders/{own['id']}/transitions", json={"to": "confirmed"}, headers=me
    )
    assert_problem(r, 403)
    # on its outlet's order it is the seller: every move is its own
    for status in ("submitted", "confirmed", "shipped", "delivered"):
        r = await dealers.post(
            f"/v1/orders/{for_outlet['id']}/transitions", json={"to": status}, headers=me
        )
        assert r.status_code == 200, r.text


async def test_sell_in_is_what_was_delivered(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p, q = t["products"]
    for lines in ([(p, 4), (q, 1)], [(p, 6)]):
        order = await place(dealers, t["outlet"], lines)
        await moved(dealers, order, "submitted", "confirmed", "shipped", "delivered")
    await moved(dealers, await place(dealers, t["outlet"], [(p, 20)]), "submitted")
    rows = await listed(dealers, "/v1/sell-in", location_id=t["outlet"]["id"])
    got = {(r["product_id"], r["quantity"], r["amount"]) for r in rows}
    assert got == {(p["id"], 10, "485.00"), (q["id"], 1, "48.50")}
    assert {r["location_type"] for r in rows} == {"outlet"}
    assert {r["dealer_id"] for r in rows} == {t["dealer"]["id"]}
    first = (await dealers.get("/v1/sell-in", params={"limit": 1})).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = (
        await dealers.get("/v1/sell-in", params={"limit": 1, "cursor": first["next_cursor"]})
    ).json()
    assert second["next_cursor"] is None and second["items"] != first["items"]
    assert await listed(dealers, "/v1/sell-in", day_from="2099-01-01") == []
    other = partner((await trade(dealers, 2))["dealer"])
    assert (await dealers.get("/v1/sell-in", headers=other)).json()["items"] == []


async def test_trading_needs_its_own_scope(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    order = await place(dealers, t["dealer"], [(t["products"][0], 1)])
    clerk = auth_headers("dealers", ("dealers:read", "dealers:write"))
    body = {
        "buyer_id": t["dealer"]["id"],
        "lines": [{"product_id": t["products"][0]["id"], "quantity": 1}],
    }
    assert_problem(await dealers.post("/v1/orders", json=body, headers=key() | clerk), 403)
    r = await dealers.post(
        f"/v1/orders/{order['id']}/transitions", json={"to": "submitted"}, headers=clerk
    )
    assert_problem(r, 403)
    assert (await dealers.get(f"/v1/orders/{order['id']}", headers=clerk)).status_code == 200
    assert len(await listed(dealers, "/v1/orders")) == 1


async def test_an_erp_records_moves_after_the_fact(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p = t["products"][0]
    now = datetime.now(UTC)

    def ago(days: int) -> str:
        return (now - timedelta(days=days)).isoformat()

    count = {
        "location_id": t["dealer"]["id"],
        "product_id": p["id"],
        "as_of": ago(70),
        "on_hand": 7,
        "in_transit": 0,
    }
    await post_lines(dealers, STOCK, [count])
    order = await place(dealers, t["dealer"], [(p, 10)], placed_at=ago(90))
    for status, days in (("submitted", 89), ("confirmed", 88), ("shipped", 85)):
        r = await move(dealers, order, status, at=ago(days))
        assert r.status_code == 200, r.text
    r = await move(dealers, order, "delivered", at=ago(86))
    assert_problem(r, 422)
    assert "#/at" in pointers(r)  # before the shipment
    r = await move(dealers, order, "delivered", at=(now + timedelta(days=1)).isoformat())
    assert_problem(r, 422)
    assert "#/at" in pointers(r)  # in the future
    r = await move(dealers, order, "delivered", at=ago(80))
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["delivered_on"] == (now - timedelta(days=80)).date().isoformat()
    assert done["due_on"] == (now - timedelta(days=50)).date().isoformat()
    history = await listed(dealers, f"/v1/orders/{order['id']}/transitions")
    assert history[0]["at"][:10] == (now - timedelta(days=90)).date().isoformat()
    # the count 70 days ago came after the delivery: it already held the goods
    [position] = await listed(dealers, "/v1/stock-positions", location_id=t["dealer"]["id"])
    assert position["on_hand"] == 7
    receivable = (await dealers.get(f"/v1/receivables/{t['dealer']['id']}")).json()
    assert receivable["ageing"]["days_61_90"] == "485.00"
    assert receivable["overdue"][0]["days_overdue"] == 50


async def test_open_orders_count_in_the_next_proposals(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    p = t["products"][0]
    outlet = t["outlet"]
    await empty_shelf_selling_two_a_day(dealers, outlet, p)
    scope = {"outlet_id": outlet["id"], "as_of": "2026-11-20", "window_days": 20}

    async def proposal() -> dict[str, Any]:
        r = await dealers.post("/v1/replenishment-proposals/compute", json=scope)
        assert r.status_code == 200, r.text
        [item] = r.json()["items"]
        return dict(item)

    before = await proposal()
    assert (before["open_orders"], before["proposed_quantity"]) == (0, 28)
    order = await place(dealers, outlet, [(p, 20)])
    assert (await proposal())["open_orders"] == 0  # a draft is not an order yet
    await moved(dealers, order, "submitted", "confirmed", "shipped")
    after = await proposal()
    assert (after["open_orders"], after["inventory_position"]) == (20, 20)
    assert (after["reorder"], after["proposed_quantity"]) == (False, 0)  # IP 20 > ROP 14
    await moved(dealers, order, "delivered")
    delivered = await proposal()
    assert (delivered["open_orders"], delivered["on_hand"]) == (0, 20)
    assert delivered["inventory_position"] == 20


async def test_a_closed_outlet_takes_no_orders(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    closed = await make_outlet(dealers, 9, t["dealer"], status="closed")
    body = {
        "buyer_id": closed["id"],
        "lines": [{"product_id": t["products"][0]["id"], "quantity": 1}],
    }
    r = await dealers.post("/v1/orders", json=body, headers=key())
    assert_problem(r, 422)
    assert pointers(r) == ["#/buyer_id"] and "closed" in r.json()["errors"][0]["detail"]
    assert await listed(dealers, "/v1/orders") == []


@pytest.mark.parametrize(
    "placed_at",
    [
        "0001-01-01T00:00:00+08:00",
        "9999-12-31T23:59:59-08:00",
        "1899-12-31T23:00:00Z",
        "2999-01-01T00:00:00Z",
        "2026-11-20",
        "2026-11-20T08:00:00",
    ],
)
async def test_an_impossible_placing_time_is_a_422(
    dealers: httpx.AsyncClient, placed_at: str
) -> None:
    t = await trade(dealers)
    body = {
        "buyer_id": t["dealer"]["id"],
        "lines": [{"product_id": t["products"][0]["id"], "quantity": 1}],
        "placed_at": placed_at,
    }
    r = await dealers.post("/v1/orders", json=body, headers=key())
    assert_problem(r, 422)
    assert pointers(r) == ["#/placed_at"]
    assert await listed(dealers, "/v1/orders") == []


async def test_a_move_is_named_by_to(dealers: httpx.AsyncClient) -> None:
    t = await trade(dealers)
    order = await place(dealers, t["dealer"], [(t["products"][0], 1)])
    url = f"/v1/orders/{order['id']}/transitions"
    r = await dealers.post(url, json={"status": "submitted"})
    assert_problem(r, 422)
    assert set(pointers(r)) == {"#/to", "#/status"}
    r = await dealers.post(url, json={"to": "submitted", "at": "0001-01-01T00:00:00+08:00"})
    assert pointers(r) == ["#/at"]
    assert (await dealers.get(f"/v1/orders/{order['id']}")).json()["status"] == "draft"


async def test_bad_changes_and_filters_are_refused_and_change_nothing(
    dealers: httpx.AsyncClient,
) -> None:
    t = await trade(dealers)
    order = await place(dealers, t["dealer"], [(t["products"][0], 2)])
    url = f"/v1/orders/{order['id']}"
    for body, pointer in (
        ({"lines": [{"product_id": unknown_id(), "quantity": 1}]}, "#/lines/0/product_id"),
        ({"lines": []}, "#/lines"),
        ({"payment_terms_days": None}, "#/payment_terms_days"),
        ({"status": "delivered"}, "#/status"),
    ):
        r = await dealers.patch(url, json=body, headers={"If-Match": '"v1"'})
        assert_problem(r, 422)
        assert pointer in pointers(r), r.text
    assert (await dealers.get(url)).json() == order
    for path, params, pointer in (
        ("/v1/orders", {"status": "lost"}, "#/status"),
        ("/v1/orders", {"buyer_id": "nope"}, "#/buyer_id"),
        ("/v1/sell-in", {"day_from": "2026-02-30"}, "#/day_from"),
        ("/v1/payments", {"paid_from": "yesterday"}, "#/paid_from"),
        ("/v1/receivables", {"customer_type": "shop"}, "#/customer_type"),
    ):
        r = await dealers.get(path, params=params)
        assert_problem(r, 422)
        assert pointers(r) == [pointer], r.text
