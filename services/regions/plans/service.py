"""Market plans per region and month: text editable while draft, then approved, then closed."""

from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, must_exist, no_nulls, page
from services.regions.models import MarketPlan, PlanStatus, Region, tables
from services.regions.plans.schemas import PlanCreate, PlanPublic, PlanUpdate

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
    text = {k: v for k, v in changes.items() if k != "status"}
    if text and status is not PlanStatus.draft:
        raise Conflict(f"The plan is {status.value}; only a draft can be edited.")
    wanted = changes.get("status", status)
    if wanted != status and NEXT.get(status) != wanted:
        raise Conflict(f"A {status.value} plan can't become {changes['status'].value}.")
    apply_changes(plan, changes)
    await session.flush()
    await _emit(session, "market_plan.updated", plan, caller)
    return plan


async def delete(session: AsyncSession, plan: MarketPlan, *, caller: Principal) -> None:
    if plan.status != PlanStatus.draft:
        raise Conflict("Only a draft plan can be deleted.")
    await _emit(session, "market_plan.deleted", plan, caller)
    await session.delete(plan)
    await session.flush()


async def _emit(session: AsyncSession, type: str, plan: MarketPlan, caller: Principal) -> None:
    data = PlanPublic.model_validate(plan).model_dump(mode="json")
    await emit(session, tables.outbox, type, data | {"actor": caller.subject})
