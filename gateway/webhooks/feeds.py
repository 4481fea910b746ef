"""Reading the services' event feeds into deliveries: a page is applied under an advisory lock
(PostgreSQL) only if the stored cursor is still the one the page was read after, so with
several gateway replicas no event is recorded twice for one endpoint."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import Database, new_id, serialize, utcnow
from chassis.identity import Principal
from chassis.jsonutil import loads
from gateway.models import api_clients, feed_cursors, webhook_deliveries, webhook_endpoints
from gateway.proxy import TokenCache, Upstream
from gateway.settings import GatewaySettings

PAGES_PER_TICK = 20


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

# The identity the dispatcher reads the feeds with: a service principal of the gateway itself.
DISPATCHER = Principal(
    subject="gateway:webhooks",
    kind="service",
    scopes=frozenset(feed.scope for feed in FEEDS),
    name="Webhook dispatcher",
)


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


class FeedPoller:
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
            rows = _deliveries(feed, items, await subscribers(session) if items else [])
            if rows:
                await session.execute(insert(webhook_deliveries), rows)
            await _move_cursor(session, feed, current, next_after)
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


def _deliveries(
    feed: Feed, items: list[dict[str, Any]], subs: list[Subscriber]
) -> list[dict[str, Any]]:
    now = utcnow()
    return [
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


async def _move_cursor(
    session: AsyncSession, feed: Feed, current: str | None, next_after: str
) -> None:
    now = utcnow()
    if current is None:
        await session.execute(
            insert(feed_cursors).values(feed=feed.service, position=next_after, updated_at=now)
        )
    else:
        await session.execute(
            update(feed_cursors)
            .where(feed_cursors.c.feed == feed.service)
            .values(position=next_after, updated_at=now)
        )
