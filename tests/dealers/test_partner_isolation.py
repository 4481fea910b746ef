"""Partners see and act only for their own dealers, and may change only their contact details;
another dealer looks exactly like one that does not exist."""

from typing import Any

import httpx
import pytest

from tests.dealers.helpers import (
    MIANYANG,
    assert_problem,
    body,
    count,
    create,
    listed,
    partner,
    unknown_id,
    url,
)
from tests.harness import feed

Dealers = tuple[dict[str, Any], dict[str, Any], dict[str, Any]]


@pytest.fixture
async def three(dealers: httpx.AsyncClient) -> Dealers:
    """Three dealers; the partner in these tests acts for the first two."""
    return (await create(dealers, 1), await create(dealers, 2), await create(dealers, 3))


def same_problem(r: httpx.Response, dealer_id: str) -> dict[str, Any]:
    """The problem with its instance dropped and the requested id masked."""
    problem = dict(r.json())
    problem.pop("instance", None)
    return {
        k: v.replace(dealer_id, "<id>") if isinstance(v, str) else v for k, v in problem.items()
    }


async def test_list_shows_only_the_partners_dealers(
    dealers: httpx.AsyncClient, three: Dealers
) -> None:
    mine = partner(three[0], three[1])
    r = await dealers.get("/v1/dealers", headers=mine)
    assert r.status_code == 200
    assert [d["id"] for d in r.json()["items"]] == [three[0]["id"], three[1]["id"]]
    r = await dealers.get("/v1/dealers", params={"code": three[2]["code"]}, headers=mine)
    assert r.json()["items"] == []
    assert len(await listed(dealers)) == 3  # staff still see everyone


async def test_a_partner_without_dealers_sees_nothing(
    dealers: httpx.AsyncClient, three: Dealers
) -> None:
    nobody = partner()
    r = await dealers.get("/v1/dealers", headers=nobody)
    assert r.status_code == 200
    assert r.json() == {"items": [], "next_cursor": None}
    assert_problem(await dealers.get(url(three[0]), headers=nobody), 404)


async def test_partner_reads_its_own_dealer(dealers: httpx.AsyncClient, three: Dealers) -> None:
    r = await dealers.get(url(three[0]), headers=partner(three[0]))
    assert r.status_code == 200
    assert r.json() == three[0] and r.headers["etag"] == '"v1"'


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
async def test_another_dealer_looks_like_an_unknown_one(
    dealers: httpx.AsyncClient, three: Dealers, method: str
) -> None:
    mine = partner(three[0]) | {"If-Match": '"v1"'}
    kwargs: dict[str, Any] = {"headers": mine}
    if method == "patch":
        kwargs["json"] = {"contact_name": "冒名"}

    async def ask(dealer_id: str) -> httpx.Response:
        return await dealers.request(method.upper(), url(dealer_id), **kwargs)

    other, unknown = three[2]["id"], unknown_id()
    for_other, for_unknown = await ask(other), await ask(unknown)
    assert_problem(for_other, 404)
    assert_problem(for_unknown, 404)
    assert same_problem(for_other, other) == same_problem(for_unknown, unknown)
    got = await dealers.get(url(three[2]))
    assert got.json() == three[2] and got.headers["etag"] == '"v1"'


async def test_partner_cannot_create(dealers: httpx.AsyncClient, three: Dealers) -> None:
    r = await dealers.post("/v1/dealers", json=body(4), headers=partner(three[0]))
    assert_problem(r, 403)
    assert await count(dealers) == 3


async def test_partner_updates_its_contact_details(
    dealers: httpx.AsyncClient, three: Dealers
) -> None:
    contact = {"contact_name": "李店长", "contact_mobile": "13912345678"}
    r = await dealers.patch(
        url(three[0]), json=contact, headers=partner(three[0]) | {"If-Match": '"v1"'}
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"v2"'
    got = (await dealers.get(url(three[0]))).json()  # as staff
    assert {k: got[k] for k in contact} == contact
    assert got["credit_limit"] == three[0]["credit_limit"]


async def test_partner_contact_update_still_needs_the_etag(
    dealers: httpx.AsyncClient, three: Dealers
) -> None:
    r = await dealers.patch(url(three[0]), json={"contact_name": "李"}, headers=partner(three[0]))
    assert_problem(r, 428)
    r = await dealers.patch(
        url(three[0]), json={"contact_name": "李"}, headers=partner(three[0]) | {"If-Match": '"v7"'}
    )
    assert_problem(r, 412)
    assert (await dealers.get(url(three[0]))).json() == three[0]


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "改名"},
        {"tier": "core"},
        {"credit_limit": "99999999.00"},
        {"region_id": MIANYANG},
        {"contact_name": "李店长", "credit_limit": "1.00"},  # contact details do not carry it
    ],
)
async def test_partner_cannot_change_master_data(
    dealers: httpx.AsyncClient, three: Dealers, changes: dict[str, Any]
) -> None:
    r = await dealers.patch(
        url(three[0]), json=changes, headers=partner(three[0]) | {"If-Match": '"v1"'}
    )
    problem = assert_problem(r, 403)
    assert all(name in problem["detail"] for name in changes if not name.startswith("contact"))
    # refused before the precondition is even looked at
    r = await dealers.patch(url(three[0]), json=changes, headers=partner(three[0]))
    assert_problem(r, 403)
    got = await dealers.get(url(three[0]))
    assert got.json() == three[0] and got.headers["etag"] == '"v1"'


async def test_partner_cannot_delete_its_dealer(dealers: httpx.AsyncClient, three: Dealers) -> None:
    r = await dealers.delete(url(three[0]), headers=partner(three[0]) | {"If-Match": '"v1"'})
    assert_problem(r, 403)
    assert (await dealers.get(url(three[0]))).status_code == 200
    assert await count(dealers) == 3


async def test_partner_feed_shows_only_its_dealers(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    mine, other = await create(client, 1), await create(client, 2)
    for dealer in (mine, other):
        r = await client.patch(url(dealer), json={"tier": "core"}, headers={"If-Match": '"v1"'})
        assert r.status_code == 200
    everything = (await feed(client, "/v1/dealer-events", 4))["items"]
    assert len(everything) == 4
    seen = (await client.get("/v1/dealer-events", headers=partner(mine))).json()["items"]
    assert [e["type"] for e in seen] == ["dealer.created", "dealer.updated"]
    assert all(e["dealer_ids"] == [mine["id"]] for e in seen)
    nothing = (await client.get("/v1/dealer-events", headers=partner())).json()
    assert nothing["items"] == []
