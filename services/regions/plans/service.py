"""Market plans per region and month: text editable while draft; the status moves by transitions,
draft → approved → closed."""

from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, FieldError
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, must_exist, no_nulls, page
from services.regions.models import MarketPlan, PlanStatus, Region, tables
from services.regions.plans.schemas import (
    PlanCreate,
    PlanPublic,
    PlanTransitionCreate,
    PlanUpdate,
)

NEXT = {PlanStatus.draft: PlanStatus.approved, PlanStatus.approved: PlanStatus.closed}


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, filters: dict[str, Any]
) -> tuple[list[MarketPlan], str | None]:
    return await page(session, MarketPlan, filters, limit=limit, cursor=cursor)


async def create(session: AsyncSession, data: PlanCreate, *, caller: Principal) -> MarketPlan:
    await must_exist(session, Region, data.region_id, "#/region_id")
    taken = and_(col(MarketPlan.region_id) == data.region_id, col(MarketPlan.period) == data.period)
    if await session.scalar(select(exists().where(taken))):
        raise Conflict("This region already has a market plan for that period.", field="period")
    plan = MarketPlan(**data.model_dump())
    session.add(plan)
    await session.flush()
    await _emit(session, "market_plan.created", plan, caller)
    return plan


async def update(
    session: AsyncSession, plan: MarketPlan, data: PlanUpdate, *, caller: Principal
) -> MarketPlan:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, list(PlanUpdate.model_fields))
    status = PlanStatus(plan.status)
    if changes and status is not PlanStatus.draft:
        raise Conflict(f"The plan is {status.value}; only a draft can be edited.")
    apply_changes(plan, changes)
    await session.flush()
    await _emit(session, "market_plan.updated", plan, caller)
    return plan


def check_move(current: PlanStatus, to: PlanStatus) -> None:
    if to == current:
        raise _at_to(f"The plan is already {current.value}.", "is the plan's current status")
    following = NEXT.get(current)
    if to != following:
        allowed = f"may be {following.value}" if following else "a closed plan moves no further"
        raise _at_to(f"A {current.value} plan can't become {to.value}.", allowed)


def _at_to(detail: str, about_to: str) -> Conflict:
    return Conflict(detail, errors=[FieldError("#/to", about_to)])


async def transition(
    session: AsyncSession, plan: MarketPlan, data: PlanTransitionCreate, *, caller: Principal
) -> MarketPlan:
    """Approve a draft, or close an approved plan."""
    current = PlanStatus(plan.status)
    check_move(current, data.to)
    apply_changes(plan, {"status": data.to})
    await session.flush()
    move = {"from": current.value, "to": data.to.value, "reason": data.reason}
    await _emit(session, "market_plan.status_changed", plan, caller, **move)
    return plan


async def delete(session: AsyncSession, plan: MarketPlan, *, caller: Principal) -> None:
    if plan.status != PlanStatus.draft:
        raise Conflict("Only a draft plan can be deleted.")
    await _emit(session, "market_plan.deleted", plan, caller)
    await session.delete(plan)
    await session.flush()


async def _emit(
    session: AsyncSession, type: str, plan: MarketPlan, caller: Principal, **extra: Any
) -> None:
    data = PlanPublic.model_validate(plan).model_dump(mode="json")
    await emit(session, tables.outbox, type, data | {"actor": caller.subject} | extra)
