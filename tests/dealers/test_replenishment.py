"""Replenishment policies and proposals: hand-computed figures, policy precedence, bad input,
partner isolation."""

import math
from typing import Any

import httpx
import pytest

from services.dealers.replenishment.service import Policy, figures
from tests.api import listed
from tests.dealers.helpers import partner, pointers, unknown_id
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
