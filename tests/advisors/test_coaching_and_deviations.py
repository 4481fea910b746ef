"""Coaching sessions with follow-up actions, and deviations with their corrective action."""

import httpx
import pytest

from tests.advisors.helpers import assert_problem, create, listed, match, pointers, post


@pytest.mark.parametrize("role", ["missionary", "coach", "planner", "firefighter"])
async def test_coaching_with_follow_ups(advisors: httpx.AsyncClient, role: str) -> None:
    boss = await create(advisors, 1, role="supervisor")
    a = await create(advisors, 2, manager_id=boss["id"])
    body = {
        "coach_id": boss["id"],
        "advisor_id": a["id"],
        "role": role,
        "held_on": "2026-03-04",
        "topic": "如何做终端陈列",
    }
    coaching = await post(advisors, "/v1/coaching-sessions", body)
    assert coaching["role"] == role and coaching["notes"] is None
    url = f"/v1/coaching-sessions/{coaching['id']}/actions"
    action = await post(advisors, url, {"description": "每周检查陈列", "due_on": "2026-03-11"})
    assert action["status"] == "open"
    r = await advisors.patch(
        f"{url}/{action['id']}", json={"status": "done"}, headers=match(action)
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = await advisors.patch(
        f"{url}/{action['id']}", json={"status": "open"}, headers=match(r.json())
    )
    assert assert_problem(r, 409)["field"] == "status"
    assert [x["status"] for x in await listed(advisors, url)] == ["done"]
    assert len(await listed(advisors, "/v1/coaching-sessions", coach_id=boss["id"])) == 1


async def test_coaching_bad_input(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    body = {
        "coach_id": a["id"],
        "advisor_id": a["id"],
        "role": "coach",
        "held_on": "2026-03-04",
        "topic": "x",
    }
    assert pointers(await advisors.post("/v1/coaching-sessions", json=body)) == ["#/coach_id"]
    r = await advisors.post("/v1/coaching-sessions", json=body | {"role": "cheerleader"})
    assert "#/role" in pointers(r)
    for change, pointer in [
        ({"topic": "   "}, "#/topic"),
        ({"notes": "\u3000\n"}, "#/notes"),
        ({"held_on": "2999-03-04"}, "#/held_on"),  # coaching that has not happened yet
        ({"held_on": "0001-01-01"}, "#/held_on"),
    ]:
        r = await advisors.post("/v1/coaching-sessions", json=body | change)
        assert pointer in pointers(r), change
    assert await listed(advisors, "/v1/coaching-sessions") == []
    other = await create(advisors, 2)
    coaching = await post(advisors, "/v1/coaching-sessions", body | {"advisor_id": other["id"]})
    r = await advisors.patch(
        f"/v1/coaching-sessions/{coaching['id']}/actions/{coaching['id']}",
        json={"status": "done"},
        headers=match(coaching),
    )
    assert_problem(r, 404)


async def test_deviation_lifecycle(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    body = {
        "advisor_id": a["id"],
        "period": "2026-03",
        "metric": "sales_achievement",
        "target": "100000.00",
        "result": "85000.00",
        "cause": "竞品降价",
    }
    deviation = await post(advisors, "/v1/deviations", body)
    assert (deviation["deviation"], deviation["deviation_pct"]) == ("-15000.00", -15.0)
    url = f"/v1/deviations/{deviation['id']}"
    r = await advisors.patch(url, json={"status": "closed"}, headers=match(deviation))
    assert pointers(r) == ["#/corrective_action"]
    r = await advisors.patch(
        url,
        json={
            "status": "closed",
            "corrective_action": "policy_adjustment",
            "action_note": "调整促销政策",
        },
        headers=match(deviation),
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = await advisors.patch(url, json={"cause": "x"}, headers=match(r.json()))
    assert assert_problem(r, 409)["field"] == "status"
    r = await advisors.post("/v1/deviations", json=body | {"corrective_action": "firing"})
    assert pointers(r) == ["#/corrective_action"]
    r = await advisors.post("/v1/deviations", json=body | {"metric": "  ", "cause": "\t"})
    assert pointers(r) == ["#/metric", "#/cause"]
    assert len(await listed(advisors, "/v1/deviations", period="2026-03")) == 1
