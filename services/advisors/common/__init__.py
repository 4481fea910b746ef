"""What every resource area of the advisors service shares: scopes, lookups, change application
and events. (The generic parts would sit well in `chassis`.)"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.errors import NotFound, field_error
from chassis.etag import IfMatch
from chassis.identity import Principal, require_scopes
from chassis.outbox import emit
from chassis.pagination import paginate
from services.advisors.models import tables

T = TypeVar("T")
Reader = Annotated[Principal, require_scopes("advisors:read")]
Writer = Annotated[Principal, require_scopes("advisors:write")]


async def fetch(session: AsyncSession, model: type[T], id_: UUID, what: str) -> T:
    record = await session.get(model, id_)
    if record is None:
        raise NotFound(f"{what} {id_} does not exist.")
    return record


async def must_exist(session: AsyncSession, model: type[Any], id_: UUID, pointer: str) -> Any:
    """A referenced record of this service: a missing one is the request's fault (422)."""
    record = await session.get(model, id_)
    if record is None:
        raise field_error(pointer, "no record has this id")
    return record


def no_nulls(changes: Mapping[str, Any], required: tuple[str, ...]) -> None:
    for name in required:
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")


def apply(record: Any, changes: Mapping[str, Any]) -> None:
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at = datetime.now(UTC)


async def page(
    session: AsyncSession,
    model: type[Any],
    filters: Mapping[str, Any],
    *,
    limit: int,
    cursor: str | None,
    stmt: Select[Any] | None = None,
) -> tuple[list[Any], str | None]:
    """A page of `model` rows whose columns equal the filters given (None means any)."""
    query = stmt if stmt is not None else select(model)
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(model, name) == value)
    return await paginate(session, query, model.id, limit=limit, cursor=cursor)


async def emit_record(
    session: AsyncSession, type_: str, public: BaseModel, actor: str, **extra: Any
) -> None:
    data = public.model_dump(mode="json") | {"actor": actor} | extra
    await emit(session, tables.outbox, type_, data)


def aware(value: datetime | None, name: str) -> datetime | None:
    """A query timestamp must name its zone: a naive one is ambiguous."""
    if value is not None and value.tzinfo is None:
        raise field_error(f"#/{name}", "must be an ISO 8601 date-time with a time zone")
    return value


__all__ = ["IfMatch"]
