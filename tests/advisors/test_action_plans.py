"""Action plans: per advisor and week or month; submitted, then approved or returned by the
manager, through `POST /v1/action-plans/{id}/transitions`."""

from typing import Any

import httpx

from tests.advisors.helpers import (
    DEALER,
    SHOP,
    assert_problem,
    create,
    listed,
    match,
    move,
    pointers,
)


def plan_body(advisor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "advisor_id": advisor["id"],
        "kind": "week",
        "period_start": "2026-03-02",
        "objectives": ["新品进店 5 家", "回款 2 万"],
        "planned_visits": [
            {
                "account_kind": "outlet",
                "account_id": SHOP,
                "planned_date": "2026-03-03",
                "purpose": "新品铺货",
            },
            {
                "account_kind": "dealer",
                "account_id": DEALER,
                "planned_date": "2026-03-05",
                "purpose": "对账",
            },
        ],
    } | extra


async def team(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    boss = await create(client, 1, role="supervisor")
    return boss, await create(client, 2, manager_id=boss["id"])


async def step(client: httpx.AsyncClient, plan: dict[str, Any], to: str, **body: Any) -> Any:
    return await move(client, f"/v1/action-plans/{plan['id']}", to, headers=match(plan), **body)


async def drafted(client: httpx.AsyncClient, advisor: dict[str, Any]) -> Any:
    r = await client.post("/v1/action-plans", json=plan_body(advisor))
    assert r.status_code == 201, r.text
    return r.json()


async def test_submit_and_approve_puts_visits_on_the_agenda(advisors: httpx.AsyncClient) -> None:
    boss, advisor = await team(advisors)
    plan = await drafted(advisors, advisor)
    assert (plan["status"], plan["period_end"]) == ("draft", "2026-03-08")
    r = await step(advisors, plan, "submitted")
    assert r.status_code == 200 and r.headers["etag"] == '"v2"'
    plan = r.json()
    assert plan["status"] == "submitted" and plan["submitted_at"]
    r = await step(advisors, plan, "approved", reviewer_id=advisor["id"])
    assert pointers(r) == ["#/reviewer_id"]
    r = await step(advisors, plan, "approved", reviewer_id=boss["id"], reason="好")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved" and r.json()["reviewer_id"] == boss["id"]
    assert r.json()["review_note"] == "好"
    visits = await listed(advisors, "/v1/visits", action_plan_id=plan["id"])
    assert sorted((v["planned_date"], v["purpose"], v["status"]) for v in visits) == [
        ("2026-03-03", "新品铺货", "planned"),
        ("2026-03-05", "对账", "planned"),
    ]
    r = await step(advisors, r.json(), "submitted")
    problem = assert_problem(r, 409)
    assert problem["field"] == "to" and pointers(r) == ["#/to"]
    assert "none" in problem["detail"]


async def test_return_needs_a_reason_and_allows_rework(advisors: httpx.AsyncClient) -> None:
    boss, advisor = await team(advisors)
    plan = await drafted(advisors, advisor)
    plan = (await step(advisors, plan, "submitted")).json()
    assert pointers(await step(advisors, plan, "returned", reviewer_id=boss["id"])) == ["#/reason"]
    r = await step(advisors, plan, "returned", reviewer_id=boss["id"], reason="拜访太少")
    plan = r.json()
    assert (plan["status"], plan["review_note"]) == ("returned", "拜访太少")
    r = await advisors.patch(
        f"/v1/action-plans/{plan['id']}",
        json={"objectives": ["新品进店 8 家"]},
        headers=match(plan),
    )
    assert r.status_code == 200 and r.json()["objectives"] == ["新品进店 8 家"]
    assert (await step(advisors, r.json(), "submitted")).json()["status"] == "submitted"
    assert await listed(advisors, "/v1/visits") == []


async def test_moves_the_state_does_not_allow_are_conflicts(advisors: httpx.AsyncClient) -> None:
    boss, advisor = await team(advisors)
    plan = await drafted(advisors, advisor)
    url = f"/v1/action-plans/{plan['id']}"
    r = await move(advisors, url, "draft")
    assert assert_problem(r, 409)["field"] == "to" and "already" in r.json()["detail"]
    r = await move(advisors, url, "approved", reviewer_id=boss["id"])
    problem = assert_problem(r, 409)
    assert pointers(r) == ["#/to"] and "submitted" in problem["errors"][0]["detail"]
    r = await move(advisors, url, "archived")
    assert assert_problem(r, 422) and pointers(r) == ["#/to"]
    assert pointers(await advisors.post(f"{url}/transitions", json={})) == ["#/to"]
    r = await move(advisors, url, "submitted", at="2999-01-01T00:00:00Z")
    assert pointers(r) == ["#/at"]
    r = await move(advisors, url, "submitted", reviewer_id=boss["id"])
    assert pointers(r) == ["#/reviewer_id"]
    got = (await advisors.get(url)).json()
    assert (got["status"], got["version"]) == ("draft", 1)
    r = await move(advisors, f"/v1/action-plans/{boss['id']}", "submitted")
    assert_problem(r, 404)


async def test_if_match_is_optional_but_checked(advisors: httpx.AsyncClient) -> None:
    boss, advisor = await team(advisors)
    plan = await drafted(advisors, advisor)
    url = f"/v1/action-plans/{plan['id']}"
    r = await move(advisors, url, "submitted", headers={"If-Match": '"v9"'})
    assert assert_problem(r, 412)["current_etag"] == '"v1"'
    r = await move(advisors, url, "submitted", at="2026-03-01T08:00:00+08:00")
    assert r.status_code == 200 and r.json()["submitted_at"] == "2026-03-01T00:00:00Z"
    r = await move(
        advisors, url, "approved", reviewer_id=boss["id"], at="2026-02-28T08:00:00+08:00"
    )
    assert pointers(r) == ["#/at"]
    r = await move(advisors, url, "approved", reviewer_id=boss["id"], at="2026-03-02T00:00:00Z")
    assert r.json()["reviewed_at"] == "2026-03-02T00:00:00Z"


async def test_bad_plans_name_the_field(advisors: httpx.AsyncClient) -> None:
    _, advisor = await team(advisors)
    outside = plan_body(advisor)["planned_visits"][0] | {"planned_date": "2026-03-09"}
    blank = plan_body(advisor)["planned_visits"][0] | {"purpose": " \u3000"}
    cases = [
        (plan_body(advisor, period_start="2026-03-03"), "#/period_start"),
        (plan_body(advisor, kind="month"), "#/period_start"),
        (plan_body(advisor, objectives=[]), "#/objectives"),
        (plan_body(advisor, objectives=["\t\n"]), "#/objectives/0"),
        (plan_body(advisor, kind="year"), "#/kind"),
        (plan_body(advisor, planned_visits=[outside]), "#/planned_visits/0/planned_date"),
        (plan_body(advisor, planned_visits=[blank]), "#/planned_visits/0/purpose"),
        (plan_body(advisor, period_start="2200-01-05"), "#/period_start"),
    ]
    for body, pointer in cases:
        r = await advisors.post("/v1/action-plans", json=body)
        assert_problem(r, 422)
        assert pointer in pointers(r), body
    month = plan_body(advisor, kind="month", period_start="2026-02-01", planned_visits=[])
    r = await advisors.post("/v1/action-plans", json=month)
    assert r.status_code == 201 and r.json()["period_end"] == "2026-02-28"
    r = await advisors.post("/v1/action-plans", json=month)
    assert assert_problem(r, 409)["field"] == "period_start"
    assert len(await listed(advisors, "/v1/action-plans")) == 1


async def test_submitted_plans_are_frozen(advisors: httpx.AsyncClient) -> None:
    _, advisor = await team(advisors)
    plan = await drafted(advisors, advisor)
    plan = (await step(advisors, plan, "submitted")).json()
    r = await advisors.patch(
        f"/v1/action-plans/{plan['id']}", json={"objectives": ["x"]}, headers={"If-Match": '"v2"'}
    )
    assert assert_problem(r, 409)["field"] == "status"
    r = await advisors.delete(f"/v1/action-plans/{plan['id']}", headers={"If-Match": '"v2"'})
    assert_problem(r, 409)
