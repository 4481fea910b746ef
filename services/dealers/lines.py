"""What stock and sell-out report lines share: the request of up to 5,000 lines, and the
locations (a dealer's warehouse or an outlet) and products they name."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic
from uuid import UUID

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.bulk import BulkRequest, M, matching
from chassis.identity import Principal
from services.dealers.models import Dealer, LocationType, Outlet, Product

MAX_LINES = 5000


class LineBulkRequest(BulkRequest[M], Generic[M]):
    """`{"items": [...]}` of up to 5,000 report lines, each checked on its own."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_LINES)


@dataclass(frozen=True)
class Location:
    type: LocationType
    dealer_id: UUID
    region_id: UUID


async def locations(
    session: AsyncSession, ids: Iterable[UUID], caller: Principal
) -> dict[UUID, Location]:
    """The locations among `ids` (a dealer's warehouse by the dealer's id, or an outlet) that
    exist and that the caller may act for."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    found: dict[UUID, Location] = {}
    outlets = select(col(Outlet.id), col(Outlet.dealer_id), col(Outlet.region_id)).where(
        matching(session, col(Outlet.id), wanted)
    )
    for id_, dealer, region in (await session.execute(outlets)).all():
        found[id_] = Location(LocationType.outlet, dealer, region)
    dealers = select(col(Dealer.id), col(Dealer.region_id)).where(
        matching(session, col(Dealer.id), wanted)
    )
    for id_, region in (await session.execute(dealers)).all():
        found[id_] = Location(LocationType.dealer, id_, region)
    return {k: v for k, v in found.items() if caller.can_act_for(v.dealer_id)}


async def known_products(session: AsyncSession, ids: Iterable[UUID]) -> set[UUID]:
    wanted = list(set(ids))
    if not wanted:
        return set()
    stmt = select(col(Product.id)).where(matching(session, col(Product.id), wanted))
    return set((await session.scalars(stmt)).all())
