"""Rules and queries of API clients: a partner acts for dealers, a rate needs its burst, names
are unique; changes and deletion need the current ETag."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import new_id
from chassis.errors import Conflict, NotFound, PreconditionFailed, field_error
from chassis.etag import check_if_match
from chassis.pagination import decode_cursor
from chassis.queries import no_nulls, split_page
from gateway.admin.clients.keys import issue_key
from gateway.admin.clients.schemas import ApiClientCreate, ApiClientUpdate, IssuedKey
from gateway.models import api_clients, api_keys


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
    c = api_clients.c
    stmt = select(api_clients)
    if cursor:
        stmt = stmt.where(c.id > decode_cursor(cursor))
    if kind is not None:
        stmt = stmt.where(c.kind == kind)
    if active is not None:
        stmt = stmt.where(c.active == active)
    rows = (await session.execute(stmt.order_by(c.id).limit(limit + 1))).mappings()
    return split_page([dict(r) for r in rows], limit, lambda r: r["id"])


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
    no_nulls(changes, ("name", "scopes", "dealer_ids", "active"))
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
