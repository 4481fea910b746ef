"""A partner key for dealer A can't read, list, write or be told anything of dealer B through any
route that holds dealer data, end to end through the gateway."""

from typing import Any

import httpx
import pytest

from gateway.settings import GatewaySettings
from tests.dealers.helpers import uscc
from tests.gateway.conftest import key_header, person
from tests.harness import feed


async def make_dealer(
    gw: httpx.AsyncClient, headers: dict[str, str], code: str, seq: int
) -> dict[str, Any]:
    region = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"
    body = {"code": code, "name": f"{code} 商贸", "uscc": uscc(seq), "region_id": region}
    r = await gw.post("/v1/dealers", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.fixture
async def two_dealers(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings, admin_key: str
) -> tuple[dict[str, Any], dict[str, Any], str]:
    manager = person(gateway_settings, "manager")
    a = await make_dealer(gw, manager, "DA", 1)
    b = await make_dealer(gw, manager, "DB", 2)
    scopes = ["dealers:read", "dealers:write"]
    r = await gw.post(
        "/v1/api-clients",
        json={"name": "partner-a", "kind": "partner", "scopes": scopes, "dealer_ids": [a["id"]]},
        headers=key_header(admin_key),
    )
    assert r.status_code == 201, r.text
    return a, b, r.json()["key"]["key"]


async def test_partner_lists_only_its_dealer(gw: httpx.AsyncClient, two_dealers: Any) -> None:
    a, _, key = two_dealers
    items = (await gw.get("/v1/dealers", headers=key_header(key))).json()["items"]
    assert [d["id"] for d in items] == [a["id"]]
    filtered = await gw.get("/v1/dealers", params={"code": "DB"}, headers=key_header(key))
    assert filtered.json()["items"] == []


async def test_partner_cannot_read_or_change_another_dealer(
    gw: httpx.AsyncClient, two_dealers: Any, gateway_settings: GatewaySettings
) -> None:
    a, b, key = two_dealers
    mine = await gw.get(f"/v1/dealers/{a['id']}", headers=key_header(key))
    assert mine.status_code == 200
    theirs = await gw.get(f"/v1/dealers/{b['id']}", headers=key_header(key))
    unknown = await gw.get(
        "/v1/dealers/01a221de-0000-7000-8000-000000000000", headers=key_header(key)
    )
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["detail"].replace(b["id"], "X") == unknown.json()["detail"].replace(
        "01a221de-0000-7000-8000-000000000000", "X"
    )
    patch = await gw.patch(
        f"/v1/dealers/{b['id']}",
        json={"contact_name": "x"},
        headers=key_header(key) | {"If-Match": '"v1"'},
    )
    delete = await gw.delete(
        f"/v1/dealers/{b['id']}", headers=key_header(key) | {"If-Match": '"v1"'}
    )
    assert patch.status_code == delete.status_code == 404
    manager = person(gateway_settings, "manager")
    after = (await gw.get(f"/v1/dealers/{b['id']}", headers=manager)).json()
    assert after["version"] == 1 and after.get("contact_name") is None


async def test_partner_feed_tells_nothing_of_other_dealers(
    gw: httpx.AsyncClient, two_dealers: Any
) -> None:
    a, b, key = two_dealers
    events = (await feed(gw, "/v1/dealer-events", 1, headers=key_header(key)))["items"]
    assert events and all(e["dealer_ids"] == [a["id"]] for e in events)
    assert b["id"] not in str(events)


async def test_partner_cannot_create_dealers_or_reach_other_services(
    gw: httpx.AsyncClient, two_dealers: Any
) -> None:
    _, _, key = two_dealers
    r = await gw.post(
        "/v1/dealers",
        json={
            "code": "DC",
            "name": "x",
            "uscc": uscc(3),
            "region_id": "01a221de-6ceb-7108-8dab-d0c4dfae1f7d",
        },
        headers=key_header(key),
    )
    assert r.status_code == 403
    assert (await gw.get("/v1/regions", headers=key_header(key))).status_code == 403
    assert (await gw.get("/v1/advisors", headers=key_header(key))).status_code == 403
    assert (await gw.get("/v1/api-clients", headers=key_header(key))).status_code == 403
