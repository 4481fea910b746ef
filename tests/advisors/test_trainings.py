"""Trainings: courses, sessions, enrolments, results, certifications with expiry, who is due."""

import asyncio
from typing import Any

import httpx

from tests.advisors.helpers import assert_problem, create, pointers
from tests.api import listed

COURSE = {
    "code": "PRODUCT-101",
    "title": "产品知识",
    "required": True,
    "validity_months": 12,
    "pass_score": 70,
}


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Any:
    r = await client.post(path, json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()


async def test_results_certify_and_due(advisors: httpx.AsyncClient) -> None:
    a, b = await create(advisors, 1), await create(advisors, 2)
    await create(advisors, 3)
    await create(advisors, 4, status="left")
    course = await post(advisors, "/v1/trainings", COURSE)
    await post(advisors, "/v1/trainings", {"code": "ELECTIVE", "title": "选修"})
    held = await post(
        advisors,
        f"/v1/trainings/{course['id']}/sessions",
        {"held_on": "2025-03-10", "location": "成都"},
    )
    results = {}
    for person, score in [(a, 85), (b, 50)]:
        enrolment = await post(
            advisors,
            "/v1/trainings/enrolments",
            {"session_id": held["id"], "advisor_id": person["id"]},
        )
        url = f"/v1/trainings/enrolments/{enrolment['id']}/result"
        results[person["id"]] = await post(advisors, url, {"score": score})
        assert_problem(await advisors.post(url, json={"score": 99}), 409)
    assert (results[a["id"]]["passed"], results[b["id"]]["passed"]) == (True, False)
    certs = await listed(advisors, "/v1/trainings/certifications", advisor_id=a["id"])
    assert [(x["issued_on"], x["expires_on"]) for x in certs] == [("2025-03-10", "2026-03-10")]
    assert await listed(advisors, "/v1/trainings/certifications", valid_on="2026-03-11") == []
    r = await advisors.get("/v1/trainings/due", params={"on": "2026-03-01"})
    due = [(d["employee_code"], d["reason"]) for d in r.json()["items"]]
    assert due == [
        ("E0001", "expiring"),
        ("E0002", "never_certified"),
        ("E0003", "never_certified"),
    ]
    r = await advisors.get("/v1/trainings/due", params={"on": "2026-03-20", "within_days": 0})
    assert r.json()["items"][0]["reason"] == "expired"
    r = await advisors.get("/v1/trainings/due", params={"on": "2025-06-01"})
    assert [d["employee_code"] for d in r.json()["items"]] == ["E0002", "E0003"]


async def test_training_rules_name_the_field(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    course = await post(advisors, "/v1/trainings", COURSE)
    assert assert_problem(await advisors.post("/v1/trainings", json=COURSE), 409)["field"] == "code"
    r = await advisors.post("/v1/trainings", json=COURSE | {"code": "X2", "validity_months": 0})
    assert pointers(r) == ["#/validity_months"]
    held = await post(advisors, f"/v1/trainings/{course['id']}/sessions", {"held_on": "2026-03-10"})
    body = {"session_id": held["id"], "advisor_id": a["id"]}
    enrolment = await post(advisors, "/v1/trainings/enrolments", body)
    assert assert_problem(await advisors.post("/v1/trainings/enrolments", json=body), 409)
    url = f"/v1/trainings/enrolments/{enrolment['id']}/result"
    assert pointers(await advisors.post(url, json={})) == ["#/score"]
    assert pointers(await advisors.post(url, json={"attended": False, "score": 1})) == ["#/score"]
    absent = await post(advisors, url, {"attended": False})
    assert (absent["status"], absent["passed"]) == ("absent", False)
    assert await listed(advisors, "/v1/trainings/certifications") == []
    sessions = await listed(advisors, f"/v1/trainings/{course['id']}/sessions")
    assert [s["held_on"] for s in sessions] == ["2026-03-10"]


async def test_racing_results_record_one(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    a = await create(client, 1)
    course = await post(client, "/v1/trainings", COURSE)
    held = await post(client, f"/v1/trainings/{course['id']}/sessions", {"held_on": "2026-03-10"})
    enrolment = await post(
        client, "/v1/trainings/enrolments", {"session_id": held["id"], "advisor_id": a["id"]}
    )
    url = f"/v1/trainings/enrolments/{enrolment['id']}/result"
    replies = await asyncio.gather(*(client.post(url, json={"score": 80 + n}) for n in range(4)))
    assert sorted(r.status_code for r in replies) == [200, 409, 409, 409]
    assert len(await listed(client, "/v1/trainings/certifications")) == 1
