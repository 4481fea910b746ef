"""A lean read path for the hottest GETs: on PostgreSQL the row is fetched with the session's own
asyncpg connection (SQLAlchemy's statement machinery costs several times the query itself here);
on SQLite it is an ordinary Core select."""

from typing import Any

from sqlalchemy import Column, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

_SQL: dict[tuple[str, str], str] = {}


def _sql(table: Table, key: Column[Any]) -> str:
    cached = _SQL.get((table.name, key.name))
    if cached is None:
        columns = ", ".join(f'"{c.name}"' for c in table.columns)
        cached = f'SELECT {columns} FROM "{table.name}" WHERE "{key.name}" = $1'
        _SQL[(table.name, key.name)] = cached
    return cached


async def fetch_row(
    session: AsyncSession, table: Table, key: Column[Any], value: Any
) -> dict[str, Any] | None:
    """The row of `table` whose `key` is `value`, as a dict of column values, or None."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        row = (await session.execute(select(table).where(key == value))).mappings().one_or_none()
        return dict(row) if row is not None else None
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    record = await raw.driver_connection.fetchrow(_sql(table, key), value)  # type: ignore[union-attr]
    if record is None:
        return None
    return {
        column.name: column.type.process_result_value(record[column.name], None)
        if hasattr(column.type, "process_result_value")
        else record[column.name]
        for column in table.columns
    }
