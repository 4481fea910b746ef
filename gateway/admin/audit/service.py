"""Reading the audit log: newest last, filtered by actor, outcome and a time window."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.pagination import decode_int_cursor
from chassis.queries import split_page
from gateway.models import audit_events


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
    return split_page([dict(r) for r in rows], limit, lambda r: r["id"])
