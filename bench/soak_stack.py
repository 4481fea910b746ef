"""The soak's stack as production runs it: the services and the gateway in environment
`production` with keys made for the run, the credentials of each kind of caller, and the network
the ERP syncs in before the load starts."""

import asyncio
import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.gateway import (
    BenchError,
    base_env,
    database_url,
    identity_keys,
    migrate,
    recreate_databases,
)
from bench.processes import REPO, Processes, free_port, uvicorn_argv
from gateway.people import mint_person_token
from gateway.settings import GatewaySettings
from scripts.demo_support import demo_uscc

SERVICES = ("regions", "dealers", "advisors")
PREFIX = "ars_bench_soak"
ISSUER = "https://idp.soak.invalid"
# Limits that are checked on every request (in Redis) but never refuse the load.
LIFTED = {"rate": 1_000_000, "burst": 1_000_000}
DEALERS, PRODUCTS, OUTLETS_PER_DEALER, ADVISORS = 20, 50, 20, 10
PARTNERS, PARTNER_DEALERS = 2, 5
ERP_SCOPES = [
    *("regions:read", "regions:write", "dealers:read", "dealers:write"),
    *("advisors:read", "advisors:write", "orders:write"),
]
PARTNER_SCOPES = ["dealers:read", "dealers:write", "stock:report", "orders:write"]


@dataclass(frozen=True)
class Running:
    url: str
    pids: dict[str, int]
    gateway_env: dict[str, str]
    idp_private_key: str  # what the identity provider signs people's tokens with


def start_stack(procs: Processes, pg_url: str, redis_url: str) -> Running:
    """Fresh databases, migrated; the three services and the gateway started and ready."""
    private_key, public_key = identity_keys()
    idp_private, idp_public = identity_keys()
    names = {name: f"{PREFIX}_{name}" for name in (*SERVICES, "gateway")}
    asyncio.run(recreate_databases(pg_url, list(names.values())))
    ports = {name: free_port() for name in names}
    env, pids = base_env(), {}
    own = {service: identity_keys() for service in SERVICES}  # each service's (private, public)
    for service in SERVICES:
        prefix = service.upper()
        others = [s for s in SERVICES if s != service]
        peers = {o: {"public_key": own[o][1], "scopes": [f"{service}:events"]} for o in others}
        service_env = env | {
            f"{prefix}_SERVICE_PRIVATE_KEY": own[service][0],
            f"{prefix}_PEERS": json.dumps(peers),
            f"{prefix}_PEER_URLS": json.dumps({o: f"http://127.0.0.1:{ports[o]}" for o in others}),
            f"{prefix}_ENVIRONMENT": "production",
            f"{prefix}_DATABASE_URL": database_url(pg_url, names[service]),
            f"{prefix}_IDENTITY_PUBLIC_KEY": public_key,
            f"{prefix}_ACCESS_LOG": "false",
            f"{prefix}_LOG_LEVEL": "WARNING",
        }
        migrate(f"services.{service}", service_env)
        argv = uvicorn_argv(f"services.{service}.app:create_app", ports[service])
        pids[service] = procs.start(service, argv, service_env)
    gateway_env = env | {
        "GATEWAY_ENVIRONMENT": "production",
        "GATEWAY_DATABASE_URL": database_url(pg_url, names["gateway"]),
        "GATEWAY_IDENTITY_PRIVATE_KEY": private_key,
        "GATEWAY_IDP_PUBLIC_KEY": idp_public,
        "GATEWAY_IDP_ISSUER": ISSUER,
        "GATEWAY_REDIS_URL": redis_url,
        "GATEWAY_RATE_LIMITS": json.dumps(dict.fromkeys(("user", "erp", "partner"), LIFTED)),
        "GATEWAY_ACCESS_LOG": "false",
        "GATEWAY_LOG_LEVEL": "WARNING",
        **{f"GATEWAY_{s.upper()}_URL": f"http://127.0.0.1:{ports[s]}" for s in SERVICES},
    }
    migrate("gateway", gateway_env)
    argv = uvicorn_argv("gateway.app:create_app", ports["gateway"])
    pids["gateway"] = procs.start("gateway", argv, gateway_env)
    for name in names:
        procs.wait_ready(name, f"http://127.0.0.1:{ports[name]}/readyz")
    return Running(f"http://127.0.0.1:{ports['gateway']}", pids, gateway_env, idp_private)


def admin_key(running: Running) -> str:
    """The first admin key, as an operator makes it: `python -m gateway create-admin-key`."""
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "create-admin-key", "--name", "soak-admin"],
        env=running.gateway_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"create-admin-key failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def person(running: Running, subject: str, role: str, ttl: int) -> dict[str, str]:
    """A person's JWT from the run's identity provider (what `python -m gateway mint-token`
    does with the development provider's key, which production refuses)."""
    settings = GatewaySettings(idp_issuer=ISSUER)
    token = mint_person_token(
        running.idp_private_key, settings, subject=subject, roles=[role], ttl=ttl
    )
    return {"Authorization": f"Bearer {token}"}


def key(api_key: str) -> dict[str, str]:
    return {"X-API-Key": api_key}


@dataclass
class World:
    """The callers and the records the workload acts on, as the ERP sends them (by code)."""

    erp: dict[str, str]
    manager: dict[str, str]
    advisor: dict[str, str]
    regions: list[dict[str, Any]] = field(default_factory=list)
    dealers: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    outlets: list[dict[str, Any]] = field(default_factory=list)
    advisors: list[dict[str, Any]] = field(default_factory=list)
    partners: list[tuple[dict[str, str], list[str]]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # code -> id

    def id(self, record: Mapping[str, Any]) -> str:
        return self.ids[record.get("code") or record["employee_code"]]


async def checked(client: httpx.AsyncClient, method: str, path: str, **kw: Any) -> Any:
    r = await client.request(method, path, **kw)
    if r.status_code >= 300:
        raise BenchError(f"seeding: {method} {path} -> {r.status_code} {r.text[:500]}")
    return r.json()


async def callers(client: httpx.AsyncClient, running: Running, ttl: int) -> tuple[World, str]:
    """The ERP's client (made with the first admin key) and two people; and the admin key."""
    admin = admin_key(running)
    body = {"name": "soak-erp", "kind": "erp", "scopes": ERP_SCOPES}
    erp = await checked(client, "POST", "/v1/api-clients", json=body, headers=key(admin))
    world = World(
        erp=key(erp["key"]["key"]),
        manager=person(running, "soak.manager", "manager", ttl),
        advisor=person(running, "soak.advisor", "advisor", ttl),
    )
    return world, admin


async def seed(client: httpx.AsyncClient, admin: str, world: World) -> None:
    """The network, through the ERP's bulk syncs; then the partners' clients for its dealers."""
    world.regions = [{"code": "510000", "name": "四川省", "kind": "administrative"}] + [
        {"code": f"51{n:02d}00", "name": f"四川省第{n}市", "parent_code": "510000"}
        for n in range(1, 21)
    ]
    await bulk(client, world, "/v1/regions/bulk", world.regions)
    cities = [world.id(r) for r in world.regions[1:]]
    world.dealers = [
        {"code": f"SK-D{n:02d}", "name": f"经销商{n}", "uscc": demo_uscc(700 + n),
         "region_id": cities[n % len(cities)]}
        for n in range(DEALERS)
    ]  # fmt: skip
    # Set once by the manufacturer; the later syncs leave them out, and must not wipe them.
    first = [d | {"tier": "core", "credit_limit": "900000000.00"} for d in world.dealers]
    await bulk(client, world, "/v1/dealers/bulk", first)
    world.products = [
        {"code": f"SK-P{n:03d}", "name": f"商品{n}", "unit": "箱", "pack_size": 12,
         "list_price": f"{20 + n % 30}.50"}
        for n in range(PRODUCTS)
    ]  # fmt: skip
    await bulk(client, world, "/v1/products/bulk", world.products)
    world.outlets = [
        {"code": f"SK-T{n:04d}", "name": f"终端{n}", "type": "convenience", "grade": "ABC"[n % 3],
         "region_id": d["region_id"], "dealer_id": world.id(d), "status": "active",
         "latitude": 30.6 + n / 10_000, "longitude": 104.06, "address": f"春熙路{n}号"}
        for n, d in enumerate(d for d in world.dealers for _ in range(OUTLETS_PER_DEALER))
    ]  # fmt: skip
    await bulk(client, world, "/v1/outlets/bulk", world.outlets)
    world.advisors = [
        {"employee_code": f"SK-A{n:02d}", "name": f"顾问{n}", "role": "customer_advisor",
         "region_id": cities[n % len(cities)]}
        for n in range(ADVISORS)
    ]  # fmt: skip
    await bulk(client, world, "/v1/advisors/bulk", world.advisors)
    for p in range(PARTNERS):
        own = [world.id(d) for d in world.dealers[p * PARTNER_DEALERS :][:PARTNER_DEALERS]]
        body = {"name": f"soak-partner-{p}", "kind": "partner", "dealer_ids": own,
                "scopes": PARTNER_SCOPES}  # fmt: skip
        made = await checked(client, "POST", "/v1/api-clients", json=body, headers=key(admin))
        world.partners.append((key(made["key"]["key"]), own))


async def bulk(client: httpx.AsyncClient, world: World, path: str, items: list[Any]) -> None:
    answer = await checked(client, "POST", path, json={"items": items}, headers=world.erp)
    for item, result in zip(items, answer["items"], strict=True):
        if result["status"] == "invalid":
            raise BenchError(f"seeding {path}: {result}")
        world.ids[item.get("code") or item["employee_code"]] = str(result["id"])
