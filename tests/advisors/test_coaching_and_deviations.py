"""Coaching sessions with follow-up actions, and deviations with their corrective action."""

from typing import Any

import httpx
import pytest

from tests.advisors.helpers import assert_problem, create, listed, match, move, pointers, post
from tests.api import feed


async def coached(client: httpx.AsyncClient) -> tuple[dict[str, Any], str]:
    """A coaching session and the URL of its actions."""
    boss = await create(client, 1, role="supervisor")
    a = await create(client, 2, manager_id=boss["id"])
    body = {
        "coach_id": boss["id"],
        "advisor_id": a["id"],
        "role": "coach",
        "held_on": "2026-03-04",
        "topic": "如何做终端陈列",
    }
    coaching = await post(client, "/v1/coaching-sessions", body)
    return coaching, f"/v1/coaching-sessions/{coaching['id']}/actions"


DEVIATION = {
    "period": "2026-03",
    "metric": "sales_achievement",
    "target": "100000.00",
    "result": "85000.00",
    "cause": "竞品降价",
}


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
    r = await move(advisors, f"{url}/{action['id']}", "done", headers=match(action))
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert r.headers["etag"] == '"v2"' and r.json()["version"] == 2
    r = await move(advisors, f"{url}/{action['id']}", "open", headers=match(r.json()))
    assert assert_problem(r, 409)["field"] == "to" and pointers(r) == ["#/to"]
    r = await advisors.patch(
        f"{url}/{action['id']}", json={"description": "x"}, headers=match({"version": 2})
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
        json={"description": "x"},
        headers=match(coaching),
    )
    assert_problem(r, 404)
    r = await move(
        advisors, f"/v1/coaching-sessions/{coaching['id']}/actions/{coaching['id']}", "done"
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
    r = await move(advisors, url, "closed", headers=match(deviation))
    assert pointers(r) == ["#/corrective_action"]
    r = await move(
        advisors,
        url,
        "closed",
        corrective_action="policy_adjustment",
        action_note="调整促销政策",
        headers=match(deviation),
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["corrective_action"] == "policy_adjustment"
    assert r.headers["etag"] == '"v2"'
    r = await advisors.patch(url, json={"cause": "x"}, headers=match(r.json()))
    assert assert_problem(r, 409)["field"] == "status"
    r = await advisors.post("/v1/deviations", json=body | {"corrective_action": "firing"})
    assert pointers(r) == ["#/corrective_action"]
    r = await advisors.post("/v1/deviations", json=body | {"metric": "  ", "cause": "\t"})
    assert pointers(r) == ["#/metric", "#/cause"]
    assert len(await listed(advisors, "/v1/deviations", period="2026-03")) == 1


async def test_deviation_moves_forward_only(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    deviation = await post(advisors, "/v1/deviations", DEVIATION | {"advisor_id": a["id"]})
    url = f"/v1/deviations/{deviation['id']}"
    r = await move(advisors, url, "open")
    assert assert_problem(r, 409)["field"] == "to" and "already" in r.json()["detail"]
    r = await move(advisors, url, "in_progress", reason="开始整改")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = await move(advisors, url, "open")
    problem = assert_problem(r, 409)
    assert pointers(r) == ["#/to"] and "closed" in problem["errors"][0]["detail"]
    r = await advisors.patch(
        url, json={"corrective_action": "behaviour_correction"}, headers={"If-Match": '"v2"'}
    )
    assert r.status_code == 200 and r.json()["version"] == 3
    r = await move(advisors, url, "closed", headers={"If-Match": '"v9"'})
    assert assert_problem(r, 412)["current_etag"] == '"v3"'
    r = await move(advisors, url, "closed")
    assert r.status_code == 200 and r.json()["corrective_action"] == "behaviour_correction"
    r = await move(advisors, url, "in_progress")
    assert assert_problem(r, 409)["field"] == "to" and pointers(r) == ["#/to"]
    r = await move(advisors, f"/v1/deviations/{a['id']}", "closed")
    assert_problem(r, 404)


async def test_bad_moves_name_the_field_and_change_nothing(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 3)
    deviation = await post(advisors, "/v1/deviations", DEVIATION | {"advisor_id": a["id"]})
    url = f"/v1/deviations/{deviation['id']}"
    coaching, actions = await coached(advisors)
    action = await post(advisors, actions, {"description": "每周检查陈列"})
    action_url = f"{actions}/{action['id']}"
    for record_url, to, extra, pointer in [
        (url, "archived", {}, "#/to"),
        (url, None, {}, "#/to"),
        (url, 7, {}, "#/to"),
        (url, "closed", {"corrective_action": "firing"}, "#/corrective_action"),
        (url, "closed", {"corrective_action": None}, "#/corrective_action"),
        (url, "closed", {"action_note": " "}, "#/action_note"),
        (url, "in_progress", {"corrective_action": "other"}, "#/corrective_action"),
        (url, "in_progress", {"reason": "\u3000"}, "#/reason"),
        (url, "in_progress", {"reason": "x" * 1001}, "#/reason"),
        (action_url, "finished", {}, "#/to"),
        (action_url, None, {}, "#/to"),
        (action_url, "done", {"reason": ""}, "#/reason"),
        (action_url, "done", {"due_on": "2026-03-11"}, "#/due_on"),
    ]:
        r = await advisors.post(f"{record_url}/transitions", json={"to": to} | extra)
        assert assert_problem(r, 422) and pointers(r) == [pointer], (to, extra)
    assert pointers(await advisors.post(f"{url}/transitions", json={})) == ["#/to"]
    assert_problem(await advisors.post(f"{action_url}/transitions", json=[]), 422)
    got = (await advisors.get(url)).json()
    assert (got["status"], got["version"]) == ("open", 1)
    listed_actions = await listed(advisors, actions)
    assert [(x["status"], x["version"]) for x in listed_actions] == [("open", 1)]
    r = await move(advisors, f"/v1/coaching-sessions/{coaching['id']}/actions/{a['id']}", "done")
    assert_problem(r, 404)


async def test_a_patch_naming_status_points_to_the_transitions(
    advisors: httpx.AsyncClient,
) -> None:
    a = await create(advisors, 3)
    deviation = await post(advisors, "/v1/deviations", DEVIATION | {"advisor_id": a["id"]})
    url = f"/v1/deviations/{deviation['id']}"
    _, actions = await coached(advisors)
    action = await post(advisors, actions, {"description": "每周检查陈列"})
    for record_url, record in [(url, deviation), (f"{actions}/{action['id']}", action)]:
        for status in ("closed", "done", None):
            r = await advisors.patch(
                record_url, json={"status": status, "cause": "x"}, headers=match(record)
            )
            problem = assert_problem(r, 422)
            assert pointers(r) == ["#/status"], status
            assert "/transitions" in problem["errors"][0]["detail"]
    assert (await advisors.get(url)).json()["status"] == "open"
    assert [x["version"] for x in await listed(advisors, actions)] == [1]


async def test_moves_emit_their_events(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    a = await create(client, 3)
    deviation = await post(client, "/v1/deviations", DEVIATION | {"advisor_id": a["id"]})
    url = f"/v1/deviations/{deviation['id']}"
    assert (await move(client, url, "in_progress", reason="开始整改")).status_code == 200
    assert (await move(client, url, "closed", corrective_action="other")).status_code == 200
    _, actions = await coached(client)
    for to in ("done", "dropped"):
        action = await post(client, actions, {"description": f"跟进 {to}"})
        assert (await move(client, f"{actions}/{action['id']}", to)).status_code == 200
    moved = [
        "deviation.in_progress",
        "deviation.closed",
        "coaching_action.done",
        "coaching_action.dropped",
    ]
    for type_ in moved:
        items = (await feed(client, "/v1/advisor-events", 1, type=type_))["items"]
        assert [e["type"] for e in items] == [type_]
        assert items[0]["data"]["status"] == type_.split(".")[1]
        assert items[0]["data"]["actor"] == "test-user"
    first = (await feed(client, "/v1/advisor-events", 1, type="deviation.in_progress"))["items"]
    assert first[0]["data"]["reason"] == "开始整改" and first[0]["data"]["version"] == 2
