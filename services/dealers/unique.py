"""Unique values (codes, registration numbers, GTINs): a 409 naming the field for a single
write, a per-item refusal in bulk."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.bulk import Batch
from chassis.errors import Conflict, FieldError


async def check_unique(
    session: AsyncSession,
    model: Any,
    changes: dict[str, Any],
    record_id: UUID | None,
    fields: Iterable[str],
    what: str,
) -> None:
    """409 naming the field when another record already holds one of these unique values."""
    for name in fields:
        if changes.get(name) is None:
            continue
        taken = exists().where(getattr(model, name) == changes[name])
        if record_id is not None:
            taken = taken.where(model.id != record_id)
        if await session.scalar(select(taken)):
            raise Conflict(f"A {what} with {name} {changes[name]} already exists.", field=name)


async def reject_taken(
    session: AsyncSession, batch: Batch[Any], model: Any, field: str, what: str
) -> None:
    """Reject items whose unique `field` is held by a record with another code (run it before
    the repeated-value check, so that the item that may keep the value is the one kept)."""
    wanted: dict[Any, list[tuple[int, str]]] = {}
    for index, item in batch.valid:
        if getattr(item, field) is not None:
            wanted.setdefault(getattr(item, field), []).append((index, item.code))
    if not wanted:
        return
    stmt = select(model.code, getattr(model, field)).where(getattr(model, field).in_(wanted))
    for code, value in (await session.execute(stmt)).all():
        for index, item_code in wanted[value]:
            if code != item_code:
                batch.reject(index, FieldError(f"#/{field}", f"is held by another {what}"))
