"""Fixtures for driving the real services through the gateway: the services are served by uvicorn
inside the test's event loop on free ports; the gateway runs in-process on its own database."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from sqlalchemy import delete

from chassis.devkeys import DEV_PRIVATE_KEY
from gateway.__main__ import create_admin_key
from gateway.app import create_app
from gateway.devidp import DEV_IDP_PRIVATE_KEY
from gateway.models import metadata as gateway_metadata
from gateway.people import mint_person_token
from gateway.settings import GatewaySettings
from scripts.stack import free_port
from tests.dealers.upstream import RegionsOwner, use_owner
from tests.harness import SERVICES, Databases


@pytest.fixture(scope="session")
async def served(backend: str, apps: Any) -> AsyncIterator[dict[str, str]]:
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
    urls = {}
    for name in SERVICES:
        app = await apps(name, backend, "gw")
        if name == "dealers":  # no regions service is asked: the test regions are known
            use_owner(app, RegionsOwner())
        port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
            await asyncio.sleep(0.01)
        servers.append((server, task))
        urls[name] = f"http://127.0.0.1:{port}"
    yield urls
    for server, task in servers:
        server.should_exit = True
        await task


async def _empty_service_tables(apps: Any, backend: str) -> None:
    for name, kit in SERVICES.items():
        app = await apps(name, backend, "gw")
        async with app.state.db.engine.begin() as conn:
            for table in reversed(kit.metadata.sorted_tables):
                await conn.execute(delete(table))


@pytest.fixture
async def gateway_settings(
    backend: str, served: dict[str, str], databases: Databases
) -> GatewaySettings:
    return GatewaySettings(
        regions_url=served["regions"],
        dealers_url=served["dealers"],
        advisors_url=served["advisors"],
        database_url=await databases.url("gateway", backend),
        identity_private_key=DEV_PRIVATE_KEY,
        access_log=False,
        log_level="WARNING",
        cors_origins=["https://app.example.com"],
    )


@pytest.fixture
async def gateway(gateway_settings: GatewaySettings, apps: Any, backend: str) -> AsyncIterator[Any]:
    app = create_app(gateway_settings)
    async with LifespanManager(app):
        yield app
    async with app.gateway.db.engine.begin() as conn:
        for table in reversed(gateway_metadata.sorted_tables):
            await conn.execute(delete(table))
    await _empty_service_tables(apps, backend)


@pytest.fixture
async def gw(gateway: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=gateway, client=("203.0.113.9", 4711))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        yield client


@pytest.fixture
async def admin_key(gateway_settings: GatewaySettings, gateway: Any) -> str:
    return await create_admin_key(gateway_settings, "test-admin")


def person(
    settings: GatewaySettings, *roles: str, subject: str = "alice", **kw: Any
) -> dict[str, str]:
    token = mint_person_token(
        DEV_IDP_PRIVATE_KEY, settings, subject=subject, roles=list(roles), **kw
    )
    return {"Authorization": f"Bearer {token}"}


def key_header(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
