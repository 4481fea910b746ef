"""Rules and queries of the admin API: API clients, their keys, the audit log, webhook
endpoints and deliveries."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import new_id
from chassis.errors import Conflict, NotFound, PreconditionFailed, field_error
from chassis.etag import check_if_match
from chassis.pagination import decode_cursor, decode_int_cursor, encode_cursor
from gateway.admin.schemas import (
    ApiClientCreate,
    ApiClientUpdate,
    ApiKeyPublic,
    IssuedKey,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
)
from gateway.keys import PREFIX, new_key, overlap_until
from gateway.models import (
    api_clients,
    api_keys,
    audit_events,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
)
from gateway.webhooks import new_secret


async def get_client(session: AsyncSession, client_id: UUID) -> dict[str, Any]:
    row = (
        (await session.execute(select(api_clients).where(api_clients.c.id == client_id)))
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise NotFound(f"API client {client_id} does not exist.")
    return dict(row)


async def list_clients(
    session: AsyncSession, *, limit: int, cursor: str | None, kind: str | None, active: bool | None
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(api_clients)
    if cursor:
        stmt = stmt.where(api_clients.c.id > decode_cursor(cursor))
    if kind is not None:
        stmt = stmt.where(api_clients.c.kind == kind)
    if active is not None:
        stmt = stmt.where(api_clients.c.active == active)
    rows = (await session.execute(stmt.order_by(api_clients.c.id).limit(limit + 1))).mappings()
    return _page([dict(r) for r in rows], limit)


def _page(rows: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], str | None]:
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(rows[limit - 1]["id"])


def _check_partner(kind: str, dealer_ids: list[UUID]) -> None:
    if kind == "partner" and not dealer_ids:
        raise field_error("#/dealer_ids", "a partner client acts for at least one dealer")
    if kind != "partner" and dealer_ids:
        raise field_error("#/dealer_ids", "only partner clients are limited to dealers")


def _check_limit(rate: float | None, burst: int | None) -> None:
    if (rate is None) != (burst is None):
        raise field_error("#/burst" if burst is None else "#/rate", "rate and burst go together")


async def create_client(
    session: AsyncSession, data: ApiClientCreate
) -> tuple[dict[str, Any], IssuedKey]:
    _check_partner(data.kind, data.dealer_ids)
    _check_limit(data.rate, data.burst)
    taken = await session.scalar(select(func.count()).where(api_clients.c.name == data.name))
    if taken:
        raise Conflict(f"An API client named {data.name!r} already exists.", field="name")
    client_id = new_id()
    await session.execute(
        insert(api_clients).values(
            id=client_id,
            name=data.name,
            kind=data.kind.value,
            scopes=sorted(set(data.scopes)),
            dealer_ids=sorted({str(d) for d in data.dealer_ids}),
            rate=data.rate,
            burst=data.burst,
            active=True,
            version=1,
            created_at=datetime.now(UTC),
        )
    )
    key = await issue_key(session, client_id, overlap_seconds=None)
    return await get_client(session, client_id), key


async def update_client(
    session: AsyncSession, client_id: UUID, data: ApiClientUpdate, if_match: str | None
) -> dict[str, Any]:
    current = await get_client(session, client_id)
    check_if_match(if_match, current["version"])
    changes = data.model_dump(exclude_unset=True)
    for required in ("name", "scopes", "dealer_ids", "active"):
        if required in changes and changes[required] is None:
            raise field_error(f"#/{required}", "may not be null")
    if "dealer_ids" in changes:
        changes["dealer_ids"] = sorted({str(d) for d in changes["dealer_ids"]})
    if "scopes" in changes:
        changes["scopes"] = sorted(set(changes["scopes"]))
    merged = current | changes
    _check_partner(merged["kind"], merged["dealer_ids"])
    _check_limit(merged["rate"], merged["burst"])
    result = await session.execute(
        update(api_clients)
        .where(api_clients.c.id == client_id, api_clients.c.version == current["version"])
        .values(**changes, version=current["version"] + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed("The API client changed meanwhile; fetch it again.")
    return await get_client(session, client_id)


async def delete_client(session: AsyncSession, client_id: UUID, if_match: str | None) -> None:
    current = await get_client(session, client_id)
    check_if_match(if_match, current["version"])
    await session.execute(delete(api_keys).where(api_keys.c.client_id == client_id))
    await session.execute(delete(api_clients).where(api_clients.c.id == client_id))


async def issue_key(
    session: AsyncSession, client_id: UUID, *, overlap_seconds: int | None
) -> IssuedKey:
    """A new key; the client's older live keys expire after the overlap (rotation)."""
    if overlap_seconds is not None:
        await session.execute(
            update(api_keys)
            .where(
                api_keys.c.client_id == client_id,
                api_keys.c.revoked_at.is_(None),
                api_keys.c.expires_at.is_(None)
                | (api_keys.c.expires_at > overlap_until(overlap_seconds)),
            )
            .values(expires_at=overlap_until(overlap_seconds))
        )
    key = new_key()
    key_id = new_id()
    created = datetime.now(UTC)
    await session.execute(
        insert(api_keys).values(
            id=key_id,
            client_id=client_id,
            lookup=key.lookup,
            key_hash=key.key_hash,
            created_at=created,
        )
    )
    return IssuedKey(
        id=key_id,
        prefix=f"{PREFIX}{key.lookup}",
        created_at=created,
        expires_at=None,
        revoked_at=None,
        key=key.key,
    )


async def list_keys(session: AsyncSession, client_id: UUID) -> list[ApiKeyPublic]:
    await get_client(session, client_id)
    rows = (
        await session.execute(
            select(api_keys)
            .where(api_keys.c.client_id == client_id)
            .order_by(api_keys.c.created_at)
        )
    ).mappings()
    return [
        ApiKeyPublic(
            id=r["id"],
            prefix=f"{PREFIX}{r['lookup']}",
            created_at=r["created_at"],
            expires_at=r["expires_at"],
            revoked_at=r["revoked_at"],
        )
        for r in rows
    ]


async def revoke_key(session: AsyncSession, client_id: UUID, key_id: UUID) -> None:
    result = await session.execute(
        update(api_keys)
        .where(
            api_keys.c.id == key_id,
            api_keys.c.client_id == client_id,
            api_keys.c.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC))
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound(f"API key {key_id} of client {client_id} does not exist or is revoked.")


async def list_audit(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    actor: str | None,
    outcome: str | None,
    since: datetime | None,
    until: datetime | None,
) -> tuple[list[dict[str, Any]], str | None]:
    c = audit_events.c
    stmt = select(audit_events)
    if cursor:
        stmt = stmt.where(c.id > decode_int_cursor(cursor))
    if actor is not None:
        stmt = stmt.where(c.actor == actor)
    if outcome is not None:
        stmt = stmt.where(c.outcome == outcome)
    if since is not None:
        stmt = stmt.where(c.at >= since)
    if until is not None:
        stmt = stmt.where(c.at < until)
    rows = (await session.execute(stmt.order_by(c.id).limit(limit + 1))).mappings()
    return _page([dict(r) for r in rows], limit)


# --- webhooks -------------------------------------------------------------------------------
# `owner` is the API client whose endpoints the caller may manage, or None for an admin (all).


def _owned(stmt: Any, owner: UUID | None) -> Any:
    return stmt if owner is None else stmt.where(webhook_endpoints.c.client_id == owner)


async def get_endpoint(
    session: AsyncSession, owner: UUID | None, endpoint_id: UUID
) -> dict[str, Any]:
    stmt = _owned(select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id), owner)
    row = (await session.execute(stmt)).mappings().one_or_none()
    if row is None:
        raise NotFound(f"Webhook endpoint {endpoint_id} does not exist.")
    return dict(row)


async def list_endpoints(
    session: AsyncSession,
    owner: UUID | None,
    *,
    limit: int,
    cursor: str | None,
    client_id: UUID | None,
    active: bool | None,
) -> tuple[list[dict[str, Any]], str | None]:
    c = webhook_endpoints.c
    stmt = _owned(select(webhook_endpoints), owner)
    if cursor:
        stmt = stmt.where(c.id > decode_cursor(cursor))
    if client_id is not None:
        stmt = stmt.where(c.client_id == client_id)
    if active is not None:
        stmt = stmt.where(c.active == active)
    rows = (await session.execute(stmt.order_by(c.id).limit(limit + 1))).mappings()
    return _page([dict(r) for r in rows], limit)


async def create_endpoint(
    session: AsyncSession, owner: UUID | None, data: WebhookEndpointCreate
) -> dict[str, Any]:
    client_id = data.client_id
    if owner is None and client_id is None:
        raise field_error("#/client_id", "an admin names the API client the endpoint is for")
    if owner is not None and client_id not in (None, owner):
        raise NotFound(f"API client {client_id} does not exist.")
    client_id = client_id or owner
    assert client_id is not None
    await get_client(session, client_id)
    endpoint_id = new_id()
    now = datetime.now(UTC)
    await session.execute(
        insert(webhook_endpoints).values(
            id=endpoint_id,
            client_id=client_id,
            url=data.url,
            event_types=None if data.event_types is None else sorted(set(data.event_types)),
            secret=new_secret(),
            active=data.active,
            version=1,
            created_at=now,
            updated_at=now,
        )
    )
    return await get_endpoint(session, owner, endpoint_id)


async def update_endpoint(
    session: AsyncSession,
    owner: UUID | None,
    endpoint_id: UUID,
    data: WebhookEndpointUpdate,
    if_match: str | None,
) -> dict[str, Any]:
    current = await get_endpoint(session, owner, endpoint_id)
    check_if_match(if_match, current["version"])
    changes = data.model_dump(exclude_unset=True)
    for required in ("url", "active"):
        if required in changes and changes[required] is None:
            raise field_error(f"#/{required}", "may not be null")
    if changes.get("event_types") is not None:
        changes["event_types"] = sorted(set(changes["event_types"]))
    result = await session.execute(
        update(webhook_endpoints)
        .where(
            webhook_endpoints.c.id == endpoint_id,
            webhook_endpoints.c.version == current["version"],
        )
        .values(**changes, version=current["version"] + 1, updated_at=datetime.now(UTC))
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed("The webhook endpoint changed meanwhile; fetch it again.")
    return await get_endpoint(session, owner, endpoint_id)


async def delete_endpoint(
    session: AsyncSession, owner: UUID | None, endpoint_id: UUID, if_match: str | None
) -> None:
    current = await get_endpoint(session, owner, endpoint_id)
    check_if_match(if_match, current["version"])
    deliveries = select(webhook_deliveries.c.id).where(
        webhook_deliveries.c.endpoint_id == endpoint_id
    )
    await session.execute(
        delete(webhook_attempts).where(webhook_attempts.c.delivery_id.in_(deliveries))
    )
    await session.execute(
        delete(webhook_deliveries).where(webhook_deliveries.c.endpoint_id == endpoint_id)
    )
    await session.execute(delete(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id))


def _deliveries(owner: UUID | None) -> Any:
    d = webhook_deliveries.c
    stmt = select(webhook_deliveries)
    if owner is not None:
        stmt = stmt.join(webhook_endpoints, webhook_endpoints.c.id == d.endpoint_id).where(
            webhook_endpoints.c.client_id == owner
        )
    return stmt


async def list_deliveries(
    session: AsyncSession,
    owner: UUID | None,
    *,
    limit: int,
    cursor: str | None,
    endpoint_id: UUID | None,
    status: str | None,
    event_type: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    d = webhook_deliveries.c
    stmt = _deliveries(owner)
    if cursor:
        stmt = stmt.where(d.id > decode_cursor(cursor))
    if endpoint_id is not None:
        stmt = stmt.where(d.endpoint_id == endpoint_id)
    if status is not None:
        stmt = stmt.where(d.status == status)
    if event_type is not None:
        stmt = stmt.where(d.event_type == event_type)
    rows = (await session.execute(stmt.order_by(d.id).limit(limit + 1))).mappings()
    return _page([dict(r) for r in rows], limit)


async def get_delivery(
    session: AsyncSession, owner: UUID | None, delivery_id: UUID
) -> dict[str, Any]:
    stmt = _deliveries(owner).where(webhook_deliveries.c.id == delivery_id)
    row = (await session.execute(stmt)).mappings().one_or_none()
    if row is None:
        raise NotFound(f"Webhook delivery {delivery_id} does not exist.")
    a = webhook_attempts.c
    attempts = (
        await session.execute(
            select(a.at, a.http_status, a.error, a.duration_ms)
            .where(a.delivery_id == delivery_id)
            .order_by(a.id)
        )
    ).mappings()
    return dict(row) | {"attempt_log": [dict(r) for r in attempts]}


async def retry_delivery(
    session: AsyncSession, owner: UUID | None, delivery_id: UUID
) -> dict[str, Any]:
    """Re-queue a dead delivery for a fresh round of attempts (its log keeps the old ones)."""
    current = await get_delivery(session, owner, delivery_id)
    if current["status"] != "dead":
        raise Conflict(
            f"Only a dead delivery can be retried; this one is {current['status']}.",
            field="status",
        )
    now = datetime.now(UTC)
    result = await session.execute(
        update(webhook_deliveries)
        .where(webhook_deliveries.c.id == delivery_id, webhook_deliveries.c.status == "dead")
        .values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("The delivery changed meanwhile; fetch it again.")
    return await get_delivery(session, owner, delivery_id)
