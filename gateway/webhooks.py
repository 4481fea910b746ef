"""Webhooks: the dispatcher reads each service's event feed, records a delivery for every active
endpoint whose API client may see the event, and posts due deliveries signed per Standard
Webhooks (https://www.standardwebhooks.com), retrying with exponential backoff until dead.

Safe with several replicas: a feed page is applied under an advisory lock (PostgreSQL) only if
the stored cursor is still the one the page was read after, so no event is delivered twice; due
deliveries are claimed with `FOR UPDATE SKIP LOCKED` and leased (their next attempt moved past
the send timeout) before the claim commits, so a crashed replica's claims come due again."""

import asyncio
import base64
import contextlib
import errno
import hashlib
import hmac
import ipaddress
import logging
import secrets
import socket
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver
from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import Database, new_id, serialize, utcnow
from chassis.identity import Principal
from chassis.jsonutil import dumps, loads
from gateway.models import (
    api_clients,
    feed_cursors,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
)
from gateway.proxy import TokenCache, Upstream
from gateway.settings import GatewaySettings

log = logging.getLogger("gateway.webhooks")

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
PAGES_PER_TICK = 20
STOP_GRACE = 3.0  # seconds the loops get to finish their round when the gateway stops
USER_AGENT = "ars-gateway-webhooks/1"


@dataclass(frozen=True)
class Feed:
    service: str
    path: str
    scope: str


FEEDS = (
    Feed("regions", "/v1/region-events", "regions:read"),
    Feed("dealers", "/v1/dealer-events", "dealers:read"),
    Feed("advisors", "/v1/advisor-events", "advisors:read"),
)
DUE_STATUSES = ("pending", "retrying")

# The identity the dispatcher reads the feeds with: a service principal of the gateway itself.
DISPATCHER = Principal(
    subject="gateway:webhooks",
    kind="service",
    scopes=frozenset(feed.scope for feed in FEEDS),
    name="Webhook dispatcher",
)


def new_secret() -> str:
    """A signing secret in Standard Webhooks form: `whsec_` and base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,` and base64 of HMAC-SHA256 over `id.timestamp.body`
    keyed with the secret's base64-decoded bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def retry_delay(failures: int, base: float, cap: float) -> float:
    """Seconds before the next attempt after `failures` failed ones: base, 2·base, 4·base, …"""
    return float(min(cap, base * 2 ** max(0, failures - 1)))


def is_public(address: str) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local: no
    cloud metadata service, no service behind the gateway)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global


class PublicResolver(ThreadedResolver):
    """Resolves only to public addresses, checked at connect time (DNS rebinding can't slip a
    private address in after registration)."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await super().resolve(host, port, family)
        public = [r for r in found if is_public(r["host"])]
        if not public:
            raise OSError(errno.EHOSTUNREACH, f"{host} resolves to no public address")
        return public


@dataclass(frozen=True)
class Subscriber:
    endpoint_id: UUID
    kind: str
    scopes: frozenset[str]
    dealer_ids: frozenset[str]
    event_types: frozenset[str] | None

    def wants(self, feed: Feed, event: Mapping[str, Any]) -> bool:
        """What the client could read from the feed itself, narrowed by the endpoint's types."""
        if feed.scope not in self.scopes:
            return False
        if self.event_types is not None and event["type"] not in self.event_types:
            return False
        if self.kind == "partner":
            return bool(self.dealer_ids.intersection(event.get("dealer_ids") or ()))
        return True


async def subscribers(session: AsyncSession) -> list[Subscriber]:
    e, c = webhook_endpoints.c, api_clients.c
    stmt = (
        select(e.id, e.event_types, c.kind, c.scopes, c.dealer_ids)
        .join(api_clients, c.id == e.client_id)
        .where(e.active.is_(True), c.active.is_(True))
    )
    return [
        Subscriber(
            endpoint_id=r.id,
            kind=r.kind,
            scopes=frozenset(r.scopes),
            dealer_ids=frozenset(str(d) for d in r.dealer_ids),
            event_types=None if r.event_types is None else frozenset(r.event_types),
        )
        for r in await session.execute(stmt)
    ]


@dataclass(frozen=True)
class Claimed:
    id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type: str
    payload: dict[str, Any]
    attempts: int
    url: str
    secret: str


class Dispatcher:
    def __init__(
        self,
        settings: GatewaySettings,
        db: Database,
        upstreams: Mapping[str, Upstream],
        tokens: TokenCache,
    ) -> None:
        self.settings = settings
        self.db = db
        self.upstreams = upstreams
        self.tokens = tokens
        self.session: aiohttp.ClientSession | None = None
        self._loops: list[asyncio.Task[None]] = []
        self._sending: set[asyncio.Task[None]] = set()
        self._posting: set[asyncio.Task[Any]] = set()
        self._stopping = asyncio.Event()
        self._in_flight: Counter[UUID] = Counter()
        self._wake = asyncio.Event()

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def private_targets_allowed(self) -> bool:
        allowed = self.settings.webhook_allow_private_targets
        return self.settings.environment != "production" if allowed is None else allowed

    def open_session(self) -> None:
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=self.settings.webhook_max_in_flight,
                resolver=None if self.private_targets_allowed else PublicResolver(),
            ),
            timeout=aiohttp.ClientTimeout(total=self.settings.webhook_timeout),
            skip_auto_headers=("User-Agent",),
            trust_env=False,
        )

    def start(self) -> None:
        self._stopping.clear()
        self.open_session()
        self._loops = [
            asyncio.create_task(self._poll_loop(), name="webhooks-poll"),
            asyncio.create_task(self._send_loop(), name="webhooks-send"),
        ]

    async def stop(self) -> None:
        """Stop between database steps, never inside one (on SQLite a transaction cut short
        would keep the write lock): the loops finish their round, posts in flight are cancelled
        (their deliveries stay leased and come due again), recording an answer completes."""
        self._stopping.set()
        self._wake.set()
        for task in list(self._posting):
            task.cancel()
        tasks = [*self._loops, *self._sending]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        self._loops, self._sending = [], set()
        if self.session is not None:
            await self.session.close()
            self.session = None

    # --- reading the feeds --------------------------------------------------------------------

    async def _poll_loop(self) -> None:
        while not self._stopping.is_set():
            created = 0
            for feed in FEEDS:
                if self._stopping.is_set():
                    return
                try:
                    created += await self.poll(feed)
                except Exception:  # a service or the database being down must not end the loop
                    log.exception(
                        "reading the %s feed for webhooks failed; will retry", feed.service
                    )
            if created:
                self._wake.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.settings.webhook_poll_interval)

    async def poll(self, feed: Feed) -> int:
        """Apply the feed's new events (a bounded number of pages); the deliveries made."""
        created = 0
        for _ in range(PAGES_PER_TICK):
            made, more = await self._apply_page(feed)
            created += made
            if not more:
                break
        return created

    async def _apply_page(self, feed: Feed) -> tuple[int, bool]:
        async with self.db.session(read_only=True) as session:
            cursor = await session.scalar(
                select(feed_cursors.c.position).where(feed_cursors.c.feed == feed.service)
            )
        page = await self._fetch(feed, cursor)
        items: list[dict[str, Any]] = page["items"]
        next_after: str = page["next_after"]
        if next_after == (cursor or "0.0"):  # nothing new (an empty feed answers 0.0)
            return 0, False
        async with self.db.session() as session:
            await serialize(session, f"webhooks-feed:{feed.service}")
            current = await session.scalar(
                select(feed_cursors.c.position).where(feed_cursors.c.feed == feed.service)
            )
            if current != cursor:  # another replica applied this page meanwhile
                await session.rollback()
                return 0, True
            now = utcnow()
            subs = await subscribers(session) if items else []
            rows = [
                {
                    "id": new_id(),
                    "endpoint_id": sub.endpoint_id,
                    "event_id": UUID(item["id"]),
                    "event_type": item["type"][:100],
                    "feed": feed.service,
                    "payload": item,
                    "attempts": 0,
                    "status": "pending",
                    "next_attempt_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for item in items
                for sub in subs
                if sub.wants(feed, item)
            ]
            if rows:
                await session.execute(insert(webhook_deliveries), rows)
            if current is None:
                await session.execute(
                    insert(feed_cursors).values(
                        feed=feed.service, position=next_after, updated_at=now
                    )
                )
            else:
                await session.execute(
                    update(feed_cursors)
                    .where(feed_cursors.c.feed == feed.service)
                    .values(position=next_after, updated_at=now)
                )
            await session.commit()
        return len(rows), len(items) >= self.settings.webhook_feed_batch

    async def _fetch(self, feed: Feed, after: str | None) -> dict[str, Any]:
        upstream = self.upstreams[feed.service]
        if upstream.session is None:
            raise RuntimeError(f"the {feed.service} upstream session is not open")
        params: dict[str, str | int] = {"limit": self.settings.webhook_feed_batch}
        if after:
            params["after"] = after
        token = self.tokens.token(DISPATCHER, upstream.name)
        headers = {"authorization": f"Bearer {token}", "accept": "application/json"}
        async with upstream.session.get(feed.path, params=params, headers=headers) as r:
            body = await r.read()
            if r.status != 200:
                raise RuntimeError(f"{feed.path} answered {r.status}: {body[:200]!r}")
        page: dict[str, Any] = loads(body)
        return page

    # --- sending ------------------------------------------------------------------------------

    async def _send_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.send_due()
            except Exception:
                log.exception("claiming webhook deliveries failed; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.webhook_send_interval)
            self._wake.clear()

    def _due(self, now: datetime, saturated: list[UUID]) -> Any:
        d = webhook_deliveries.c
        clause = and_(
            d.status.in_(DUE_STATUSES),
            d.next_attempt_at <= now,
            webhook_endpoints.c.active.is_(True),
            api_clients.c.active.is_(True),
        )
        if saturated:
            clause = and_(clause, d.endpoint_id.not_in(saturated))
        return clause

    async def send_due(self) -> None:
        """Claim what is due (within the in-flight bounds) and send each in its own task."""
        s = self.settings
        capacity = s.webhook_max_in_flight - len(self._sending)
        if capacity <= 0 or self._stopping.is_set():
            return
        saturated = [e for e, n in self._in_flight.items() if n >= s.webhook_endpoint_concurrency]
        d, e = webhook_deliveries.c, webhook_endpoints.c
        now = utcnow()
        joined = webhook_deliveries.join(webhook_endpoints, e.id == d.endpoint_id).join(
            api_clients, api_clients.c.id == e.client_id
        )
        # a read first: on SQLite a claim's transaction takes the write lock
        async with self.db.session(read_only=True) as session:
            due = await session.scalar(
                select(d.id).select_from(joined).where(self._due(now, saturated)).limit(1)
            )
        if due is None:
            return
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(
                        d.id,
                        d.endpoint_id,
                        d.event_id,
                        d.event_type,
                        d.payload,
                        d.attempts,
                        e.url,
                        e.secret,
                    )
                    .select_from(joined)
                    .where(self._due(now, saturated))
                    .order_by(d.next_attempt_at, d.id)
                    .limit(capacity)
                    .with_for_update(skip_locked=True, of=webhook_deliveries)
                )
            ).all()
            claimed: list[Claimed] = []
            taken: Counter[UUID] = Counter()
            for r in rows:
                room = s.webhook_endpoint_concurrency - self._in_flight[r.endpoint_id]
                if taken[r.endpoint_id] < room:
                    taken[r.endpoint_id] += 1
                    claimed.append(Claimed(**r._asdict()))
            if claimed:
                lease = now + timedelta(seconds=s.webhook_timeout + 60)
                await session.execute(
                    update(webhook_deliveries)
                    .where(d.id.in_([c.id for c in claimed]))
                    .values(next_attempt_at=lease)
                )
            await session.commit()
        for c in claimed:
            self._in_flight[c.endpoint_id] += 1
            task = asyncio.create_task(self._deliver(c))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _deliver(self, claimed: Claimed) -> None:
        task = asyncio.current_task()
        assert task is not None
        try:
            self._posting.add(task)
            try:
                status, error, took = await self._post(claimed)
            finally:
                self._posting.discard(task)
            await self._record(claimed, status, error, took)
        except Exception:
            log.exception("webhook delivery %s failed to be recorded", claimed.id)
        finally:
            self._in_flight[claimed.endpoint_id] -= 1
            if self._in_flight[claimed.endpoint_id] <= 0:
                del self._in_flight[claimed.endpoint_id]
            self._wake.set()

    async def _post(self, claimed: Claimed) -> tuple[int | None, str | None, float]:
        assert self.session is not None
        payload = claimed.payload
        body = dumps(
            {"type": claimed.event_type, "timestamp": payload.get("occurred_at"), "data": payload}
        )
        msg_id = str(claimed.event_id)
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(claimed.secret, msg_id, timestamp, body),
        }
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        host = urlsplit(claimed.url).hostname or ""
        if not self.private_targets_allowed and _is_ip(host) and not is_public(host):
            return None, f"{host} is not a public address", 0.0
        try:
            async with self.session.post(
                claimed.url, data=body, headers=headers, allow_redirects=False
            ) as r:
                status = r.status
                await r.content.read(4096)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}".strip().rstrip(":")[:500]
        if status is not None and not 200 <= status < 300:
            error = f"the endpoint answered HTTP {status}"
        return status, error, time.monotonic() - started

    async def _record(
        self, claimed: Claimed, status: int | None, error: str | None, took: float
    ) -> None:
        s = self.settings
        now = utcnow()
        attempts = claimed.attempts + 1
        if error is None:
            outcome: dict[str, Any] = {"status": "succeeded", "next_attempt_at": None}
        elif attempts >= s.webhook_max_attempts:
            outcome = {"status": "dead", "next_attempt_at": None}
        else:
            delay = retry_delay(attempts, s.webhook_retry_base, s.webhook_retry_max)
            outcome = {"status": "retrying", "next_attempt_at": now + timedelta(seconds=delay)}
        d = webhook_deliveries.c
        async with self.db.session() as session:
            result = await session.execute(
                update(webhook_deliveries)
                .where(
                    d.id == claimed.id,
                    d.attempts == claimed.attempts,
                    d.status.in_(DUE_STATUSES),
                )
                .values(
                    attempts=attempts,
                    last_status=status,
                    last_error=error,
                    updated_at=now,
                    **outcome,
                )
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                await session.execute(
                    insert(webhook_attempts).values(
                        delivery_id=claimed.id,
                        at=now,
                        http_status=status,
                        error=error,
                        duration_ms=round(took * 1000),
                    )
                )
            await session.commit()
