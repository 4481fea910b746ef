"""Dealers over HTTP: defaults, money, ETags, listing and paging, scopes and the event feed."""

import asyncio
from datetime import datetime
from typing import Any

import httpx
import pytest

from chassis.testing import auth_headers
from tests.dealers.helpers import (
    ADVISOR,
    MIANYANG,
    assert_problem,
    body,
    count,
    create,
    listed,
    make_outlet,
    pointers,
    unknown_id,
    url,
    uscc,
)
from tests.dealers.upstream import assign
from tests.harness import feed


def when(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


async def test_create_applies_defaults_and_answers_with_etag_and_location(
    dealers: httpx.AsyncClient,
) -> None:
    r = await dealers.post("/v1/dealers", json=body(1))
    assert r.status_code == 201, r.text
    dealer = r.json()
    assert dealer["tier"] == "ordinary"
    assert dealer["credit_limit"] == "0.00"
    assert (dealer["advisor_id"], dealer["contact_name"], dealer["contact_mobile"]) == (
        None,
        None,
        None,
    )
    assert dealer["version"] == 1
    assert r.headers["etag"] == '"v1"'
    assert r.headers["location"] == f"/v1/dealers/{dealer['id']}"
    got = await dealers.get(r.headers["location"])
    assert got.status_code == 200
    assert got.json() == dealer
    assert got.headers["etag"] == '"v1"'


async def test_all_fields_are_kept(dealers: httpx.AsyncClient) -> None:
    extra = {
        "tier": "core",
        "contact_name": "王经理",
        "contact_mobile": "13800138000",
        "code": "CD-" + "X" * 37,  # the longest code: 40 characters
    }
    dealer = await create(dealers, 1, **extra)
    await assign(dealers, dealer["id"], ADVISOR)  # the advisor comes from advisors' assignments
    got = (await dealers.get(url(dealer))).json()
    assert {k: got[k] for k in extra} == extra
    assert got["advisor_id"] == ADVISOR


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("1200.5", "1200.50"),
        ("7", "7.00"),
        ("0.07", "0.07"),
        ("999999999999.99", "999999999999.99"),
    ],
)
async def test_money_is_a_string_with_two_decimals(
    dealers: httpx.AsyncClient, sent: str, shown: str
) -> None:
    dealer = await create(dealers, 1, credit_limit=sent)
    assert dealer["credit_limit"] == shown
    assert (await dealers.get(url(dealer))).json()["credit_limit"] == shown
    assert (await listed(dealers))[0]["credit_limit"] == shown


async def test_update_changes_only_what_is_sent(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1, contact_name="王经理")
    r = await dealers.patch(
        url(dealer), json={"credit_limit": "1200.5", "tier": "core"}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"v2"'
    updated = r.json()
    assert (updated["credit_limit"], updated["tier"], updated["version"]) == ("1200.50", "core", 2)
    assert updated["contact_name"] == "王经理" and updated["name"] == dealer["name"]
    assert when(updated["updated_at"]) > when(dealer["updated_at"])
    assert updated["created_at"] == dealer["created_at"]
    assert (await dealers.get(url(dealer))).json() == updated


async def test_update_may_clear_optional_fields(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1, contact_name="王经理", contact_mobile="13800138000")
    cleared = {"contact_name": None, "contact_mobile": None}
    r = await dealers.patch(url(dealer), json=cleared, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    got = (await dealers.get(url(dealer))).json()
    assert {k: got[k] for k in cleared} == cleared


async def test_update_needs_the_current_etag(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    r = await dealers.patch(url(dealer), json={"name": "新名"})
    assert_problem(r, 428)
    ok = await dealers.patch(url(dealer), json={"name": "新名"}, headers={"If-Match": '"v1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"v2"'
    stale = await dealers.patch(url(dealer), json={"name": "旧名"}, headers={"If-Match": '"v1"'})
    assert assert_problem(stale, 412)["current_etag"] == '"v2"'
    weak = await dealers.patch(url(dealer), json={"name": "旧名"}, headers={"If-Match": 'W/"v2"'})
    assert_problem(weak, 412)
    got = await dealers.get(url(dealer))
    assert got.json()["name"] == "新名" and got.headers["etag"] == '"v2"'


async def test_delete_needs_the_current_etag(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    await dealers.patch(url(dealer), json={"name": "新名"}, headers={"If-Match": '"v1"'})
    assert_problem(await dealers.delete(url(dealer)), 428)
    assert_problem(await dealers.delete(url(dealer), headers={"If-Match": '"v1"'}), 412)
    assert (await dealers.get(url(dealer))).status_code == 200
    r = await dealers.delete(url(dealer), headers={"If-Match": '"v2"'})
    assert r.status_code == 204 and r.content == b""
    assert_problem(await dealers.get(url(dealer)), 404)
    assert await count(dealers) == 0


async def test_a_referenced_dealer_is_kept_and_the_problem_says_by_what(
    dealers: httpx.AsyncClient,
) -> None:
    dealer = await create(dealers, 1)
    for n in range(2):
        await make_outlet(dealers, n, dealer)
    activity = {
        "dealer_id": dealer["id"],
        "flow": "capital",
        "activity_type": "cost_control",
        "activity_on": "2026-10-12",
        "description": "成本控制",
    }
    assert (await dealers.post("/v1/support-activities", json=activity)).status_code == 201
    r = await dealers.delete(url(dealer), headers={"If-Match": '"v1"'})
    problem = assert_problem(r, 409)
    assert problem["references"] == {"outlets": 2, "support_activities": 1}
    assert "2 outlets, 1 support activity" in problem["detail"]
    assert "/v1/outlets/{id}/transitions" in problem["detail"]
    assert [e["detail"] for e in problem["errors"]] == [
        "is referenced by 2 outlets",
        "is referenced by 1 support activity",
    ]
    assert (await dealers.get(url(dealer))).json()["version"] == 1


async def test_unknown_dealer_is_not_found(dealers: httpx.AsyncClient) -> None:
    missing = url(unknown_id())
    assert_problem(await dealers.get(missing), 404)
    assert_problem(
        await dealers.patch(missing, json={"name": "x"}, headers={"If-Match": '"v1"'}), 404
    )
    assert_problem(await dealers.delete(missing, headers={"If-Match": '"v1"'}), 404)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"code": "D002"}, ["D002"]),
        ({"code": "D00"}, []),  # exact, not a prefix
        ({"region_id": MIANYANG}, ["D002", "D003"]),
        ({"tier": "core"}, ["D001", "D003"]),
        ({"advisor_id": ADVISOR}, ["D003"]),
        ({"region_id": MIANYANG, "tier": "core"}, ["D003"]),
        ({"advisor_id": "01a221de-6ceb-7108-8dab-d0c4dfae1fff"}, []),
    ],
)
async def test_list_filters(
    dealers: httpx.AsyncClient, params: dict[str, str], expected: list[str]
) -> None:
    await create(dealers, 1, tier="core")
    await create(dealers, 2, region_id=MIANYANG)
    third = await create(dealers, 3, region_id=MIANYANG, tier="core")
    await assign(dealers, third["id"], ADVISOR)
    assert [d["code"] for d in await listed(dealers, **params)] == expected


async def test_cursor_pages_give_every_dealer_once_in_creation_order(
    dealers: httpx.AsyncClient,
) -> None:
    # codes deliberately out of alphabetical order: the order is creation, not code
    codes = [(await create(dealers, n))["code"] for n in (5, 3, 9, 1, 7)]
    seen: list[str] = []
    pages = 0
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = (await dealers.get("/v1/dealers", params=params)).json()
        pages += 1
        assert len(page["items"]) <= 2
        seen += [d["code"] for d in page["items"]]
        if page["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": page["next_cursor"]}
    assert seen == codes
    assert pages == 3


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 501},
        {"cursor": "!!"},
        {"tier": "gold"},
        {"region_id": "chengdu"},
        {"advisor_id": "42"},
    ],
)
async def test_bad_list_parameters(dealers: httpx.AsyncClient, params: dict[str, Any]) -> None:
    r = await dealers.get("/v1/dealers", params=params)
    assert_problem(r, 422)
    assert pointers(r) == ["#/" + next(iter(params))]


async def test_write_needs_the_write_scope(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    read_only = auth_headers("dealers", ["dealers:read"])
    if_match = read_only | {"If-Match": '"v1"'}
    replies = [
        await dealers.post("/v1/dealers", json=body(2), headers=read_only),
        await dealers.patch(url(dealer), json={"name": "x"}, headers=if_match),
        await dealers.delete(url(dealer), headers=if_match),
    ]
    for r in replies:
        problem = assert_problem(r, 403)
        assert "dealers:write" in problem["detail"]
        assert problem["missing_scopes"] == ["dealers:write"]
    assert (await dealers.get("/v1/dealers", headers=read_only)).status_code == 200
    assert await listed(dealers) == [(await dealers.get(url(dealer))).json()]
    assert (await dealers.get(url(dealer))).json()["version"] == 1


async def test_read_needs_the_read_scope(dealers: httpx.AsyncClient) -> None:
    write_only = auth_headers("dealers", ["dealers:write"])
    problem = assert_problem(await dealers.get("/v1/dealers", headers=write_only), 403)
    assert "dealers:read" in problem["detail"]
    r = await dealers.get("/v1/dealers", headers={"Authorization": "Bearer nonsense"})
    assert_problem(r, 401)


async def test_events_name_the_dealer(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    dealer = await create(client, 1)
    r = await client.patch(url(dealer), json={"tier": "core"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200
    r = await client.delete(url(dealer), headers={"If-Match": '"v2"'})
    assert r.status_code == 204
    page = await feed(client, "/v1/dealer-events", 3)
    events = page["items"]
    assert [e["type"] for e in events] == ["dealer.created", "dealer.updated", "dealer.deleted"]
    assert all(e["dealer_ids"] == [dealer["id"]] for e in events)
    assert all(e["data"]["id"] == dealer["id"] for e in events)
    assert events[0]["data"]["credit_limit"] == "0.00"
    assert events[1]["data"]["tier"] == "core" and events[1]["data"]["version"] == 2
    assert events[1]["data"]["actor"] == "test-user"
    after = (await client.get("/v1/dealer-events", params={"after": page["next_after"]})).json()
    assert after["items"] == []


async def test_rejected_writes_emit_no_event(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    dealer = await create(client, 1)
    assert (await client.post("/v1/dealers", json=body(2, code="D001"))).status_code == 409
    assert (await client.post("/v1/dealers", json=body(3, tier="gold"))).status_code == 422
    r = await client.patch(url(dealer), json={"name": "x"}, headers={"If-Match": '"v9"'})
    assert r.status_code == 412
    events = (await feed(client, "/v1/dealer-events", 1))["items"]
    assert [e["type"] for e in events] == ["dealer.created"]


@pytest.mark.parametrize("field", ["code", "uscc"])
async def test_concurrent_duplicates_name_the_field(
    dealers_committed: httpx.AsyncClient, field: str
) -> None:
    """Five racing creates of one code (or uscc): one wins, the others are 409 naming it."""
    client = dealers_committed
    same = {"code": "D001"} if field == "code" else {"uscc": uscc(99)}
    replies = await asyncio.gather(
        *(client.post("/v1/dealers", json=body(n, **same)) for n in range(5))
    )
    assert sorted(r.status_code for r in replies) == [201, 409, 409, 409, 409]
    assert all(r.json()["field"] == field for r in replies if r.status_code == 409)
    assert await count(client) == 1
    events = (await feed(client, "/v1/dealer-events", 1))["items"]
    assert [e["type"] for e in events] == ["dealer.created"]
