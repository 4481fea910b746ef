"""Rules and queries of replenishment: policies, and proposals computed from demand over a window
(days without sales count as zero), the current stock position and the applicable policy."""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import NormalDist, fmean, pstdev
from typing import Any
from uuid import UUID

from sqlalchemy import Select, Table, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.db import new_id
from chassis.errors import Conflict, Forbidden, NotFound, field_error
from chassis.identity import Principal
from chassis.pagination import paginate
from services.dealers.common import chunks, known_products, locations
from services.dealers.models import (
    Outlet,
    ReplenishmentPolicy,
    ReplenishmentProposal,
    SellOutReport,
    StockPosition,
)
from services.dealers.replenishment.schemas import ComputeRequest, PolicyCreate

PROPOSALS: Table = ReplenishmentProposal.__table__  # type: ignore[attr-defined]
POSITIONS: Table = StockPosition.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Policy:
    lead_time_days: int = 7
    review_period_days: int = 7
    service_level: float = 0.95
    min_quantity: int | None = None
    max_quantity: int | None = None
    order_multiple: int = 1
    minimum_order_quantity: int = 0


BUILT_IN = Policy()


def figures(daily: list[int], on_hand: int, in_transit: int, policy: Policy) -> dict[str, Any]:
    """The proposal's figures from the daily demand of the window (zeros included)."""
    d = fmean(daily) if daily else 0.0
    sigma = pstdev(daily) if daily else 0.0
    z = NormalDist().inv_cdf(policy.service_level)
    lead, review = policy.lead_time_days, policy.review_period_days
    safety = z * sigma * math.sqrt(lead)
    reorder_point = d * lead + safety
    order_up_to = d * (lead + review) + safety
    if policy.min_quantity is not None:
        reorder_point = float(policy.min_quantity)
    if policy.max_quantity is not None:
        order_up_to = float(policy.max_quantity)
    open_orders = 0
    position = on_hand + in_transit + open_orders
    quantity = 0
    reorder = position <= reorder_point and order_up_to - position > 0
    if reorder:
        multiple = policy.order_multiple
        quantity = math.ceil(round(order_up_to - position, 9) / multiple) * multiple
        if quantity < policy.minimum_order_quantity:
            quantity = math.ceil(policy.minimum_order_quantity / multiple) * multiple
    return {
        "z": z,
        "mean_daily_demand": d,
        "demand_std_dev": sigma,
        "on_hand": on_hand,
        "in_transit": in_transit,
        "open_orders": open_orders,
        "inventory_position": position,
        "safety_stock": safety,
        "reorder_point": reorder_point,
        "order_up_to": order_up_to,
        "reorder": reorder,
        "proposed_quantity": quantity,
        "days_of_cover": on_hand / d if d > 0 else None,
        "stock_out": on_hand == 0 and d > 0,
    }


# policies


def _visible_policies(stmt: Select[Any], caller: Principal) -> Select[Any]:
    if caller.is_partner:
        owned = col(ReplenishmentPolicy.dealer_id).in_(caller.dealer_ids)
        stmt = stmt.where(or_(owned, col(ReplenishmentPolicy.outlet_grade).is_not(None)))
    return stmt


async def create_policy(
    session: AsyncSession, data: PolicyCreate, *, caller: Principal
) -> ReplenishmentPolicy:
    dealer_id: UUID | None = None
    if data.outlet_grade is not None:
        if caller.is_partner:
            raise Forbidden("Only the manufacturer sets the defaults of an outlet grade.")
        scope = f"grade:{data.outlet_grade.value}"
    else:
        assert data.location_id is not None and data.product_id is not None
        places = await locations(session, [data.location_id], caller)
        if data.location_id not in places:
            raise field_error("#/location_id", "is not a known location")
        if data.product_id not in await known_products(session, [data.product_id]):
            raise field_error("#/product_id", "is not a known product")
        dealer_id = places[data.location_id].dealer_id
        scope = f"location:{data.location_id}:{data.product_id}"
    taken = await session.scalar(
        select(col(ReplenishmentPolicy.id)).where(col(ReplenishmentPolicy.scope) == scope)
    )
    if taken is not None:
        raise Conflict(f"Policy {taken} already covers this scope.", field="location_id")
    policy = ReplenishmentPolicy(**data.model_dump(), scope=scope, dealer_id=dealer_id)
    session.add(policy)
    await session.flush()
    return policy


async def get_policy(
    session: AsyncSession, policy_id: UUID, *, caller: Principal
) -> ReplenishmentPolicy:
    policy = await session.get(ReplenishmentPolicy, policy_id)
    hidden = policy is not None and policy.dealer_id is not None
    if policy is None or (hidden and not caller.can_act_for(policy.dealer_id)):
        raise NotFound(f"Replenishment policy {policy_id} does not exist.")
    return policy


async def delete_policy(session: AsyncSession, policy: ReplenishmentPolicy) -> None:
    await session.delete(policy)
    await session.flush()


async def list_policies(
    session: AsyncSession, *, caller: Principal, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[ReplenishmentPolicy], str | None]:
    stmt = _visible_policies(select(ReplenishmentPolicy), caller)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(ReplenishmentPolicy, name) == value)
    return await paginate(session, stmt, col(ReplenishmentPolicy.id), limit=limit, cursor=cursor)


# proposals


def _scoped(stmt: Select[Any], model: Any, scope: ComputeRequest, caller: Principal) -> Any:
    if caller.is_partner:
        stmt = stmt.where(col(model.dealer_id).in_(caller.dealer_ids))
    if scope.dealer_id is not None:
        stmt = stmt.where(col(model.dealer_id) == scope.dealer_id)
    if scope.outlet_id is not None:
        stmt = stmt.where(col(model.location_id) == scope.outlet_id)
    if scope.region_id is not None:
        stmt = stmt.where(col(model.region_id) == scope.region_id)
    if scope.product_id is not None:
        stmt = stmt.where(col(model.product_id) == scope.product_id)
    return stmt


async def compute(
    session: AsyncSession, scope: ComputeRequest, *, caller: Principal
) -> tuple[UUID, list[dict[str, Any]]]:
    """Proposals for every location × product in scope that has a stock position or sales in the
    window; stored under one computation id."""
    last = scope.as_of or datetime.now(UTC).date()
    first = last - timedelta(days=scope.window_days - 1)
    Pair = tuple[UUID, UUID]
    places: dict[Pair, tuple[str, UUID, UUID]] = {}
    stock: dict[Pair, tuple[int, int]] = {}
    positions = _scoped(select(StockPosition), StockPosition, scope, caller)
    for p in (await session.scalars(positions)).all():
        pair = (p.location_id, p.product_id)
        places[pair] = (p.location_type, p.dealer_id, p.region_id)
        stock[pair] = (p.on_hand, p.in_transit)
    sales = _scoped(select(SellOutReport), SellOutReport, scope, caller).where(
        col(SellOutReport.day) >= first, col(SellOutReport.day) <= last
    )
    demand: dict[Pair, dict[date, int]] = {}
    for s in (await session.scalars(sales)).all():
        pair = (s.location_id, s.product_id)
        places.setdefault(pair, (s.location_type, s.dealer_id, s.region_id))
        demand.setdefault(pair, {})[s.day] = s.quantity
    policies = await _policies(session, places)
    computation_id = new_id()
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for pair, (location_type, dealer_id, region_id) in sorted(places.items()):
        policy_id, source, policy = policies.get(pair, (None, "built-in", BUILT_IN))
        days = demand.get(pair, {})
        daily = [days.get(first + timedelta(days=i), 0) for i in range(scope.window_days)]
        on_hand, in_transit = stock.get(pair, (0, 0))
        rows.append(
            {
                "id": new_id(),
                "computation_id": computation_id,
                "computed_at": now,
                "location_id": pair[0],
                "location_type": location_type,
                "dealer_id": dealer_id,
                "region_id": region_id,
                "product_id": pair[1],
                "as_of": last,
                "window_days": scope.window_days,
                "policy_id": policy_id,
                "policy_source": source,
                "lead_time_days": policy.lead_time_days,
                "review_period_days": policy.review_period_days,
                "service_level": policy.service_level,
                "min_quantity": policy.min_quantity,
                "max_quantity": policy.max_quantity,
                "order_multiple": policy.order_multiple,
                "minimum_order_quantity": policy.minimum_order_quantity,
                **figures(daily, on_hand, in_transit, policy),
            }
        )
    for part in chunks(rows, 500):
        await session.execute(insert(PROPOSALS), part)
    for row in rows:
        if (row["location_id"], row["product_id"]) in stock:
            await session.execute(
                update(POSITIONS)
                .where(
                    POSITIONS.c.location_id == row["location_id"],
                    POSITIONS.c.product_id == row["product_id"],
                )
                .values(reorder_point=round(row["reorder_point"], 4))
            )
    return computation_id, rows


async def _policies(
    session: AsyncSession, places: dict[tuple[UUID, UUID], tuple[str, UUID, UUID]]
) -> dict[tuple[UUID, UUID], tuple[UUID | None, str, Policy]]:
    """The policy of each pair: its own, else its outlet grade's default."""
    if not places:
        return {}
    location_ids = list({loc for loc, _ in places})
    own = select(ReplenishmentPolicy).where(col(ReplenishmentPolicy.location_id).in_(location_ids))
    found: dict[tuple[UUID, UUID], tuple[UUID | None, str, Policy]] = {}
    for p in (await session.scalars(own)).all():
        assert p.location_id is not None and p.product_id is not None
        found[(p.location_id, p.product_id)] = (p.id, "location", _policy(p))
    grades_of = dict(
        (
            await session.execute(
                select(col(Outlet.id), col(Outlet.grade)).where(col(Outlet.id).in_(location_ids))
            )
        ).all()
    )
    defaults = {
        p.outlet_grade: p
        for p in (
            await session.scalars(
                select(ReplenishmentPolicy).where(
                    col(ReplenishmentPolicy.outlet_grade).is_not(None)
                )
            )
        ).all()
    }
    for pair in places:
        if pair in found:
            continue
        grade = grades_of.get(pair[0])
        default = defaults.get(None if grade is None else str(grade))
        if default is not None:
            found[pair] = (default.id, "grade", _policy(default))
    return found


def _policy(p: ReplenishmentPolicy) -> Policy:
    return Policy(
        lead_time_days=p.lead_time_days,
        review_period_days=p.review_period_days,
        service_level=p.service_level,
        min_quantity=p.min_quantity,
        max_quantity=p.max_quantity,
        order_multiple=p.order_multiple,
        minimum_order_quantity=p.minimum_order_quantity,
    )


async def list_proposals(
    session: AsyncSession, *, caller: Principal, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[ReplenishmentProposal], str | None]:
    stmt = select(ReplenishmentProposal)
    if caller.is_partner:
        stmt = stmt.where(col(ReplenishmentProposal.dealer_id).in_(caller.dealer_ids))
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(ReplenishmentProposal, name) == value)
    return await paginate(session, stmt, col(ReplenishmentProposal.id), limit=limit, cursor=cursor)
