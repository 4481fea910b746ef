"""Replenishment policies: per location × product, or the default of an outlet grade (the
manufacturer's); a partner sees the grades' defaults and its own dealers' policies."""

from typing import Any
from uuid import UUID

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, Forbidden, NotFound, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, no_nulls, page
from services.dealers.lines import known_products, locations
from services.dealers.models import ReplenishmentPolicy
from services.dealers.replenishment.schemas import PolicyCreate, PolicyUpdate


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


def authorize_change(policy: ReplenishmentPolicy, caller: Principal) -> None:
    if policy.outlet_grade is not None and caller.is_partner:
        raise Forbidden("Only the manufacturer changes the defaults of an outlet grade.")


_REQUIRED = (
    "lead_time_days",
    "review_period_days",
    "service_level",
    "order_multiple",
    "minimum_order_quantity",
)


async def update_policy(
    session: AsyncSession, policy: ReplenishmentPolicy, data: PolicyUpdate
) -> ReplenishmentPolicy:
    """Merge the given fields (null clears `min_quantity` / `max_quantity`); min ≤ max after the
    merge."""
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, _REQUIRED)
    low = changes.get("min_quantity", policy.min_quantity)
    high = changes.get("max_quantity", policy.max_quantity)
    if low is not None and high is not None and low > high:
        pointer = "#/min_quantity" if "min_quantity" in changes else "#/max_quantity"
        raise field_error(pointer, f"min_quantity {low} exceeds max_quantity {high}")
    apply_changes(policy, changes)
    await session.flush()
    return policy


async def delete_policy(session: AsyncSession, policy: ReplenishmentPolicy) -> None:
    await session.delete(policy)
    await session.flush()


async def list_policies(
    session: AsyncSession, *, caller: Principal, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[ReplenishmentPolicy], str | None]:
    stmt = _visible_policies(select(ReplenishmentPolicy), caller)
    return await page(session, ReplenishmentPolicy, filters, limit=limit, cursor=cursor, stmt=stmt)
