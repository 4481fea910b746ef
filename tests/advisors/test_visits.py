"""Visits: plan → check-in (located) → report, or missed; out-of-order transitions refused."""

import asyncio
from typing import Any

import httpx
import pytest

from services.advisors.visits.service import haversine_m
from tests.advisors.helpers import assert_problem, create, pointers
from tests.api import listed
from tests.harness import feed

SHOP = "01a221de-6ceb-7108-8dab-d0c4dfae2001"
# 天府广场, Chengdu, and points about 400 m and 1.1 km north of it
HOME = (30.657, 104.066)
NEAR = (30.6606, 104.066)
FAR = (30.667, 104.066)


def plan(advisor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "advisor_id": advisor["id"],
        "account_kind": "outlet",
        "account_id": SHOP,
        "planned_date": "2026-03-02",
        "purpose": "新品铺货",
        "agenda": "检查库存，介绍新品",
    } | extra


async def planned(client: httpx.AsyncClient, advisor: dict[str, Any], **extra: Any) -> Any:
    r = await client.post("/v1/visits", json=plan(advisor, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def check_in_at(at: tuple[float, float]) -> dict[str, Any]:
    return {"checked_in_at": "2026-03-02T09:15:00+08:00", "latitude": at[0], "longitude": at[1]}


REPORT = {"findings": "库存偏低", "orders_taken": "1200.50", "next_steps": "下周补货"}


async def located_advisor(client: httpx.AsyncClient) -> dict[str, Any]:
    advisor = await create(client, 1)
    body = {
        "advisor_id": advisor["id"],
        "account_kind": "outlet",
        "account_id": SHOP,
        "from_date": "2026-01-01",
        "account_latitude": HOME[0],
        "account_longitude": HOME[1],
    }
    assert (await client.post("/v1/assignments", json=body)).status_code == 201
    return advisor


def test_haversine_against_a_hand_computed_figure() -> None:
    # 0.01° of latitude is 1,111.95 m on a sphere of radius 6,371.0088 km
    assert haversine_m(30.0, 104.0, 30.01, 104.0) == pytest.approx(1111.95, abs=0.01)
    assert haversine_m(*HOME, *HOME) == 0


async def test_plan_check_in_report(advisors: httpx.AsyncClient) -> None:
    advisor = await located_advisor(advisors)
    visit = await planned(advisors, advisor)
    assert visit["status"] == "planned"
    url = f"/v1/visits/{visit['id']}"
    r = await advisors.post(f"{url}/check-in", json=check_in_at(NEAR))
    assert r.status_code == 200, r.text
    checked = r.json()
    assert checked["status"] == "checked_in" and checked["far_from_account"] is False
    assert checked["checked_in_at"] == "2026-03-02T01:15:00Z"
    assert 395 < checked["distance_m"] < 405
    r = await advisors.post(f"{url}/report", json=REPORT)
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["status"], done["orders_taken"], done["findings"]) == (
        "reported",
        "1200.50",
        "库存偏低",
    )
    assert done["reported_at"] is not None and done["version"] == 3


async def test_far_check_in_is_flagged(advisors: httpx.AsyncClient) -> None:
    advisor = await located_advisor(advisors)
    visit = await planned(advisors, advisor)
    r = await advisors.post(f"/v1/visits/{visit['id']}/check-in", json=check_in_at(FAR))
    assert r.json()["far_from_account"] is True and r.json()["distance_m"] > 1100
    flagged = await listed(advisors, "/v1/visits", far_from_account=True)
    assert [v["id"] for v in flagged] == [visit["id"]]


async def test_unknown_location_is_not_flagged(advisors: httpx.AsyncClient) -> None:
    visit = await planned(advisors, await create(advisors, 1))
    r = await advisors.post(f"/v1/visits/{visit['id']}/check-in", json=check_in_at(FAR))
    assert (r.json()["distance_m"], r.json()["far_from_account"]) == (None, False)


async def test_transitions_out_of_order_are_conflicts(advisors: httpx.AsyncClient) -> None:
    advisor = await located_advisor(advisors)
    visit = await planned(advisors, advisor)
    url = f"/v1/visits/{visit['id']}"
    assert (
        assert_problem(await advisors.post(f"{url}/report", json=REPORT), 409)["field"] == "status"
    )
    r = await advisors.post(f"{url}/miss", json={"reason": "客户不在"})
    assert r.status_code == 200 and r.json()["missed_reason"] == "客户不在"
    r = await advisors.post(f"{url}/check-in", json=check_in_at(NEAR))
    assert assert_problem(r, 409)["field"] == "status"
    assert_problem(await advisors.post(f"{url}/report", json=REPORT), 409)
    got = (await advisors.get(url)).json()
    assert (got["status"], got["version"]) == ("missed", 2)


async def test_no_report_without_a_plan(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1)
    bare = await planned(advisors, advisor, purpose=None, agenda=None)
    url = f"/v1/visits/{bare['id']}"
    r = await advisors.post(f"{url}/check-in", json=check_in_at(NEAR))
    assert assert_problem(r, 409)["field"] == "purpose"
    r = await advisors.patch(url, json={"purpose": "回访"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200
    assert (await advisors.post(f"{url}/check-in", json=check_in_at(NEAR))).status_code == 200
    assert (await advisors.post(f"{url}/report", json=REPORT)).status_code == 200


async def test_unplanned_visit_needs_a_reason(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"unplanned": True}, "#/unplanned_reason"),
        ({"unplanned_reason": "路过"}, "#/unplanned_reason"),
        ({"advisor_id": SHOP}, "#/advisor_id"),
        ({"action_plan_id": SHOP}, "#/action_plan_id"),
        ({"planned_date": "2026-13-01"}, "#/planned_date"),
    ]
    for extra, pointer in cases:
        r = await advisors.post("/v1/visits", json=plan(advisor, purpose=None, **extra))
        assert_problem(r, 422)
        assert pointer in pointers(r), extra
    assert await listed(advisors, "/v1/visits") == []
    visit = await planned(advisors, advisor, purpose=None, unplanned=True, unplanned_reason="路过")
    url = f"/v1/visits/{visit['id']}"
    assert (await advisors.post(f"{url}/check-in", json=check_in_at(NEAR))).status_code == 200
    assert (await advisors.post(f"{url}/report", json=REPORT)).status_code == 200


async def test_bad_check_in_and_report_bodies(advisors: httpx.AsyncClient) -> None:
    visit = await planned(advisors, await create(advisors, 1))
    url = f"/v1/visits/{visit['id']}"
    r = await advisors.post(f"{url}/check-in", json=check_in_at(NEAR) | {"latitude": 95})
    assert pointers(r) == ["#/latitude"]
    r = await advisors.post(
        f"{url}/check-in", json=check_in_at(NEAR) | {"checked_in_at": "2026-03-02T09:15"}
    )
    assert pointers(r) == ["#/checked_in_at"]
    assert (await advisors.get(url)).json()["status"] == "planned"


async def test_only_planned_visits_change_or_go(advisors: httpx.AsyncClient) -> None:
    visit = await planned(advisors, await create(advisors, 1))
    url = f"/v1/visits/{visit['id']}"
    assert (await advisors.post(f"{url}/check-in", json=check_in_at(NEAR))).status_code == 200
    r = await advisors.patch(url, json={"purpose": "x"}, headers={"If-Match": '"v2"'})
    assert assert_problem(r, 409)["field"] == "status"
    assert_problem(await advisors.delete(url, headers={"If-Match": '"v2"'}), 409)
    other = await planned(advisors, await create(advisors, 2))
    r = await advisors.delete(f"/v1/visits/{other['id']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 204


async def test_racing_check_ins_let_one_win(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    visit = await planned(client, await create(client, 1))
    url = f"/v1/visits/{visit['id']}"
    replies = await asyncio.gather(
        *(client.post(f"{url}/check-in", json=check_in_at(NEAR)) for _ in range(4)),
        client.post(f"{url}/miss", json={"reason": "下雨"}),
    )
    assert sorted(r.status_code for r in replies) == [200, 409, 409, 409, 409]
    events = (await feed(client, "/v1/advisor-events", 3))["items"]
    assert [e["type"] for e in events][0:2] == ["advisor.created", "visit.created"]
    assert len(events) == 3
