"""Outlets over HTTP: fields and defaults, validation, ETags, filters, transitions between
supplying dealers with history, and partner isolation."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api import listed
from tests.dealers.helpers import (
    assert_problem,
    create,
    feed,
    make_outlet,
    ourl,
    outlet_body,
    partner,
    pointers,
    unknown_id,
)


@pytest.fixture
async def dealer(dealers: httpx.AsyncClient) -> dict[str, Any]:
    return await create(dealers, 1)


async def test_create_keeps_every_field(dealers: httpx.AsyncClient, dealer: Any) -> None:
    extra = {
        "type": "convenience",
        "grade": "B",
        "address": "成都市锦江区春熙路1号",
        "latitude": 30.657,
        "longitude": 104.081234,
        "status": "suspended",
        "joined_on": "2025-03-01",
    }
    r = await dealers.post("/v1/outlets", json=outlet_body(1, dealer, **extra))
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"v1"' and r.headers["location"] == ourl(r.json())
    got = (await dealers.get(ourl(r.json()))).json()
    assert {k: got[k] for k in extra} == extra
    assert got["dealer_id"] == dealer["id"] and got["closed_on"] is None


async def test_defaults(dealers: httpx.AsyncClient, dealer: Any) -> None:
    outlet = await make_outlet(dealers, 1, dealer)
    assert outlet["status"] == "active"
    assert (outlet["address"], outlet["latitude"], outlet["joined_on"]) == (None, None, None)


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ({"type": "kiosk"}, "#/type"),
        ({"grade": "D"}, "#/grade"),
        ({"status": "open"}, "#/status"),
        ({"latitude": 91}, "#/latitude"),
        ({"longitude": -180.5}, "#/longitude"),
        ({"latitude": "30.1"}, "#/latitude"),
        ({"code": "t1"}, "#/code"),
        ({"region_id": "x"}, "#/region_id"),
        ({"joined_on": "2025-02-30"}, "#/joined_on"),
        ({"dealer_id": unknown_id()}, "#/dealer_id"),
        ({"name": ""}, "#/name"),
        ({"name": "   "}, "#/name"),
        ({"name": "\t\n"}, "#/name"),
        ({"name": "\u3000"}, "#/name"),
        ({"address": "  "}, "#/address"),
        ({"joined_on": "9999-12-31"}, "#/joined_on"),
        ({"joined_on": "0001-01-01"}, "#/joined_on"),
        ({"closed_on": "2199-12-31"}, "#/closed_on"),
    ],
)
async def test_bad_fields_are_named_and_nothing_is_written(
    dealers: httpx.AsyncClient, dealer: Any, extra: dict[str, Any], pointer: str
) -> None:
    r = await dealers.post("/v1/outlets", json=outlet_body(1, dealer, **extra))
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert await listed(dealers, "/v1/outlets") == []


async def test_a_duplicate_code_is_a_conflict(dealers: httpx.AsyncClient, dealer: Any) -> None:
    await make_outlet(dealers, 1, dealer)
    r = await dealers.post("/v1/outlets", json=outlet_body(1, dealer, name="again"))
    assert assert_problem(r, 409)["field"] == "code"


async def test_update_needs_if_match_and_closing_sets_the_date(
    dealers: httpx.AsyncClient, dealer: Any
) -> None:
    outlet = await make_outlet(dealers, 1, dealer)
    assert_problem(await dealers.patch(ourl(outlet), json={"grade": "C"}), 428)
    r = await dealers.patch(ourl(outlet), json={"grade": "C"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["grade"] == "C" and r.headers["etag"] == '"v2"'
    stale = await dealers.patch(ourl(outlet), json={"grade": "A"}, headers={"If-Match": '"v1"'})
    assert_problem(stale, 412)
    r = await dealers.patch(ourl(outlet), json={"status": "closed"}, headers={"If-Match": '"v2"'})
    assert r.json()["closed_on"] is not None
    nulled = await dealers.patch(ourl(outlet), json={"grade": None}, headers={"If-Match": '"v3"'})
    assert pointers(nulled) == ["#/grade"]
    moved = await dealers.patch(
        ourl(outlet), json={"dealer_id": dealer["id"]}, headers={"If-Match": '"v3"'}
    )
    assert_problem(moved, 422)
    assert pointers(moved) == ["#/dealer_id"]  # a change of dealer is a transition
    assert "POST /v1/outlets/{id}/transitions" in moved.json()["errors"][0]["detail"]


async def test_delete(dealers: httpx.AsyncClient, dealer: Any) -> None:
    outlet = await make_outlet(dealers, 1, dealer)
    assert_problem(await dealers.delete(ourl(outlet)), 428)
    assert (await dealers.delete(ourl(outlet), headers={"If-Match": '"v1"'})).status_code == 204
    assert_problem(await dealers.get(ourl(outlet)), 404)


async def test_a_dealer_with_outlets_cannot_be_deleted(
    dealers: httpx.AsyncClient, dealer: Any
) -> None:
    for n in range(3):
        await make_outlet(dealers, n, dealer)
    r = await dealers.delete(f"/v1/dealers/{dealer['id']}", headers={"If-Match": '"v1"'})
    problem = assert_problem(r, 409)
    assert "3 outlets" in problem["detail"] and problem["references"] == {"outlets": 3}
    assert [e["detail"] for e in problem["errors"]] == ["is referenced by 3 outlets"]
    assert (await dealers.get(f"/v1/dealers/{dealer['id']}")).status_code == 200


async def test_filters_and_paging(dealers: httpx.AsyncClient, dealer: Any) -> None:
    other = await create(dealers, 2)
    for n in range(5):
        await make_outlet(dealers, n, dealer if n % 2 else other, grade="ABCAB"[n])
    assert len(await listed(dealers, "/v1/outlets", dealer_id=dealer["id"])) == 2
    assert len(await listed(dealers, "/v1/outlets", grade="A")) == 2
    assert len(await listed(dealers, "/v1/outlets", code="T00003")) == 1
    assert await listed(dealers, "/v1/outlets", status="closed") == []
    first = (await dealers.get("/v1/outlets", params={"limit": 3})).json()
    rest = (await dealers.get("/v1/outlets", params={"cursor": first["next_cursor"]})).json()
    codes = [o["code"] for o in first["items"] + rest["items"]]
    assert codes == [f"T{n:05d}" for n in range(5)]


async def test_moving_to_another_dealer_keeps_history(
    dealers: httpx.AsyncClient, dealer: Any
) -> None:
    other = await create(dealers, 2)
    outlet = await make_outlet(dealers, 1, dealer)
    moves = f"{ourl(outlet)}/transitions"
    r = await dealers.post(
        moves, json={"to": other["id"], "reason": "区域调整", "on": "2026-11-01"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["dealer_id"] == other["id"] and r.headers["etag"] == '"v2"'
    [record] = (await dealers.get(moves)).json()["items"]
    assert (record["from"], record["to"]) == (dealer["id"], other["id"])
    assert record["reason"] == "区域调整" and record["actor"] == "test-user"
    assert record["outlet_id"] == outlet["id"] and record["created_at"]
    got = (await dealers.get(ourl(outlet))).json()
    assert got["dealer_id"] == other["id"] and got["version"] == 2
    back = await dealers.post(moves, json={"to": dealer["id"], "on": "2026-11-15"})
    assert back.status_code == 200
    history = (await dealers.get(moves)).json()["items"]
    assert [m["to"] for m in history] == [other["id"], dealer["id"]]
    assert history[1]["on"] == "2026-11-15"


async def test_bad_moves_change_nothing(dealers: httpx.AsyncClient, dealer: Any) -> None:
    other = await create(dealers, 2)
    outlet = await make_outlet(dealers, 1, dealer)
    moves = f"{ourl(outlet)}/transitions"
    same = await dealers.post(moves, json={"to": dealer["id"]})
    assert assert_problem(same, 409)["field"] == "to" and pointers(same) == ["#/to"]
    unknown = await dealers.post(moves, json={"to": unknown_id()})
    assert pointers(unknown) == ["#/to"]
    future = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    for on in (future, "9999-12-31", "0001-01-01", "2026-02-30"):
        r = await dealers.post(moves, json={"to": other["id"], "on": on})
        assert_problem(r, 422)
        assert pointers(r) == ["#/on"], on
    old = await dealers.post(moves, json={"dealer_id": other["id"]})
    assert "#/dealer_id" in pointers(old)
    assert (await dealers.get(moves)).json()["items"] == []
    assert (await dealers.get(ourl(outlet))).json()["version"] == 1
    assert (await dealers.post(moves, json={"to": other["id"], "on": "2026-11-10"})).is_success
    earlier = await dealers.post(moves, json={"to": dealer["id"], "on": "2026-11-09"})
    assert pointers(earlier) == ["#/on"] and "2026-11-10" in earlier.text
    assert len((await dealers.get(moves)).json()["items"]) == 1


async def test_partner_sees_and_writes_only_its_dealers_outlets(
    dealers: httpx.AsyncClient, dealer: Any
) -> None:
    other = await create(dealers, 2)
    mine = await make_outlet(dealers, 1, dealer)
    theirs = await make_outlet(dealers, 2, other)
    headers = partner(dealer)
    listed_ = (await dealers.get("/v1/outlets", headers=headers)).json()["items"]
    assert [o["id"] for o in listed_] == [mine["id"]]
    filtered = await dealers.get("/v1/outlets", params={"dealer_id": other["id"]}, headers=headers)
    assert filtered.json()["items"] == []
    assert (await dealers.get(ourl(mine), headers=headers)).status_code == 200
    if_match = headers | {"If-Match": '"v1"'}
    assert_problem(await dealers.get(ourl(theirs), headers=headers), 404)
    assert_problem(await dealers.patch(ourl(theirs), json={"grade": "C"}, headers=if_match), 404)
    assert_problem(await dealers.delete(ourl(theirs), headers=if_match), 404)
    assert_problem(await dealers.get(f"{ourl(theirs)}/transitions", headers=headers), 404)
    steal = await dealers.post(
        f"{ourl(theirs)}/transitions", json={"to": dealer["id"]}, headers=headers
    )
    assert_problem(steal, 404)
    give = await dealers.post(
        f"{ourl(mine)}/transitions", json={"to": other["id"]}, headers=headers
    )
    assert pointers(give) == ["#/to"]
    create_for_other = await dealers.post(
        "/v1/outlets", json=outlet_body(3, other), headers=headers
    )
    assert pointers(create_for_other) == ["#/dealer_id"]
    ok = await dealers.patch(ourl(mine), json={"grade": "B"}, headers=if_match)
    assert ok.status_code == 200
    after = (await dealers.get(ourl(theirs))).json()
    assert after["version"] == 1 and after["dealer_id"] == other["id"]
    assert len(await listed(dealers, "/v1/outlets")) == 2


async def test_outlet_events_name_the_dealers(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    a, b = await create(client, 1), await create(client, 2)
    outlet = await make_outlet(client, 1, a)
    await client.post(f"{ourl(outlet)}/transitions", json={"to": b["id"]})
    items = (await feed(client, "/v1/dealer-events", 2, type=["outlet.created", "outlet.moved"]))[
        "items"
    ]
    assert [e["type"] for e in items] == ["outlet.created", "outlet.moved"]
    assert items[0]["dealer_ids"] == [a["id"]]
    assert sorted(items[1]["dealer_ids"]) == sorted([a["id"], b["id"]])
    assert (items[1]["data"]["from"], items[1]["data"]["to"]) == (a["id"], b["id"])
