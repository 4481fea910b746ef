"""Rules and queries of webhook endpoints and deliveries. `owner` is the API client whose
endpoints the caller may manage, or None for an admin (every client's)."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import new_id
from chassis.errors import Conflict, NotFound, PreconditionFailed, field_error
from chassis.etag import check_if_match
from chassis.pagination import decode_cursor
from chassis.queries import no_nulls, split_page
from gateway.admin.clients.service import get_client
from gateway.admin.webhooks.schemas import WebhookEndpointCreate, WebhookEndpointUpdate
from gateway.models import webhook_attempts, webhook_deliveries, webhook_endpoints
from gateway.webhooks.signing import new_secret


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
    return split_page([dict(r) for r in rows], limit, lambda r: r["id"])


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
    no_nulls(changes, ("url", "active"))
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
    return split_page([dict(r) for r in rows], limit, lambda r: r["id"])


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
