"""Budgets per region, month and category; spend against them; cost-to-sales rolled up."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, must_exist, no_nulls, page
from services.regions import rollups, tree
from services.regions.budgets.schemas import (
    BudgetCreate,
    BudgetPublic,
    BudgetUpdate,
    CategoryFigures,
    CostToSales,
    CostToSalesReport,
    SpendCreate,
    SpendPublic,
)
from services.regions.models import (
    Budget,
    BudgetCategory,
    Region,
    SpendEntry,
    TargetActual,
    TargetMetric,
    tables,
)
from services.regions.periods import month_range

ZERO = Decimal("0.00")


async def spent_of(session: AsyncSession, ids: list[UUID]) -> dict[UUID, Decimal]:
    stmt = (
        select(col(SpendEntry.budget_id), func.sum(SpendEntry.amount))
        .where(col(SpendEntry.budget_id).in_(ids))
        .group_by(col(SpendEntry.budget_id))
    )
    return {k: Decimal(v) for k, v in (await session.execute(stmt)).all()}


def public(budget: Budget, spent: Decimal | None) -> BudgetPublic:
    spent = spent or ZERO
    data = {k: getattr(budget, k) for k in BudgetPublic.model_fields if hasattr(budget, k)}
    return BudgetPublic(**data, spent=spent, remaining=budget.amount - spent)


async def one(session: AsyncSession, budget: Budget) -> BudgetPublic:
    return public(budget, (await spent_of(session, [budget.id])).get(budget.id))


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, filters: dict[str, Any]
) -> tuple[list[BudgetPublic], str | None]:
    rows, next_cursor = await page(session, Budget, filters, limit=limit, cursor=cursor)
    spent = await spent_of(session, [r.id for r in rows])
    return [public(r, spent.get(r.id)) for r in rows], next_cursor


async def create(session: AsyncSession, data: BudgetCreate, *, caller: Principal) -> Budget:
    await must_exist(session, Region, data.region_id, "#/region_id")
    taken = and_(
        col(Budget.region_id) == data.region_id,
        col(Budget.period) == data.period,
        col(Budget.category) == data.category,
    )
    if await session.scalar(select(exists().where(taken))):
        raise Conflict("This region already has a budget for that period and category.")
    budget = Budget(**data.model_dump())
    session.add(budget)
    await session.flush()
    await _emit(session, "budget.created", public(budget, ZERO), caller)
    return budget


async def update(
    session: AsyncSession, budget: Budget, data: BudgetUpdate, *, caller: Principal
) -> Budget:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("amount",))
    apply_changes(budget, changes)
    await session.flush()
    await _emit(session, "budget.updated", await one(session, budget), caller)
    return budget


async def delete(session: AsyncSession, budget: Budget, *, caller: Principal) -> None:
    if await session.scalar(select(exists().where(col(SpendEntry.budget_id) == budget.id))):
        raise Conflict("The budget has spend recorded against it.")
    await _emit(session, "budget.deleted", public(budget, ZERO), caller)
    await session.delete(budget)
    await session.flush()


async def _emit(session: AsyncSession, type: str, budget: BudgetPublic, caller: Principal) -> None:
    data = budget.model_dump(mode="json") | {"actor": caller.subject}
    await emit(session, tables.outbox, type, data)


async def add_spend(
    session: AsyncSession, budget: Budget, data: SpendCreate, *, caller: Principal
) -> SpendEntry:
    if data.spent_on.strftime("%Y-%m") != budget.period:
        raise field_error("#/spent_on", f"is outside the budget's month {budget.period}")
    if data.amount <= 0:
        raise field_error("#/amount", "must be more than 0")
    entry = SpendEntry(budget_id=budget.id, actor=caller.subject, **data.model_dump())
    session.add(entry)
    await session.flush()
    data_out = SpendPublic.model_validate(entry).model_dump(mode="json")
    await emit(
        session,
        tables.outbox,
        "budget.spend_recorded",
        data_out | {"region_id": str(budget.region_id)},
    )
    return entry


async def list_spend(
    session: AsyncSession, budget: Budget, *, limit: int, cursor: str | None
) -> tuple[list[SpendEntry], str | None]:
    filters = {"budget_id": budget.id}
    return await page(session, SpendEntry, filters, limit=limit, cursor=cursor)


async def cost_to_sales(
    session: AsyncSession, root: Region, period: str, category: BudgetCategory | None
) -> CostToSalesReport:
    first, last = month_range(period)
    in_months: list[Any] = [col(Budget.period).between(first, last)]
    if category is not None:
        in_months.append(col(Budget.category) == category)
    budget = await rollups.by_branch(
        session, root.id, col(Budget.region_id), col(Budget.amount), *in_months
    )
    spend = await _spend_by_branch(session, root.id, in_months)
    sales = await rollups.by_branch(
        session,
        root.id,
        col(TargetActual.region_id),
        col(TargetActual.value),
        col(TargetActual.metric) == TargetMetric.sales_amount.value,
        col(TargetActual.period).between(first, last),
    )
    kids = list(
        await session.scalars(
            select(Region).where(col(Region.parent_id) == root.id).order_by(col(Region.code))
        )
    )
    for figures in (budget, spend, sales):
        figures[root.id] = sum(figures.values(), ZERO)
    return CostToSalesReport(
        **_row(root, budget, spend, sales),
        period=period,
        first_month=first,
        last_month=last,
        by_category=await _by_category(session, root.id, in_months),
        children=[CostToSales(**_row(k, budget, spend, sales)) for k in kids],
    )


async def _spend_by_branch(
    session: AsyncSession, root_id: UUID, in_months: list[Any]
) -> dict[UUID, Decimal]:
    b = tree.branches(root_id)
    stmt = (
        select(b.c.branch, func.sum(SpendEntry.amount))
        .join(Budget, col(Budget.id) == col(SpendEntry.budget_id))
        .join(b, col(Budget.region_id) == b.c.id)
        .where(*in_months)
        .group_by(b.c.branch)
    )
    return {k: Decimal(v) for k, v in (await session.execute(stmt)).all()}


async def _by_category(
    session: AsyncSession, root_id: UUID, in_months: list[Any]
) -> list[CategoryFigures]:
    below = col(Budget.region_id).in_(select(tree.subtree(root_id).c.id))
    budgets = select(col(Budget.category), func.sum(Budget.amount)).where(below, *in_months)
    spend = (
        select(col(Budget.category), func.sum(SpendEntry.amount))
        .join(Budget, col(Budget.id) == col(SpendEntry.budget_id))
        .where(below, *in_months)
    )
    amounts = dict((await session.execute(budgets.group_by(col(Budget.category)))).all())
    spent = dict((await session.execute(spend.group_by(col(Budget.category)))).all())
    return [
        CategoryFigures(category=c, budget=Decimal(amounts[c]), spend=Decimal(spent.get(c) or ZERO))
        for c in sorted(amounts)
    ]


def _row(
    region: Region,
    budget: dict[UUID, Decimal],
    spend: dict[UUID, Decimal],
    sales: dict[UUID, Decimal],
) -> dict[str, Any]:
    s, c = sales.get(region.id, ZERO), spend.get(region.id, ZERO)
    return {
        "region_id": region.id,
        "region_code": region.code,
        "region_name": region.name,
        "budget": budget.get(region.id, ZERO),
        "spend": c,
        "sales": s,
        "cost_to_sales": rollups.ratio(c, s),
    }
