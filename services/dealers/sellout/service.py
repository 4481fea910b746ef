"""Rules and queries of sell-out: each line checked on its own (a partner may report only for its
dealers' locations); a resend of the same (location, product, day) replaces the earlier figure."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Table, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.responses import Response

from chassis.bulk import Batch, Status
from chassis.db import new_id
from chassis.errors import FieldError
from chassis.identity import Principal
from chassis.pagination import paginate
from services.dealers.common import chunks, dialect_insert, known_products, locations
from services.dealers.models import SellOutReport
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
    stmt = select(SellOutReport)
    if caller.is_partner:
        stmt = stmt.where(col(SellOutReport.dealer_id).in_(caller.dealer_ids))
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(SellOutReport, name) == value)
    if day_from is not None:
        stmt = stmt.where(col(SellOutReport.day) >= day_from)
    if day_to is not None:
        stmt = stmt.where(col(SellOutReport.day) <= day_to)
    return await paginate(session, stmt, col(SellOutReport.id), limit=limit, cursor=cursor)


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
    existing: dict[tuple[UUID, UUID, date], UUID] = {}
    if seen:
        keys = list(seen)
        stmt = select(
            SELL_OUT.c.location_id, SELL_OUT.c.product_id, SELL_OUT.c.day, SELL_OUT.c.id
        ).where(tuple_(SELL_OUT.c.location_id, SELL_OUT.c.product_id, SELL_OUT.c.day).in_(keys))
        existing = {(r[0], r[1], r[2]): r[3] for r in (await session.execute(stmt)).all()}
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    written: dict[int, tuple[Status, UUID]] = {}
    for index, item in batch.valid:
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
    return batch.response(written)
