"""Domain events: `emit` writes to the outbox in the request's transaction; the feed serves them
in commit-safe order and, asked to wait, answers as soon as one commits."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, Select, Table, Text, func, insert, literal, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.catalogue import check_event
from chassis.db import Database, new_id
from chassis.errors import field_error, problem_responses
from chassis.identity import Principal, require_any_scope
from chassis.jsonutil import dumps, loads
from chassis.notify import Poll, announce_on_commit, long_poll

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
    check_event(session, type, data, dealers)
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
    announce_on_commit(session, outbox.name)
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
    for (type_, data, _), ids in zip(events, dealers, strict=True):
        check_event(session, type_, data, ids)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        params = {
            "now": now,
            "e": [new_id() for _ in events],
            "t": [t for t, _, _ in events],
            "d": [dumps(d).decode() for _, d, _ in events],
            "di": [None if d is None else dumps(d).decode() for d in dealers],
        }
        await session.execute(_EMIT_MANY_PG, params)
        announce_on_commit(session, outbox.name)
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


REMAINING_CAP = 10_000
MAX_WAIT = 30


class EventFeed(BaseModel):
    items: list[Event]
    next_after: str
    remaining: int = Field(
        description=f"Events after this page, counted up to {REMAINING_CAP:,}: 0 when the page "
        "is not full. For a partner it counts other dealers' events too, which it is not served.",
    )


Position = tuple[int, int]


def _parse_position(after: str | None) -> Position:
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


def _is_pg(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def _after(
    stmt: Select[Any],
    outbox: Table,
    position: Position,
    types: list[str] | None,
    *,
    pg: bool,
    settled: bool = True,
) -> Select[Any]:
    """Rows after `position` in feed order: on PostgreSQL only transactions older than every
    running one (`settled`), so that a late commit can never be skipped, or else the others."""
    c = outbox.c
    if pg:
        stmt = stmt.where(tuple_(c.txid, c.id) > tuple_(literal(position[0]), literal(position[1])))
        stmt = stmt.where(c.txid < _PG_XMIN if settled else c.txid >= _PG_XMIN)
    else:  # SQLite serialises writers: id order is commit order
        stmt = stmt.where(c.id > position[1])
    return stmt.where(c.type.in_(types)) if types else stmt


async def read_feed(
    session: AsyncSession,
    outbox: Table,
    *,
    after: str | None,
    limit: int,
    types: list[str] | None,
    principal: Principal,
) -> EventFeed:
    position = _parse_position(after)
    c = outbox.c
    pg = _is_pg(session)
    order = (c.txid, c.id) if pg else (c.id,)
    stmt = _after(select(outbox), outbox, position, types, pg=pg).order_by(*order)
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
    if not rows:
        return EventFeed(items=[], next_after=_position(*position), remaining=0)
    last = (rows[-1]["txid"] or 0, rows[-1]["id"])
    remaining = 0
    if len(rows) == limit:  # counted only then: a reader behind wants to know by how much
        ids = _after(select(c.id), outbox, last, types, pg=pg).limit(REMAINING_CAP)
        remaining = await session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    return EventFeed(items=items, next_after=_position(*last), remaining=remaining)


async def _settling(
    session: AsyncSession, outbox: Table, position: Position, types: list[str] | None
) -> bool:
    """Whether events after `position` have committed but are held back behind an older
    running transaction (PostgreSQL only)."""
    if not _is_pg(session):
        return False
    stmt = _after(select(outbox.c.id), outbox, position, types, pg=True, settled=False)
    return await session.scalar(stmt.limit(1)) is not None


def _visible(principal: Principal, dealer_ids: list[str] | None) -> bool:
    if not principal.is_partner:
        return True
    return bool(dealer_ids) and any(UUID(d) in principal.dealer_ids for d in dealer_ids or ())


def feed_scope(service: str) -> str:
    """The scope that grants reading a service's feed and nothing else."""
    return f"{service}:events"


WAIT_DESCRIPTION = (
    "Seconds to wait when nothing is after `after`: the answer comes as soon as an event "
    "commits, or empty when the time is up. 0 answers at once."
)


def feed_router(*, path: str, outbox: Table, scope: str, tag: str) -> APIRouter:
    """`GET /v1/<service-singular>-events`: the service's event feed."""
    router = APIRouter(tags=[tag], responses=problem_responses(401, 403, 422))
    Caller = Annotated[Principal, require_any_scope(scope, feed_scope(tag))]

    @router.get(
        path,
        response_model=EventFeed,
        summary="Read the event feed after a position",
        description=f"Needs `{scope}`, or `{feed_scope(tag)}`, which allows this feed alone.",
        operation_id=f"{tag}_events_list",
    )
    async def list_events(
        request: Request,
        principal: Caller,
        after: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9]+\.[0-9]+$")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        type: Annotated[list[str] | None, Query()] = None,
        wait: Annotated[
            float, Query(ge=0, le=MAX_WAIT, allow_inf_nan=False, description=WAIT_DESCRIPTION)
        ] = 0,
    ) -> EventFeed:
        position = _parse_position(after)
        db: Database = request.app.state.db

        async def read() -> Poll[EventFeed]:
            # a session per read: none is held while waiting (on SQLite it would block writers)
            async with db.session(read_only=True) as session:
                page = await read_feed(
                    session, outbox, after=after, limit=limit, types=type, principal=principal
                )
                if page.next_after != _position(*position):
                    return page, True, False
                return page, False, wait > 0 and await _settling(session, outbox, position, type)

        # The server may answer sooner than asked (an empty page: nothing came meanwhile).
        cap = getattr(request.app.state.settings, "feed_max_wait", MAX_WAIT)
        notifier = getattr(request.app.state, "feed_notifier", None)
        return await long_poll(read, min(wait, cap), notifier)

    return router
