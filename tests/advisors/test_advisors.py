"""Advisors over HTTP: defaults, roles, strict dates and mobiles, listing, ETags, scopes, events."""

import asyncio
from typing import Any

import httpx
import pytest

from chassis.testing import auth_headers
from tests.advisors.helpers import (
    CHENGDU,
    MIANYANG,
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
from tests.harness import feed

MISSING = object()


async def test_create_applies_defaults(advisors: httpx.AsyncClient) -> None:
    r = await advisors.post("/v1/advisors", json=body(1))
    assert r.status_code == 201, r.text
    advisor = r.json()
    assert (advisor["level"], advisor["status"], advisor["version"]) == ("advisor", "active", 1)
    assert [advisor[k] for k in ("region_id", "manager_id", "hire_date", "mobile")] == [None] * 4
    assert r.headers["etag"] == '"v1"'
    assert r.headers["location"] == f"/v1/advisors/{advisor['id']}"
    got = await advisors.get(r.headers["location"])
    assert got.json() == advisor and got.headers["etag"] == '"v1"'


@pytest.mark.parametrize("role", ["customer_advisor", "business_manager", "promoter", "supervisor"])
async def test_every_role_is_accepted(advisors: httpx.AsyncClient, role: str) -> None:
    advisor = await create(advisors, 1, role=role)
    assert (await advisors.get(url(advisor))).json()["role"] == role


async def test_all_fields_are_kept(advisors: httpx.AsyncClient) -> None:
    extra = {
        "region_id": CHENGDU,
        "level": "senior",
        "status": "on_leave",
        "hire_date": "2024-02-29",
        "mobile": "13800138000",
    }
    advisor = await create(advisors, 1, **extra)
    got = (await advisors.get(url(advisor))).json()
    assert {k: got[k] for k in extra} == extra


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("role", MISSING, "#/role"),
        ("role", None, "#/role"),
        ("role", "boss", "#/role"),
        ("role", "Promoter", "#/role"),
        ("level", "guru", "#/level"),
        ("status", "retired", "#/status"),
        ("hire_date", "2024-02-30", "#/hire_date"),  # no such day
        ("hire_date", "2023-02-29", "#/hire_date"),  # not a leap year
        ("hire_date", 20240101, "#/hire_date"),  # a bare number
        ("hire_date", 1704067200, "#/hire_date"),
        ("hire_date", "20240101", "#/hire_date"),
        ("hire_date", "2024-1-1", "#/hire_date"),
        ("hire_date", "", "#/hire_date"),
        ("hire_date", "1704067200", "#/hire_date"),  # a unix timestamp in a string
        ("hire_date", "2024-01-01T00:00:00Z", "#/hire_date"),  # a date-time, even at midnight
        ("hire_date", "2024-01-01\n", "#/hire_date"),
        ("mobile", "12345678901", "#/mobile"),  # no mobile starts 12
        ("mobile", "1380013800", "#/mobile"),  # 10 digits
        ("mobile", "138-0013-800", "#/mobile"),
        ("mobile", 13800138000, "#/mobile"),  # a JSON number
        ("employee_code", "e1001", "#/employee_code"),
        ("employee_code", "E" * 41, "#/employee_code"),
        ("employee_code", MISSING, "#/employee_code"),
        ("name", "", "#/name"),
        ("name", "   ", "#/name"),  # white space alone is no name
        ("name", "\t\n", "#/name"),
        ("name", "\u3000", "#/name"),
        ("name", "名" * 201, "#/name"),
        ("region_id", "chengdu", "#/region_id"),
        ("manager_id", 7, "#/manager_id"),
        ("colour", "red", "#/colour"),
    ],
)
async def test_create_names_the_bad_field(
    advisors: httpx.AsyncClient, field: str, value: Any, pointer: str
) -> None:
    await create(advisors, 1)
    sent = body(2) | {field: value}
    if value is MISSING:
        del sent[field]
    r = await advisors.post("/v1/advisors", json=sent)
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert await count(advisors) == 1


async def test_duplicate_employee_code_is_a_conflict(advisors: httpx.AsyncClient) -> None:
    first = await create(advisors, 1)
    r = await advisors.post("/v1/advisors", json=body(2, employee_code=first["employee_code"]))
    assert assert_problem(r, 409)["field"] == "employee_code"
    assert await listed(advisors) == [first]


async def test_names_are_trimmed(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1, name="  李娜\u3000")
    assert advisor["name"] == "李娜"
    r = await patch(advisors, advisor, {"name": "\t张伟 "})
    assert r.status_code == 200 and r.json()["name"] == "张伟"


async def test_update_changes_only_what_is_sent(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1, mobile="13800138000")
    r = await patch(advisors, advisor, {"level": "expert", "hire_date": "2020-06-01"})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"v2"'
    got = (await advisors.get(url(advisor))).json()
    assert (got["level"], got["hire_date"], got["version"]) == ("expert", "2020-06-01", 2)
    assert got["mobile"] == "13800138000" and got["name"] == advisor["name"]


async def test_update_may_clear_optional_fields(advisors: httpx.AsyncClient) -> None:
    manager = await create(advisors, 1)
    advisor = await create(
        advisors,
        2,
        region_id=CHENGDU,
        manager_id=manager["id"],
        hire_date="2024-01-15",
        mobile="13800138000",
    )
    cleared = {"region_id": None, "manager_id": None, "hire_date": None, "mobile": None}
    r = await patch(advisors, advisor, cleared)
    assert r.status_code == 200, r.text
    got = (await advisors.get(url(advisor))).json()
    assert {k: got[k] for k in cleared} == cleared


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"name": None}, "#/name"),
        ({"name": " \u3000 "}, "#/name"),
        ({"role": None}, "#/role"),
        ({"level": None}, "#/level"),
        ({"status": None}, "#/status"),
        ({"employee_code": "E9999"}, "#/employee_code"),  # the HR code never changes
        ({"mobile": "12345678901"}, "#/mobile"),
        ({"hire_date": "2024-02-30"}, "#/hire_date"),
        ({"status": "fired"}, "#/status"),
        ({"colour": "red"}, "#/colour"),
    ],
)
async def test_update_names_the_bad_field(
    advisors: httpx.AsyncClient, changes: dict[str, Any], pointer: str
) -> None:
    advisor = await create(advisors, 1)
    r = await patch(advisors, advisor, changes)
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    got = await advisors.get(url(advisor))
    assert got.json() == advisor and got.headers["etag"] == '"v1"'


async def test_update_and_delete_need_the_current_etag(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1)
    assert_problem(await advisors.patch(url(advisor), json={"name": "新"}), 428)
    assert_problem(await advisors.delete(url(advisor)), 428)
    assert (await patch(advisors, advisor, {"name": "新"})).status_code == 200
    stale = await patch(advisors, advisor, {"name": "旧"})
    assert assert_problem(stale, 412)["current_etag"] == '"v2"'
    assert_problem(await advisors.delete(url(advisor), headers={"If-Match": '"v1"'}), 412)
    got = await advisors.get(url(advisor))
    assert got.json()["name"] == "新" and got.headers["etag"] == '"v2"'
    r = await advisors.delete(url(advisor), headers={"If-Match": '"v2"'})
    assert r.status_code == 204
    assert_problem(await advisors.get(url(advisor)), 404)


async def test_unknown_advisor_is_not_found(advisors: httpx.AsyncClient) -> None:
    assert_problem(await advisors.get(url(NOBODY)), 404)
    r = await advisors.patch(url(NOBODY), json={"name": "x"}, headers={"If-Match": '"v1"'})
    assert_problem(r, 404)
    assert_problem(await advisors.delete(url(NOBODY), headers={"If-Match": '"v1"'}), 404)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"employee_code": "E0002"}, ["E0002"]),
        ({"role": "supervisor"}, ["E0001"]),
        ({"region_id": MIANYANG}, ["E0002", "E0003"]),
        ({"manager_id": "<E0001>"}, ["E0002", "E0003"]),
        ({"level": "senior"}, ["E0003"]),
        ({"status": "left"}, ["E0002"]),
        ({"status": "active", "region_id": MIANYANG}, ["E0003"]),
        ({"manager_id": NOBODY}, []),
    ],
)
async def test_list_filters(
    advisors: httpx.AsyncClient, params: dict[str, str], expected: list[str]
) -> None:
    boss = await create(advisors, 1, role="supervisor", region_id=CHENGDU)
    await create(advisors, 2, region_id=MIANYANG, manager_id=boss["id"], status="left")
    await create(advisors, 3, region_id=MIANYANG, manager_id=boss["id"], level="senior")
    params = {k: boss["id"] if v == "<E0001>" else v for k, v in params.items()}
    assert [a["employee_code"] for a in await listed(advisors, **params)] == expected


async def test_cursor_pages_follow_creation_order(advisors: httpx.AsyncClient) -> None:
    codes = [(await create(advisors, n))["employee_code"] for n in (5, 3, 9, 1, 7)]
    first = (await advisors.get("/v1/advisors", params={"limit": 3})).json()
    rest = (
        await advisors.get("/v1/advisors", params={"limit": 3, "cursor": first["next_cursor"]})
    ).json()
    assert [a["employee_code"] for a in first["items"] + rest["items"]] == codes
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"cursor": "!!"}, {"role": "boss"}, {"level": "x"}, {"manager_id": "7"}],
)
async def test_bad_list_parameters(advisors: httpx.AsyncClient, params: dict[str, Any]) -> None:
    r = await advisors.get("/v1/advisors", params=params)
    assert_problem(r, 422)
    assert pointers(r) == ["#/" + next(iter(params))]


async def test_write_needs_the_write_scope(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1)
    read_only = auth_headers("advisors", ["advisors:read"])
    if_match = read_only | {"If-Match": '"v1"'}
    replies = [
        await advisors.post("/v1/advisors", json=body(2), headers=read_only),
        await advisors.patch(url(advisor), json={"name": "x"}, headers=if_match),
        await advisors.delete(url(advisor), headers=if_match),
    ]
    for r in replies:
        problem = assert_problem(r, 403)
        assert "advisors:write" in problem["detail"]
        assert problem["missing_scopes"] == ["advisors:write"]
    assert await listed(advisors, role="customer_advisor") == [advisor]
    write_only = auth_headers("advisors", ["advisors:write"])
    problem = assert_problem(await advisors.get("/v1/advisors", headers=write_only), 403)
    assert "advisors:read" in problem["detail"]


async def test_events_follow_the_advisor(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    advisor = await create(client, 1)
    assert (await patch(client, advisor, {"status": "on_leave"})).status_code == 200
    r = await client.delete(url(advisor), headers={"If-Match": '"v2"'})
    assert r.status_code == 204
    events = (await feed(client, "/v1/advisor-events", 3))["items"]
    assert [e["type"] for e in events] == ["advisor.created", "advisor.updated", "advisor.deleted"]
    assert all(e["data"]["id"] == advisor["id"] for e in events)
    assert events[1]["data"]["status"] == "on_leave" and events[1]["data"]["version"] == 2
    assert events[0]["data"]["actor"] == "test-user"
    assert all(e["dealer_ids"] is None for e in events)
    typed = await feed(client, "/v1/advisor-events", 1, type="advisor.deleted")
    assert [e["type"] for e in typed["items"]] == ["advisor.deleted"]


async def test_rejected_writes_emit_no_event(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    advisor = await create(client, 1)
    assert (await client.post("/v1/advisors", json=body(1))).status_code == 409
    assert (await client.post("/v1/advisors", json=body(2, manager_id=NOBODY))).status_code == 422
    assert (await patch(client, advisor, {"manager_id": advisor["id"]})).status_code == 422
    events = (await feed(client, "/v1/advisor-events", 1))["items"]
    assert [e["type"] for e in events] == ["advisor.created"]


async def test_concurrent_updates_with_one_etag_let_exactly_one_win(
    advisors_committed: httpx.AsyncClient,
) -> None:
    client = advisors_committed
    advisor = await create(client, 1)
    replies = await asyncio.gather(*(patch(client, advisor, {"name": f"名{i}"}) for i in range(5)))
    assert sorted(r.status_code for r in replies) == [200, 412, 412, 412, 412]
    for r in replies:
        if r.status_code == 412:
            assert r.headers["content-type"] == "application/problem+json"
    winner = next(r.json() for r in replies if r.status_code == 200)
    got = await client.get(url(advisor))
    assert got.json()["name"] == winner["name"] and got.headers["etag"] == '"v2"'
    updated = await feed(client, "/v1/advisor-events", 1, type="advisor.updated")
    assert [e["data"]["name"] for e in updated["items"]] == [winner["name"]]
