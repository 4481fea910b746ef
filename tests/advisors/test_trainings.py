"""Training: courses, sessions and enrolments, each its own collection; results recorded by a
transition of the enrolment; certifications with expiry, and who is due."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.advisors.helpers import (
    COURSE,
    assert_problem,
    course_session,
    create,
    enrol,
    listed,
    move,
    pointers,
    post,
)


def result_url(enrolment: dict[str, Any]) -> str:
    return f"/v1/training-enrolments/{enrolment['id']}"


async def test_results_certify_and_due(advisors: httpx.AsyncClient) -> None:
    a, b = await create(advisors, 1), await create(advisors, 2)
    await create(advisors, 3)
    await create(advisors, 4, status="left")
    await post(advisors, "/v1/training-courses", {"code": "ELECTIVE", "title": "选修"})
    _, held = await course_session(advisors, "2025-03-10", location="成都")
    results = {}
    for person, score in [(a, 85), (b, 50)]:
        enrolment = await enrol(advisors, held, person)
        r = await move(advisors, result_url(enrolment), "completed", score=score)
        assert r.status_code == 200 and r.headers["etag"] == '"v2"'
        results[person["id"]] = r.json()
        again = await move(advisors, result_url(enrolment), "completed", score=99)
        assert assert_problem(again, 409)["field"] == "to"
    assert (results[a["id"]]["passed"], results[b["id"]]["passed"]) == (True, False)
    certs = await listed(advisors, "/v1/certifications", advisor_id=a["id"])
    assert [(x["issued_on"], x["expires_on"]) for x in certs] == [("2025-03-10", "2026-03-10")]
    assert await listed(advisors, "/v1/certifications", valid_on="2026-03-11") == []
    r = await advisors.get("/v1/certifications/due", params={"on": "2026-03-01"})
    due = [(d["employee_code"], d["reason"]) for d in r.json()["items"]]
    assert due == [
        ("E0001", "expiring"),
        ("E0002", "never_certified"),
        ("E0003", "never_certified"),
    ]
    r = await advisors.get("/v1/certifications/due", params={"on": "2026-03-20", "within_days": 0})
    assert r.json()["items"][0]["reason"] == "expired"
    r = await advisors.get("/v1/certifications/due", params={"on": "2025-06-01"})
    assert [d["employee_code"] for d in r.json()["items"]] == ["E0002", "E0003"]


async def test_training_rules_name_the_field(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    course, held = await course_session(advisors)
    r = await advisors.post("/v1/training-courses", json=COURSE)
    assert assert_problem(r, 409)["field"] == "code"
    r = await advisors.post(
        "/v1/training-courses", json=COURSE | {"code": "X2", "validity_months": 0}
    )
    assert pointers(r) == ["#/validity_months"]
    r = await advisors.post("/v1/training-courses", json=COURSE | {"code": "X3", "title": " "})
    assert pointers(r) == ["#/title"]
    body = {"session_id": held["id"], "advisor_id": a["id"]}
    enrolment = await post(advisors, "/v1/training-enrolments", body)
    assert_problem(await advisors.post("/v1/training-enrolments", json=body), 409)
    url = result_url(enrolment)
    assert pointers(await move(advisors, url, "completed")) == ["#/score"]
    assert pointers(await move(advisors, url, "absent", score=1)) == ["#/score"]
    assert pointers(await move(advisors, url, "completed", score=101)) == ["#/score"]
    assert pointers(await move(advisors, url, "passed", score=80)) == ["#/to"]
    r = await move(advisors, url, "enrolled")
    assert assert_problem(r, 409)["field"] == "to" and "already" in r.json()["detail"]
    absent = (await move(advisors, url, "absent")).json()
    assert (absent["status"], absent["passed"], absent["score"]) == ("absent", False, None)
    assert await listed(advisors, "/v1/certifications") == []
    sessions = await listed(advisors, "/v1/training-sessions", course_id=course["id"])
    assert [s["held_on"] for s in sessions] == ["2026-03-10"]
    got = await advisors.get(url)
    assert got.json() == absent and got.headers["etag"] == '"v2"'


async def test_sessions_and_enrolments_refer_to_what_exists(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    course, held = await course_session(advisors)
    r = await advisors.post(
        "/v1/training-sessions", json={"course_id": a["id"], "held_on": "2026-03-10"}
    )
    assert pointers(r) == ["#/course_id"]
    r = await advisors.post(
        "/v1/training-sessions",
        json={"course_id": course["id"], "held_on": "2026-03-10", "trainer": "王" * 101},
    )
    assert pointers(r) == ["#/trainer"]
    r = await advisors.post(
        "/v1/training-enrolments", json={"session_id": course["id"], "advisor_id": a["id"]}
    )
    assert pointers(r) == ["#/session_id"]
    assert_problem(await advisors.get(f"/v1/training-sessions/{a['id']}"), 404)
    assert (await advisors.get(f"/v1/training-sessions/{held['id']}")).json() == held
    assert_problem(await move(advisors, f"/v1/training-enrolments/{a['id']}", "absent"), 404)
    for params in ({"on": "0"}, {"on": "2026-13-01"}, {"on": "9999-12-31"}, {}):
        r = await advisors.get("/v1/certifications/due", params=params)
        assert pointers(r) == ["#/on"], params
    r = await advisors.get("/v1/certifications", params={"valid_on": "0"})
    assert pointers(r) == ["#/valid_on"]


async def test_no_result_before_the_session(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    later = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    _, held = await course_session(advisors, later)
    enrolment = await enrol(advisors, held, a)
    r = await move(advisors, result_url(enrolment), "completed", score=90)
    assert assert_problem(r, 409)["field"] == "to" and later in r.json()["detail"]
    assert (await advisors.get(result_url(enrolment))).json()["status"] == "enrolled"


async def test_racing_results_record_one(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    a = await create(client, 1)
    _, held = await course_session(client)
    enrolment = await enrol(client, held, a)
    url = result_url(enrolment)
    replies = await asyncio.gather(
        *(move(client, url, "completed", score=80 + n) for n in range(4))
    )
    assert sorted(r.status_code for r in replies) == [200, 409, 409, 409]
    assert len(await listed(client, "/v1/certifications")) == 1
