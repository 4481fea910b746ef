"""Query helpers every service shares: a record or 404, a referenced record or 422, equality
filters, keyset pages, an INSERT that knows ON CONFLICT on either database, applying changes."""

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Select, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.bulk import is_postgres
from chassis.errors import NotFound, field_error
from chassis.pagination import encode_cursor, paginate

T = TypeVar("T")


async def get_or_404(
    session: AsyncSession, model: type[T], id_: UUID, what: str, *, for_update: bool = False
) -> T:
    """The record with this id, or a 404 naming it (`what` is the reader's word for it)."""
    record = await session.get(model, id_, with_for_update=for_update or None)
    if record is None:
        raise NotFound(f"{what} {id_} does not exist.")
    return record


async def must_exist(session: AsyncSession, model: type[T], id_: UUID, pointer: str) -> T:
    """A record of this service that the request refers to: a missing one is the request's
    fault, a 422 naming the field."""
    record = await session.get(model, id_)
    if record is None:
        raise field_error(pointer, "no record has this id")
    return record


def where_equal(stmt: Select[Any], model: Any, filters: Mapping[str, Any]) -> Select[Any]:
    """`stmt` narrowed to rows whose columns equal the filters given (None means any)."""
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(model, name) == value)
    return stmt


async def page(
    session: AsyncSession,
    model: Any,
    filters: Mapping[str, Any] | None = None,
    *,
    limit: int,
    cursor: str | None,
    stmt: Select[Any] | None = None,
) -> tuple[list[Any], str | None]:
    """A keyset page of `model` rows (by id) matching the equality filters."""
    query = where_equal(stmt if stmt is not None else select(model), model, filters or {})
    return await paginate(session, query, model.id, limit=limit, cursor=cursor)


def split_page(rows: Sequence[T], limit: int, key: Any) -> tuple[list[T], str | None]:
    """Rows read with `LIMIT limit + 1` as a page and the next cursor (from `key(last row)`),
    for queries `paginate` can't express (grouped rows, other key columns)."""
    if len(rows) <= limit:
        return list(rows), None
    kept = list(rows[:limit])
    return kept, encode_cursor(key(kept[-1]))


def dialect_insert(session: AsyncSession, table: Table) -> Any:
    """An INSERT that knows ON CONFLICT on either database."""
    return pg_insert(table) if is_postgres(session) else sqlite_insert(table)


def chunks(rows: Sequence[T], size: int = 1000) -> Iterator[Sequence[T]]:
    """Rows in slices small enough for the drivers' bind-parameter limits."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def no_nulls(changes: Mapping[str, Any], required: Sequence[str]) -> None:
    """A PATCH may omit a required field but not set it to null."""
    for name in required:
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")


def apply_changes(record: Any, changes: Mapping[str, Any]) -> None:
    """Set the changed fields and stamp `updated_at` (the version moves on flush)."""
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at = datetime.now(UTC)
