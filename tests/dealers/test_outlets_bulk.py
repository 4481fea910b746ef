"""`POST /v1/outlets/bulk`: upsert by code; another supplying dealer records a move; partners'
items for other dealers are refused one by one."""

from typing import Any

import httpx

from tests.api import listed
from tests.dealers.helpers import create, feed, outlet_body, partner, unknown_id

BULK = "/v1/outlets/bulk"


async def bulk(client: httpx.AsyncClient, items: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    r = await client.post(BULK, json={"items": items}, **kw)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_upsert_by_code(dealers: httpx.AsyncClient) -> None:
    d = await create(dealers, 1)
    first = await bulk(dealers, [outlet_body(n, d) for n in range(3)])
    assert first["created"] == 3
    second = await bulk(dealers, [outlet_body(0, d, grade="C", latitude=30.5), outlet_body(3, d)])
    assert [i["status"] for i in second["items"]] == ["updated", "created"]
    got = (await dealers.get(f"/v1/outlets/{first['items'][0]['id']}")).json()
    assert (got["grade"], got["latitude"], got["version"]) == ("C", 30.5, 2)
    assert len(await listed(dealers, "/v1/outlets")) == 4


async def test_a_new_supplying_dealer_is_a_recorded_move(dealers: httpx.AsyncClient) -> None:
    a, b = await create(dealers, 1), await create(dealers, 2)
    first = await bulk(dealers, [outlet_body(1, a), outlet_body(2, a)])
    await bulk(dealers, [outlet_body(1, b), outlet_body(2, a)])
    moved, kept = (item["id"] for item in first["items"])
    history = (await dealers.get(f"/v1/outlets/{moved}/transitions")).json()["items"]
    assert [(m["from"], m["to"]) for m in history] == [(a["id"], b["id"])]
    assert history[0]["reason"] == "bulk upsert"
    assert (await dealers.get(f"/v1/outlets/{kept}/transitions")).json()["items"] == []


async def test_bad_items_are_refused_one_by_one(dealers: httpx.AsyncClient) -> None:
    d = await create(dealers, 1)
    result = await bulk(
        dealers,
        [
            outlet_body(1, d),
            outlet_body(2, d, grade="Z"),
            outlet_body(3, d, dealer_id=unknown_id()),
            outlet_body(1, d, name="again"),
            {"code": "T9"},
        ],
    )
    assert (result["created"], result["invalid"]) == (1, 4)
    errors = {i["index"]: [e["pointer"] for e in i["errors"] or []] for i in result["items"]}
    assert errors[1] == ["#/grade"] and errors[2] == ["#/dealer_id"] and errors[3] == ["#/code"]
    assert "#/dealer_id" in errors[4]
    assert [o["code"] for o in await listed(dealers, "/v1/outlets")] == ["T00001"]


async def test_partner_items_for_other_dealers_are_refused(dealers: httpx.AsyncClient) -> None:
    mine, other = await create(dealers, 1), await create(dealers, 2)
    theirs = (await bulk(dealers, [outlet_body(9, other)]))["items"][0]["id"]
    result = await bulk(
        dealers,
        [
            outlet_body(1, mine),
            outlet_body(2, other),  # for another dealer
            outlet_body(9, mine, name="taken over"),  # another dealer's outlet, by its code
        ],
        headers=partner(mine),
    )
    statuses = [i["status"] for i in result["items"]]
    assert statuses == ["created", "invalid", "invalid"]
    assert result["items"][1]["errors"][0]["pointer"] == "#/dealer_id"
    assert result["items"][2]["errors"][0]["pointer"] == "#/code"
    after = (await dealers.get(f"/v1/outlets/{theirs}")).json()
    assert after["version"] == 1 and after["dealer_id"] == other["id"]
    assert len(await listed(dealers, "/v1/outlets")) == 2


async def test_a_thousand_items_in_one_request(dealers: httpx.AsyncClient) -> None:
    d = await create(dealers, 1)
    items = [outlet_body(n, d, latitude=30 + n / 1000, longitude=104.0) for n in range(1000)]
    assert (await bulk(dealers, items))["created"] == 1000
    assert (await bulk(dealers, items))["updated"] == 1000


async def test_bulk_events_name_the_dealer(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    d = await create(client, 1)
    await bulk(client, [outlet_body(1, d), outlet_body(2, d)])
    items = (await feed(client, "/v1/dealer-events", 2, type="outlet.created"))["items"]
    assert len(items) == 2 and all(e["dealer_ids"] == [d["id"]] for e in items)
