"""Reports and lists answer whatever dates the tables hold: ±infinity on PostgreSQL (what the
driver makes of year 1 and 9999-12-31), year 1 and 9999 on SQLite, spans ending before they
start. The API refuses such values; these rows are written straight into the tables."""

from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import literal_column, update

from services.advisors.models import (
    Assignment,
    Certification,
    CoachingSession,
    TrainingSession,
    Visit,
    WorkLog,
)
from tests.advisors.helpers import (
    assert_problem,
    assign,
    course_session,
    create,
    enrol,
    listed,
    move,
    plan_visit,
    pointers,
    post,
)
from tests.advisors.owners import FakeOwners

# two outlets, assigned for all time
EDGE_HIGH, EDGE_LOW = "01a221de-6ceb-7108-8dab-d0c4dfae4001", "01a221de-6ceb-7108-8dab-d0c4dfae4002"
SCHEME = {
    "code": "ALL",
    "name": "全部指标",
    "base_amount": "1000.00",
    "kpis": [
        {"kpi": "visit_plan_adherence", "weight": 20, "rule": "linear", "target": 100},
        {"kpi": "report_completion", "weight": 10, "rule": "linear", "target": 100},
        {"kpi": "account_coverage", "weight": 20, "rule": "linear", "target": 100},
        {"kpi": "customer_facing_share", "weight": 20, "rule": "linear", "target": 100},
        {"kpi": "sales_achievement", "weight": 20, "rule": "linear", "target": 100},
        {"kpi": "training_completion", "weight": 10, "rule": "linear", "target": 100},
    ],
}


def extreme(backend: str, high: bool, *, instant: bool = False) -> Any:
    """The farthest date (or instant) each database can be left holding."""
    if backend == "postgres":
        return literal_column("'infinity'" if high else "'-infinity'")
    day = "9999-12-31" if high else "0001-01-01"
    if instant:
        day += " 23:59:59.999999" if high else " 00:00:00.000000"
    return literal_column(f"'{day}'")


async def store(apps: Any, backend: str, model: Any, id_: str, **values: Any) -> None:
    db = (await apps("advisors", backend)).state.db
    async with db.session() as session:
        await session.execute(update(model).where(model.id == UUID(id_)).values(**values))
        await session.commit()


async def log(client: httpx.AsyncClient, advisor: dict[str, Any], start: str, end: str) -> Any:
    body = {
        "advisor_id": advisor["id"],
        "activity_type": "visit",
        "started_at": f"2026-03-{start}:00Z",
        "ended_at": f"2026-03-{end}:00Z",
    }
    return await post(client, "/v1/work-logs", body)


async def test_reports_survive_extreme_stored_dates(
    advisors: httpx.AsyncClient, apps: Any, backend: str, owners: FakeOwners
) -> None:
    a = await create(advisors, 1)
    accounts = {True: EDGE_HIGH, False: EDGE_LOW}
    owners.add_outlets(*accounts.values())

    async def put(model: Any, record: dict[str, Any], **columns: tuple[bool, bool]) -> None:
        values = {
            k: extreme(backend, high, instant=instant) for k, (high, instant) in columns.items()
        }
        await store(apps, backend, model, record["id"], **values)

    # a work-log entry starting in March that never ends, one that ends before it starts,
    # and entries starting at the ends of time; one sound hour counts
    logs = [await log(advisors, a, f"0{d}T01:00", f"0{d}T02:00") for d in range(2, 7)]
    await put(WorkLog, logs[0], ended_at=(True, True))
    await put(WorkLog, logs[1], ended_at=(False, True))
    await put(WorkLog, logs[2], started_at=(False, True))
    await put(WorkLog, logs[3], started_at=(True, True))
    for high in (True, False):
        visit = await plan_visit(advisors, a)
        await move(advisors, f"/v1/visits/{visit['id']}", "checked_in", latitude=30, longitude=104)
        await put(Visit, visit, planned_date=(high, False), checked_in_at=(not high, True))
        made = await assign(advisors, a, account_id=accounts[high])
        await put(Assignment, made, from_date=(False, False), to_date=(True, False))
    _, held = await course_session(advisors, "2026-03-10")
    enrolment = await enrol(advisors, held, a)
    await move(advisors, f"/v1/training-enrolments/{enrolment['id']}", "completed", score=90)
    certification = (await listed(advisors, "/v1/certifications"))[0]
    await put(Certification, certification, issued_on=(True, False), expires_on=(False, False))
    await put(TrainingSession, held, held_on=(True, False))
    coaching = await post(
        advisors,
        "/v1/coaching-sessions",
        {
            "coach_id": (await create(advisors, 2))["id"],
            "advisor_id": a["id"],
            "role": "coach",
            "held_on": "2026-03-04",
            "topic": "陈列",
        },
    )
    await put(CoachingSession, coaching, held_on=(False, False))

    r = await advisors.get(
        "/v1/work-logs/allocation", params={"advisor_id": a["id"], "period": "2026-03"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["total_hours"] == 1
    scheme = await post(advisors, "/v1/kpi-schemes", SCHEME)
    for period in ("2026-03", "1900-01", "2199-12"):
        body = {"advisor_id": a["id"], "scheme_id": scheme["id"], "period": period}
        assessed = await post(advisors, "/v1/assessments", body)
        assert assessed["period"] == period
    march = (await listed(advisors, "/v1/assessments", period="2026-03"))[0]
    values = {k["kpi"]: k["value"] for k in march["kpis"]}
    # the sound hour alone is logged time; both accounts are assigned for all time, none
    # visited in March; the visits and the session lie at the ends of time
    assert values["customer_facing_share"] == 100.0 and values["account_coverage"] == 0.0
    assert values["visit_plan_adherence"] is None and values["training_completion"] is None
    run = await post(
        advisors, "/v1/assessments/run", {"scheme_id": scheme["id"], "period": "2026-03"}
    )
    assert run["recomputed"] == 1
    board = await advisors.get("/v1/assessments/leaderboard", params={"period": "2026-03"})
    assert board.status_code == 200, board.text
    due = await advisors.get("/v1/certifications/due", params={"on": "2026-03-01"})
    assert due.status_code == 200, due.text
    assert {d["reason"] for d in due.json()["items"]} == {"expired", "never_certified"}
    for path, params in [
        ("/v1/visits", {}),
        ("/v1/visits", {"planned_from": "1900-01-01"}),
        ("/v1/work-logs", {"started_from": "1900-01-01T00:00:00Z"}),
        ("/v1/assignments", {"active_on": "2199-12-31"}),
        ("/v1/training-sessions", {}),
        ("/v1/certifications", {"valid_on": "2026-03-01"}),
        ("/v1/coaching-sessions", {}),
    ]:
        r = await advisors.get(path, params=params)
        assert r.status_code == 200, (path, r.text)


@pytest.mark.parametrize("period", ["0000-01", "1899-12", "2200-01", "9999-12", "2026-13"])
async def test_months_outside_the_platform_dates_are_refused(
    advisors: httpx.AsyncClient, period: str
) -> None:
    a = await create(advisors, 1)
    scheme = await post(advisors, "/v1/kpi-schemes", SCHEME)
    gets = [
        ("/v1/work-logs/allocation", {"advisor_id": a["id"], "period": period}),
        ("/v1/assessments/leaderboard", {"period": period}),
        ("/v1/assessments", {"period": period}),
        ("/v1/advisor-sales", {"period": period}),
        ("/v1/deviations", {"period": period}),
    ]
    for path, params in gets:
        r = await advisors.get(path, params=params)
        assert_problem(r, 422)
        assert pointers(r) == ["#/period"], path
    posts = [
        ("/v1/assessments", {"advisor_id": a["id"], "scheme_id": scheme["id"]}),
        ("/v1/assessments/run", {"scheme_id": scheme["id"]}),
        ("/v1/advisor-sales", {"advisor_id": a["id"], "sales_target": "1", "sales_actual": "1"}),
        (
            "/v1/deviations",
            {"advisor_id": a["id"], "metric": "x", "target": "1", "result": "1"},
        ),
    ]
    for path, body in posts:
        r = await advisors.post(path, json=body | {"period": period})
        assert_problem(r, 422)
        assert pointers(r) == ["#/period"], path
    assert await listed(advisors, "/v1/assessments") == []
    assert await listed(advisors, "/v1/advisor-sales") == []
