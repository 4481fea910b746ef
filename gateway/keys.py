"""API keys for machines: random, prefixed so logs and secret scanners recognise them, shown
once, stored only as a SHA-256 hash (256 bits of entropy: a slow hash would add nothing)."""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import select, update

from chassis.db import Database
from chassis.errors import Unauthorized
from chassis.identity import Principal
from gateway.models import api_clients, api_keys
from gateway.settings import Limit

PREFIX = "arsk_"
LAST_USED_EVERY = 60.0


@dataclass(frozen=True)
class NewKey:
    lookup: str
    secret: str
    key_hash: str

    @property
    def key(self) -> str:
        return f"{PREFIX}{self.lookup}_{self.secret}"


def new_key() -> NewKey:
    lookup = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(lookup, secret, hash_key(f"{PREFIX}{lookup}_{secret}"))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(value: str) -> bool:
    return value.startswith(PREFIX)


def parse_lookup(key: str) -> str | None:
    lookup, sep, secret = key.removeprefix(PREFIX).partition("_")
    return lookup if sep and len(lookup) == 12 and secret else None


@dataclass(frozen=True)
class Client:
    principal: Principal
    client_id: UUID
    limit: Limit | None


class KeyStore:
    """Verifies keys against the database, caching each answer for at most `ttl` seconds."""

    def __init__(self, db: Database, ttl: float) -> None:
        self.db = db
        self.ttl = ttl
        self._cache: dict[str, tuple[Client | None, float]] = {}
        self._last_used: dict[UUID, float] = {}

    async def verify(self, key: str) -> Client:
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[1] > now:
            client = hit[0]
        else:
            client = await self._load(key)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = (client, now + self.ttl)
        if client is None:
            raise Unauthorized("The API key is not valid (unknown, revoked, expired or inactive).")
        await self._touch(client.client_id, now)
        return client

    async def _load(self, key: str) -> Client | None:
        lookup = parse_lookup(key)
        if lookup is None:
            return None
        now = datetime.now(UTC)
        stmt = (
            select(api_keys.c.key_hash, api_keys.c.expires_at, api_keys.c.revoked_at, api_clients)
            .join(api_clients, api_clients.c.id == api_keys.c.client_id)
            .where(api_keys.c.lookup == lookup)
        )
        async with self.db.session() as session:
            row = (await session.execute(stmt)).mappings().one_or_none()
        if row is None or not hmac.compare_digest(row["key_hash"], hash_key(key)):
            return None
        if row["revoked_at"] is not None or not row["active"]:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= now:
            return None
        principal = Principal(
            subject=f"client:{row['id']}",
            kind=row["kind"],
            scopes=frozenset(row["scopes"]),
            dealer_ids=frozenset(UUID(d) for d in row["dealer_ids"]),
            name=row["name"],
        )
        limit = Limit(rate=row["rate"], burst=row["burst"]) if row["rate"] else None
        return Client(principal, row["id"], limit)

    async def _touch(self, client_id: UUID, now: float) -> None:
        # last_used_at is written at most once a minute per client, not on every request
        if now - self._last_used.get(client_id, -LAST_USED_EVERY) < LAST_USED_EVERY:
            return
        self._last_used[client_id] = now
        async with self.db.session() as session:
            await session.execute(
                update(api_clients)
                .where(api_clients.c.id == client_id)
                .values(last_used_at=datetime.now(UTC))
            )
            await session.commit()

    def forget(self) -> None:
        self._cache.clear()


def overlap_until(seconds: int) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)
