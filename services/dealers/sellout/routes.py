"""HTTP routes of `/v1/sell-out-reports`."""

from uuid import UUID

from fastapi import Response

from chassis.bulk import BulkResult
from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.pagination import Cursor, Limit
from chassis.types import Date
from services.dealers.deps import Reader, Reporter, make_router
from services.dealers.lines import LineBulkRequest
from services.dealers.sellout import service
from services.dealers.sellout.schemas import SellOutCreate, SellOutPage, SellOutPublic

router = make_router("/v1/sell-out-reports", "sell-out")


@router.get(
    "", response_model=SellOutPage, summary="List sell-out lines", operation_id="sell_out_list"
)
async def list_sell_out(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    dealer_id: UUID | None = None,
    region_id: UUID | None = None,
    location_id: UUID | None = None,
    product_id: UUID | None = None,
    day_from: Date | None = None,
    day_to: Date | None = None,
) -> SellOutPage:
    rows, next_cursor = await service.list_page(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        day_from=day_from,
        day_to=day_to,
        dealer_id=dealer_id,
        region_id=region_id,
        location_id=location_id,
        product_id=product_id,
    )
    return SellOutPage(
        items=[SellOutPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "/bulk",
    response_model=BulkResult,
    summary="Report sell-out: up to 5,000 lines; a resend of a day replaces its figure",
    operation_id="sell_out_bulk",
    responses=problem_responses(409),
)
async def bulk_sell_out(
    body: LineBulkRequest[SellOutCreate], session: SessionDep, caller: Reporter
) -> Response:
    return await service.bulk_report(session, body.items, caller=caller)
