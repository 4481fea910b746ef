"""Bulk upserts by business code: each item validated on its own, valid items written in a few
set-based statements, a result per item (`index`, `status`, `id` or `errors`).

On PostgreSQL each table is written with one `INSERT ... SELECT FROM unnest(arrays)`: a dozen
bind parameters for 1,000 rows instead of 16,000, whose compilation dominated a bulk request."""

import gc
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from typing import Any, Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field, GetJsonSchemaHandler, TypeAdapter, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema as cs
from sqlalchemy import JSON, Table, TextClause, any_, bindparam, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from chassis.db import new_id
from chassis.errors import FieldError, ProblemError, pointer_for
from chassis.jsonutil import dumps

M = TypeVar("M", bound=BaseModel)
Status = Literal["created", "updated", "invalid"]
MAX_ITEMS = 1000
_PG = postgresql.dialect()  # type: ignore[no-untyped-call]
_RECORD = frozenset({"id", "created_at", "updated_at", "version"})


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
    """`{"items": [...]}`: items are checked one by one, so one bad item fails only itself; the
    contract still describes each item as the model `M`."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_ITEMS)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: cs.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        args = cls.__pydantic_generic_metadata__["args"]
        if args:
            target = handler.resolve_ref_schema(schema)
            target["properties"]["items"]["items"] = handler(args[0].__pydantic_core_schema__)
        return schema


@cache
def _adapters(model: type[BaseModel]) -> tuple[TypeAdapter[Any], TypeAdapter[Any]]:
    return TypeAdapter(model), TypeAdapter(list[model])  # type: ignore[valid-type]


_heap_frozen = False


def _freeze_startup_heap() -> None:
    """Move what the process holds by its first bulk request (modules, schemas, tables, routes)
    out of the garbage collector's sight. A bulk request allocates tens of thousands of objects;
    each collection they trigger re-scanned that whole long-lived heap, which was half of the CPU
    of a 5,000-line request."""
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.freeze()


class Batch(Generic[M]):
    """The items of one bulk request: the valid ones, and the errors of the others."""

    def __init__(self, raw: Sequence[dict[str, Any]], model: type[M]) -> None:
        _freeze_startup_heap()
        one, many = _adapters(model)
        self.errors: dict[int, list[FieldError]] = {}
        self._rejected = 0
        try:  # all valid, the usual case: one call into the validator
            self._items: list[tuple[int, M]] = list(enumerate(many.validate_python(raw)))
            return
        except ValidationError:
            pass
        self._items = []
        for index, item in enumerate(raw):
            try:
                self._items.append((index, one.validate_python(item)))
            except ValidationError as exc:
                self.errors[index] = [
                    FieldError(pointer_for(("body", *e["loc"])), e["msg"]) for e in exc.errors()
                ]

    @property
    def valid(self) -> list[tuple[int, M]]:
        """(index, item) of the items neither invalid nor rejected so far."""
        if self._rejected:
            self._items = [(i, m) for i, m in self._items if i not in self.errors]
            self._rejected = 0
        return self._items

    def reject(self, index: int, error: FieldError | ProblemError) -> None:
        """Move a valid item to the rejected ones (a rule the schema could not express)."""
        if isinstance(error, ProblemError):
            errors = error.errors or [FieldError("#", error.detail)]
        else:
            errors = [error]
        self.errors.setdefault(index, []).extend(errors)
        self._rejected += 1

    @staticmethod
    def omitted(item: BaseModel) -> frozenset[str]:
        """The fields an item left out: a sync by code keeps their stored values."""
        return frozenset(type(item).model_fields.keys() - item.model_fields_set)

    def first_by_key(self, key: str) -> None:
        """A value given twice in one request: the later items are refused (blanks may repeat)."""
        seen: dict[Any, int] = {}
        for index, item in list(self.valid):
            value = getattr(item, key)
            if value is None:
                continue
            if value in seen:
                self.reject(index, FieldError(f"#/{key}", f"repeats item {seen[value]}"))
            else:
                seen[value] = index

    def _documents(self, written: dict[int, tuple[Status, UUID]]) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        counts = {"created": 0, "updated": 0, "invalid": 0}
        for index in sorted(written.keys() | self.errors.keys()):
            if index in self.errors:
                errors = [e.as_dict() for e in self.errors[index]]
                items.append({"index": index, "status": "invalid", "id": None, "errors": errors})
                counts["invalid"] += 1
            else:
                status, id_ = written[index]
                items.append({"index": index, "status": status, "id": str(id_), "errors": None})
                counts[status] += 1
        return {"items": items, **counts}

    def result(self, written: dict[int, tuple[Status, UUID]]) -> BulkResult:
        return BulkResult.model_validate(self._documents(written))

    def response(self, written: dict[int, tuple[Status, UUID]]) -> Response:
        """The `BulkResult` document as a response, built as plain data: validating a thousand
        trusted item results (and again as the response model) cost more than the write."""
        return Response(dumps(self._documents(written)), media_type="application/json")


def is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def matching(session: AsyncSession, column: Any, values: Sequence[Any]) -> Any:
    """`column IN values`; on PostgreSQL one array parameter (`= ANY`), not one per value."""
    if is_postgres(session):
        return column == any_(
            bindparam("values", list(values), type_=postgresql.ARRAY(column.type))
        )
    return column.in_(values)


async def lookup(
    session: AsyncSession, table: Table, key: str, keys: Sequence[Any], columns: Sequence[str]
) -> list[Any]:
    """Rows (key, *columns) of `table` whose `key` is among `keys`."""
    if not keys:
        return []
    selected = [table.c[key], *(table.c[c] for c in columns)]
    stmt = select(*selected).where(matching(session, table.c[key], keys))
    return list((await session.execute(stmt)).all())


@cache
def _upsert_sql(table: Table, columns: tuple[str, ...], key: str) -> TextClause:
    casts = ", ".join(
        f"CAST(:{c} AS {table.c[c].type.compile(dialect=_PG)}[])" for c in (*_RECORD, *columns)
    )
    names = ", ".join((*_RECORD, *columns))
    changed = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*columns, "updated_at") if c != key)
    return text(
        f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({casts}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {changed}, version = {table.name}.version + 1"
    )


def _keep(
    row: dict[str, Any], stored: dict[str, Any] | None, omitted: Collection[str]
) -> dict[str, Any]:
    if stored is None:
        return row
    return row | {c: stored[c] for c in omitted if c in stored}


async def reread(session: AsyncSession, table: Table, ids: Sequence[UUID]) -> dict[UUID, Any]:
    """The stored rows (mappings by id) a bulk write just wrote, for events that carry the whole
    record (version, timestamps, derived columns) as the single writes' events do."""
    if not ids:
        return {}
    stmt = select(table).where(matching(session, table.c.id, list(ids)))
    return {row["id"]: dict(row) for row in (await session.execute(stmt)).mappings()}


def event_documents(model: type[BaseModel], records: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Records as `model` documents in JSON form, all in one validator call: the payload the
    single writes emit for the same event type."""
    _, many = _adapters(model)
    return list(many.dump_python(many.validate_python(records), mode="json"))


async def written_events(
    session: AsyncSession,
    table: Table,
    model: type[BaseModel],
    written: Sequence[tuple[Status, UUID]],
    *,
    prefix: str,
    actor: str,
    dealer_ids: Callable[[Mapping[str, Any]], list[UUID]] | None = None,
) -> list[tuple[str, dict[str, Any], list[UUID]]]:
    """`<prefix>.created|updated` events for what a bulk write wrote, each carrying the stored
    record as `model` (and the actor), exactly as the single writes' events do."""
    stored = await reread(session, table, [id_ for _, id_ in written])
    records = [stored[id_] for _, id_ in written]
    documents = event_documents(model, records)
    return [
        (f"{prefix}.{status}", doc | {"actor": actor}, dealer_ids(rec) if dealer_ids else [])
        for (status, _), doc, rec in zip(written, documents, records, strict=True)
    ]


def _array(table: Table, column: str, rows: Sequence[dict[str, Any]]) -> list[Any]:
    values = [row[column] for row in rows]
    if isinstance(table.c[column].type, JSON):
        return [None if v is None else dumps(v).decode() for v in values]
    # A StrEnum or IntEnum is its value to the driver; another enum is not. A column's values
    # share their type (validated by one model), so the first one that is not None tells.
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, Enum) and not isinstance(sample, str | int):
        return [None if v is None else v.value for v in values]
    return values


async def upsert_by_key(
    session: AsyncSession,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    key: str = "code",
    existing: dict[Any, UUID] | None = None,
    omitted: Sequence[Collection[str]] | None = None,
) -> list[tuple[Status, UUID]]:
    """Insert rows whose `key` is new, update the others (every given column, `updated_at`, and
    `version` + 1). Returns (status, id) in the rows' order. `existing` (key → id) saves the
    lookup when the caller already made it. `omitted[i]` names the columns row i's item left
    out: a stored record keeps them (a sync never wipes what it doesn't send), a new one takes
    the row's defaults."""
    if not rows:
        return []
    if not _RECORD.isdisjoint(rows[0]):  # the rows of one request share their keys
        rows = [{c: v for c, v in row.items() if c not in _RECORD} for row in rows]
    kept = sorted({c for cols in omitted or () for c in cols if c in rows[0] and c != key})
    if existing is None or kept:
        found = await lookup(session, table, key, [row[key] for row in rows], ("id", *kept))
        existing = {r[0]: r[1] for r in found}
        if kept:
            assert omitted is not None
            stored = {r[0]: dict(zip(kept, r[2:], strict=True)) for r in found}
            rows = [
                _keep(row, stored.get(row[key]), cols)
                for row, cols in zip(rows, omitted, strict=True)
            ]
    now = datetime.now(UTC)
    ids = [existing.get(row[key]) or new_id() for row in rows]
    if is_postgres(session):
        columns = tuple(rows[0])
        params = {c: _array(table, c, rows) for c in columns}
        params |= {"id": ids, "created_at": [now] * len(rows), "updated_at": [now] * len(rows)}
        params["version"] = [1] * len(rows)
        await session.execute(_upsert_sql(table, columns, key), params)
    else:
        values = [
            {**row, "id": id_, "created_at": now, "updated_at": now, "version": 1}
            for row, id_ in zip(rows, ids, strict=True)
        ]
        stmt = sqlite_insert(table).values(values)
        changing = [c for c in rows[0] if c != key]
        update: dict[str, Any] = {c: stmt.excluded[c] for c in (*changing, "updated_at")}
        update["version"] = table.c.version + 1
        await session.execute(
            stmt.on_conflict_do_update(index_elements=[table.c[key]], set_=update)
        )
    return [
        ("updated" if row[key] in existing else "created", id_)
        for row, id_ in zip(rows, ids, strict=True)
    ]
