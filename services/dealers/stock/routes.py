"""HTTP routes of `/v1/stock-reports` and `/v1/stock-positions`."""

from uuid import UUID

from fastapi import Response

from chassis.bulk import BulkResult
from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.pagination import Cursor, Limit
from services.dealers.deps import Reader, Reporter, make_router
from services.dealers.lines import LineBulkRequest
from services.dealers.stock import service
from services.dealers.stock.schemas import (
    StockPositionPage,
    StockPositionPublic,
    StockReportCreate,
    StockReportPage,
    StockReportPublic,
)

reports = make_router("/v1/stock-reports", "stock")
positions = make_router("/v1/stock-positions", "stock")


@reports.get(
    "", response_model=StockReportPage, summary="List stock reports", operation_id="stock_list"
)
async def list_reports(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    dealer_id: UUID | None = None,
    location_id: UUID | None = None,
    product_id: UUID | None = None,
) -> StockReportPage:
    rows, next_cursor = await service.list_reports(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        dealer_id=dealer_id,
        location_id=location_id,
        product_id=product_id,
    )
    return StockReportPage(
        items=[StockReportPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@reports.post(
    "/bulk",
    response_model=BulkResult,
    summary="Report stock: up to 5,000 lines, a result per line; a resend changes nothing",
    operation_id="stock_bulk",
    responses=problem_responses(409),
)
async def bulk_reports(
    body: LineBulkRequest[StockReportCreate], session: SessionDep, caller: Reporter
) -> Response:
    return await service.bulk_report(session, body.items, caller=caller)


@positions.get(
    "",
    response_model=StockPositionPage,
    summary="The current stock position per location and product",
    operation_id="stock_positions_list",
)
async def list_positions(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    dealer_id: UUID | None = None,
    region_id: UUID | None = None,
    location_id: UUID | None = None,
    product_id: UUID | None = None,
    below_reorder_point: bool | None = None,
    out_of_stock: bool | None = None,
) -> StockPositionPage:
    rows, next_cursor = await service.list_positions(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        dealer_id=dealer_id,
        region_id=region_id,
        location_id=location_id,
        product_id=product_id,
        below_reorder_point=below_reorder_point,
        out_of_stock=out_of_stock,
    )
    return StockPositionPage(
        items=[StockPositionPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )
