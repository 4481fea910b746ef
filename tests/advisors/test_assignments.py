"""Assignments: an advisor's accounts over time, one main advisor per account at a time."""

import asyncio
from typing import Any

import httpx

from tests.advisors.helpers import assert_problem, create, pointers
from tests.api import listed
from tests.harness import feed

SHOP = "01a221de-6ceb-7108-8dab-d0c4dfae2001"
DEALER = "01a221de-6ceb-7108-8dab-d0c4dfae2002"


def assignment(advisor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "advisor_id": advisor["id"],
        "account_kind": "outlet",
        "account_id": SHOP,
        "from_date": "2026-01-01",
    } | extra


def refused(r: httpx.Response) -> list[str]:
    assert_problem(r, 422)
    return pointers(r)


async def assign(client: httpx.AsyncClient, advisor: dict[str, Any], **extra: Any) -> Any:
    r = await client.post("/v1/assignments", json=assignment(advisor, **extra))
    assert r.status_code == 201, r.text
    return r.json()


async def test_create_get_and_filter(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    made = await assign(advisors, a, account_latitude=30.6586, account_longitude=104.0648)
    assert made["is_main"] is True and made["to_date"] is None
    got = await advisors.get(f"/v1/assignments/{made['id']}")
    assert got.json() == made and got.headers["etag"] == '"v1"'
    await assign(advisors, a, account_kind="dealer", account_id=DEALER, is_main=False)
    assert len(await listed(advisors, "/v1/assignments", advisor_id=a["id"])) == 2
    assert len(await listed(advisors, "/v1/assignments", account_kind="dealer")) == 1
    assert len(await listed(advisors, "/v1/assignments", active_on="2025-12-31")) == 0


async def test_second_main_advisor_is_a_conflict(advisors: httpx.AsyncClient) -> None:
    a, b = await create(advisors, 1), await create(advisors, 2)
    await assign(advisors, a)
    r = await advisors.post("/v1/assignments", json=assignment(b, from_date="2026-03-01"))
    assert assert_problem(r, 409)["field"] == "account_id"
    # a helper beside the main advisor is fine, and so is a main advisor before the first
    await assign(advisors, b, is_main=False)
    await assign(advisors, b, from_date="2025-01-01", to_date="2025-12-31")
    r = await advisors.post(
        "/v1/assignments", json=assignment(b, from_date="2025-06-01", to_date="2026-01-01")
    )
    assert_problem(r, 409)
    assert len(await listed(advisors, "/v1/assignments")) == 3


async def test_bad_input_names_the_field(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    cases = [
        (assignment(a, to_date="2025-12-31"), "#/to_date"),
        (assignment(a, advisor_id=SHOP), "#/advisor_id"),
        (assignment(a, account_kind="shop"), "#/account_kind"),
        (assignment(a, account_latitude=91), "#/account_latitude"),
        (assignment(a, from_date="2026-02-30"), "#/from_date"),
    ]
    for payload, pointer in cases:
        r = await advisors.post("/v1/assignments", json=payload)
        assert pointer in refused(r), payload
    assert await listed(advisors, "/v1/assignments") == []


async def test_reassignment_keeps_history(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    a, b = await create(client, 1), await create(client, 2)
    old = await assign(client, a)
    url = f"/v1/assignments/{old['id']}/reassign"
    body = {"advisor_id": b["id"], "from_date": "2026-04-01"}
    assert_problem(await client.post(url, json=body), 428)
    r = await client.post(url, json=body, headers={"If-Match": '"v1"'})
    assert r.status_code == 201, r.text
    new = r.json()
    assert (new["advisor_id"], new["from_date"], new["to_date"]) == (b["id"], "2026-04-01", None)
    ended = (await client.get(f"/v1/assignments/{old['id']}")).json()
    assert (ended["to_date"], ended["version"]) == ("2026-03-31", 2)
    mains = await listed(client, "/v1/assignments", account_id=SHOP, active_on="2026-03-31")
    assert [m["advisor_id"] for m in mains] == [a["id"]]
    mains = await listed(client, "/v1/assignments", account_id=SHOP, active_on="2026-04-01")
    assert [m["advisor_id"] for m in mains] == [b["id"]]
    again = await client.post(url, json=body, headers={"If-Match": '"v2"'})
    assert assert_problem(again, 409)["field"] == "from_date"
    events = (await feed(client, "/v1/advisor-events", 5))["items"]
    assert [e["type"] for e in events][-2:] == ["assignment.updated", "assignment.created"]


async def test_racing_main_assignments_let_one_win(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    people = [await create(client, n) for n in range(1, 7)]
    replies = await asyncio.gather(
        *(client.post("/v1/assignments", json=assignment(p)) for p in people)
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
