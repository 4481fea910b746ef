"""Replenishment policies and proposals: hand-computed figures (open orders in the inventory
position included), policy precedence and changes, paging of a computation, bad input, partner
isolation."""

import math
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx
import pytest

from services.dealers.models import Order, OrderKind, OrderLine, OrderStatus
from services.dealers.replenishment.figures import Policy, figures
from tests.api import assert_problem, listed
from tests.dealers.helpers import make_product, partner, pointers, unknown_id
from tests.dealers.stock_helpers import SELL_OUT, STOCK, network, post_lines, sale, stock_line

POLICIES = "/v1/replenishment-policies"
COMPUTE = "/v1/replenishment-proposals/compute"
Z95 = 1.6448536269514722


def test_steady_demand() -> None:
    got = figures([10] * 28, 30, 10, Policy(lead_time_days=5, review_period_days=7))
    assert (got["mean_daily_demand"], got["demand_std_dev"], got["safety_stock"]) == (10, 0, 0)
    assert (got["reorder_point"], got["order_up_to"], got["inventory_position"]) == (50, 120, 40)
    assert (got["reorder"], got["proposed_quantity"], got["days_of_cover"]) == (True, 80, 3.0)
    assert got["z"] == pytest.approx(Z95) and got["stock_out"] is False


def test_varying_demand_rounds_up_to_the_order_multiple() -> None:
    policy = Policy(lead_time_days=4, review_period_days=3, order_multiple=6)
    got = figures([2, 4, 6, 8], 10, 0, policy)
    sigma = math.sqrt(5)  # deviations -3, -1, 1, 3 over 4 days
    safety = Z95 * sigma * 2  # √4
    assert got["demand_std_dev"] == pytest.approx(sigma)
    assert got["safety_stock"] == pytest.approx(safety)  # 7.356
    assert got["reorder_point"] == pytest.approx(20 + safety)  # 27.356
    assert got["order_up_to"] == pytest.approx(35 + safety)  # 42.356
    assert got["proposed_quantity"] == 36  # 32.356 → 6 × 6


def test_zero_demand_proposes_nothing() -> None:
    got = figures([0] * 28, 5, 0, Policy())
    assert (got["reorder_point"], got["order_up_to"], got["reorder"]) == (0, 0, False)
    assert (got["proposed_quantity"], got["days_of_cover"], got["stock_out"]) == (0, None, False)
    empty = figures([0] * 28, 0, 0, Policy())
    assert (empty["proposed_quantity"], empty["stock_out"]) == (0, False)


def test_min_and_max_overrides_win() -> None:
    plain = figures([10] * 28, 55, 0, Policy(lead_time_days=5, review_period_days=7))
    assert (plain["reorder_point"], plain["reorder"]) == (50, False)
    policy = Policy(lead_time_days=5, review_period_days=7, min_quantity=60, max_quantity=100)
    got = figures([10] * 28, 55, 0, policy)
    assert (got["reorder_point"], got["order_up_to"]) == (60, 100)
    assert (got["reorder"], got["proposed_quantity"]) == (True, 45)


def test_minimum_order_quantity_and_multiple() -> None:
    base = {"lead_time_days": 2, "review_period_days": 2, "service_level": 0.9}
    # d = 1, σ = 0: ROP 2, S 4, IP 1 → 3
    assert figures([1] * 7, 1, 0, Policy(**base))["proposed_quantity"] == 3
    assert (
        figures([1] * 7, 1, 0, Policy(**base, minimum_order_quantity=10))["proposed_quantity"] == 10
    )
    got = figures([1] * 7, 1, 0, Policy(**base, minimum_order_quantity=10, order_multiple=4))
    assert got["proposed_quantity"] == 12  # 3 → 4, below 10 → 12


def test_stock_out_flag() -> None:
    got = figures([3] * 10, 0, 0, Policy(lead_time_days=1, review_period_days=1))
    assert (got["stock_out"], got["days_of_cover"], got["proposed_quantity"]) == (True, 0.0, 6)


def policy_body(net: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "location_id": net["outlet"]["id"],
        "product_id": net["product"]["id"],
        "lead_time_days": 5,
        "review_period_days": 7,
        "service_level": 0.95,
    } | extra


async def test_computed_proposals_are_stored(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    r = await dealers.post(POLICIES, json=policy_body(net))
    assert r.status_code == 201, r.text
    assert r.json()["z"] == pytest.approx(Z95)
    await post_lines(dealers, SELL_OUT, [sale(net, f"2026-11-{d:02d}", 10) for d in range(1, 29)])
    await post_lines(dealers, STOCK, [stock_line(net, on_hand=30, in_transit=10)])
    r = await dealers.post(COMPUTE, json={"dealer_id": net["dealer"]["id"], "as_of": "2026-11-28"})
    assert r.status_code == 200, r.text
    [p] = r.json()["items"]
    assert (p["policy_source"], p["mean_daily_demand"], p["reorder_point"]) == ("location", 10, 50)
    assert (p["inventory_position"], p["proposed_quantity"], p["window_days"]) == (40, 80, 28)
    stored = await listed(
        dealers, "/v1/replenishment-proposals", computation_id=r.json()["computation_id"]
    )
    assert [s["id"] for s in stored] == [p["id"]]
    below = await listed(dealers, "/v1/stock-positions", below_reorder_point="true")
    assert [b["reorder_point"] for b in below] == ["50.0000"]


async def test_a_new_product_takes_its_grade_default(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    grade = {"outlet_grade": "A", "lead_time_days": 3, "review_period_days": 7}
    r = await dealers.post(
        POLICIES, json=grade | {"service_level": 0.9, "min_quantity": 4, "max_quantity": 20}
    )
    assert r.status_code == 201, r.text
    await post_lines(dealers, STOCK, [stock_line(net, on_hand=0, in_transit=0)])
    r = await dealers.post(COMPUTE, json={"product_id": net["product"]["id"]})
    [p] = r.json()["items"]
    assert (p["policy_source"], p["mean_daily_demand"], p["stock_out"]) == ("grade", 0, False)
    assert (p["reorder_point"], p["order_up_to"], p["proposed_quantity"]) == (4, 20, 20)


async def test_bad_policies_are_refused_and_write_nothing(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    for bad, pointer in [
        ({"service_level": 1.0}, "#/service_level"),
        ({"lead_time_days": "5"}, "#/lead_time_days"),
        ({"order_multiple": 0}, "#/order_multiple"),
        ({"location_id": unknown_id()}, "#/location_id"),
    ]:
        r = await dealers.post(POLICIES, json=policy_body(net, **bad))
        assert r.status_code == 422, r.text
        assert pointer in pointers(r)
    r = await dealers.post(COMPUTE, json={"window_days": 28})
    assert r.status_code == 422
    assert await listed(dealers, POLICIES) == []
    assert (await dealers.post(POLICIES, json=policy_body(net))).status_code == 201
    assert (await dealers.post(POLICIES, json=policy_body(net))).status_code == 409


async def test_partners_compute_and_read_only_their_own(dealers: httpx.AsyncClient) -> None:
    mine, theirs = await network(dealers, 1), await network(dealers, 2)
    await post_lines(dealers, STOCK, [stock_line(mine, on_hand=0), stock_line(theirs, on_hand=0)])
    headers = partner(mine["dealer"])
    r = await dealers.post(
        COMPUTE, json={"region_id": mine["outlet"]["region_id"]}, headers=headers
    )
    assert [p["location_id"] for p in r.json()["items"]] == [mine["outlet"]["id"]]
    r = await dealers.post(COMPUTE, json={"dealer_id": theirs["dealer"]["id"]}, headers=headers)
    assert r.json()["items"] == []
    await dealers.post(COMPUTE, json={"dealer_id": theirs["dealer"]["id"]})
    seen = (await dealers.get("/v1/replenishment-proposals", headers=headers)).json()["items"]
    assert {p["dealer_id"] for p in seen} == {mine["dealer"]["id"]}
    r = await dealers.post(POLICIES, json=policy_body(theirs), headers=headers)
    assert r.status_code == 422 and pointers(r) == ["#/location_id"]


def test_open_orders_count_in_the_inventory_position() -> None:
    policy = Policy(lead_time_days=5, review_period_days=7)
    # d = 10: ROP 50, S 120; IP = 30 + 10 + 5 = 45 ≤ 50 → 120 − 45 = 75
    got = figures([10] * 28, 30, 10, policy, open_orders=5)
    assert (got["open_orders"], got["inventory_position"]) == (5, 45)
    assert (got["reorder"], got["proposed_quantity"]) == (True, 75)
    # 15 open: IP 55 > ROP 50 → nothing, though S − IP is 65
    assert figures([10] * 28, 30, 10, policy, open_orders=15)["proposed_quantity"] == 0


async def add_order(
    apps: Any,
    backend: str,
    net: dict[str, Any],
    status: str,
    lines: list[tuple[dict[str, Any], int]],
    buyer_id: str | None = None,
) -> None:
    """An order written straight into the tables (the orders API is not needed here)."""
    db = (await apps("dealers", backend)).state.db
    buyer = UUID(buyer_id or net["outlet"]["id"])
    async with db.session() as session:
        order = Order(
            kind=OrderKind.dealer_outlet,
            buyer_id=buyer,
            buyer_type="outlet",
            seller_id=UUID(net["dealer"]["id"]),
            dealer_id=UUID(net["dealer"]["id"]),
            region_id=UUID(net["outlet"]["region_id"]),
            status=OrderStatus(status),
            total_amount=Decimal("0"),
            created_by="test",
        )
        session.add(order)
        await session.flush()
        for n, (product, quantity) in enumerate(lines, start=1):
            session.add(
                OrderLine(
                    order_id=order.id,
                    line_no=n,
                    product_id=UUID(product["id"]),
                    quantity=quantity,
                    unit_price=Decimal("1.00"),
                    amount=Decimal(quantity),
                )
            )
        await session.commit()


async def test_open_orders_counted_in_ip(
    dealers: httpx.AsyncClient, apps: Any, backend: str
) -> None:
    net = await network(dealers)
    other = await make_product(dealers, 2)
    assert (await dealers.post(POLICIES, json=policy_body(net))).status_code == 201
    await post_lines(dealers, SELL_OUT, [sale(net, f"2026-11-{d:02d}", 10) for d in range(1, 29)])
    await post_lines(dealers, STOCK, [stock_line(net, on_hand=30, in_transit=10)])
    product = net["product"]
    await add_order(apps, backend, net, "submitted", [(product, 3), (other, 50)])
    await add_order(apps, backend, net, "shipped", [(product, 2)])
    for status in ("draft", "delivered", "cancelled"):  # not open: not counted
        await add_order(apps, backend, net, status, [(product, 100)])
    # an open order of the dealer's warehouse is not the outlet's
    await add_order(apps, backend, net, "confirmed", [(product, 7)], buyer_id=net["dealer"]["id"])
    scope = {"outlet_id": net["outlet"]["id"], "as_of": "2026-11-28"}
    r = await dealers.post(COMPUTE, json=scope)
    assert r.status_code == 200, r.text
    # the other product has only an open order: no stock position, no sales, no proposal
    assert r.json()["pairs"] == 1
    [p] = r.json()["items"]
    assert (p["on_hand"], p["in_transit"], p["open_orders"]) == (30, 10, 5)
    assert (p["reorder_point"], p["order_up_to"], p["inventory_position"]) == (50, 120, 45)
    assert (p["reorder"], p["proposed_quantity"]) == (True, 75)
    await add_order(apps, backend, net, "confirmed", [(product, 10)])
    [p] = (await dealers.post(COMPUTE, json=scope)).json()["items"]
    assert (p["open_orders"], p["inventory_position"], p["reorder"]) == (15, 55, False)
    assert p["proposed_quantity"] == 0
    # the warehouse has its open order but no position or sales: no proposal there either
    r = await dealers.post(COMPUTE, json={"dealer_id": net["dealer"]["id"], "as_of": "2026-11-28"})
    assert [q["location_id"] for q in r.json()["items"]] == [net["outlet"]["id"]]


async def test_the_compute_answer_is_paged(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    products = [net["product"]] + [await make_product(dealers, n) for n in range(2, 6)]
    lines = [stock_line(net, product_id=p["id"], on_hand=n) for n, p in enumerate(products)]
    await post_lines(dealers, STOCK, lines)
    sales = [sale(net, "2026-11-27", 4, product_id=p["id"]) for p in products[:3]]
    await post_lines(dealers, SELL_OUT, sales)
    body = {"dealer_id": net["dealer"]["id"], "as_of": "2026-11-28", "window_days": 2}
    r = await dealers.post(COMPUTE, json=body, params={"limit": 2})
    assert r.status_code == 200, r.text
    answer = r.json()
    # d = 2, σ = 2 (4 and 0), L = R = 7: ROP = 14 + 1.6449·2·√7 ≈ 22.7; on hand 0, 1, 2 sell
    assert (answer["pairs"], answer["reorder"], answer["stock_out"]) == (5, 3, 1)
    assert (answer["as_of"], answer["window_days"]) == ("2026-11-28", 2)
    assert len(answer["items"]) == 2 and answer["next_cursor"]
    rest = await dealers.get(
        "/v1/replenishment-proposals",
        params={"computation_id": answer["computation_id"], "cursor": answer["next_cursor"]},
    )
    assert rest.status_code == 200 and rest.json()["next_cursor"] is None
    pages = answer["items"] + rest.json()["items"]
    assert [p["product_id"] for p in pages] == sorted(p["id"] for p in products)
    assert [p["id"] for p in pages] == sorted(p["id"] for p in pages)
    assert len(await listed(dealers, "/v1/replenishment-proposals")) == 5
    r = await dealers.post(COMPUTE, json=body, params={"limit": 0})
    assert_problem(r, 422)
    assert len(await listed(dealers, "/v1/replenishment-proposals")) == 5


async def test_a_policy_changes_only_with_its_current_etag(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    r = await dealers.post(POLICIES, json=policy_body(net, min_quantity=5, max_quantity=50))
    assert r.status_code == 201 and r.headers["ETag"] == '"v1"'
    path = f"{POLICIES}/{r.json()['id']}"
    assert_problem(await dealers.patch(path, json={"lead_time_days": 3}), 428)
    changed = await dealers.patch(
        path, json={"lead_time_days": 3, "max_quantity": None}, headers={"If-Match": '"v1"'}
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == '"v2"'
    got = changed.json()
    assert (got["lead_time_days"], got["max_quantity"], got["min_quantity"]) == (3, None, 5)
    assert (got["version"], got["review_period_days"]) == (2, 7)
    stale = await dealers.patch(path, json={"lead_time_days": 4}, headers={"If-Match": '"v1"'})
    assert_problem(stale, 412)
    assert (await dealers.get(path)).json()["lead_time_days"] == 3
    await post_lines(dealers, STOCK, [stock_line(net, on_hand=0, in_transit=0)])
    [p] = (await dealers.post(COMPUTE, json={"outlet_id": net["outlet"]["id"]})).json()["items"]
    assert (p["lead_time_days"], p["reorder_point"], p["max_quantity"]) == (3, 5, None)


async def test_bad_policy_changes_are_refused(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    r = await dealers.post(POLICIES, json=policy_body(net, min_quantity=5, max_quantity=50))
    path, v1 = f"{POLICIES}/{r.json()['id']}", {"If-Match": '"v1"'}
    for bad, pointer in [
        ({"min_quantity": 60}, "#/min_quantity"),  # above the stored max
        ({"max_quantity": 4}, "#/max_quantity"),  # below the stored min
        ({"lead_time_days": None}, "#/lead_time_days"),
        ({"service_level": 1.5}, "#/service_level"),
        ({"order_multiple": "6"}, "#/order_multiple"),
        ({"location_id": net["dealer"]["id"]}, "#/location_id"),
    ]:
        r = await dealers.patch(path, json=bad, headers=v1)
        assert_problem(r, 422)
        assert pointer in pointers(r), (bad, r.text)
    got = (await dealers.get(path)).json()
    assert (got["version"], got["min_quantity"], got["max_quantity"]) == (1, 5, 50)
    ok = await dealers.patch(path, json={"min_quantity": 50}, headers=v1)
    assert ok.status_code == 200 and ok.json()["min_quantity"] == 50
    missing = await dealers.patch(f"{POLICIES}/{unknown_id()}", json={}, headers=v1)
    assert_problem(missing, 404)


async def test_partners_change_only_their_own_policies(dealers: httpx.AsyncClient) -> None:
    mine, theirs = await network(dealers, 1), await network(dealers, 2)
    grade = await dealers.post(
        POLICIES,
        json={"outlet_grade": "A", "lead_time_days": 3, "review_period_days": 7,
              "service_level": 0.9},
    )  # fmt: skip
    own = await dealers.post(POLICIES, json=policy_body(mine))
    other = await dealers.post(POLICIES, json=policy_body(theirs))
    headers = partner(mine["dealer"]) | {"If-Match": '"v1"'}
    change = {"lead_time_days": 2}
    r = await dealers.patch(f"{POLICIES}/{grade.json()['id']}", json=change, headers=headers)
    assert_problem(r, 403)
    r = await dealers.patch(f"{POLICIES}/{other.json()['id']}", json=change, headers=headers)
    assert_problem(r, 404)
    r = await dealers.patch(f"{POLICIES}/{own.json()['id']}", json=change, headers=headers)
    assert r.status_code == 200 and r.json()["lead_time_days"] == 2
    assert_problem(await dealers.delete(f"{POLICIES}/{grade.json()['id']}", headers=headers), 403)
    assert (await dealers.get(f"{POLICIES}/{other.json()['id']}")).json()["version"] == 1


async def test_enormous_figures_are_stored_capped(dealers: httpx.AsyncClient) -> None:
    """A billion a day for four weeks proposes more than an INTEGER holds: stored capped."""
    net = await network(dealers)
    big = 1_000_000_000
    sales = [sale(net, f"2026-11-{d:02d}", big) for d in range(1, 29)]
    await post_lines(dealers, SELL_OUT, sales)
    await post_lines(dealers, STOCK, [stock_line(net, on_hand=big, in_transit=big)])
    r = await dealers.post(COMPUTE, json={"outlet_id": net["outlet"]["id"], "as_of": "2026-11-28"})
    assert r.status_code == 200, r.text
    [p] = r.json()["items"]
    assert (p["mean_daily_demand"], p["order_up_to"]) == (big, 14 * big)
    assert (p["reorder"], p["proposed_quantity"]) == (True, 2_147_483_647)
    assert p["inventory_position"] == 2 * big


async def test_a_day_outside_the_calendar_is_refused(dealers: httpx.AsyncClient) -> None:
    net = await network(dealers)
    scope = {"outlet_id": net["outlet"]["id"], "as_of": "0001-01-05", "window_days": 28}
    r = await dealers.post(COMPUTE, json=scope)
    assert_problem(r, 422)
    assert pointers(r) == ["#/as_of"]
    r = await dealers.post(COMPUTE, json=scope | {"as_of": "1900-01-05", "window_days": 28})
    assert r.status_code == 200 and r.json()["pairs"] == 0


async def test_the_database_computes_what_figures_computes(dealers: httpx.AsyncClient) -> None:
    """Varying demand, a grade default with a multiple and an MOQ, open stock: every stored
    figure equals the Python reference exactly, on either database."""
    net = await network(dealers)
    body = {"outlet_grade": "A", "lead_time_days": 4, "review_period_days": 3,
            "service_level": 0.975, "order_multiple": 6, "minimum_order_quantity": 40}  # fmt: skip
    assert (await dealers.post(POLICIES, json=body)).status_code == 201
    daily = [2, 0, 7, 4, 0, 0, 13, 6, 1, 9]
    sales = [sale(net, f"2026-11-{d + 1:02d}", q) for d, q in enumerate(daily) if q]
    await post_lines(dealers, SELL_OUT, sales)
    await post_lines(dealers, STOCK, [stock_line(net, on_hand=11, in_transit=3)])
    scope = {"outlet_id": net["outlet"]["id"], "as_of": "2026-11-10", "window_days": 10}
    [p] = (await dealers.post(COMPUTE, json=scope)).json()["items"]
    policy = Policy(lead_time_days=4, review_period_days=3, service_level=0.975,
                    order_multiple=6, minimum_order_quantity=40)  # fmt: skip
    expected = figures(daily, 11, 3, policy)
    # d = 4.2, σ² = 35.6 − 17.64, ROP 33.4, S 46.0, IP 14: 32.0 → 36, below the MOQ 40 → 42
    assert expected["reorder"] and expected["proposed_quantity"] == 42
    assert {k: p[k] for k in expected} == expected
