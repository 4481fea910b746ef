"""Assignments: an advisor's accounts over time, one main advisor per account at a time; a
hand-over through `POST /v1/assignments/{id}/transitions` keeps the history."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from tests.advisors.helpers import (
    DEALER,
    NOBODY,
    SHOP,
    assert_problem,
    assign,
    assignment_body,
    create,
    feed,
    listed,
    match,
    move,
    pointers,
)


def refused(r: httpx.Response) -> list[str]:
    assert_problem(r, 422)
    return pointers(r)


async def test_create_get_and_filter(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    made = await assign(advisors, a)
    assert made["is_main"] is True and made["to_date"] is None
    assert "account_latitude" not in made  # an account is located by its own coordinates
    got = await advisors.get(f"/v1/assignments/{made['id']}")
    assert got.json() == made and got.headers["etag"] == '"v1"'
    await assign(advisors, a, account_kind="dealer", account_id=DEALER, is_main=False)
    assert len(await listed(advisors, "/v1/assignments", advisor_id=a["id"])) == 2
    assert len(await listed(advisors, "/v1/assignments", account_kind="dealer")) == 1
    assert len(await listed(advisors, "/v1/assignments", active_on="2025-12-31")) == 0
    r = await advisors.get("/v1/assignments", params={"active_on": "0"})
    assert pointers(r) == ["#/active_on"]


async def test_second_main_advisor_is_a_conflict(advisors: httpx.AsyncClient) -> None:
    a, b = await create(advisors, 1), await create(advisors, 2)
    await assign(advisors, a)
    r = await advisors.post("/v1/assignments", json=assignment_body(b, from_date="2026-03-01"))
    assert assert_problem(r, 409)["field"] == "account_id"
    # a helper beside the main advisor is fine, and so is a main advisor before the first
    await assign(advisors, b, is_main=False)
    await assign(advisors, b, from_date="2025-01-01", to_date="2025-12-31")
    r = await advisors.post(
        "/v1/assignments", json=assignment_body(b, from_date="2025-06-01", to_date="2026-01-01")
    )
    assert_problem(r, 409)
    assert len(await listed(advisors, "/v1/assignments")) == 3


async def test_bad_input_names_the_field(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    cases = [
        (assignment_body(a, to_date="2025-12-31"), "#/to_date"),
        (assignment_body(a, advisor_id=SHOP), "#/advisor_id"),
        (assignment_body(a, account_kind="shop"), "#/account_kind"),
        (assignment_body(a, account_latitude=91), "#/account_latitude"),
        (assignment_body(a, account_id=NOBODY), "#/account_id"),
        (assignment_body(a, account_kind="dealer"), "#/account_id"),  # SHOP is an outlet
        (assignment_body(a, from_date="2026-02-30"), "#/from_date"),
        (assignment_body(a, from_date="1899-12-31"), "#/from_date"),
    ]
    for payload, pointer in cases:
        r = await advisors.post("/v1/assignments", json=payload)
        assert pointer in refused(r), payload
    assert await listed(advisors, "/v1/assignments") == []


async def test_reassignment_keeps_history(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    a, b = await create(client, 1), await create(client, 2)
    old = await assign(client, a)
    url = f"/v1/assignments/{old['id']}"
    r = await move(client, url, b["id"], on="2026-04-01", headers={"If-Match": '"v9"'})
    assert assert_problem(r, 412)["current_etag"] == '"v1"'
    r = await move(client, url, b["id"], on="2026-04-01", reason="片区调整")
    assert r.status_code == 200, r.text
    new = r.json()
    assert (new["advisor_id"], new["from_date"], new["to_date"]) == (b["id"], "2026-04-01", None)
    assert r.headers["content-location"] == f"/v1/assignments/{new['id']}"
    assert r.headers["etag"] == '"v1"'
    ended = (await client.get(url)).json()
    assert (ended["to_date"], ended["version"]) == ("2026-03-31", 2)
    mains = await listed(client, "/v1/assignments", account_id=SHOP, active_on="2026-03-31")
    assert [m["advisor_id"] for m in mains] == [a["id"]]
    mains = await listed(client, "/v1/assignments", account_id=SHOP, active_on="2026-04-01")
    assert [m["advisor_id"] for m in mains] == [b["id"]]
    again = await move(client, url, b["id"], on="2026-04-01", headers=match(ended))
    assert assert_problem(again, 409)["field"] == "on"
    events = (await feed(client, "/v1/advisor-events", 5))["items"]
    assert [e["type"] for e in events][-2:] == ["assignment.updated", "assignment.created"]
    assert events[-1]["data"]["reassigned_from"] == old["id"]
    assert events[-1]["data"]["reason"] == "片区调整"


async def test_bad_hand_overs(advisors: httpx.AsyncClient) -> None:
    a, b = await create(advisors, 1), await create(advisors, 2)
    old = await assign(advisors, a)
    url = f"/v1/assignments/{old['id']}"
    r = await move(advisors, url, a["id"], on="2026-04-01")
    problem = assert_problem(r, 409)
    assert problem["field"] == "to" and pointers(r) == ["#/to"]
    assert refused(await move(advisors, url, SHOP, on="2026-04-01")) == ["#/to"]
    assert refused(await move(advisors, url, "somebody", on="2026-04-01")) == ["#/to"]
    assert refused(await move(advisors, url, b["id"], on="2026-01-01")) == ["#/on"]
    tomorrow = datetime.now(UTC).date() + timedelta(days=3)
    assert refused(await move(advisors, url, b["id"], on=tomorrow.isoformat())) == ["#/on"]
    assert refused(await move(advisors, url, b["id"], on="2026-04-01", extra=1)) == ["#/extra"]
    got = (await advisors.get(url)).json()
    assert (got["to_date"], got["version"]) == (None, 1)
    assert len(await listed(advisors, "/v1/assignments")) == 1
    assert_problem(await move(advisors, f"/v1/assignments/{SHOP}", b["id"]), 404)


async def test_hand_over_defaults_to_today(advisors: httpx.AsyncClient) -> None:
    a, b = await create(advisors, 1), await create(advisors, 2)
    old = await assign(advisors, a)
    r = await move(advisors, f"/v1/assignments/{old['id']}", b["id"])
    assert r.status_code == 200, r.text
    today = datetime.now(UTC).date()
    assert r.json()["from_date"] == today.isoformat()
    ended = (await advisors.get(f"/v1/assignments/{old['id']}")).json()
    assert ended["to_date"] == (today - timedelta(days=1)).isoformat()


async def test_racing_main_assignments_let_one_win(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    people = [await create(client, n) for n in range(1, 7)]
    replies = await asyncio.gather(
        *(client.post("/v1/assignments", json=assignment_body(p)) for p in people)
    )
    assert sorted(r.status_code for r in replies) == [201] + [409] * 5
    assert len(await listed(client, "/v1/assignments")) == 1


async def test_ending_an_assignment_needs_if_match(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    made = await assign(advisors, a)
    url = f"/v1/assignments/{made['id']}"
    assert_problem(await advisors.patch(url, json={"to_date": "2026-02-01"}), 428)
    r = await advisors.patch(url, json={"to_date": "2025-02-01"}, headers={"If-Match": '"v1"'})
    assert refused(r) == ["#/to_date"]
    r = await advisors.patch(url, json={"to_date": "2026-02-01"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["to_date"] == "2026-02-01"
