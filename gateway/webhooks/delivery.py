"""Sending deliveries: due ones are claimed with `FOR UPDATE SKIP LOCKED` and leased (their next
attempt moved past the send timeout) before the claim commits, so a crashed replica's claims come
due again; each is posted signed, within per-endpoint and per-replica bounds, and its outcome
recorded: success, a retry with exponential backoff, or dead after the last attempt."""

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import aiohttp
from sqlalchemy import and_, insert, select, update

from chassis.db import Database, utcnow
from chassis.jsonutil import dumps
from gateway.models import api_clients, webhook_attempts, webhook_deliveries, webhook_endpoints
from gateway.settings import GatewaySettings
from gateway.webhooks.signing import sign
from gateway.webhooks.targets import PublicResolver, refused_literal

log = logging.getLogger("gateway.webhooks")

USER_AGENT = "ars-gateway-webhooks/1"
DUE_STATUSES = ("pending", "retrying")


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


def retry_delay(failures: int, base: float, cap: float) -> float:
    """Seconds before the next attempt after `failures` failed ones: base, 2·base, 4·base, …"""
    return float(min(cap, base * 2 ** max(0, failures - 1)))


class Sender:
    def __init__(self, settings: GatewaySettings, db: Database, stopping: asyncio.Event) -> None:
        self.settings = settings
        self.db = db
        self.stopping = stopping
        self.session: aiohttp.ClientSession | None = None
        self.sending: set[asyncio.Task[None]] = set()
        self.posting: set[asyncio.Task[Any]] = set()
        self.wake = asyncio.Event()  # set when a delivery ends or new ones are recorded
        self._in_flight: Counter[UUID] = Counter()

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

    async def close_session(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None

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
        capacity = self.settings.webhook_max_in_flight - len(self.sending)
        if capacity <= 0 or self.stopping.is_set():
            return
        for claimed in await self._claim(capacity):
            self._in_flight[claimed.endpoint_id] += 1
            task = asyncio.create_task(self._deliver(claimed))
            self.sending.add(task)
            task.add_done_callback(self.sending.discard)

    async def _claim(self, capacity: int) -> list[Claimed]:
        s = self.settings
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
            return []
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
        return claimed

    async def _deliver(self, claimed: Claimed) -> None:
        task = asyncio.current_task()
        assert task is not None
        try:
            self.posting.add(task)
            try:
                status, error, took = await self.post(claimed)
            finally:
                self.posting.discard(task)
            await self._record(claimed, status, error, took)
        except Exception:
            log.exception("webhook delivery %s failed to be recorded", claimed.id)
        finally:
            self._in_flight[claimed.endpoint_id] -= 1
            if self._in_flight[claimed.endpoint_id] <= 0:
                del self._in_flight[claimed.endpoint_id]
            self.wake.set()

    async def post(self, claimed: Claimed) -> tuple[int | None, str | None, float]:
        """One attempt: the HTTP status, the error if it failed, and how long it took."""
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
        if not self.private_targets_allowed:
            refused = refused_literal(claimed.url)
            if refused:
                return None, refused, 0.0
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
        now = utcnow()
        attempts = claimed.attempts + 1
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
                    **self._outcome(attempts, error, now),
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

    def _outcome(self, attempts: int, error: str | None, now: datetime) -> dict[str, Any]:
        s = self.settings
        if error is None:
            return {"status": "succeeded", "next_attempt_at": None}
        if attempts >= s.webhook_max_attempts:
            return {"status": "dead", "next_attempt_at": None}
        delay = retry_delay(attempts, s.webhook_retry_base, s.webhook_retry_max)
        return {"status": "retrying", "next_attempt_at": now + timedelta(seconds=delay)}
