"""Market plans per region and month: text editable while draft, then approved, then closed."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, NotFound, field_error
from chassis.outbox import emit
from chassis.pagination import paginate
from services.regions.models import MarketPlan, PlanStatus, tables
from services.regions.plans.schemas import PlanCreate, PlanPublic, PlanUpdate
from services.regions.regions.service import require as require_region

NEXT = {PlanStatus.draft: PlanStatus.approved, PlanStatus.approved: PlanStatus.closed}


async def get(session: AsyncSession, plan_id: UUID) -> MarketPlan:
    found = await session.get(MarketPlan, plan_id)
    if found is None:
        raise NotFound(f"Market plan {plan_id} does not exist.")
    return found


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, filters: dict[str, Any]
) -> tuple[list[MarketPlan], str | None]:
    stmt = select(MarketPlan)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(MarketPlan, name) == value)
    return await paginate(session, stmt, col(MarketPlan.id), limit=limit, cursor=cursor)


async def create(session: AsyncSession, data: PlanCreate, *, actor: str) -> MarketPlan:
    await require_region(session, data.region_id)
    taken = and_(col(MarketPlan.region_id) == data.region_id, col(MarketPlan.period) == data.period)
    if await session.scalar(select(exists().where(taken))):
        raise Conflict("This region already has a market plan for that period.", field="period")
    plan = MarketPlan(**data.model_dump())
    session.add(plan)
    await session.flush()
    await _emit(session, "market_plan.created", plan, actor)
    return plan


async def update(
    session: AsyncSession, plan: MarketPlan, data: PlanUpdate, *, actor: str
) -> MarketPlan:
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise field_error(f"#/{name}", "may not be null")
    status = PlanStatus(plan.status)
    text = {k: v for k, v in changes.items() if k != "status"}
    if text and status is not PlanStatus.draft:
        raise Conflict(f"The plan is {status.value}; only a draft can be edited.")
    wanted = changes.get("status", status)
    if wanted != status and NEXT.get(status) != wanted:
        raise Conflict(f"A {status.value} plan can't become {changes['status'].value}.")
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.updated_at = datetime.now(UTC)
    await session.flush()
    await _emit(session, "market_plan.updated", plan, actor)
    return plan


async def delete(session: AsyncSession, plan: MarketPlan, *, actor: str) -> None:
    if plan.status != PlanStatus.draft:
        raise Conflict("Only a draft plan can be deleted.")
    await _emit(session, "market_plan.deleted", plan, actor)
    await session.delete(plan)
    await session.flush()


async def _emit(session: AsyncSession, type: str, plan: MarketPlan, actor: str) -> None:
    data = PlanPublic.model_validate(plan).model_dump(mode="json")
    await emit(session, tables.outbox, type, data | {"actor": actor})
