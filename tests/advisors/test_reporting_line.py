"""The reporting line stays a tree: managers exist, nobody manages themselves, no loops, and a
manager with reports cannot be deleted."""

import asyncio

import httpx

from tests.advisors.helpers import (
    NOBODY,
    assert_problem,
    body,
    count,
    create,
    listed,
    patch,
    pointers,
    url,
)


async def test_an_advisor_reports_to_an_existing_manager(advisors: httpx.AsyncClient) -> None:
    boss = await create(advisors, 1, role="supervisor")
    advisor = await create(advisors, 2, manager_id=boss["id"])
    assert advisor["manager_id"] == boss["id"]
    other = await create(advisors, 3, role="supervisor")
    r = await patch(advisors, advisor, {"manager_id": other["id"]})
    assert r.status_code == 200, r.text
    assert (await advisors.get(url(advisor))).json()["manager_id"] == other["id"]


async def test_unknown_manager_on_create(advisors: httpx.AsyncClient) -> None:
    r = await advisors.post("/v1/advisors", json=body(1, manager_id=NOBODY))
    assert_problem(r, 422)
    assert pointers(r) == ["#/manager_id"]
    assert await count(advisors) == 0


async def test_unknown_manager_on_update(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1)
    r = await patch(advisors, advisor, {"manager_id": NOBODY})
    assert_problem(r, 422)
    assert pointers(r) == ["#/manager_id"]
    assert (await advisors.get(url(advisor))).json() == advisor


async def test_nobody_manages_themselves(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1)
    r = await patch(advisors, advisor, {"manager_id": advisor["id"]})
    assert_problem(r, 422)
    assert pointers(r) == ["#/manager_id"]
    got = await advisors.get(url(advisor))
    assert got.json()["manager_id"] is None and got.headers["etag"] == '"v1"'


async def test_a_direct_loop_is_refused(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    b = await create(advisors, 2, manager_id=a["id"])  # A manages B
    r = await patch(advisors, a, {"manager_id": b["id"]})  # ... and B would manage A
    assert_problem(r, 422)
    assert pointers(r) == ["#/manager_id"]
    got = await advisors.get(url(a))
    assert got.json()["manager_id"] is None and got.headers["etag"] == '"v1"'
    assert (await advisors.get(url(b))).json()["manager_id"] == a["id"]


async def test_a_longer_loop_is_refused(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    b = await create(advisors, 2, manager_id=a["id"])
    c = await create(advisors, 3, manager_id=b["id"])
    d = await create(advisors, 4, manager_id=c["id"])  # A → B → C → D
    r = await patch(advisors, a, {"manager_id": d["id"]})
    assert_problem(r, 422)
    assert pointers(r) == ["#/manager_id"]
    assert (await advisors.get(url(a))).json()["manager_id"] is None
    # moving D under B instead keeps the tree
    assert (await patch(advisors, d, {"manager_id": b["id"]})).status_code == 200


async def test_a_manager_with_reports_cannot_be_deleted(advisors: httpx.AsyncClient) -> None:
    boss = await create(advisors, 1, role="supervisor")
    report = await create(advisors, 2, manager_id=boss["id"])
    r = await advisors.delete(url(boss), headers={"If-Match": '"v1"'})
    problem = assert_problem(r, 409)
    assert boss["employee_code"] in problem["detail"]
    assert (await advisors.get(url(boss))).json() == boss
    assert await count(advisors) == 2
    # reassign the report, and the manager can go
    assert (await patch(advisors, report, {"manager_id": None})).status_code == 200
    assert (await advisors.delete(url(boss), headers={"If-Match": '"v1"'})).status_code == 204
    assert [a["id"] for a in await listed(advisors)] == [report["id"]]


async def manager_chain(client: httpx.AsyncClient, advisor_id: str) -> list[str]:
    """The ids up the reporting line from `advisor_id`, stopping at the top or at a repeat."""
    chain = [advisor_id]
    while True:
        manager = (await client.get(url(chain[-1]))).json()["manager_id"]
        if manager is None or manager in chain:
            return [*chain, manager] if manager else chain
        chain.append(manager)


async def test_racing_updates_cannot_make_a_loop(advisors_committed: httpx.AsyncClient) -> None:
    """A and B, each made the other's manager at the same moment: one must be refused."""
    client = advisors_committed
    for n in range(1, 10, 2):  # a few rounds: one loop anywhere is the bug
        a, b = await create(client, n), await create(client, n + 1)
        replies = await asyncio.gather(
            patch(client, a, {"manager_id": b["id"]}), patch(client, b, {"manager_id": a["id"]})
        )
        chain = await manager_chain(client, a["id"])
        assert len(chain) == len(set(chain)), f"reporting loop {chain}"
        assert sorted(r.status_code for r in replies) == [200, 422]
        assert [pointers(r) for r in replies if r.status_code == 422] == [["#/manager_id"]]


async def test_racing_delete_leaves_no_report_without_a_manager(
    advisors_committed: httpx.AsyncClient,
) -> None:
    client = advisors_committed
    boss = await create(client, 1, role="supervisor")
    created, deleted = await asyncio.gather(
        client.post("/v1/advisors", json=body(2, manager_id=boss["id"])),
        client.delete(url(boss), headers={"If-Match": '"v1"'}),
    )
    # exactly one wins: the report (then the delete is refused), or the delete (then the new
    # report's manager no longer exists: 422 when checked, 409 when the foreign key catches it)
    assert (created.status_code == 201) != (deleted.status_code == 204)
    if created.status_code == 201:
        assert_problem(deleted, 409)
    else:
        assert_problem(created, created.status_code)
        assert created.status_code in (409, 422)
        if created.status_code == 422:
            assert pointers(created) == ["#/manager_id"]
    boss_exists = (await client.get(url(boss))).status_code == 200
    reports = await listed(client, manager_id=boss["id"])
    assert boss_exists or reports == []
    assert (created.status_code == 201) == (len(reports) == 1)


async def test_racing_creates_of_one_employee_code(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    replies = await asyncio.gather(
        *(client.post("/v1/advisors", json=body(1, name=f"顾问{i}")) for i in range(5))
    )
    assert sorted(r.status_code for r in replies) == [201, 409, 409, 409, 409]
    assert all(r.json()["field"] == "employee_code" for r in replies if r.status_code == 409)
    assert await count(client) == 1
