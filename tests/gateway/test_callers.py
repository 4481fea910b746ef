"""Who the caller is and where it calls from: one credential per request, failed attempts limited
per client address, and an address no caller can forge."""

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from gateway.app import create_app
from gateway.clientaddress import client_address, networks
from gateway.settings import GatewaySettings, Limit
from scripts.stack import SERVICES, Stack, free_port
from tests.gateway.conftest import key_header, person
from tests.gateway.helpers import audit
from tests.harness import Databases

PROBLEM = "application/problem+json"
REDIS_URL = os.environ.get("TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parents[2]
BAD_KEY = "arsk_0123456789ab_" + "x" * 43


async def erp_key(gw: httpx.AsyncClient, admin_key: str, name: str = "erp") -> str:
    body = {"name": name, "kind": "erp", "scopes": ["regions:read"]}
    r = await gw.post("/v1/api-clients", json=body, headers=key_header(admin_key))
    assert r.status_code == 201, r.text
    return str(r.json()["key"]["key"])


@pytest.fixture
async def callers(
    gw: httpx.AsyncClient, admin_key: str, gateway_settings: GatewaySettings
) -> dict[str, dict[str, str]]:
    """One valid credential of each kind, and a second key."""
    return {
        "jwt": person(gateway_settings, "viewer"),
        "key": {"X-API-Key": await erp_key(gw, admin_key)},
        "other key": {"X-API-Key": await erp_key(gw, admin_key, "erp-2")},
    }


def _combinations(c: dict[str, dict[str, str]]) -> dict[str, list[tuple[str, str]]]:
    jwt, key, other = c["jwt"]["Authorization"], c["key"]["X-API-Key"], c["other key"]["X-API-Key"]
    bearer_key = f"Bearer {key}"
    return {
        "a valid JWT and a bad X-API-Key": [("Authorization", jwt), ("X-API-Key", "wrong")],
        "a valid JWT and a valid X-API-Key": [("Authorization", jwt), ("X-API-Key", key)],
        "a key and Basic": [("X-API-Key", key), ("Authorization", "Basic dXNlcjpwYXNz")],
        "two X-API-Keys": [("X-API-Key", key), ("X-API-Key", other)],
        "a key as bearer and in X-API-Key": [("Authorization", bearer_key), ("X-API-Key", key)],
        "two Authorization headers": [("Authorization", jwt), ("Authorization", bearer_key)],
    }


async def test_more_than_one_credential_is_a_400_and_audited(
    gw: httpx.AsyncClient, admin_key: str, callers: dict[str, dict[str, str]]
) -> None:
    combinations = _combinations(callers)
    for name, headers in combinations.items():
        for method in ("GET", "POST"):
            r = await gw.request(method, "/v1/regions", headers=headers, json={})
            assert r.status_code == 400, (name, method, r.text)
            assert r.headers["content-type"] == PROBLEM
            assert r.json()["type"].endswith("/ambiguous-credentials")
            assert "one credential" in r.json()["detail"], name
    for headers in callers.values():  # each alone is fine
        assert (await gw.get("/v1/regions", headers=headers)).status_code == 200
    refused = [e for e in await audit(gw, admin_key) if e["status"] == 400]
    assert len(refused) == 2 * len(combinations)
    assert all(e["actor"] is None and e["client_ip"] == "203.0.113.9" for e in refused)
    assert {e["method"] for e in refused} == {"GET", "POST"}


async def test_a_scheme_other_than_bearer_is_refused(
    gw: httpx.AsyncClient, gateway: Any, admin_key: str
) -> None:
    """Even in development, where a request without credentials acts as the developer: a
    request with credentials is checked as in production."""
    gateway.gateway.settings.dev_auth = True
    try:
        r = await gw.get("/v1/regions", headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert r.status_code == 401 and "Basic" in r.json()["detail"]
        assert (await gw.get("/v1/regions")).status_code == 200
        blank = await gw.get("/v1/regions", headers={"X-API-Key": " ", "Authorization": ""})
        assert blank.status_code == 200  # blank headers carry no credential
    finally:
        gateway.gateway.settings.dev_auth = False


async def test_failed_authentication_is_limited_per_client_address(
    gw: httpx.AsyncClient, gateway: Any, admin_key: str, callers: dict[str, dict[str, str]]
) -> None:
    answers = [await gw.get("/v1/regions", headers={"X-API-Key": BAD_KEY}) for _ in range(31)]
    assert [a.status_code for a in answers] == [401] * 30 + [429]
    limited = answers[-1]
    assert limited.headers["content-type"] == PROBLEM and int(limited.headers["retry-after"]) >= 1
    assert "failed authentications" in limited.json()["detail"]
    bad_jwt = {"Authorization": "Bearer not-a-token"}
    assert (await gw.get("/v1/regions", headers=bad_jwt)).status_code == 429
    # valid credentials from the same address still pass: only failures are refused
    assert (await gw.get("/v1/regions", headers=callers["key"])).status_code == 200
    # another address has its own count
    other = httpx.ASGITransport(app=gateway, client=("198.51.100.4", 1))
    async with httpx.AsyncClient(transport=other, base_url="http://gw") as elsewhere:
        r = await elsewhere.get("/v1/regions", headers={"X-API-Key": BAD_KEY})
        assert r.status_code == 401
    denied = await audit(gw, admin_key, outcome="denied")
    assert len(denied) >= 30


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (no local Redis)")
async def test_two_gateways_on_redis_count_failures_together(
    gateway_settings: GatewaySettings, gw: httpx.AsyncClient
) -> None:
    settings = gateway_settings.model_copy(
        update={"redis_url": REDIS_URL, "auth_failure_limit": Limit(rate=0.01, burst=10)}
    )
    address = f"192.0.2.{uuid.uuid4().int % 250 + 1}"
    first, second = create_app(settings), create_app(settings)
    codes = []
    async with LifespanManager(first), LifespanManager(second):
        for i in range(12):
            transport = httpx.ASGITransport(app=first if i % 2 else second, client=(address, 1))
            async with httpx.AsyncClient(transport=transport, base_url="http://g") as c:
                codes.append((await c.get("/v1/regions", headers=key_header(BAD_KEY))).status_code)
    # replicas take tokens in batches, so together they may refuse sooner, never later
    assert 401 in codes and codes[-2:] == [429, 429]
    assert codes.count(401) <= 10 and codes == sorted(codes)


# --- the client address ----------------------------------------------------------------------


def _scope(peer: str, forwarded: str | None = None) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return {"type": "http", "client": (peer, 5000), "headers": headers}


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "client"),
    [
        ([], "127.0.0.1", "6.6.6.6", "127.0.0.1"),  # nobody is trusted by default
        ([], "203.0.113.9", "6.6.6.6", "203.0.113.9"),
        (["10.0.0.0/8"], "203.0.113.9", "6.6.6.6", "203.0.113.9"),  # not from a proxy
        (["10.0.0.0/8"], "10.1.2.3", "6.6.6.6", "6.6.6.6"),
        (["10.0.0.0/8"], "10.1.2.3", "6.6.6.6, 198.51.100.7, 10.9.9.9", "198.51.100.7"),
        (["10.0.0.0/8", "192.0.2.1"], "10.1.2.3", "198.51.100.7, 192.0.2.1", "198.51.100.7"),
        (["10.0.0.0/8"], "10.1.2.3", "garbage, 198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.1.2.3", "198.51.100.7, garbage", "10.1.2.3"),
        (["10.0.0.0/8"], "10.1.2.3", None, "10.1.2.3"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_address_believes_only_trusted_proxies(
    trusted: list[str], peer: str, forwarded: str | None, client: str
) -> None:
    assert client_address(_scope(peer, forwarded), networks(trusted)) == client


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        GatewaySettings(trusted_proxies=["10.0.0.0/8", "proxy.example"])


async def test_a_forged_x_forwarded_for_reaches_neither_audit_nor_service(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings, admin_key: str
) -> None:
    manager = person(gateway_settings, "manager") | {"X-Forwarded-For": "6.6.6.6"}
    r = await gw.post("/v1/regions", json={"code": "510000", "name": "四川省"}, headers=manager)
    assert r.status_code == 201, r.text
    [event] = await audit(gw, admin_key, actor="user:alice")
    assert event["client_ip"] == "203.0.113.9"


async def test_behind_a_trusted_proxy_the_forwarded_client_is_audited(
    gateway_settings: GatewaySettings, gateway: Any, admin_key: str
) -> None:
    settings = gateway_settings.model_copy(update={"trusted_proxies": ["203.0.113.0/24"]})
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as gw:
            headers = person(settings, "manager") | {"X-Forwarded-For": "6.6.6.6, 198.51.100.7"}
            r = await gw.post("/v1/regions", json={"code": "510000", "name": "四"}, headers=headers)
            assert r.status_code == 201, r.text
            [event] = await audit(gw, admin_key, actor="user:alice")
    assert event["client_ip"] == "198.51.100.7"


def test_no_gateway_process_lets_uvicorn_rewrite_the_client_address() -> None:
    """uvicorn believes X-Forwarded-For from 127.0.0.1 by default; the gateway decides itself."""
    stack = Stack(database_urls={})
    assert "--no-proxy-headers" in stack.command("gateway")
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = dockerfile[dockerfile.index("\nCMD ") :]
    assert "gateway.app:create_app" in cmd and '"--no-proxy-headers"' in cmd
    compose = (ROOT / "docker-compose.yml").read_text()
    serve = compose[compose.index("exec uvicorn --factory gateway.app") :]
    assert "--no-proxy-headers" in serve[: serve.index("environment:")]


@pytest.mark.e2e
async def test_the_running_gateway_audits_the_peer_not_a_forged_header(
    databases: Databases, tmp_path: Path
) -> None:
    """A real gateway process started as `make run` and the end-to-end tests start it: a local
    caller's `X-Forwarded-For` does not become the audited address."""
    urls = {name: f"sqlite+aiosqlite:///{tmp_path}/{name}.db" for name in SERVICES}
    urls["gateway"] = await databases.url("gateway", "sqlite", "process")
    ports = {name: free_port() for name in (*SERVICES, "gateway")}
    stack = Stack(urls, ports=ports, extra_env={"GATEWAY_DEV_AUTH": "true"})
    stack.quiet = True
    stack.start("gateway")
    try:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as gw:
            await _until_alive(gw)
            body = {"name": f"erp-{uuid.uuid4().hex[:8]}", "kind": "erp", "scopes": []}
            forged = {"X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.6"}
            r = await gw.post("/v1/api-clients", json=body, headers=forged)
            assert r.status_code == 201, r.text
            r = await gw.get("/v1/audit-events", params={"limit": 500})
            [event] = [e for e in r.json()["items"] if e["method"] == "POST"]
    finally:
        stack.stop_all()
    assert event["client_ip"] == "127.0.0.1"


async def _until_alive(gw: httpx.AsyncClient) -> None:
    for _ in range(200):
        try:
            if (await gw.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("the gateway did not start")
