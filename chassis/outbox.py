"""Domain events: `emit` writes to the outbox in the request's transaction; the feed serves them
in commit-safe order."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import BigInteger, Table, Text, func, insert, literal, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import SessionDep, new_id
from chassis.errors import field_error, problem_responses
from chassis.identity import Principal, require_scopes
from chassis.jsonutil import dumps, loads

_PG_TXID = func.pg_current_xact_id().cast(Text).cast(BigInteger)
_PG_XMIN = func.pg_snapshot_xmin(func.pg_current_snapshot()).cast(Text).cast(BigInteger)


async def emit(
    session: AsyncSession,
    outbox: Table,
    type: str,
    data: dict[str, Any],
    *,
    dealer_ids: Iterable[UUID] = (),
) -> UUID:
    """Record an event in the caller's transaction; it is published only if that commits."""
    event_id = new_id()
    pg = session.bind is not None and session.bind.dialect.name == "postgresql"
    dealers = sorted(str(d) for d in dealer_ids) or None
    await session.execute(
        insert(outbox).values(
            event_id=event_id,
            type=type,
            occurred_at=datetime.now(UTC),
            data=data,
            dealer_ids=dealers,
            txid=_PG_TXID if pg else None,
        )
    )
    return event_id


_EMIT_MANY_PG = text(
    "INSERT INTO outbox_events (event_id, type, occurred_at, data, dealer_ids, txid) "
    "SELECT e, t, :now, d, di, pg_current_xact_id()::text::bigint "
    "FROM unnest(CAST(:e AS uuid[]), CAST(:t AS varchar[]), CAST(:d AS json[]), "
    "CAST(:di AS json[])) AS u(e, t, d, di)"
)


async def emit_many(
    session: AsyncSession,
    outbox: Table,
    events: Sequence[tuple[str, dict[str, Any], Iterable[UUID]]],
) -> None:
    """Record several events (type, data, dealer ids) in one statement; bulk writes use it."""
    if not events:
        return
    now = datetime.now(UTC)
    dealers = [sorted(str(d) for d in ids) or None for _, _, ids in events]
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        params = {
            "now": now,
            "e": [new_id() for _ in events],
            "t": [t for t, _, _ in events],
            "d": [dumps(d).decode() for _, d, _ in events],
            "di": [None if d is None else dumps(d).decode() for d in dealers],
        }
        await session.execute(_EMIT_MANY_PG, params)
        return
    rows = [
        {
            "event_id": new_id(),
            "type": type_,
            "occurred_at": now,
            "data": loads(dumps(data)),
            "dealer_ids": ids,
        }
        for (type_, data, _), ids in zip(events, dealers, strict=True)
    ]
    await session.execute(insert(outbox), rows)


class Event(BaseModel):
    id: UUID
    position: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    dealer_ids: list[UUID] | None = None


class EventFeed(BaseModel):
    items: list[Event]
    next_after: str


def _parse_position(after: str | None) -> tuple[int, int]:
    if not after:
        return (0, 0)
    txid, _, seq = after.partition(".")
    try:
        position = (int(txid), int(seq))
    except ValueError:
        raise field_error("#/after", "must be a position returned by this feed") from None
    if not all(0 <= part < 2**63 for part in position):
        raise field_error("#/after", "is out of range for a position of this feed")
    return position


def _position(txid: int | None, seq: int) -> str:
    return f"{txid or 0}.{seq}"


async def read_feed(
    session: AsyncSession,
    outbox: Table,
    *,
    after: str | None,
    limit: int,
    types: list[str] | None,
    principal: Principal,
) -> EventFeed:
    txid, seq = _parse_position(after)
    c = outbox.c
    pg = session.bind is not None and session.bind.dialect.name == "postgresql"
    stmt = select(outbox)
    if pg:
        # Only transactions older than every running one: a late commit can never be skipped.
        stmt = stmt.where(tuple_(c.txid, c.id) > tuple_(literal(txid), literal(seq)))
        stmt = stmt.where(c.txid < _PG_XMIN).order_by(c.txid, c.id)
    else:
        # SQLite serialises writers: id order is commit order.
        stmt = stmt.where(c.id > seq).order_by(c.id)
    if types:
        stmt = stmt.where(c.type.in_(types))
    rows = (await session.execute(stmt.limit(limit))).mappings().all()
    items = [
        Event(
            id=r["event_id"],
            position=_position(r["txid"], r["id"]),
            type=r["type"],
            occurred_at=r["occurred_at"],
            data=r["data"],
            dealer_ids=r["dealer_ids"],
        )
        for r in rows
        if _visible(principal, r["dealer_ids"])
    ]
    last = _position(rows[-1]["txid"], rows[-1]["id"]) if rows else _position(txid, seq)
    return EventFeed(items=items, next_after=last)


def _visible(principal: Principal, dealer_ids: list[str] | None) -> bool:
    if not principal.is_partner:
        return True
    return bool(dealer_ids) and any(UUID(d) in principal.dealer_ids for d in dealer_ids or ())


def feed_router(*, path: str, outbox: Table, scope: str, tag: str) -> APIRouter:
    """`GET /v1/<service-singular>-events`: the service's event feed."""
    router = APIRouter(tags=[tag], responses=problem_responses(401, 403, 422))
    Caller = Annotated[Principal, require_scopes(scope)]

    @router.get(
        path,
        response_model=EventFeed,
        summary="Read the event feed after a position",
        operation_id=f"{tag}_events_list",
    )
    async def list_events(
        request: Request,
        session: SessionDep,
        principal: Caller,
        after: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9]+\.[0-9]+$")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        type: Annotated[list[str] | None, Query()] = None,
    ) -> EventFeed:
        return await read_feed(
            session, outbox, after=after, limit=limit, types=type, principal=principal
        )

    return router
