"""Set-based bulk writes for PostgreSQL: one `INSERT ... SELECT FROM unnest(arrays)` per table,
so that 1,000 rows cost a dozen bind parameters instead of 16,000 (compiling a multi-row VALUES
statement dominated a bulk request). SQLite keeps the chassis' statements. (Belongs in
`chassis.bulk` and `chassis.outbox`.)"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import JSON, Table, TextClause, any_, bindparam, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from chassis.bulk import Batch, Status, upsert_by_key
from chassis.db import new_id
from chassis.outbox import emit_many
from services.dealers.common import jsonable


def _text(obj: Any) -> str:
    # Decimals, and the UUIDs asyncpg hands back (its own class, unknown to orjson)
    return str(obj)


def dumps(obj: Any) -> str:
    return orjson.dumps(obj, default=_text).decode()


_PG = postgresql.dialect()  # type: ignore[no-untyped-call]
_RECORD = ("id", "created_at", "updated_at", "version")


def _is_pg(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


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


def matching(session: AsyncSession, column: Any, values: Sequence[Any]) -> Any:
    """`column IN values`; on PostgreSQL one array parameter (`= ANY`), not one per value."""
    if _is_pg(session):
        array_type = postgresql.ARRAY(column.type)
        return column == any_(bindparam("values", list(values), type_=array_type))
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


def _array(table: Table, column: str, rows: Sequence[dict[str, Any]]) -> list[Any]:
    values = [row[column] for row in rows]
    if isinstance(table.c[column].type, JSON):
        return [None if v is None else dumps(v) for v in values]
    return [v.value if hasattr(v, "value") else v for v in values]


async def upsert(
    session: AsyncSession,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    key: str = "code",
    existing: dict[Any, UUID] | None = None,
) -> list[tuple[Status, UUID]]:
    """Insert rows whose `key` is new, update the others (bumping `version`); (status, id) in
    the rows' order. `existing` (key → id) saves the lookup when the caller already made it."""
    if not rows:
        return []
    if not _is_pg(session):
        return await upsert_by_key(session, table, rows, key=key)
    if existing is None:
        keys = [row[key] for row in rows]
        found = await session.execute(
            select(table.c[key], table.c.id).where(table.c[key].in_(keys))
        )
        existing = {k: id_ for k, id_ in found.all()}
    now = datetime.now(UTC)
    ids = [existing.get(row[key]) or new_id() for row in rows]
    columns = tuple(rows[0])
    params = {c: _array(table, c, rows) for c in columns}
    params |= {"id": ids, "created_at": [now] * len(rows), "updated_at": [now] * len(rows)}
    params["version"] = [1] * len(rows)
    await session.execute(_upsert_sql(table, columns, key), params)
    return [
        ("updated" if row[key] in existing else "created", id_)
        for row, id_ in zip(rows, ids, strict=True)
    ]


_EMIT_SQL = text(
    "INSERT INTO outbox_events (event_id, type, occurred_at, data, dealer_ids, txid) "
    "SELECT e, t, :now, d, di, pg_current_xact_id()::text::bigint "
    "FROM unnest(CAST(:e AS uuid[]), CAST(:t AS varchar[]), CAST(:d AS json[]), "
    "CAST(:di AS json[])) AS u(e, t, d, di)"
)


async def emit(
    session: AsyncSession,
    outbox: Table,
    events: Sequence[tuple[str, dict[str, Any], Iterable[UUID]]],
) -> None:
    """Record events (type, data, dealer ids) in one statement, as `chassis.outbox.emit_many`."""
    if not events:
        return
    if not _is_pg(session):
        await emit_many(session, outbox, [(t, jsonable(d), ids) for t, d, ids in events])
        return
    dealer_ids = [sorted(str(d) for d in ids) for _, _, ids in events]
    params = {
        "now": datetime.now(UTC),
        "e": [new_id() for _ in events],
        "t": [t for t, _, _ in events],
        "d": [dumps(d) for _, d, _ in events],
        "di": [dumps(ids) if ids else None for ids in dealer_ids],
    }
    await session.execute(_EMIT_SQL, params)


def result(batch: Batch[Any], written: dict[int, tuple[Status, UUID]]) -> Response:
    """The `BulkResult` document, built as plain data: validating a thousand trusted item
    results twice (on construction and again as the response model) cost more than the write."""
    items: list[dict[str, Any]] = []
    counts = {"created": 0, "updated": 0, "invalid": 0}
    for index in sorted(written.keys() | batch.errors.keys()):
        if index in batch.errors:
            errors = [e.as_dict() for e in batch.errors[index]]
            items.append({"index": index, "status": "invalid", "id": None, "errors": errors})
            counts["invalid"] += 1
        else:
            status, id_ = written[index]
            items.append({"index": index, "status": status, "id": str(id_), "errors": None})
            counts[status] += 1
    return Response(orjson.dumps({"items": items, **counts}), media_type="application/json")
