"""Sales figures per advisor and month (target, actual, new outlets, receivables due and
collected): one record per advisor and month, the source of the sales KPIs."""

from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, must_exist, no_nulls, page
from services.advisors.advisor_sales.schemas import SalesCreate, SalesPublic, SalesUpdate
from services.advisors.events import emit_record
from services.advisors.models import Advisor, AdvisorSales


async def get(session: AsyncSession, sales_id: UUID) -> AdvisorSales:
    return await get_or_404(session, AdvisorSales, sales_id, "Sales record")


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[AdvisorSales], str | None]:
    return await page(session, AdvisorSales, filters, limit=limit, cursor=cursor)


async def create(session: AsyncSession, data: SalesCreate, *, caller: Principal) -> AdvisorSales:
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    taken = exists().where(
        col(AdvisorSales.advisor_id) == data.advisor_id, col(AdvisorSales.period) == data.period
    )
    if await session.scalar(select(taken)):
        raise Conflict("The advisor's sales for this period are already recorded.", field="period")
    sales = AdvisorSales(**data.model_dump())
    session.add(sales)
    await session.flush()
    await _emit(session, "advisor_sales.created", sales, caller)
    return sales


async def update(
    session: AsyncSession, sales: AdvisorSales, data: SalesUpdate, *, caller: Principal
) -> AdvisorSales:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, tuple(changes))
    apply_changes(sales, changes)
    await session.flush()
    await _emit(session, "advisor_sales.updated", sales, caller)
    return sales


async def _emit(session: AsyncSession, type_: str, sales: AdvisorSales, caller: Principal) -> None:
    await emit_record(session, type_, SalesPublic.model_validate(sales), caller)
