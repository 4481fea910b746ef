"""Rules and queries of stock reports: each line checked on its own (a partner may report only for
its dealers' locations), stored once per (location, product, as_of), the newest line per
location × product kept as the current position."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Table, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.responses import Response

from chassis.bulk import Batch, Status, is_postgres, matching
from chassis.db import new_id
from chassis.errors import FieldError
from chassis.identity import Principal
from chassis.outbox import emit_many
from chassis.queries import chunks, dialect_insert, page
from services.dealers.lines import Location, known_products, locations
from services.dealers.models import StockPosition, StockReport, tables
from services.dealers.partners import partners_own
from services.dealers.stock.schemas import StockReportCreate

REPORTS: Table = StockReport.__table__  # type: ignore[attr-defined]
POSITIONS: Table = StockPosition.__table__  # type: ignore[attr-defined]
Key = tuple[UUID, UUID, datetime]


async def list_reports(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    **filters: Any,
) -> tuple[list[StockReport], str | None]:
    stmt = partners_own(select(StockReport), StockReport, caller)
    return await page(session, StockReport, filters, limit=limit, cursor=cursor, stmt=stmt)


async def list_positions(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    below_reorder_point: bool | None = None,
    out_of_stock: bool | None = None,
    **filters: Any,
) -> tuple[list[StockPosition], str | None]:
    stmt = partners_own(select(StockPosition), StockPosition, caller)
    position = col(StockPosition.on_hand) + col(StockPosition.in_transit)
    rop = col(StockPosition.reorder_point)
    if below_reorder_point is True:
        stmt = stmt.where(rop.is_not(None), position <= rop)
    elif below_reorder_point is False:
        stmt = stmt.where((rop.is_(None)) | (position > rop))
    if out_of_stock is True:
        stmt = stmt.where(col(StockPosition.on_hand) == 0)
    elif out_of_stock is False:
        stmt = stmt.where(col(StockPosition.on_hand) > 0)
    return await page(session, StockPosition, filters, limit=limit, cursor=cursor, stmt=stmt)


async def bulk_report(
    session: AsyncSession, raw: list[dict[str, Any]], *, caller: Principal
) -> Response:
    batch = Batch(raw, StockReportCreate)
    places = await locations(session, (m.location_id for _, m in batch.valid), caller)
    products = await known_products(session, (m.product_id for _, m in batch.valid))
    seen: dict[Key, tuple[int, StockReportCreate]] = {}
    for index, item in list(batch.valid):
        key = (item.location_id, item.product_id, item.as_of)
        if item.location_id not in places:
            batch.reject(index, FieldError("#/location_id", "is not a known location"))
        elif item.product_id not in products:
            batch.reject(index, FieldError("#/product_id", "is not a known product"))
        elif key in seen:
            first, earlier = seen[key]
            if (earlier.on_hand, earlier.in_transit) != (item.on_hand, item.in_transit):
                batch.reject(index, FieldError("#/as_of", f"repeats item {first}"))
        else:
            seen[key] = (index, item)
    written: dict[int, tuple[Status, UUID]] = {}
    now = datetime.now(UTC)
    new: list[dict[str, Any]] = []
    waiting = dict(seen)
    # A key already stored answers `updated` (same figures) or is refused. A key stored by a
    # request running alongside shows up as not inserted: it is checked the same way, once.
    for attempt in (0, 1):
        stored = await _stored(session, list(waiting))
        rows: list[dict[str, Any]] = []
        for key, (index, item) in waiting.items():
            if key in stored:
                id_, on_hand, in_transit = stored[key]
                if (on_hand, in_transit) != (item.on_hand, item.in_transit):
                    detail = "differs from the figure already reported for this location and as_of"
                    batch.reject(index, FieldError("#/on_hand", detail))
                else:
                    written[index] = ("updated", id_)
            elif attempt == 0:
                rows.append(_report_row(item, places[item.location_id], now))
            else:  # inserted by no one, stored by no one: cannot happen; refuse, write nothing
                batch.reject(index, FieldError("#/as_of", "could not be stored; send it again"))
        if not rows:
            break
        inserted = await _insert_reports(session, rows)
        waiting = {}
        for row in rows:
            key = (row["location_id"], row["product_id"], row["as_of"])
            if row["id"] in inserted:
                new.append(row)
                written[seen[key][0]] = ("created", row["id"])
            else:
                waiting[key] = seen[key]
        if not waiting:
            break
    # a repeated identical line answers like the first one
    for index, item in batch.valid:
        if index not in written:
            first = seen[(item.location_id, item.product_id, item.as_of)][0]
            if first in written:
                written[index] = written[first]
    events = await _move_positions(session, new, places, now)
    events += [("stock.reported", _event(row), [row["dealer_id"]]) for row in new]
    await emit_many(session, tables.outbox, events)
    return batch.response(written)


def _report_row(item: StockReportCreate, place: Location, now: datetime) -> dict[str, Any]:
    return {
        "id": new_id(),
        "location_id": item.location_id,
        "location_type": place.type.value,
        "dealer_id": place.dealer_id,
        "product_id": item.product_id,
        "as_of": item.as_of.astimezone(UTC),
        "on_hand": item.on_hand,
        "in_transit": item.in_transit,
        "created_at": now,
    }


def _order(row: dict[str, Any]) -> tuple[bytes, bytes, datetime]:
    return row["location_id"].bytes, row["product_id"].bytes, row["as_of"]


async def _insert_reports(session: AsyncSession, rows: list[dict[str, Any]]) -> set[UUID]:
    """Insert the rows whose key is free; the ids of those inserted. In key order, so that
    requests reporting the same lines wait for each other instead of deadlocking."""
    rows = sorted(rows, key=_order)
    inserted: set[UUID] = set()
    if is_postgres(session):
        params = {c: [row[c] for row in rows] for c in _REPORT_COLUMNS}
        result = await session.execute(_INSERT_REPORTS, params)
        return set(result.scalars().all())
    for part in chunks(rows):
        stmt = dialect_insert(session, REPORTS).values(part).on_conflict_do_nothing()
        result = await session.execute(stmt.returning(REPORTS.c.id))
        inserted.update(result.scalars().all())
    return inserted


_REPORT_COLUMNS = (
    "id", "location_id", "location_type", "dealer_id", "product_id", "as_of", "on_hand",
    "in_transit", "created_at",
)  # fmt: skip
_INSERT_REPORTS = text(
    """INSERT INTO stock_reports (id, location_id, location_type, dealer_id, product_id, as_of,
           on_hand, in_transit, created_at)
       SELECT * FROM unnest(CAST(:id AS UUID[]), CAST(:location_id AS UUID[]),
                            CAST(:location_type AS VARCHAR[]), CAST(:dealer_id AS UUID[]),
                            CAST(:product_id AS UUID[]), CAST(:as_of AS TIMESTAMPTZ[]),
                            CAST(:on_hand AS INTEGER[]), CAST(:in_transit AS INTEGER[]),
                            CAST(:created_at AS TIMESTAMPTZ[]))
       ON CONFLICT DO NOTHING
       RETURNING id"""
)


async def _stored(session: AsyncSession, keys: list[Key]) -> dict[Key, tuple[UUID, int, int]]:
    if not keys:
        return {}
    found: dict[Key, tuple[UUID, int, int]] = {}
    wanted = set(keys)
    location_ids = list({k[0] for k in keys})
    stmt = select(
        REPORTS.c.location_id,
        REPORTS.c.product_id,
        REPORTS.c.as_of,
        REPORTS.c.id,
        REPORTS.c.on_hand,
        REPORTS.c.in_transit,
    ).where(matching(session, REPORTS.c.location_id, location_ids))
    stmt = stmt.where(REPORTS.c.as_of.in_({k[2] for k in keys}))
    for loc, product, as_of, id_, on_hand, in_transit in (await session.execute(stmt)).all():
        if (loc, product, as_of) in wanted:
            found[(loc, product, as_of)] = (id_, on_hand, in_transit)
    return found


async def _move_positions(
    session: AsyncSession, new: list[dict[str, Any]], places: dict[UUID, Any], now: datetime
) -> list[tuple[str, dict[str, Any], list[UUID]]]:
    """The newest line per location × product becomes the position when it is newer than the
    stored one; events for a position that runs out or falls to its reorder point."""
    latest: dict[tuple[UUID, UUID], dict[str, Any]] = {}
    for row in new:
        pair = (row["location_id"], row["product_id"])
        if pair not in latest or latest[pair]["as_of"] < row["as_of"]:
            latest[pair] = row
    if not latest:
        return []
    before = await session.execute(
        select(
            POSITIONS.c.location_id,
            POSITIONS.c.product_id,
            POSITIONS.c.as_of,
            POSITIONS.c.on_hand,
            POSITIONS.c.in_transit,
            POSITIONS.c.reorder_point,
        ).where(tuple_(POSITIONS.c.location_id, POSITIONS.c.product_id).in_(list(latest)))
    )
    previous = {(r[0], r[1]): r for r in before.all()}
    events: list[tuple[str, dict[str, Any], list[UUID]]] = []
    rows = []
    for pair, row in latest.items():
        old = previous.get(pair)
        if old is not None and old.as_of > row["as_of"]:
            continue
        place = places[row["location_id"]]
        rows.append(
            {
                "id": new_id(),
                "location_id": row["location_id"],
                "location_type": row["location_type"],
                "dealer_id": row["dealer_id"],
                "region_id": place.region_id,
                "product_id": row["product_id"],
                "as_of": row["as_of"],
                "on_hand": row["on_hand"],
                "in_transit": row["in_transit"],
                "updated_at": now,
            }
        )
        was_out = old is not None and old.on_hand == 0
        if row["on_hand"] == 0 and not was_out:
            events.append(("stock.out", _event(row), [row["dealer_id"]]))
        rop = None if old is None else old.reorder_point
        if rop is not None:
            position = row["on_hand"] + row["in_transit"]
            was_below = old is not None and old.on_hand + old.in_transit <= rop
            if position <= rop and not was_below:
                data = _event(row) | {"reorder_point": str(rop)}
                events.append(("stock.below_reorder_point", data, [row["dealer_id"]]))
    rows.sort(key=lambda row: (row["location_id"].bytes, row["product_id"].bytes))
    for part in chunks(rows):
        stmt = dialect_insert(session, POSITIONS).values(part)
        changed = ("location_type", "dealer_id", "region_id", "as_of", "on_hand", "in_transit")
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[POSITIONS.c.location_id, POSITIONS.c.product_id],
                set_={c: stmt.excluded[c] for c in (*changed, "updated_at")},
                where=POSITIONS.c.as_of <= stmt.excluded.as_of,
            )
        )
    return events


def _event(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "location_id": str(row["location_id"]),
        "location_type": row["location_type"],
        "dealer_id": str(row["dealer_id"]),
        "product_id": str(row["product_id"]),
        "as_of": row["as_of"].isoformat(),
        "on_hand": row["on_hand"],
        "in_transit": row["in_transit"],
    }
