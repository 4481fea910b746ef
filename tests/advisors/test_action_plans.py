"""Action plans: per advisor and week or month, submit → approve / return by the manager."""

from typing import Any

import httpx

from tests.advisors.helpers import assert_problem, create, pointers
from tests.api import listed

SHOP = "01a221de-6ceb-7108-8dab-d0c4dfae2001"


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
                "account_id": SHOP,
                "planned_date": "2026-03-05",
                "purpose": "对账",
            },
        ],
    } | extra


async def team(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    boss = await create(client, 1, role="supervisor")
    return boss, await create(client, 2, manager_id=boss["id"])


async def step(client: httpx.AsyncClient, plan: dict[str, Any], action: str, **body: Any) -> Any:
    return await client.post(
        f"/v1/action-plans/{plan['id']}/{action}",
        json=body or None,
        headers={"If-Match": f'"v{plan["version"]}"'},
    )


async def test_submit_and_approve_puts_visits_on_the_agenda(advisors: httpx.AsyncClient) -> None:
    boss, advisor = await team(advisors)
    r = await advisors.post("/v1/action-plans", json=plan_body(advisor))
    assert r.status_code == 201, r.text
    plan = r.json()
    assert (plan["status"], plan["period_end"]) == ("draft", "2026-03-08")
    plan = (await step(advisors, plan, "submit")).json()
    assert plan["status"] == "submitted" and plan["submitted_at"]
    r = await step(advisors, plan, "approve", reviewer_id=advisor["id"])
    assert pointers(r) == ["#/reviewer_id"]
    r = await step(advisors, plan, "approve", reviewer_id=boss["id"], note="好")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved" and r.json()["reviewer_id"] == boss["id"]
    visits = await listed(advisors, "/v1/visits", action_plan_id=plan["id"])
    assert sorted((v["planned_date"], v["purpose"], v["status"]) for v in visits) == [
        ("2026-03-03", "新品铺货", "planned"),
        ("2026-03-05", "对账", "planned"),
    ]
    r = await step(advisors, r.json(), "submit")
    assert assert_problem(r, 409)["field"] == "status"


async def test_return_needs_a_note_and_allows_rework(advisors: httpx.AsyncClient) -> None:
    boss, advisor = await team(advisors)
    plan = (await advisors.post("/v1/action-plans", json=plan_body(advisor))).json()
    plan = (await step(advisors, plan, "submit")).json()
    assert pointers(await step(advisors, plan, "return", reviewer_id=boss["id"])) == ["#/note"]
    r = await step(advisors, plan, "return", reviewer_id=boss["id"], note="拜访太少")
    plan = r.json()
    assert (plan["status"], plan["review_note"]) == ("returned", "拜访太少")
    r = await advisors.patch(
        f"/v1/action-plans/{plan['id']}",
        json={"objectives": ["新品进店 8 家"]},
        headers={"If-Match": f'"v{plan["version"]}"'},
    )
    assert r.status_code == 200 and r.json()["objectives"] == ["新品进店 8 家"]
    assert (await step(advisors, r.json(), "submit")).json()["status"] == "submitted"
    assert await listed(advisors, "/v1/visits") == []


async def test_bad_plans_name_the_field(advisors: httpx.AsyncClient) -> None:
    _, advisor = await team(advisors)
    outside = plan_body(advisor)["planned_visits"][0] | {"planned_date": "2026-03-09"}
    cases = [
        (plan_body(advisor, period_start="2026-03-03"), "#/period_start"),
        (plan_body(advisor, kind="month"), "#/period_start"),
        (plan_body(advisor, objectives=[]), "#/objectives"),
        (plan_body(advisor, kind="year"), "#/kind"),
        (plan_body(advisor, planned_visits=[outside]), "#/planned_visits/0/planned_date"),
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
    plan = (await advisors.post("/v1/action-plans", json=plan_body(advisor))).json()
    plan = (await step(advisors, plan, "submit")).json()
    r = await advisors.patch(
        f"/v1/action-plans/{plan['id']}", json={"objectives": ["x"]}, headers={"If-Match": '"v2"'}
    )
    assert assert_problem(r, 409)["field"] == "status"
    r = await advisors.delete(f"/v1/action-plans/{plan['id']}", headers={"If-Match": '"v2"'})
    assert_problem(r, 409)
