"""Cursor pagination: keyset on the primary key (time-ordered UUIDs), so pages stay stable while
rows are inserted."""

import base64
import binascii
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.errors import field_error

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1–500).")]
Cursor = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_-]{11,22}$",
        description="Opaque cursor from the previous page's `next_cursor`.",
    ),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last: UUID | int) -> str:
    raw = last.bytes if isinstance(last, UUID) else last.to_bytes(8, "big", signed=True)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> UUID:
    return UUID(bytes=_raw(cursor, 16))


def decode_int_cursor(cursor: str) -> int:
    return int.from_bytes(_raw(cursor, 8), "big", signed=True)


def _raw(cursor: str, size: int) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise field_error("#/cursor", "is not a cursor returned by this list")
    return raw


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    key: Any,  # the mapped key column, e.g. col(Region.id)
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    """Rows of `stmt` after `cursor` in `key` order, and the cursor of the next page."""
    if cursor:
        stmt = stmt.where(key > decode_cursor(cursor))
    rows = list((await session.scalars(stmt.order_by(key).limit(limit + 1))).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(getattr(rows[-1], str(key.key)))
