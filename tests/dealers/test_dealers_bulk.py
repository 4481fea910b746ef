"""`POST /v1/dealers/bulk`: upsert by code, a result per item, bad items written not at all."""

from typing import Any

import httpx

from chassis.testing import auth_headers
from tests.dealers.helpers import (
    WRONG_CHECK_CHARACTER,
    assert_problem,
    body,
    create,
    feed,
    listed,
    partner,
)

BULK = "/v1/dealers/bulk"


async def bulk(client: httpx.AsyncClient, *items: dict[str, Any], **kw: Any) -> dict[str, Any]:
    r = await client.post(BULK, json={"items": list(items)}, **kw)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_creates_then_updates_by_code(dealers: httpx.AsyncClient) -> None:
    first = await bulk(dealers, body(1), body(2, tier="core"))
    assert (first["created"], first["updated"], first["invalid"]) == (2, 0, 0)
    assert [i["status"] for i in first["items"]] == ["created", "created"]
    second = await bulk(dealers, body(1, name="新名称", credit_limit="10.5"), body(3))
    assert [i["status"] for i in second["items"]] == ["updated", "created"]
    assert second["items"][0]["id"] == first["items"][0]["id"]
    got = (await dealers.get(f"/v1/dealers/{first['items'][0]['id']}")).json()
    assert (got["name"], got["credit_limit"], got["version"]) == ("新名称", "10.50", 2)
    assert got["lifecycle_stage"] == "identified" and got["contacts"] == []
    assert len(await listed(dealers)) == 3


async def test_bulk_keeps_the_lifecycle_stage(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    r = await dealers.post(f"/v1/dealers/{dealer['id']}/transitions", json={"to": "negotiating"})
    assert r.status_code == 200
    await bulk(dealers, body(1, name="改"))
    got = (await dealers.get(f"/v1/dealers/{dealer['id']}")).json()
    assert got["lifecycle_stage"] == "negotiating" and got["name"] == "改"


async def test_invalid_items_are_reported_and_not_written(dealers: httpx.AsyncClient) -> None:
    result = await bulk(
        dealers,
        body(1),
        body(2, uscc=WRONG_CHECK_CHARACTER),
        body(3, contacts=[{"name": "x", "mobile": "123"}]),
        body(1, name="again"),  # the same code twice
        body(5, uscc=body(1)["uscc"]),  # the same uscc twice
        {"code": "D006"},
        body(7, tier="gold"),
    )
    assert (result["created"], result["invalid"]) == (1, 6)
    errors = {i["index"]: [e["pointer"] for e in i["errors"] or []] for i in result["items"]}
    assert errors[0] == []
    assert errors[1] == ["#/uscc"]
    assert errors[2] == ["#/contacts/0/mobile"]
    assert errors[3] == ["#/code"]
    assert errors[4] == ["#/uscc"]
    assert "#/name" in errors[5] and "#/uscc" in errors[5]
    assert errors[6] == ["#/tier"]
    assert [d["code"] for d in await listed(dealers)] == ["D001"]


async def test_a_uscc_held_by_another_dealer_is_refused_per_item(
    dealers: httpx.AsyncClient,
) -> None:
    await create(dealers, 1)
    result = await bulk(dealers, body(2, uscc=body(1)["uscc"]), body(3))
    assert result["items"][0]["status"] == "invalid"
    assert result["items"][0]["errors"][0]["pointer"] == "#/uscc"
    assert result["items"][1]["status"] == "created"


async def test_request_limits(dealers: httpx.AsyncClient) -> None:
    assert_problem(await dealers.post(BULK, json={"items": []}), 422)
    too_many = [body(1)] * 1001
    assert_problem(await dealers.post(BULK, json={"items": too_many}), 422)
    assert_problem(await dealers.post(BULK, json=[body(1)]), 422)
    result = await bulk(dealers, *[body(n) for n in range(1000)])
    assert result["created"] == 1000


async def test_partners_and_readers_cannot_bulk(dealers: httpx.AsyncClient) -> None:
    mine = await create(dealers, 1)
    r = await dealers.post(BULK, json={"items": [body(1, name="x")]}, headers=partner(mine))
    assert_problem(r, 403)
    reader = auth_headers("dealers", ["dealers:read"])
    assert_problem(await dealers.post(BULK, json={"items": [body(2)]}, headers=reader), 403)
    assert [d["name"] for d in await listed(dealers)] == [mine["name"]]


async def test_bulk_emits_one_event_per_written_item(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    await bulk(client, body(1), body(2, uscc="bad"))
    await bulk(client, body(1, name="新"))
    items = (await feed(client, "/v1/dealer-events", 2))["items"]
    assert [e["type"] for e in items] == ["dealer.created", "dealer.updated"]
    assert items[1]["data"]["name"] == "新"
    assert items[0]["dealer_ids"] == [items[0]["data"]["id"]]


async def test_a_blank_name_fails_its_item_only(dealers: httpx.AsyncClient) -> None:
    result = await bulk(dealers, body(1, name="\u3000 "), body(2, name=" 二号 "))
    assert [i["status"] for i in result["items"]] == ["invalid", "created"]
    assert [e["pointer"] for e in result["items"][0]["errors"]] == ["#/name"]
    assert [d["name"] for d in (await dealers.get(BULK.removesuffix("/bulk"))).json()["items"]] == [
        "二号"
    ]
