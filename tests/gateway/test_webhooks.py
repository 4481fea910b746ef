"""Signed webhooks end to end: the gateway's dispatcher reads the real services' feeds and posts
Standard Webhooks deliveries to a local receiver; partners get only their dealers' events; failed
deliveries are retried with backoff until dead and can be re-queued; the admin API keeps every
client to its own endpoints and deliveries."""

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import uuid4

import httpx
import pytest
from aiohttp import web
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from asgi_lifespan import LifespanManager
from sqlalchemy import delete
from sqlalchemy.engine import Connection
from standardwebhooks import Webhook

from chassis.db import make_engine
from gateway.__main__ import create_admin_key
from gateway.app import create_app
from gateway.models import metadata as gateway_metadata
from gateway.settings import GatewaySettings
from gateway.webhooks.delivery import Claimed, retry_delay
from gateway.webhooks.dispatcher import Dispatcher
from gateway.webhooks.signing import new_secret, sign
from gateway.webhooks.targets import is_public
from scripts.stack import free_port
from tests.gateway.conftest import _empty_service_tables, key_header, person
from tests.gateway.test_partner_isolation import make_dealer
from tests.harness import Databases

T = TypeVar("T")
DEADLINE = 30.0  # PostgreSQL serves an event once every older transaction has ended


async def eventually(check: Callable[[], Awaitable[T | None]], what: str) -> T:
    deadline = time.monotonic() + DEADLINE
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


@dataclass
class Receiver:
    """A webhook receiver on a free port: records every request; answers 500 to a path as many
    times as `failures[path]` says, then 204."""

    url: str = ""
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    # requests to `/slow` wait for this before answering
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append((request.path, dict(request.headers), body))
        if request.path == "/slow":
            await self.release.wait()
        if self.failures.get(request.path, 0) > 0:
            self.failures[request.path] -= 1
            return web.Response(status=500, text="try again")
        return web.Response(status=204)

    def at(self, path: str) -> list[tuple[dict[str, str], bytes]]:
        path = "/" + path.lstrip("/")
        return [(h, b) for p, h, b in self.received if p == path]

    def events(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(b) for _, b in self.at(path)]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/{name}", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    rec.url = f"http://127.0.0.1:{port}"
    yield rec
    rec.release.set()
    await runner.cleanup()


@pytest.fixture
async def hooks_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(
        update={
            "webhooks_enabled": True,
            "webhook_poll_interval": 0.05,
            "webhook_send_interval": 0.05,
            "webhook_retry_base": 0.1,
            "webhook_retry_max": 0.4,
            "webhook_max_attempts": 3,
            "webhook_timeout": 5.0,
        }
    )


@pytest.fixture
async def hooks_gw(
    hooks_settings: GatewaySettings, apps: Any, backend: str
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(hooks_settings)
    try:
        async with LifespanManager(app):
            transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 4711))
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
                yield client
    finally:
        async with app.gateway.db.engine.begin() as conn:
            for table in reversed(gateway_metadata.sorted_tables):
                await conn.execute(delete(table))
        await app.gateway.db.dispose()
        await _empty_service_tables(apps, backend)


@pytest.fixture
async def admin(hooks_settings: GatewaySettings, hooks_gw: httpx.AsyncClient) -> dict[str, str]:
    return key_header(await create_admin_key(hooks_settings, "test-admin"))


async def make_client(
    gw: httpx.AsyncClient,
    admin: dict[str, str],
    name: str,
    kind: str,
    scopes: list[str],
    dealer_ids: list[str] | None = None,
) -> tuple[str, dict[str, str]]:
    body = {"name": name, "kind": kind, "scopes": scopes, "dealer_ids": dealer_ids or []}
    r = await gw.post("/v1/api-clients", json=body, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()["id"], key_header(r.json()["key"]["key"])


async def register(
    gw: httpx.AsyncClient, headers: dict[str, str], url: str, **extra: Any
) -> dict[str, Any]:
    r = await gw.post("/v1/webhook-endpoints", json={"url": url, **extra}, headers=headers)
    assert r.status_code == 201, r.text
    body = dict(r.json())
    assert body["secret"].startswith("whsec_") and len(base64.b64decode(body["secret"][6:])) >= 24
    assert r.headers["cache-control"] == "no-store"
    return body


async def touch(gw: httpx.AsyncClient, headers: dict[str, str], dealer: dict[str, Any]) -> None:
    """A `dealer.updated` event for the dealer."""
    r = await gw.get(f"/v1/dealers/{dealer['id']}", headers=headers)
    r = await gw.patch(
        f"/v1/dealers/{dealer['id']}",
        json={"contact_name": f"contact {time.monotonic_ns()}"},
        headers=headers | {"If-Match": r.headers["etag"]},
    )
    assert r.status_code == 200, r.text


def about(events: list[dict[str, Any]], dealer: dict[str, Any], type_: str) -> list[Any]:
    return [e for e in events if e["type"] == type_ and dealer["id"] in e["data"]["dealer_ids"]]


async def deliveries(
    gw: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    r = await gw.get("/v1/webhook-deliveries", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


# --- signing ---------------------------------------------------------------------------------


def test_signature_follows_the_standard() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    body = b'{"type":"dealer.updated","timestamp":"2026-11-28T00:00:00Z","data":{}}'
    now = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": sign(secret, "msg_1", now, body),
    }
    assert Webhook(secret).verify(body, headers)["type"] == "dealer.updated"
    with pytest.raises(Exception, match="signature"):
        Webhook(new_secret()).verify(body, headers)


def test_retry_delays_double_up_to_the_cap() -> None:
    assert [retry_delay(n, 30, 300) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("203.0.113.7", False),  # documentation range
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.9", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fe80::1%eth0", False),
        ("not an address", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public


async def test_private_targets_are_refused_in_production(
    hooks_settings: GatewaySettings,
) -> None:
    settings = hooks_settings.model_copy(update={"webhook_allow_private_targets": False})
    dispatcher = Dispatcher(settings, None, {}, None)  # type: ignore[arg-type]
    assert not dispatcher.private_targets_allowed
    by_environment = {
        env: Dispatcher(
            hooks_settings.model_copy(
                update={"environment": env, "webhook_allow_private_targets": None}
            ),
            None,  # type: ignore[arg-type]
            {},
            None,  # type: ignore[arg-type]
        ).private_targets_allowed
        for env in ("development", "production")
    }
    assert by_environment == {"development": True, "production": False}
    dispatcher.sender.open_session()
    try:
        for url in ("http://127.0.0.1:9/hook", "http://[::1]:9/hook", "http://localhost:9/hook"):
            claimed = Claimed(
                id=uuid4(),
                endpoint_id=uuid4(),
                event_id=uuid4(),
                event_type="x.y",
                payload={},
                attempts=0,
                url=url,
                secret=new_secret(),
            )
            status, error, _ = await dispatcher.sender.post(claimed)
            assert status is None and error and "public address" in error, (url, error)
    finally:
        await dispatcher.stop()


async def test_models_match_migrations(backend: str, databases: Databases) -> None:
    engine = make_engine(await databases.url("gateway", backend), null_pool=True)

    def diff(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, gateway_metadata))

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
    await engine.dispose()
    assert changes == []


# --- delivery --------------------------------------------------------------------------------


async def test_partner_receives_only_its_dealers_events_signed(
    hooks_gw: httpx.AsyncClient,
    admin: dict[str, str],
    receiver: Receiver,
    hooks_settings: GatewaySettings,
) -> None:
    gw = hooks_gw
    manager = person(hooks_settings, "manager")
    a = await make_dealer(gw, manager, "DA", 1)
    b = await make_dealer(gw, manager, "DB", 2)
    _, partner = await make_client(
        gw, admin, "partner-a", "partner", ["dealers:read", "webhooks:manage"], [a["id"]]
    )
    _, erp = await make_client(gw, admin, "erp", "erp", ["dealers:read", "webhooks:manage"])
    mine = await register(gw, partner, f"{receiver.url}/partner")
    assert "client_id" in mine and mine["active"] is True and mine["event_types"] is None
    await register(gw, erp, f"{receiver.url}/erp")
    await touch(gw, manager, a)
    await touch(gw, manager, b)

    # the ERP client sees every dealer: once it has B's update, the partner's share is decided
    await eventually(
        lambda: _ready(about(receiver.events("erp"), b, "dealer.updated")), "the ERP's delivery"
    )
    await eventually(
        lambda: _ready(about(receiver.events("partner"), a, "dealer.updated")),
        "the partner's delivery",
    )
    received = receiver.at("partner")
    assert received and b["id"] not in str(received)
    for headers, body in received:
        payload = Webhook(mine["secret"]).verify(body, headers)
        assert headers["Content-Type"] == "application/json"
        assert headers["webhook-id"] == payload["data"]["id"]
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
        assert payload["data"]["dealer_ids"] == [a["id"]]
        assert payload["type"] == payload["data"]["type"]
        assert payload["timestamp"] == payload["data"]["occurred_at"]

    async def all_sent() -> list[dict[str, Any]]:
        log = await deliveries(gw, partner)
        done = all(d["status"] == "succeeded" for d in log)
        return log if done and len(log) == len(receiver.at("partner")) else []

    log = await eventually(all_sent, "every partner delivery to be sent")
    assert all(d["endpoint_id"] == mine["id"] and d["attempts"] == 1 for d in log)
    assert {d["event_id"] for d in log} == {h["webhook-id"] for h, _ in receiver.at("partner")}
    assert b["id"] not in str(receiver.at("partner"))


async def _ready(items: list[Any]) -> list[Any]:
    return items


async def test_event_type_filter(
    hooks_gw: httpx.AsyncClient,
    admin: dict[str, str],
    receiver: Receiver,
    hooks_settings: GatewaySettings,
) -> None:
    gw = hooks_gw
    manager = person(hooks_settings, "manager")
    client_id, _ = await make_client(gw, admin, "integration", "integration", ["dealers:read"])
    await register(gw, admin, f"{receiver.url}/all", client_id=client_id)
    await register(
        gw, admin, f"{receiver.url}/updates", client_id=client_id, event_types=["dealer.updated"]
    )
    off = await register(gw, admin, f"{receiver.url}/off", client_id=client_id, active=False)
    a = await make_dealer(gw, manager, "DA", 1)
    await touch(gw, manager, a)
    await eventually(
        lambda: _ready(about(receiver.events("all"), a, "dealer.updated")), "the update"
    )
    await eventually(lambda: _ready(receiver.events("updates")), "the filtered delivery")
    await eventually(
        lambda: _ready(about(receiver.events("all"), a, "dealer.created")), "the creation"
    )
    assert {e["type"] for e in receiver.events("updates")} == {"dealer.updated"}
    assert receiver.at("off") == [] and await deliveries(gw, admin, endpoint_id=off["id"]) == []
    filtered = await deliveries(gw, admin, event_type="dealer.created")
    assert filtered and all(d["event_type"] == "dealer.created" for d in filtered)


async def test_a_failed_delivery_is_retried_and_logged(
    hooks_gw: httpx.AsyncClient,
    admin: dict[str, str],
    receiver: Receiver,
    hooks_settings: GatewaySettings,
) -> None:
    gw = hooks_gw
    manager = person(hooks_settings, "manager")
    client_id, _ = await make_client(gw, admin, "integration", "integration", ["dealers:read"])
    receiver.failures["/flaky"] = 1
    endpoint = await register(
        gw, admin, f"{receiver.url}/flaky", client_id=client_id, event_types=["dealer.created"]
    )
    await make_dealer(gw, manager, "DA", 1)

    async def succeeded() -> list[dict[str, Any]]:
        return await deliveries(gw, admin, endpoint_id=endpoint["id"], status="succeeded")

    [done] = await eventually(succeeded, "the second attempt")
    r = await gw.get(f"/v1/webhook-deliveries/{done['id']}", headers=admin)
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["attempts"] == 2 and detail["last_status"] == 204
    assert [a["http_status"] for a in detail["attempt_log"]] == [500, 204]
    assert "500" in detail["attempt_log"][0]["error"]
    sent = receiver.at("/flaky")
    assert len(sent) == 2
    assert sent[0][0]["webhook-id"] == sent[1][0]["webhook-id"] == detail["event_id"]
    assert detail["payload"]["id"] == detail["event_id"]


async def test_a_dead_delivery_can_be_requeued(
    hooks_gw: httpx.AsyncClient,
    admin: dict[str, str],
    receiver: Receiver,
    hooks_settings: GatewaySettings,
) -> None:
    gw = hooks_gw
    manager = person(hooks_settings, "manager")
    client_id, _ = await make_client(gw, admin, "integration", "integration", ["dealers:read"])
    receiver.failures["/down"] = hooks_settings.webhook_max_attempts
    endpoint = await register(
        gw, admin, f"{receiver.url}/down", client_id=client_id, event_types=["dealer.created"]
    )
    await make_dealer(gw, manager, "DA", 1)

    async def dead() -> list[dict[str, Any]]:
        return await deliveries(gw, admin, endpoint_id=endpoint["id"], status="dead")

    [gone] = await eventually(dead, "the delivery to die")
    assert gone["attempts"] == 3 and gone["last_status"] == 500 and gone["next_attempt_at"] is None
    r = await gw.post(f"/v1/webhook-deliveries/{gone['id']}/retry", headers=admin)
    assert r.status_code == 202, r.text
    assert r.json()["status"] in ("pending", "succeeded") and r.json()["attempts"] in (0, 1)

    async def succeeded() -> list[dict[str, Any]]:
        return await deliveries(gw, admin, endpoint_id=endpoint["id"], status="succeeded")

    await eventually(succeeded, "the re-queued delivery")
    detail = (await gw.get(f"/v1/webhook-deliveries/{gone['id']}", headers=admin)).json()
    assert [a["http_status"] for a in detail["attempt_log"]] == [500, 500, 500, 204]
    again = await gw.post(f"/v1/webhook-deliveries/{gone['id']}/retry", headers=admin)
    assert again.status_code == 409


# --- the admin API ----------------------------------------------------------------------------


async def test_a_partner_sees_and_touches_only_its_own_endpoints(
    hooks_gw: httpx.AsyncClient,
    admin: dict[str, str],
    receiver: Receiver,
    hooks_settings: GatewaySettings,
) -> None:
    gw = hooks_gw
    manager = person(hooks_settings, "manager")
    a = await make_dealer(gw, manager, "DA", 1)
    b = await make_dealer(gw, manager, "DB", 2)
    scopes = ["dealers:read", "webhooks:manage"]
    a_id, pa = await make_client(gw, admin, "partner-a", "partner", scopes, [a["id"]])
    b_id, pb = await make_client(gw, admin, "partner-b", "partner", scopes, [b["id"]])
    _, no_scope = await make_client(gw, admin, "partner-c", "partner", ["dealers:read"], [a["id"]])
    theirs = await register(gw, pb, f"{receiver.url}/b")
    mine = await register(gw, pa, f"{receiver.url}/a")
    assert mine["client_id"] == a_id and theirs["client_id"] == b_id
    await touch(gw, manager, b)

    async def b_delivery() -> list[dict[str, Any]]:
        return await deliveries(gw, admin, endpoint_id=theirs["id"])

    [b_log, *_] = await eventually(b_delivery, "partner B's delivery")

    listed = (await gw.get("/v1/webhook-endpoints", headers=pa)).json()["items"]
    assert [e["id"] for e in listed] == [mine["id"]] and "secret" not in listed[0]
    by_client = await gw.get("/v1/webhook-endpoints", params={"client_id": b_id}, headers=pa)
    assert by_client.json()["items"] == []
    url = f"/v1/webhook-endpoints/{theirs['id']}"
    assert (await gw.get(url, headers=pa)).status_code == 404
    patch = await gw.patch(url, json={"active": False}, headers=pa | {"If-Match": '"v1"'})
    assert patch.status_code == 404
    assert (await gw.delete(url, headers=pa | {"If-Match": '"v1"'})).status_code == 404
    foreign = await gw.post(
        "/v1/webhook-endpoints", json={"url": receiver.url, "client_id": b_id}, headers=pa
    )
    assert foreign.status_code == 404
    assert await deliveries(gw, pa, endpoint_id=theirs["id"]) == []
    assert all(d["endpoint_id"] == mine["id"] for d in await deliveries(gw, pa))
    d_url = f"/v1/webhook-deliveries/{b_log['id']}"
    assert (await gw.get(d_url, headers=pa)).status_code == 404
    assert (await gw.post(f"{d_url}/retry", headers=pa)).status_code == 404
    assert (await gw.get(d_url, headers=pb)).status_code == 200
    assert (await gw.get(url, headers=admin)).json()["active"] is True

    assert (await gw.get("/v1/webhook-endpoints", headers=no_scope)).status_code == 403
    viewer = person(hooks_settings, "viewer")
    assert (await gw.get("/v1/webhook-endpoints", headers=viewer)).status_code == 403
    everything = (await gw.get("/v1/webhook-endpoints", headers=admin)).json()["items"]
    assert {e["id"] for e in everything} == {mine["id"], theirs["id"]}

    # deleting a client deletes its endpoints and their delivery log
    client = await gw.get(f"/v1/api-clients/{b_id}", headers=admin)
    r = await gw.delete(
        f"/v1/api-clients/{b_id}", headers=admin | {"If-Match": client.headers["etag"]}
    )
    assert r.status_code == 204, r.text
    assert (await gw.get(url, headers=admin)).status_code == 404
    assert (await gw.get(d_url, headers=admin)).status_code == 404


async def test_endpoint_lifecycle_and_bad_input(
    hooks_gw: httpx.AsyncClient, admin: dict[str, str], receiver: Receiver
) -> None:
    gw = hooks_gw
    client_id, key = await make_client(gw, admin, "erp", "erp", ["webhooks:manage"])
    created = await register(gw, key, f"{receiver.url}/x", event_types=["dealer.updated"])
    url = f"/v1/webhook-endpoints/{created['id']}"
    r = await gw.get(url, headers=key)
    assert r.status_code == 200 and "secret" not in r.json() and r.headers["etag"] == '"v1"'
    assert (await gw.patch(url, json={"active": False}, headers=key)).status_code == 428
    stale = await gw.patch(url, json={"active": False}, headers=key | {"If-Match": '"v9"'})
    assert stale.status_code == 412
    r = await gw.patch(
        url,
        json={"active": False, "event_types": None, "url": "https://hooks.example.com/ars"},
        headers=key | {"If-Match": '"v1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False and r.json()["event_types"] is None
    assert r.json()["url"] == "https://hooks.example.com/ars" and r.headers["etag"] == '"v2"'

    def pointer(r: httpx.Response) -> str:
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        return str(r.json()["errors"][0]["pointer"])

    post = "/v1/webhook-endpoints"
    for bad in ("ftp://hooks.example.com/x", "hooks.example.com/x", "http://", "javascript:x"):
        assert pointer(await gw.post(post, json={"url": bad}, headers=key)) == "#/url", bad
    assert pointer(await gw.post(post, json={"url": 5}, headers=key)) == "#/url"
    unknown = {"url": f"{receiver.url}/x", "secret": "whsec_AAAA"}
    assert pointer(await gw.post(post, json=unknown, headers=key)) == "#/secret"
    empty = {"url": f"{receiver.url}/x", "event_types": []}
    assert pointer(await gw.post(post, json=empty, headers=key)).startswith("#/event_types")
    no_client = {"url": f"{receiver.url}/x"}
    assert pointer(await gw.post(post, json=no_client, headers=admin)) == "#/client_id"
    bad_patch = await gw.patch(url, json={"url": "ftp://x"}, headers=key | {"If-Match": '"v2"'})
    assert pointer(bad_patch) == "#/url"
    bad_status = await gw.get("/v1/webhook-deliveries", params={"status": "lost"}, headers=key)
    assert bad_status.status_code == 422

    assert (await gw.delete(url, headers=key | {"If-Match": '"v2"'})).status_code == 204
    assert (await gw.get(url, headers=key)).status_code == 404
    gone = await gw.post(
        "/v1/webhook-endpoints",
        json={"url": receiver.url, "client_id": "01a221de-0000-7000-8000-000000000000"},
        headers=admin,
    )
    assert gone.status_code == 404
    assert client_id


async def test_two_replicas_record_and_send_each_event_once(
    hooks_gw: httpx.AsyncClient,
    hooks_settings: GatewaySettings,
    admin: dict[str, str],
    receiver: Receiver,
) -> None:
    """A second gateway on the same database runs its own dispatcher: feeds are applied under
    a lock with a cursor check and deliveries claimed with SKIP LOCKED, so nothing doubles."""
    gw = hooks_gw
    manager = person(hooks_settings, "manager")
    client_id, _ = await make_client(gw, admin, "integration", "integration", ["dealers:read"])
    endpoint = await register(
        gw, admin, f"{receiver.url}/once", client_id=client_id, event_types=["dealer.created"]
    )
    second = create_app(hooks_settings)
    async with LifespanManager(second):
        dealers = [await make_dealer(gw, manager, f"D{n}", n) for n in range(1, 7)]

        async def all_sent() -> list[dict[str, Any]]:
            log = await deliveries(gw, admin, endpoint_id=endpoint["id"], status="succeeded")
            return log if len(log) >= len(dealers) else []

        log = await eventually(all_sent, "every creation to be delivered")
    ids = [h["webhook-id"] for h, _ in receiver.at("once")]
    assert len(log) == len(dealers) and sorted(ids) == sorted(d["event_id"] for d in log)
    assert all(d["attempts"] == 1 for d in log)


async def test_a_slow_endpoint_holds_up_no_one_else(
    hooks_gw: httpx.AsyncClient,
    hooks_settings: GatewaySettings,
    admin: dict[str, str],
    receiver: Receiver,
) -> None:
    gw = hooks_gw
    manager = person(hooks_settings, "manager")
    client_id, _ = await make_client(gw, admin, "integration", "integration", ["dealers:read"])
    created = {"client_id": client_id, "event_types": ["dealer.created"]}
    slow = await register(gw, admin, f"{receiver.url}/slow", **created)
    await register(gw, admin, f"{receiver.url}/fast", **created)
    first = await make_dealer(gw, manager, "D1", 1)
    await eventually(lambda: _ready(receiver.at("slow")), "the slow endpoint to be called")
    # the slow endpoint holds its request open; feeds are still read and others still served
    second = await make_dealer(gw, manager, "D2", 2)
    for dealer in (first, second):
        await eventually(
            lambda d=dealer: _ready(about(receiver.events("fast"), d, "dealer.created")),
            "the fast endpoint's deliveries",
        )
    assert not receiver.release.is_set()
    receiver.release.set()

    async def slow_done() -> list[dict[str, Any]]:
        log = await deliveries(gw, admin, endpoint_id=slow["id"], status="succeeded")
        return log if len(log) == 2 else []

    await eventually(slow_done, "the slow endpoint's deliveries")
