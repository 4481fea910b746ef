"""The public door: people's tokens, API keys, scopes, audit, CORS and security headers."""

import asyncio
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.devidp import DEV_IDP_PRIVATE_KEY
from gateway.people import mint_person_token
from gateway.settings import GatewaySettings
from tests.gateway.conftest import key_header, person
from tests.gateway.helpers import audit

PROBLEM = "application/problem+json"


async def test_roles_map_to_scopes(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings
) -> None:
    manager = person(gateway_settings, "manager")
    viewer = person(gateway_settings, "viewer", subject="victor")
    created = await gw.post(
        "/v1/regions", json={"code": "510000", "name": "四川省"}, headers=manager
    )
    assert created.status_code == 201, created.text
    assert (await gw.get("/v1/regions", headers=viewer)).status_code == 200
    denied = await gw.post("/v1/regions", json={"code": "520000", "name": "贵州省"}, headers=viewer)
    assert denied.status_code == 403 and denied.headers["content-type"] == PROBLEM
    assert "regions:write" in denied.json()["detail"]


def _other_key() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def _bad_tokens(settings: GatewaySettings) -> dict[str, str]:
    now = time.time()
    wrong_iss = settings.model_copy(update={"idp_issuer": "https://evil.example/"})
    wrong_aud = settings.model_copy(update={"idp_audience": "someone-else"})
    return {
        "expired": mint_person_token(
            DEV_IDP_PRIVATE_KEY, settings, subject="a", roles=["admin"], now=now - 7200, ttl=60
        ),
        "forged": mint_person_token(_other_key(), settings, subject="a", roles=["admin"]),
        "wrong issuer": mint_person_token(
            DEV_IDP_PRIVATE_KEY, wrong_iss, subject="a", roles=["admin"]
        ),
        "wrong audience": mint_person_token(
            DEV_IDP_PRIVATE_KEY, wrong_aud, subject="a", roles=["admin"]
        ),
        "unsigned": jwt.encode({"sub": "a", "roles": ["admin"]}, None, algorithm="none"),
        "garbage": "not-a-token",
        "unknown key": "arsk_0123456789ab_" + "x" * 43,
    }


async def test_bad_credentials_are_refused_and_audited(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings, admin_key: str
) -> None:
    for name, token in _bad_tokens(gateway_settings).items():
        r = await gw.get("/v1/regions", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, name
        assert r.headers["content-type"] == PROBLEM, name
        assert r.headers["www-authenticate"].startswith("Bearer"), name
    assert (await gw.get("/v1/regions")).status_code == 401
    denied = await audit(gw, admin_key, outcome="denied")
    assert len(denied) == 8
    assert all(e["status"] == 401 and e["path"] == "/v1/regions" for e in denied)
    assert any("expired" in (e["detail"] or "").lower() for e in denied)


async def create_client(gw: httpx.AsyncClient, admin_key: str, **body: Any) -> dict[str, Any]:
    r = await gw.post("/v1/api-clients", json=body, headers=key_header(admin_key))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_api_key_is_shown_once_and_stored_hashed(
    gw: httpx.AsyncClient, admin_key: str, gateway: Any
) -> None:
    client = await create_client(gw, admin_key, name="erp", kind="erp", scopes=["regions:read"])
    key = client["key"]["key"]
    assert key.startswith("arsk_") and len(key) > 50
    assert (
        "key"
        not in (
            await gw.get(f"/v1/api-clients/{client['id']}", headers=key_header(admin_key))
        ).json()
    )
    listed = (
        await gw.get(f"/v1/api-clients/{client['id']}/keys", headers=key_header(admin_key))
    ).json()
    assert key not in str(listed) and listed["items"][0]["prefix"] == key[:17]
    from sqlalchemy import select

    from gateway.models import api_keys

    async with gateway.gateway.db.session() as session:
        stored = (await session.execute(select(api_keys))).mappings().all()
    assert all(key not in str(dict(row)) for row in stored)
    r = await gw.get("/v1/regions", headers={"X-API-Key": key})
    assert r.status_code == 200
    r = await gw.post("/v1/regions", json={"code": "510000", "name": "x"}, headers=key_header(key))
    assert r.status_code == 403


async def test_revoked_key_stops_within_a_second(gw: httpx.AsyncClient, admin_key: str) -> None:
    client = await create_client(gw, admin_key, name="erp", kind="erp", scopes=["regions:read"])
    key, key_id = client["key"]["key"], client["key"]["id"]
    assert (await gw.get("/v1/regions", headers=key_header(key))).status_code == 200
    r = await gw.delete(
        f"/v1/api-clients/{client['id']}/keys/{key_id}", headers=key_header(admin_key)
    )
    assert r.status_code == 204
    await asyncio.sleep(1.05)
    assert (await gw.get("/v1/regions", headers=key_header(key))).status_code == 401


async def test_rotation_keeps_the_old_key_for_the_overlap(
    gw: httpx.AsyncClient, admin_key: str
) -> None:
    client = await create_client(gw, admin_key, name="erp", kind="erp", scopes=["regions:read"])
    old = client["key"]["key"]
    url = f"/v1/api-clients/{client['id']}/keys"
    rotated = await gw.post(url, json={"overlap_seconds": 3600}, headers=key_header(admin_key))
    assert rotated.status_code == 201
    new = rotated.json()["key"]
    assert (await gw.get("/v1/regions", headers=key_header(old))).status_code == 200
    assert (await gw.get("/v1/regions", headers=key_header(new))).status_code == 200
    again = await gw.post(url, json={"overlap_seconds": 0}, headers=key_header(admin_key))
    await asyncio.sleep(1.05)
    assert (await gw.get("/v1/regions", headers=key_header(old))).status_code == 401
    assert (await gw.get("/v1/regions", headers=key_header(new))).status_code == 401
    assert (await gw.get("/v1/regions", headers=key_header(again.json()["key"]))).status_code == 200


async def test_deactivated_client_is_refused(gw: httpx.AsyncClient, admin_key: str) -> None:
    client = await create_client(gw, admin_key, name="erp", kind="erp", scopes=["regions:read"])
    r = await gw.patch(
        f"/v1/api-clients/{client['id']}",
        json={"active": False},
        headers=key_header(admin_key) | {"If-Match": '"v1"'},
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert (
        await gw.get("/v1/regions", headers=key_header(client["key"]["key"]))
    ).status_code == 401


async def test_admin_api_needs_admin(
    gw: httpx.AsyncClient, admin_key: str, gateway_settings: GatewaySettings
) -> None:
    manager = person(gateway_settings, "manager")
    r = await gw.get("/v1/api-clients", headers=manager)
    assert r.status_code == 403 and r.headers["content-type"] == PROBLEM
    assert "admin" in r.json()["detail"]
    r = await gw.post(
        "/v1/api-clients", json={"name": "x", "kind": "erp", "scopes": []}, headers=manager
    )
    assert r.status_code == 403
    assert (await gw.get("/v1/audit-events", headers=manager)).status_code == 403
    denied = await audit(gw, admin_key, outcome="denied", actor="user:alice")
    assert [e["method"] for e in denied] == ["GET", "POST", "GET"]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": "p", "kind": "partner", "scopes": ["dealers:read"]}, "#/dealer_ids"),
        (
            {
                "name": "e",
                "kind": "erp",
                "scopes": [],
                "dealer_ids": ["01a221de-6ceb-7108-8dab-d0c4dfae1f7d"],
            },
            "#/dealer_ids",
        ),
        ({"name": "e", "kind": "robot", "scopes": []}, "#/kind"),
        ({"name": "e", "kind": "erp", "scopes": ["Bad Scope"]}, "#/scopes/0"),
        ({"name": "e", "kind": "erp", "scopes": [], "rate": 5}, "#/burst"),
        ({"name": "e", "kind": "erp", "scopes": [], "extra": 1}, "#/extra"),
        ({"name": "   ", "kind": "erp", "scopes": []}, "#/name"),
        ({"name": "\u3000\t\n", "kind": "erp", "scopes": []}, "#/name"),
    ],
)
async def test_bad_client_definitions(
    gw: httpx.AsyncClient, admin_key: str, body: dict[str, Any], pointer: str
) -> None:
    r = await gw.post("/v1/api-clients", json=body, headers=key_header(admin_key))
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert pointer in [e["pointer"] for e in r.json()["errors"]]
    listed = (await gw.get("/v1/api-clients", headers=key_header(admin_key))).json()["items"]
    assert [c["name"] for c in listed] == ["test-admin"]


async def test_writes_are_audited(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings, admin_key: str
) -> None:
    manager = person(gateway_settings, "manager")
    await gw.post(
        "/v1/regions",
        json={"code": "510000", "name": "四川省"},
        headers=manager | {"X-Request-ID": "rid-w1"},
    )
    await gw.post("/v1/regions", json={"code": "5100"}, headers=manager)
    events = [e for e in await audit(gw, admin_key, actor="user:alice")]
    assert [(e["method"], e["status"], e["outcome"]) for e in events] == [
        ("POST", 201, "ok"),
        ("POST", 422, "rejected"),
    ]
    assert events[0]["request_id"] == "rid-w1" and events[0]["client_ip"] == "203.0.113.9"


async def test_security_headers_and_cors(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings
) -> None:
    r = await gw.get(
        "/v1/regions",
        headers=person(gateway_settings, "viewer") | {"Origin": "https://app.example.com"},
    )
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "etag" in r.headers["access-control-expose-headers"].lower()
    pre = await gw.options(
        "/v1/regions",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,if-match",
        },
    )
    assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]
    evil = await gw.options(
        "/v1/regions",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in evil.headers
