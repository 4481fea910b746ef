"""Bulk upserts by business code: each item validated on its own, valid items written in a few
set-based statements, a result per item (`index`, `status`, `id` or `errors`)."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import new_id
from chassis.errors import FieldError, ProblemError, pointer_for

M = TypeVar("M", bound=BaseModel)
Status = Literal["created", "updated", "invalid"]
MAX_ITEMS = 1000


class ItemError(BaseModel):
    pointer: str
    detail: str


class ItemResult(BaseModel):
    index: int
    status: Status
    id: UUID | None = None
    errors: list[ItemError] | None = None


class BulkResult(BaseModel):
    items: list[ItemResult]
    created: int
    updated: int
    invalid: int


class BulkRequest(BaseModel, Generic[M]):
    """`{"items": [...]}`: items are checked one by one, so one bad item fails only itself."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_ITEMS)


class Batch(Generic[M]):
    """The items of one bulk request: the valid ones, and the errors of the others."""

    def __init__(self, raw: Sequence[dict[str, Any]], model: type[M]) -> None:
        adapter = TypeAdapter(model)
        self.valid: list[tuple[int, M]] = []
        self.errors: dict[int, list[FieldError]] = {}
        for index, item in enumerate(raw):
            try:
                self.valid.append((index, adapter.validate_python(item)))
            except ValidationError as exc:
                self.errors[index] = [
                    FieldError(pointer_for(("body", *e["loc"])), e["msg"]) for e in exc.errors()
                ]

    def reject(self, index: int, error: FieldError | ProblemError) -> None:
        """Move a valid item to the rejected ones (a rule the schema could not express)."""
        if isinstance(error, ProblemError):
            errors = error.errors or [FieldError("#", error.detail)]
        else:
            errors = [error]
        self.errors.setdefault(index, []).extend(errors)
        self.valid = [(i, m) for i, m in self.valid if i != index]

    def first_by_key(self, key: str) -> None:
        """A code given twice in one request: the later items are refused."""
        seen: dict[Any, int] = {}
        for index, item in list(self.valid):
            value = getattr(item, key)
            if value in seen:
                self.reject(index, FieldError(f"#/{key}", f"repeats item {seen[value]}"))
            else:
                seen[value] = index

    def result(self, written: dict[int, tuple[Status, UUID]]) -> BulkResult:
        items = []
        for index in sorted(written.keys() | self.errors.keys()):
            if index in self.errors:
                errs = [ItemError(pointer=e.pointer, detail=e.detail) for e in self.errors[index]]
                items.append(ItemResult(index=index, status="invalid", errors=errs))
            else:
                status, id_ = written[index]
                items.append(ItemResult(index=index, status=status, id=id_))
        count = {
            s: sum(1 for i in items if i.status == s) for s in ("created", "updated", "invalid")
        }
        return BulkResult(items=items, **count)


async def upsert_by_key(
    session: AsyncSession,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    key: str = "code",
) -> list[tuple[Status, UUID]]:
    """Insert rows whose `key` is new, update the others (bumping `version`); one existing-key
    query and one INSERT ... ON CONFLICT DO UPDATE. Returns (status, id) in the rows' order."""
    if not rows:
        return []
    keys = [row[key] for row in rows]
    existing = dict(
        (
            await session.execute(select(table.c[key], table.c.id).where(table.c[key].in_(keys)))
        ).all()
    )
    now = datetime.now(UTC)
    values = []
    for row in rows:
        known = existing.get(row[key])
        values.append(
            {**row, "id": known or new_id(), "created_at": now, "updated_at": now, "version": 1}
        )
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table).values(values)
    changing = [c for c in rows[0] if c not in (key, "id", "created_at", "version")]
    update = {c: stmt.excluded[c] for c in changing} | {"version": table.c.version + 1}
    await session.execute(stmt.on_conflict_do_update(index_elements=[table.c[key]], set_=update))
    return [
        ("updated" if existing.get(row[key]) else "created", value["id"])
        for row, value in zip(rows, values, strict=True)
    ]
