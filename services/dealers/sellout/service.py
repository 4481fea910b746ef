"""Rules and queries of sell-out: each line checked on its own (a partner may report only for its
dealers' locations); a resend of the same (location, product, day) replaces the earlier figure."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Table, bindparam, func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.responses import Response

from chassis.bulk import Batch, Status, is_postgres
from chassis.db import UTCDateTime, new_id, serialize
from chassis.errors import FieldError
from chassis.identity import Principal
from chassis.outbox import emit_many
from chassis.queries import chunks, dialect_insert, page
from services.dealers.lines import Location, known_products, locations
from services.dealers.models import SellOutReport, tables
from services.dealers.partners import partners_own
from services.dealers.sellout.schemas import SellOutCreate

SELL_OUT: Table = SellOutReport.__table__  # type: ignore[attr-defined]


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    day_from: date | None = None,
    day_to: date | None = None,
    **filters: Any,
) -> tuple[list[SellOutReport], str | None]:
    stmt = partners_own(select(SellOutReport), SellOutReport, caller)
    if day_from is not None:
        stmt = stmt.where(col(SellOutReport.day) >= day_from)
    if day_to is not None:
        stmt = stmt.where(col(SellOutReport.day) <= day_to)
    return await page(session, SellOutReport, filters, limit=limit, cursor=cursor, stmt=stmt)


async def bulk_report(
    session: AsyncSession, raw: list[dict[str, Any]], *, caller: Principal
) -> Response:
    batch = Batch(raw, SellOutCreate)
    places = await locations(session, (m.location_id for _, m in batch.valid), caller)
    products = await known_products(session, (m.product_id for _, m in batch.valid))
    seen: dict[tuple[UUID, UUID, date], int] = {}
    for index, item in list(batch.valid):
        key = (item.location_id, item.product_id, item.day)
        if item.location_id not in places:
            batch.reject(index, FieldError("#/location_id", "is not a known location"))
        elif item.product_id not in products:
            batch.reject(index, FieldError("#/product_id", "is not a known product"))
        elif key in seen:
            batch.reject(index, FieldError("#/day", f"repeats item {seen[key]}"))
        else:
            seen[key] = index
    if is_postgres(session):
        written = await _upsert_unnest(session, batch.valid, places)
    else:
        written = await _upsert_rows(session, batch.valid, places, list(seen))
    touched = {(places[item.location_id].dealer_id, item.day) for _, item in batch.valid}
    await emit_many(session, tables.outbox, await summaries(session, touched))
    return batch.response(written)


async def summaries(
    session: AsyncSession, touched: set[tuple[UUID, date]]
) -> list[tuple[str, dict[str, Any], list[UUID]]]:
    """One `sell_out.summarised` event per dealer and day a request wrote: each of the dealer's
    locations with that day's stored totals (not this request's lines), so a consumer keeps a
    figure per location and day by overwriting it, resends and corrections included, and a
    million lines make a few hundred events, not a million."""
    # Take each (dealer, day) in turn, in key order: a concurrent writer of the same day has
    # committed by then, so the totals below include its lines, and the later event is the fuller.
    for dealer_id, day in sorted(touched):
        await serialize(session, f"sell_out:{dealer_id}:{day.isoformat()}")
    c = SELL_OUT.c
    days: dict[tuple[UUID, date], list[dict[str, Any]]] = {}
    for part in chunks(sorted(touched)):
        stmt = (
            select(
                c.dealer_id, c.day, c.location_id, c.location_type, c.region_id,
                func.sum(c.quantity), func.sum(c.amount), func.count(),
            )
            .where(tuple_(c.dealer_id, c.day).in_(part))
            .group_by(c.dealer_id, c.day, c.location_id, c.location_type, c.region_id)
            .order_by(c.dealer_id, c.day, c.location_id)
        )  # fmt: skip
        for dealer, day, location, kind, region, quantity, amount, lines in (
            await session.execute(stmt)
        ).all():
            days.setdefault((dealer, day), []).append(
                {
                    "location_id": str(location),
                    "location_type": kind,
                    "region_id": str(region),
                    "lines": lines,
                    "quantity": int(quantity),
                    "amount": f"{Decimal(amount):.2f}",
                }
            )
    return [
        ("sell_out.summarised", _summary(dealer, day, locations), [dealer])
        for (dealer, day), locations in sorted(days.items())
    ]


def _summary(dealer: UUID, day: date, locations: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "dealer_id": str(dealer),
        "day": day.isoformat(),
        "locations": locations,
        "quantity": sum(loc["quantity"] for loc in locations),
        "amount": f"{sum(Decimal(loc['amount']) for loc in locations):.2f}",
    }


# One statement for every line: a dozen array parameters instead of a dozen per line, and
# created/updated told by the row itself (`xmax = 0` on a freshly inserted row), not a pre-select.
_UPSERT = text(
    """INSERT INTO sell_out_reports (id, version, created_at, updated_at, location_id,
           location_type, dealer_id, region_id, product_id, day, quantity, amount)
       SELECT id, 1, :now, :now, location_id, location_type, dealer_id, region_id, product_id,
              day, quantity, amount
       FROM unnest(CAST(:id AS UUID[]), CAST(:location_id AS UUID[]),
                   CAST(:location_type AS VARCHAR[]), CAST(:dealer_id AS UUID[]),
                   CAST(:region_id AS UUID[]), CAST(:product_id AS UUID[]), CAST(:day AS DATE[]),
                   CAST(:quantity AS INTEGER[]), CAST(:amount AS NUMERIC[]))
            AS line(id, location_id, location_type, dealer_id, region_id, product_id, day,
                    quantity, amount)
       ON CONFLICT (location_id, product_id, day) DO UPDATE
       SET quantity = EXCLUDED.quantity, amount = EXCLUDED.amount,
           updated_at = EXCLUDED.updated_at, version = sell_out_reports.version + 1
       RETURNING location_id, product_id, day, id, xmax = 0"""
).bindparams(bindparam("now", type_=UTCDateTime()))


def _key(item: SellOutCreate) -> tuple[bytes, bytes, date]:
    return item.location_id.bytes, item.product_id.bytes, item.day


async def _upsert_unnest(
    session: AsyncSession, valid: list[tuple[int, SellOutCreate]], places: dict[UUID, Location]
) -> dict[int, tuple[Status, UUID]]:
    if not valid:
        return {}
    columns: dict[str, list[Any]] = {
        "id": [], "location_id": [], "location_type": [], "dealer_id": [], "region_id": [],
        "product_id": [], "day": [], "quantity": [], "amount": [],
    }  # fmt: skip
    # in key order, so that requests writing the same lines lock them in the same order and
    # wait for each other instead of deadlocking
    for _, item in sorted(valid, key=lambda pair: _key(pair[1])):
        place = places[item.location_id]
        columns["id"].append(new_id())
        columns["location_id"].append(item.location_id)
        columns["location_type"].append(place.type.value)
        columns["dealer_id"].append(place.dealer_id)
        columns["region_id"].append(place.region_id)
        columns["product_id"].append(item.product_id)
        columns["day"].append(item.day)
        columns["quantity"].append(item.quantity)
        columns["amount"].append(item.amount)
    result = await session.execute(_UPSERT, {"now": datetime.now(UTC), **columns})
    stored = {(r[0], r[1], r[2]): (r[3], r[4]) for r in result.all()}
    written: dict[int, tuple[Status, UUID]] = {}
    for index, item in valid:
        id_, inserted = stored[(item.location_id, item.product_id, item.day)]
        written[index] = ("created" if inserted else "updated", id_)
    return written


async def _upsert_rows(
    session: AsyncSession,
    valid: list[tuple[int, SellOutCreate]],
    places: dict[UUID, Location],
    keys: list[tuple[UUID, UUID, date]],
) -> dict[int, tuple[Status, UUID]]:
    """SQLite: the stored ids first, then INSERT … ON CONFLICT in slices."""
    existing: dict[tuple[UUID, UUID, date], UUID] = {}
    for slice_ in chunks(keys):
        stmt = select(
            SELL_OUT.c.location_id, SELL_OUT.c.product_id, SELL_OUT.c.day, SELL_OUT.c.id
        ).where(tuple_(SELL_OUT.c.location_id, SELL_OUT.c.product_id, SELL_OUT.c.day).in_(slice_))
        existing |= {(r[0], r[1], r[2]): r[3] for r in (await session.execute(stmt)).all()}
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    written: dict[int, tuple[Status, UUID]] = {}
    for index, item in valid:
        place = places[item.location_id]
        key = (item.location_id, item.product_id, item.day)
        id_ = existing.get(key) or new_id()
        written[index] = ("updated" if key in existing else "created", id_)
        rows.append(
            {
                "id": id_,
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "location_id": item.location_id,
                "location_type": place.type.value,
                "dealer_id": place.dealer_id,
                "region_id": place.region_id,
                "product_id": item.product_id,
                "day": item.day,
                "quantity": item.quantity,
                "amount": item.amount,
            }
        )
    for part in chunks(rows):
        stmt = dialect_insert(session, SELL_OUT).values(part)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[SELL_OUT.c.location_id, SELL_OUT.c.product_id, SELL_OUT.c.day],
                set_={
                    "quantity": stmt.excluded.quantity,
                    "amount": stmt.excluded.amount,
                    "updated_at": stmt.excluded.updated_at,
                    "version": SELL_OUT.c.version + 1,
                },
            )
        )
    return written
