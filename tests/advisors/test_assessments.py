"""KPI schemes, recorded sales and assessments, with figures checked against hand computation."""

from typing import Any

import httpx
import pytest

from tests.advisors.helpers import (
    CHENGDU,
    MIANYANG,
    assert_problem,
    assign,
    create,
    listed,
    match,
    move,
    pointers,
    post,
)
from tests.advisors.owners import FakeOwners

S1, S2, S3, S4 = (f"01a221de-6ceb-7108-8dab-d0c4dfae300{n}" for n in range(1, 5))

SCHEME: dict[str, Any] = {
    "code": "CA-2026",
    "name": "客户顾问考核 2026",
    "base_amount": "3000.00",
    "kpis": [
        {"kpi": "visit_plan_adherence", "weight": 20, "rule": "linear", "target": 80},
        {"kpi": "report_completion", "weight": 15, "rule": "linear", "target": 100},
        {
            "kpi": "account_coverage",
            "weight": 15,
            "rule": "bands",
            "bands": [{"min": 0, "score": 0}, {"min": 50, "score": 60}, {"min": 80, "score": 100}],
        },
        {"kpi": "customer_facing_share", "weight": 10, "rule": "linear", "target": 50},
        {"kpi": "sales_achievement", "weight": 30, "rule": "linear", "target": 100},
        {
            "kpi": "new_outlets",
            "weight": 5,
            "rule": "bands",
            "bands": [{"min": 1, "score": 50}, {"min": 3, "score": 100}],
        },
        {"kpi": "receivables_collected", "weight": 5, "rule": "linear", "target": 95},
    ],
}


async def visit(
    client: httpx.AsyncClient,
    advisor: dict[str, Any],
    account: str,
    day: str,
    *steps: str,
    **extra: Any,
) -> None:
    body = {
        "advisor_id": advisor["id"],
        "account_kind": "outlet",
        "account_id": account,
        "planned_date": day,
        "purpose": "拜访",
    } | extra
    v = await post(client, "/v1/visits", body)
    url = f"/v1/visits/{v['id']}"
    payloads: dict[str, dict[str, Any]] = {
        "checked_in": {"at": f"{day}T09:00:00Z", "latitude": 30.6, "longitude": 104.0},
        "reported": {"findings": "正常", "at": f"{day}T10:00:00Z"},
        "missed": {"reason": "客户不在"},
    }
    for to in steps:
        r = await move(client, url, to, **payloads[to])
        assert r.status_code == 200, r.text


async def month_of_work(client: httpx.AsyncClient, a: dict[str, Any]) -> None:
    """Hand figures for March 2026 are in the test below."""
    for account, end in [(S1, None), (S2, None), (S3, None), (S4, "2026-02-15")]:
        await assign(client, a, account_id=account, to_date=end)
    await visit(client, a, S1, "2026-03-02", "checked_in", "reported")
    await visit(client, a, S2, "2026-03-03", "checked_in", "reported")
    await visit(client, a, S1, "2026-03-04", "checked_in")
    await visit(client, a, S3, "2026-03-05", "missed")
    await visit(client, a, S3, "2026-03-06")
    await visit(
        client,
        a,
        S2,
        "2026-03-07",
        "checked_in",
        "reported",
        purpose=None,
        unplanned=True,
        unplanned_reason="客户来电",
    )
    await visit(client, a, S3, "2026-04-01", "checked_in", "reported")
    for kind, start, end in [
        ("visit", "02T01", "02T07"),
        ("travel", "02T07", "02T09"),
        ("admin", "03T01", "03T03"),
    ]:
        await post(
            client,
            "/v1/work-logs",
            {
                "advisor_id": a["id"],
                "activity_type": kind,
                "started_at": f"2026-03-{start}:00:00Z",
                "ended_at": f"2026-03-{end}:00:00Z",
            },
        )
    await post(
        client,
        "/v1/advisor-sales",
        {
            "advisor_id": a["id"],
            "period": "2026-03",
            "sales_target": "100000.00",
            "sales_actual": "85000.00",
            "new_outlets": 3,
            "receivables_due": "50000",
            "receivables_collected": "45000",
        },
    )


async def test_assessment_figures_by_hand(advisors: httpx.AsyncClient, owners: FakeOwners) -> None:
    owners.add_outlets(S1, S2, S3, S4)
    a = await create(advisors, 1, region_id=CHENGDU)
    idle = await create(advisors, 2, region_id=CHENGDU)
    await month_of_work(advisors, a)
    scheme = await post(advisors, "/v1/kpi-schemes", SCHEME)
    assert scheme["grade_coefficients"] == {"A": "1.50", "B": "1.20", "C": "1.00", "D": "0.50"}
    body = {"advisor_id": a["id"], "scheme_id": scheme["id"], "period": "2026-03"}
    got = await post(advisors, "/v1/assessments", body)
    kpis = {k["kpi"]: (k["value"], k["score"], k["weighted"]) for k in got["kpis"]}
    assert kpis == {
        # planned visits 5 (unplanned one aside), made 3: 60 %; 60 / 80 → 75 points × 20 %
        "visit_plan_adherence": (60.0, 75.0, 15.0),
        # made 4 (with the unplanned one), reported 3: 75 %
        "report_completion": (75.0, 75.0, 11.25),
        # accounts assigned in March S1, S2, S3 (S4 ended in February); reported S1, S2
        "account_coverage": (66.67, 60.0, 9.0),
        # 6 h visiting of 10 h logged: 60 % against a target of 50 → capped at 100
        "customer_facing_share": (60.0, 100.0, 10.0),
        "sales_achievement": (85.0, 85.0, 25.5),
        "new_outlets": (3.0, 100.0, 5.0),
        # 45,000 of 50,000: 90 %; 90 / 95 → 94.74 points × 5 % = 4.737
        "receivables_collected": (90.0, 94.74, 4.74),
    }
    # 15 + 11.25 + 9 + 10 + 25.5 + 5 + 4.737 = 80.487 → B; 3,000 × 1.20
    assert (got["score"], got["grade"], got["incentive"]) == (80.49, "B", "3600.00")
    r = await advisors.post("/v1/assessments", json=body)
    assert assert_problem(r, 409)["field"] == "period"
    body = body | {"advisor_id": idle["id"]}
    nothing = await post(advisors, "/v1/assessments", body)
    assert (nothing["score"], nothing["grade"], nothing["incentive"]) == (0.0, "D", "1500.00")
    assert all(k["value"] is None for k in nothing["kpis"])


async def test_recompute_until_locked_and_run(
    advisors: httpx.AsyncClient, owners: FakeOwners
) -> None:
    owners.add_outlets(S1, S2, S3, S4)
    a = await create(advisors, 1, region_id=CHENGDU)
    b = await create(advisors, 2, region_id=MIANYANG)
    c = await create(advisors, 3, region_id=CHENGDU)
    scheme = await post(advisors, "/v1/kpi-schemes", SCHEME)
    first = await post(
        advisors,
        "/v1/assessments",
        {"advisor_id": a["id"], "scheme_id": scheme["id"], "period": "2026-03"},
    )
    assert first["score"] == 0
    await month_of_work(advisors, a)
    url = f"/v1/assessments/{first['id']}"
    assert_problem(await advisors.post(f"{url}/recompute"), 428)
    r = await advisors.post(f"{url}/recompute", headers={"If-Match": '"v1"'})
    assert r.status_code == 200 and (r.json()["score"], r.json()["version"]) == (80.49, 2)
    r = await move(advisors, url, "locked", headers={"If-Match": '"v2"'}, reason="月度结算")
    assert r.status_code == 200 and r.headers["etag"] == '"v3"'
    assert (r.json()["locked"], r.json()["status"]) == (True, "locked")
    assert assert_problem(await move(advisors, url, "locked"), 409)["field"] == "to"
    r = await move(advisors, url, "open")
    assert "none" in assert_problem(r, 409)["detail"] and pointers(r) == ["#/to"]
    # more sales after the lock change nothing for the locked assessment
    sales = (await listed(advisors, "/v1/advisor-sales", advisor_id=a["id"]))[0]
    r = await advisors.patch(
        f"/v1/advisor-sales/{sales['id']}",
        json={"sales_actual": "100000"},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 200
    r = await advisors.post(f"{url}/recompute", headers={"If-Match": '"v3"'})
    assert assert_problem(r, 409)["field"] == "locked"
    run = {"scheme_id": scheme["id"], "period": "2026-03"}
    assert await post(advisors, "/v1/assessments/run", run) == {
        "created": 2,
        "recomputed": 0,
        "locked": 1,
    }
    assert await post(advisors, "/v1/assessments/run", run) == {
        "created": 0,
        "recomputed": 2,
        "locked": 1,
    }
    assert (await advisors.get(url)).json()["score"] == 80.49
    board = (
        await advisors.get(
            "/v1/assessments/leaderboard", params={"period": "2026-03", "region_id": CHENGDU}
        )
    ).json()
    assert [(e["rank"], e["advisor_id"], e["score"]) for e in board["items"]] == [
        (1, a["id"], 80.49),
        (2, c["id"], 0.0),
    ]
    board = (await advisors.get("/v1/assessments/leaderboard", params={"period": "2026-03"})).json()
    assert [e["rank"] for e in board["items"]] == [1, 2, 2]
    assert {e["advisor_id"] for e in board["items"][1:]} == {b["id"], c["id"]}
    assert len(await listed(advisors, "/v1/assessments", grade="D")) == 2


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda s: s["kpis"][0].update(weight=25), "#/kpis"),
        (lambda s: s["kpis"][0].pop("target"), "#/kpis/0/target"),
        (lambda s: s["kpis"][2].pop("bands"), "#/kpis/2/bands"),
        (lambda s: s["kpis"][1].update(kpi="visit_plan_adherence"), "#/kpis/1/kpi"),
        (lambda s: s["kpis"][1].update(kpi="charm"), "#/kpis/1/kpi"),
        (lambda s: s.update(grade_bands={"A": 70, "B": 75, "C": 60}), "#/grade_bands"),
        (lambda s: s.update(base_amount=3000), "#/base_amount"),
    ],
)
async def test_bad_schemes_name_the_field(
    advisors: httpx.AsyncClient, change: Any, pointer: str
) -> None:
    import copy

    body = copy.deepcopy(SCHEME)
    change(body)
    r = await advisors.post("/v1/kpi-schemes", json=body)
    assert_problem(r, 422)
    assert pointer in pointers(r)
    assert await listed(advisors, "/v1/kpi-schemes") == []


async def test_sales_once_per_month(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    body = {"advisor_id": a["id"], "period": "2026-03", "sales_target": "10", "sales_actual": "5"}
    made = await post(advisors, "/v1/advisor-sales", body)
    assert (made["sales_target"], made["receivables_due"]) == ("10.00", "0.00")
    assert (
        assert_problem(await advisors.post("/v1/advisor-sales", json=body), 409)["field"]
        == "period"
    )
    r = await advisors.post("/v1/advisor-sales", json=body | {"period": "2026-3"})
    assert pointers(r) == ["#/period"]


async def test_lock_is_a_transition(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    scheme = await post(advisors, "/v1/kpi-schemes", SCHEME)
    made = await post(
        advisors,
        "/v1/assessments",
        {"advisor_id": a["id"], "scheme_id": scheme["id"], "period": "2026-03"},
    )
    assert made["status"] == "open"
    url = f"/v1/assessments/{made['id']}"
    r = await move(advisors, url, "locked", headers={"If-Match": '"v5"'})
    assert assert_problem(r, 412)["current_etag"] == '"v1"'
    assert pointers(await move(advisors, url, "frozen")) == ["#/to"]
    assert pointers(await move(advisors, url, "locked", reason=" ")) == ["#/reason"]
    r = await move(advisors, url, "open")
    assert "already" in assert_problem(r, 409)["detail"] and pointers(r) == ["#/to"]
    assert (await advisors.get(url)).json()["locked"] is False
    r = await move(advisors, url, "locked", headers=match(made))
    assert r.status_code == 200 and r.json()["status"] == "locked"
    run = {"scheme_id": scheme["id"], "period": "2026-03"}
    assert (await post(advisors, "/v1/assessments/run", run))["locked"] == 1
    assert_problem(await move(advisors, f"/v1/assessments/{a['id']}", "locked"), 404)
