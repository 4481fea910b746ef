"""Bulk upsert of advisors by employee code: per-item results, set-based, events."""

import httpx

from tests.advisors.helpers import body, create, listed, url
from tests.harness import feed


async def test_bulk_creates_and_updates_by_code(advisors_committed: httpx.AsyncClient) -> None:
    advisors = advisors_committed
    boss = await create(advisors, 1, role="supervisor")
    items = [
        body(1, name="王强", role="supervisor", level="expert"),
        body(2, manager_id=boss["id"], mobile="13800138000"),
        body(3, manager_id=boss["id"]),
    ]
    r = await advisors.post("/v1/advisors/bulk", json={"items": items})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["created"], result["updated"], result["invalid"]) == (2, 1, 0)
    assert [i["status"] for i in result["items"]] == ["updated", "created", "created"]
    assert result["items"][0]["id"] == boss["id"]
    got = (await advisors.get(url(boss))).json()
    assert (got["name"], got["level"], got["version"]) == ("王强", "expert", 2)
    assert {a["employee_code"] for a in await listed(advisors, manager_id=boss["id"])} == {
        "E0002",
        "E0003",
    }
    events = (await feed(advisors, "/v1/advisor-events", 4))["items"]
    types = [e["type"] for e in events]
    assert types.count("advisor.created") == 3 and types.count("advisor.updated") == 1
    assert events[1]["data"]["name"] == "王强" and events[1]["data"]["version"] == 2


async def test_bulk_refuses_bad_items_only(advisors: httpx.AsyncClient) -> None:
    boss = await create(advisors, 1, role="supervisor")
    items = [
        body(2),
        body(3, mobile="23800138000"),
        body(2, name="again"),
        body(4, manager_id="01a221de-6ceb-7108-8dab-d0c4dfae1fff"),
        body(1, role="supervisor", manager_id=boss["id"]),
        {"employee_code": "E0005", "name": "x", "role": "boss"},
    ]
    r = await advisors.post("/v1/advisors/bulk", json={"items": items})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["created"], result["updated"], result["invalid"]) == (1, 0, 5)
    errors = {i["index"]: i["errors"][0]["pointer"] for i in result["items"] if i["errors"]}
    assert errors == {
        1: "#/mobile",
        2: "#/employee_code",
        3: "#/manager_id",
        4: "#/manager_id",
        5: "#/role",
    }
    assert len(await listed(advisors)) == 2


async def test_bulk_cycle_through_the_batch_is_refused(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    b = await create(advisors, 2, manager_id=a["id"])
    r = await advisors.post("/v1/advisors/bulk", json={"items": [body(1, manager_id=b["id"])]})
    assert r.json()["items"][0]["errors"][0]["pointer"] == "#/manager_id"
    assert (await advisors.get(url(a))).json()["manager_id"] is None


async def test_bulk_limits(advisors: httpx.AsyncClient) -> None:
    r = await advisors.post("/v1/advisors/bulk", json={"items": []})
    assert r.status_code == 422
    many = [body(n) for n in range(1001)]
    r = await advisors.post("/v1/advisors/bulk", json={"items": many})
    assert r.status_code == 422
