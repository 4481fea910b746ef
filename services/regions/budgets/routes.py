"""HTTP routes of `/v1/budgets`: budgets, spend against them and the cost-to-sales report."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.queries import get_or_404
from services.regions.budgets import service
from services.regions.budgets.schemas import (
    BudgetCreate,
    BudgetPage,
    BudgetPublic,
    BudgetUpdate,
    CostToSalesReport,
    SpendCreate,
    SpendPage,
    SpendPublic,
)
from services.regions.deps import IfMatch, Reader, Writer, make_router
from services.regions.fields import MonthQuery, RollupQuery
from services.regions.models import Budget, BudgetCategory, Region

router = make_router("/v1/budgets", "budgets")


@router.get("", response_model=BudgetPage, summary="List budgets", operation_id="budgets_list")
async def list_budgets(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    region_id: UUID | None = None,
    period: MonthQuery = None,
    category: BudgetCategory | None = None,
) -> BudgetPage:
    filters = {"region_id": region_id, "period": period, "category": category}
    items, next_cursor = await service.list_page(
        session, limit=limit, cursor=cursor, filters=filters
    )
    return BudgetPage(items=items, next_cursor=next_cursor)


@router.post(
    "",
    response_model=BudgetPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Set a budget for a region, month and category",
    operation_id="budgets_create",
    responses=problem_responses(409),
)
async def create_budget(
    body: BudgetCreate, session: SessionDep, caller: Writer, response: Response
) -> BudgetPublic:
    budget = await service.create(session, body, caller=caller)
    set_etag(response, budget.version)
    response.headers["Location"] = f"/v1/budgets/{budget.id}"
    return service.public(budget, None)


@router.get(
    "/cost-to-sales",
    response_model=CostToSalesReport,
    summary="Budget, spend, sales and cost-to-sales ratio of a region and its children",
    operation_id="budgets_cost_to_sales",
    responses=problem_responses(404),
)
async def cost_to_sales(
    session: SessionDep,
    _: Reader,
    region_id: UUID,
    period: RollupQuery,
    category: BudgetCategory | None = None,
) -> CostToSalesReport:
    region = await get_or_404(session, Region, region_id, "Region")
    return await service.cost_to_sales(session, region, period, category)


@router.get(
    "/{budget_id}",
    response_model=BudgetPublic,
    summary="Get a budget with what was spent",
    operation_id="budgets_get",
    responses=problem_responses(404),
)
async def get_budget(
    budget_id: UUID, session: SessionDep, _: Reader, response: Response
) -> BudgetPublic:
    budget = await get_or_404(session, Budget, budget_id, "Budget")
    set_etag(response, budget.version)
    return await service.one(session, budget)


@router.patch(
    "/{budget_id}",
    response_model=BudgetPublic,
    summary="Change a budget's amount",
    operation_id="budgets_update",
    responses=problem_responses(404, 412, 428),
)
async def update_budget(
    budget_id: UUID,
    body: BudgetUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> BudgetPublic:
    budget = await get_or_404(session, Budget, budget_id, "Budget")
    check_if_match(if_match, budget.version)
    budget = await service.update(session, budget, body, caller=caller)
    set_etag(response, budget.version)
    return await service.one(session, budget)


@router.delete(
    "/{budget_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a budget without spend",
    operation_id="budgets_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_budget(
    budget_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    budget = await get_or_404(session, Budget, budget_id, "Budget")
    check_if_match(if_match, budget.version)
    await service.delete(session, budget, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{budget_id}/spend",
    response_model=SpendPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record spend against a budget",
    operation_id="budgets_spend_create",
    responses=problem_responses(404),
)
async def add_spend(
    budget_id: UUID, body: SpendCreate, session: SessionDep, caller: Writer
) -> SpendPublic:
    budget = await get_or_404(session, Budget, budget_id, "Budget")
    return SpendPublic.model_validate(await service.add_spend(session, budget, body, caller=caller))


@router.get(
    "/{budget_id}/spend",
    response_model=SpendPage,
    summary="List spend recorded against a budget",
    operation_id="budgets_spend_list",
    responses=problem_responses(404),
)
async def list_spend(
    budget_id: UUID, session: SessionDep, _: Reader, limit: Limit = 50, cursor: Cursor = None
) -> SpendPage:
    budget = await get_or_404(session, Budget, budget_id, "Budget")
    rows, next_cursor = await service.list_spend(session, budget, limit=limit, cursor=cursor)
    return SpendPage(items=[SpendPublic.model_validate(r) for r in rows], next_cursor=next_cursor)
