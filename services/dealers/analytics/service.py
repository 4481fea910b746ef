"""Network analytics, each a GROUP BY in the database: outlet mix and flow per region or dealer,
outlet concentration across dealers, dealers by lifecycle stage and tier. Partners see their own
dealers' network only."""

from collections import defaultdict
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.identity import Principal
from services.dealers.analytics.schemas import (
    DealerMix,
    DealerShare,
    GroupBy,
    OutletFlow,
    OutletMix,
)
from services.dealers.models import Dealer, Outlet
from services.dealers.periods import month_of, plausible

HUNDREDTH = Decimal("0.01")


def _outlet_scope(
    stmt: Any, caller: Principal, region_id: UUID | None, dealer_id: UUID | None
) -> Any:
    if caller.is_partner:
        stmt = stmt.where(col(Outlet.dealer_id).in_(caller.dealer_ids))
    if region_id is not None:
        stmt = stmt.where(col(Outlet.region_id) == region_id)
    if dealer_id is not None:
        stmt = stmt.where(col(Outlet.dealer_id) == dealer_id)
    return stmt


def _key(group_by: GroupBy) -> Any:
    return col(Outlet.region_id) if group_by is GroupBy.region else col(Outlet.dealer_id)


async def outlet_mix(
    session: AsyncSession,
    *,
    caller: Principal,
    group_by: GroupBy,
    region_id: UUID | None,
    dealer_id: UUID | None,
) -> list[OutletMix]:
    key = _key(group_by)
    status, grade, kind = col(Outlet.status), col(Outlet.grade), col(Outlet.type)
    stmt = select(key, status, grade, kind, func.count())
    stmt = _outlet_scope(stmt, caller, region_id, dealer_id).group_by(key, status, grade, kind)
    mixes: dict[UUID, OutletMix] = {}
    for k, s, g, t, n in (await session.execute(stmt)).all():
        mix = mixes.setdefault(
            k, OutletMix(key=k, outlets=0, by_status={}, by_grade={}, by_type={})
        )
        mix.outlets += n
        for counts, value in ((mix.by_status, s), (mix.by_grade, g), (mix.by_type, t)):
            counts[value] = counts.get(value, 0) + n
    return sorted(mixes.values(), key=lambda m: (-m.outlets, str(m.key)))


async def outlet_flow(
    session: AsyncSession,
    *,
    caller: Principal,
    group_by: GroupBy,
    region_id: UUID | None,
    dealer_id: UUID | None,
    period_from: str | None,
    period_to: str | None,
) -> list[OutletFlow]:
    """New (joined) and closed outlets per month (days outside the range the API accepts, which
    older rows may hold, have no month and are not counted)."""
    key = _key(group_by)
    counts: dict[tuple[UUID, str], dict[str, int]] = defaultdict(lambda: {"joined": 0, "closed": 0})
    for name, day in (("joined", col(Outlet.joined_on)), ("closed", col(Outlet.closed_on))):
        month = month_of(session, day)
        stmt = select(key, month, func.count()).where(plausible(day))
        if period_from is not None:
            stmt = stmt.where(month >= period_from)
        if period_to is not None:
            stmt = stmt.where(month <= period_to)
        stmt = _outlet_scope(stmt, caller, region_id, dealer_id).group_by(key, month)
        for k, period, n in (await session.execute(stmt)).all():
            counts[(k, period)][name] = n
    return [
        OutletFlow(key=k, period=p, **c)
        for (k, p), c in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
    ]


async def concentration(
    session: AsyncSession, *, caller: Principal, region_id: UUID | None, active_only: bool
) -> tuple[int, list[DealerShare]]:
    """Outlets per supplying dealer and each dealer's share of the outlets in scope."""
    dealer = col(Outlet.dealer_id)
    stmt = _outlet_scope(select(dealer, func.count()), caller, region_id, None)
    if active_only:
        stmt = stmt.where(col(Outlet.status) == "active")
    rows = (await session.execute(stmt.group_by(dealer))).all()
    total = sum(n for _, n in rows)
    shares = [
        DealerShare(dealer_id=d, outlets=n, share=(Decimal(100 * n) / total).quantize(HUNDREDTH))
        for d, n in rows
    ]
    return total, sorted(shares, key=lambda s: (-s.outlets, str(s.dealer_id)))


async def dealer_mix(
    session: AsyncSession, *, caller: Principal, region_id: UUID | None
) -> list[DealerMix]:
    region, stage, tier = col(Dealer.region_id), col(Dealer.lifecycle_stage), col(Dealer.tier)
    stmt = select(region, stage, tier, func.count())
    if caller.is_partner:
        stmt = stmt.where(col(Dealer.id).in_(caller.dealer_ids))
    if region_id is not None:
        stmt = stmt.where(region == region_id)
    mixes: dict[UUID, DealerMix] = {}
    for r, s, t, n in (await session.execute(stmt.group_by(region, stage, tier))).all():
        mix = mixes.setdefault(r, DealerMix(region_id=r, dealers=0, by_stage={}, by_tier={}))
        mix.dealers += n
        mix.by_stage[s] = mix.by_stage.get(s, 0) + n
        mix.by_tier[t] = mix.by_tier.get(t, 0) + n
    return sorted(mixes.values(), key=lambda m: (-m.dealers, str(m.region_id)))
