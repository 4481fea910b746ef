"""The gateway as a reverse proxy, in front of a fake upstream that shows what it received."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from asgi_lifespan import LifespanManager

from chassis.devkeys import DEV_PUBLIC_KEY
from chassis.identity import TokenVerifier
from gateway.app import create_app
from gateway.devidp import DEV_IDP_PRIVATE_KEY
from gateway.people import mint_person_token
from gateway.settings import CONTRACTS_DIR, GatewaySettings
from tests.harness import SERVICES, Databases


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "path": request.path_qs,
            "method": request.method,
            "headers": dict(request.headers),
            "size": len(body),
        },
        status=201 if request.method == "POST" else 200,
        headers={"X-Upstream": "yes", "Connection": "keep-alive"},
    )


async def big(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    await response.prepare(request)
    for _ in range(64):
        await response.write(b"x" * 16384)
    await response.write_eof()
    return response


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(4)
    return web.json_response({})


@pytest.fixture
async def upstream() -> AsyncIterator[TestServer]:
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_get("/v1/regions/big", big)
    app.router.add_get("/v1/regions/slow", slow)
    app.router.add_get("/v1/advisors/slow", slow)
    app.router.add_route("*", "/{tail:.*}", echo)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def gateway_client(settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gw"
        ) as c,
    ):
        yield c


@pytest.fixture
async def gw(upstream: TestServer, databases: Databases) -> AsyncIterator[httpx.AsyncClient]:
    url = str(upstream.make_url("")).rstrip("/")
    settings = GatewaySettings(
        regions_url=url,
        dealers_url="http://127.0.0.1:1",
        advisors_url=url,
        dev_auth=True,
        upstream_timeout=1.5,
        access_log=False,
        log_level="WARNING",
        database_url=await databases.url("gateway", "sqlite", "proxy"),
    )
    async for client in gateway_client(settings):
        yield client


async def test_forwards_a_signed_identity_and_strips_the_callers(gw: httpx.AsyncClient) -> None:
    caller = mint_person_token(
        DEV_IDP_PRIVATE_KEY, GatewaySettings(), subject="carol", roles=["viewer"]
    )
    spoof = {
        "Authorization": f"Bearer {caller}",
        "X-ARS-Principal": "admin",
        "X-Forwarded-For": "6.6.6.6",
        "Cookie": "session=1",
        "X-Request-ID": "rid-1",
    }
    r = await gw.get("/v1/regions/abc?x=1&y=%E5%9B%9B", headers=spoof)
    assert r.status_code == 200 and r.headers["x-request-id"] == "rid-1"
    seen: dict[str, Any] = r.json()
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert seen["path"] == "/v1/regions/abc?x=1&y=%E5%9B%9B"
    assert "x-ars-principal" not in headers and "cookie" not in headers
    assert headers["x-forwarded-for"] != "6.6.6.6"
    assert headers["x-request-id"] == "rid-1"
    token = headers["authorization"].removeprefix("Bearer ")
    principal = TokenVerifier(DEV_PUBLIC_KEY, "regions").verify(token)
    assert principal.subject == "user:carol" and "regions:write" not in principal.scopes
    assert "regions:read" in principal.scopes and caller not in str(headers)
    assert "connection" not in {k.lower() for k in r.headers}
    assert r.headers["x-upstream"] == "yes"


async def test_routes_by_collection(gw: httpx.AsyncClient) -> None:
    r = await gw.get("/v1/advisors")
    assert r.status_code == 200 and r.json()["path"] == "/v1/advisors"
    token = {k.lower(): v for k, v in r.json()["headers"].items()}["authorization"][7:]
    assert TokenVerifier(DEV_PUBLIC_KEY, "advisors").verify(token).subject == "developer"
    unknown = await gw.get("/v1/nothing")
    assert (
        unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
    )


async def test_streams_bodies_both_ways(gw: httpx.AsyncClient) -> None:
    payload = b"y" * (3 * 1024 * 1024)
    r = await gw.post(
        "/v1/regions/bulk", content=payload, headers={"content-type": "application/json"}
    )
    assert r.status_code == 201 and r.json()["size"] == len(payload)
    big = await gw.get("/v1/regions/big")
    assert big.status_code == 200 and big.content == b"x" * (64 * 16384)


async def test_unavailable_upstream_is_503(gw: httpx.AsyncClient) -> None:
    r = await gw.get("/v1/dealers")
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["upstream"] == "dealers"


async def test_timeouts_are_per_upstream(upstream: TestServer, databases: Databases) -> None:
    url = str(upstream.make_url("")).rstrip("/")
    settings = GatewaySettings(
        regions_url=url,
        advisors_url=url,
        dev_auth=True,
        upstream_timeout=0.5,
        upstream_timeouts={"advisors": 10},
        access_log=False,
        database_url=await databases.url("gateway", "sqlite", "proxy"),
    )
    async for client in gateway_client(settings):
        assert (await client.get("/v1/regions/slow")).status_code == 504
        assert (await client.get("/v1/advisors/slow")).status_code != 504


async def test_slow_upstream_is_504(gw: httpx.AsyncClient) -> None:
    r = await gw.get("/v1/regions/slow")
    assert r.status_code == 504 and r.json()["upstream"] == "regions"


async def test_without_dev_auth_every_api_call_is_401(
    upstream: TestServer, databases: Databases
) -> None:
    url = str(upstream.make_url("")).rstrip("/")
    gateway_db = await databases.url("gateway", "sqlite", "proxy")
    settings = GatewaySettings(regions_url=url, access_log=False, database_url=gateway_db)
    async for client in gateway_client(settings):
        r = await client.get("/v1/regions")
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
        assert (await client.get("/healthz")).status_code == 200


async def test_local_routes(gw: httpx.AsyncClient) -> None:
    doc = (await gw.get("/openapi.json")).json()
    assert "/v1/regions" in doc["paths"] and "/v1/dealers" in doc["paths"]
    docs = await gw.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    ready = await gw.get("/readyz")
    assert (
        ready.status_code == 503
    )  # the fake upstream has no /readyz worth the name, dealers is down
    assert ready.json()["upstreams"]["dealers"].startswith("unreachable")
    metrics = (await gw.get("/metrics")).text
    assert "http_requests_total" in metrics


@pytest.mark.parametrize("service", SERVICES)
async def test_each_services_event_catalogue_is_served_without_credentials(
    gw: httpx.AsyncClient, service: str
) -> None:
    r = await gw.get(f"/asyncapi/{service}.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.content == (CONTRACTS_DIR / service / "asyncapi.json").read_bytes()
    assert r.json()["asyncapi"] == "3.0.0" and r.headers["x-content-type-options"] == "nosniff"
    assert (await gw.post(f"/asyncapi/{service}.json")).status_code == 405


def test_production_refuses_development_settings() -> None:
    with pytest.raises(ValueError, match="development key"):
        GatewaySettings(environment="production")
