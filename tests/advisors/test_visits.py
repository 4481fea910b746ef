"""Visits: plan → check-in (located) → report, or missed, through
`POST /v1/visits/{id}/transitions`; moves out of order refused."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.advisors.visits.service import haversine_m
from tests.advisors.helpers import (
    HOME,
    REPORT,
    assert_problem,
    assign,
    check_in_at,
    create,
    feed,
    listed,
    move,
    plan_visit,
    pointers,
    visit_body,
)
from tests.advisors.owners import FakeOwners

UNLOCATED = "01a221de-6ceb-7108-8dab-d0c4dfae2003"  # an outlet without coordinates
# points about 400 m and 1.1 km north of HOME
NEAR = (30.6606, 104.066)
FAR = (30.667, 104.066)


async def located_advisor(client: httpx.AsyncClient) -> dict[str, Any]:
    """An advisor of SHOP, an outlet the dealers service locates at HOME."""
    advisor = await create(client, 1)
    await assign(client, advisor)
    return advisor


async def check_in(client: httpx.AsyncClient, url: str, at: tuple[float, float]) -> Any:
    return await move(client, url, "checked_in", **check_in_at(at))


def test_haversine_against_a_hand_computed_figure() -> None:
    # 0.01° of latitude is 1,111.95 m on a sphere of radius 6,371.0088 km
    assert haversine_m(30.0, 104.0, 30.01, 104.0) == pytest.approx(1111.95, abs=0.01)
    assert haversine_m(*HOME, *HOME) == 0


async def test_plan_check_in_report(advisors: httpx.AsyncClient) -> None:
    advisor = await located_advisor(advisors)
    visit = await plan_visit(advisors, advisor)
    assert visit["status"] == "planned"
    url = f"/v1/visits/{visit['id']}"
    r = await check_in(advisors, url, NEAR)
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"v2"'
    checked = r.json()
    assert checked["status"] == "checked_in" and checked["far_from_account"] is False
    assert checked["checked_in_at"] == "2026-03-02T01:15:00Z"
    assert 395 < checked["distance_m"] < 405
    r = await move(advisors, url, "reported", **REPORT, at="2026-03-02T11:00:00+08:00")
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["status"], done["orders_taken"], done["findings"]) == (
        "reported",
        "1200.50",
        "库存偏低",
    )
    assert done["reported_at"] == "2026-03-02T03:00:00Z" and done["version"] == 3


async def test_check_in_and_report_default_to_now(advisors: httpx.AsyncClient) -> None:
    visit = await plan_visit(advisors, await create(advisors, 1))
    url = f"/v1/visits/{visit['id']}"
    before = datetime.now(UTC) - timedelta(seconds=1)
    r = await move(advisors, url, "checked_in", latitude=NEAR[0], longitude=NEAR[1])
    at = datetime.fromisoformat(r.json()["checked_in_at"])
    assert before <= at <= datetime.now(UTC)
    done = (await move(advisors, url, "reported", findings="正常")).json()
    assert datetime.fromisoformat(done["reported_at"]) >= at


async def test_far_check_in_is_flagged(advisors: httpx.AsyncClient) -> None:
    advisor = await located_advisor(advisors)
    visit = await plan_visit(advisors, advisor)
    r = await check_in(advisors, f"/v1/visits/{visit['id']}", FAR)
    assert r.json()["far_from_account"] is True and r.json()["distance_m"] > 1100
    flagged = await listed(advisors, "/v1/visits", far_from_account=True)
    assert [v["id"] for v in flagged] == [visit["id"]]


async def test_unknown_location_is_not_flagged(
    advisors: httpx.AsyncClient, owners: FakeOwners
) -> None:
    owners.add_outlets(UNLOCATED, at=None)
    visit = await plan_visit(advisors, await create(advisors, 1), account_id=UNLOCATED)
    r = await check_in(advisors, f"/v1/visits/{visit['id']}", FAR)
    assert (r.json()["distance_m"], r.json()["far_from_account"]) == (None, False)


async def test_transitions_out_of_order_are_conflicts(advisors: httpx.AsyncClient) -> None:
    advisor = await located_advisor(advisors)
    visit = await plan_visit(advisors, advisor)
    url = f"/v1/visits/{visit['id']}"
    r = await move(advisors, url, "reported", **REPORT)
    problem = assert_problem(r, 409)
    assert problem["field"] == "to" and pointers(r) == ["#/to"]
    assert "checked_in, missed" in problem["detail"]
    r = await move(advisors, url, "planned")
    assert "already" in assert_problem(r, 409)["detail"]
    r = await move(advisors, url, "missed", reason="客户不在")
    assert r.status_code == 200 and r.json()["missed_reason"] == "客户不在"
    r = await check_in(advisors, url, NEAR)
    assert assert_problem(r, 409)["field"] == "to"
    assert_problem(await move(advisors, url, "reported", **REPORT), 409)
    assert_problem(await move(advisors, url, "missed", reason="又不在"), 409)
    got = (await advisors.get(url)).json()
    assert (got["status"], got["version"], got["missed_reason"]) == ("missed", 2, "客户不在")


async def test_no_report_without_a_plan(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1)
    bare = await plan_visit(advisors, advisor, purpose=None, agenda=None)
    url = f"/v1/visits/{bare['id']}"
    r = await check_in(advisors, url, NEAR)
    assert assert_problem(r, 409)["field"] == "purpose"
    r = await advisors.patch(url, json={"purpose": "回访"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200
    assert (await check_in(advisors, url, NEAR)).status_code == 200
    assert (await move(advisors, url, "reported", **REPORT)).status_code == 200


async def test_unplanned_visit_needs_a_reason(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"unplanned": True}, "#/unplanned_reason"),
        ({"unplanned_reason": "路过"}, "#/unplanned_reason"),
        ({"unplanned": True, "unplanned_reason": "  "}, "#/unplanned_reason"),
        ({"advisor_id": "01a221de-6ceb-7108-8dab-d0c4dfae2001"}, "#/advisor_id"),
        ({"action_plan_id": "01a221de-6ceb-7108-8dab-d0c4dfae2001"}, "#/action_plan_id"),
        ({"planned_date": "2026-13-01"}, "#/planned_date"),
        ({"planned_date": "9999-12-31"}, "#/planned_date"),
    ]
    for extra, pointer in cases:
        r = await advisors.post("/v1/visits", json=visit_body(advisor, purpose=None, **extra))
        assert_problem(r, 422)
        assert pointer in pointers(r), extra
    assert await listed(advisors, "/v1/visits") == []
    visit = await plan_visit(
        advisors, advisor, purpose=None, unplanned=True, unplanned_reason="路过"
    )
    url = f"/v1/visits/{visit['id']}"
    assert (await check_in(advisors, url, NEAR)).status_code == 200
    assert (await move(advisors, url, "reported", **REPORT)).status_code == 200


@pytest.mark.parametrize(
    ("to", "body", "pointer"),
    [
        ("checked_in", check_in_at(NEAR) | {"latitude": 95}, "#/latitude"),
        ("checked_in", check_in_at(NEAR, "2026-03-02T09:15"), "#/at"),
        ("checked_in", check_in_at(NEAR, "2999-03-02T09:15:00Z"), "#/at"),
        ("checked_in", check_in_at(NEAR, "0001-01-01T00:00:00Z"), "#/at"),
        ("checked_in", {"latitude": 30.0}, "#/longitude"),
        ("checked_in", check_in_at(NEAR) | {"findings": "x"}, "#/findings"),
        ("missed", {}, "#/reason"),
        ("missed", {"reason": " \t"}, "#/reason"),
        ("reported", {"findings": "\u3000"}, "#/findings"),
        ("teleported", {}, "#/to"),
    ],
)
async def test_bad_transition_bodies_name_the_field(
    advisors: httpx.AsyncClient, to: str, body: dict[str, Any], pointer: str
) -> None:
    visit = await plan_visit(advisors, await create(advisors, 1))
    url = f"/v1/visits/{visit['id']}"
    r = await move(advisors, url, to, **body)
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert (await advisors.get(url)).json()["status"] == "planned"


async def test_report_not_before_the_check_in(advisors: httpx.AsyncClient) -> None:
    visit = await plan_visit(advisors, await create(advisors, 1))
    url = f"/v1/visits/{visit['id']}"
    assert (await check_in(advisors, url, NEAR)).status_code == 200
    r = await move(advisors, url, "reported", findings="x", at="2026-03-02T09:00:00+08:00")
    assert pointers(r) == ["#/at"]
    assert (await advisors.get(url)).json()["status"] == "checked_in"


async def test_if_match_is_optional_but_checked(advisors: httpx.AsyncClient) -> None:
    visit = await plan_visit(advisors, await create(advisors, 1))
    url = f"/v1/visits/{visit['id']}"
    stale = {"If-Match": '"v7"'}
    r = await move(advisors, url, "missed", headers=stale, reason="下雨")
    assert assert_problem(r, 412)["current_etag"] == '"v1"'
    r = await move(advisors, url, "missed", headers={"If-Match": '"v1"'}, reason="下雨")
    assert r.status_code == 200
    assert_problem(await move(advisors, f"/v1/visits/{visit['advisor_id']}", "planned"), 404)


async def test_only_planned_visits_change_or_go(advisors: httpx.AsyncClient) -> None:
    visit = await plan_visit(advisors, await create(advisors, 1))
    url = f"/v1/visits/{visit['id']}"
    assert (await check_in(advisors, url, NEAR)).status_code == 200
    r = await advisors.patch(url, json={"purpose": "x"}, headers={"If-Match": '"v2"'})
    assert assert_problem(r, 409)["field"] == "status"
    assert_problem(await advisors.delete(url, headers={"If-Match": '"v2"'}), 409)
    other = await plan_visit(advisors, await create(advisors, 2))
    r = await advisors.delete(f"/v1/visits/{other['id']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 204


async def test_visit_filters_take_plain_dates(advisors: httpx.AsyncClient) -> None:
    visit = await plan_visit(advisors, await create(advisors, 1))
    got = await listed(advisors, "/v1/visits", planned_from="2026-03-02", planned_to="2026-03-02")
    assert [v["id"] for v in got] == [visit["id"]]
    for bad in ("0", "2026-3-2", "9999-12-31"):
        r = await advisors.get("/v1/visits", params={"planned_from": bad})
        assert pointers(r) == ["#/planned_from"], bad


async def test_racing_check_ins_let_one_win(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    visit = await plan_visit(client, await create(client, 1))
    url = f"/v1/visits/{visit['id']}"
    replies = await asyncio.gather(
        *(check_in(client, url, NEAR) for _ in range(4)),
        move(client, url, "missed", reason="下雨"),
    )
    assert sorted(r.status_code for r in replies) == [200, 409, 409, 409, 409]
    events = (await feed(client, "/v1/advisor-events", 3))["items"]
    assert [e["type"] for e in events][0:2] == ["advisor.created", "visit.created"]
    assert len(events) == 3
    assert events[2]["data"]["actor"] == "test-user" and "reason" in events[2]["data"]
