"""HTTP routes of `/v1/orders`: create (an `Idempotency-Key` is required), read, change a
draft, move along the lifecycle, and the history of moves."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit, decode_int_cursor
from chassis.queries import split_page
from chassis.types import Date
from services.dealers.deps import IdempotencyKey, IfMatch, Reader, Trader, make_router
from services.dealers.models import OrderKind, OrderStatus
from services.dealers.orders import lifecycle, service
from services.dealers.orders.lines import lines_of
from services.dealers.orders.schemas import (
    OrderCreate,
    OrderPage,
    OrderPublic,
    OrderUpdate,
    SellInPage,
    SellInRow,
    TransitionCreate,
    TransitionPage,
    TransitionPublic,
)
from services.dealers.orders.sell_in import sell_in as sell_in_rows

router = make_router("/v1/orders", "orders")
sell_in = make_router("/v1/sell-in", "orders")


@router.get("", response_model=OrderPage, summary="List orders", operation_id="orders_list")
async def list_orders(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
    dealer_id: UUID | None = None,
    buyer_id: UUID | None = None,
    region_id: UUID | None = None,
    kind: OrderKind | None = None,
    status: OrderStatus | None = None,
    product_id: UUID | None = None,
) -> OrderPage:
    rows, next_cursor = await service.list_page(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        code=code,
        dealer_id=dealer_id,
        buyer_id=buyer_id,
        region_id=region_id,
        kind=kind,
        status=status,
        product_id=product_id,
    )
    return OrderPage(items=[service.summary(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=OrderPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Place a draft order, from free lines or from replenishment proposals",
    operation_id="orders_create",
    responses=problem_responses(409),
)
async def create_order(
    body: OrderCreate,
    session: SessionDep,
    caller: Trader,
    response: Response,
    idempotency_key: IdempotencyKey,
) -> OrderPublic:
    order, lines = await service.create(session, body, caller=caller)
    set_etag(response, order.version)
    response.headers["Location"] = f"/v1/orders/{order.id}"
    return service.public(order, lines)


@router.get(
    "/{order_id}",
    response_model=OrderPublic,
    summary="Get an order with its lines",
    operation_id="orders_get",
    responses=problem_responses(404),
)
async def get_order(
    order_id: UUID, session: SessionDep, caller: Reader, response: Response
) -> OrderPublic:
    order = await service.get(session, order_id, caller=caller)
    set_etag(response, order.version)
    return service.public(order, await lines_of(session, order_id))


@router.patch(
    "/{order_id}",
    response_model=OrderPublic,
    summary="Change a draft order (its lines, code, terms or note)",
    operation_id="orders_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_order(
    order_id: UUID,
    body: OrderUpdate,
    session: SessionDep,
    caller: Trader,
    response: Response,
    if_match: IfMatch = None,
) -> OrderPublic:
    order = await service.get(session, order_id, caller=caller, lock=True)
    check_if_match(if_match, order.version)
    lines = await service.update_draft(session, order, body, caller=caller)
    set_etag(response, order.version)
    return service.public(order, lines)


@router.post(
    "/{order_id}/transitions",
    response_model=OrderPublic,
    summary="Move an order: submit (checks credit), confirm, ship, deliver (into stock), cancel",
    description="`to` is the next status. Answers the order in its new status; its current "
    "status, or one it can't move to from there, is a 409 naming `#/to` and the moves allowed.",
    operation_id="orders_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def move_order(
    order_id: UUID,
    body: TransitionCreate,
    session: SessionDep,
    caller: Trader,
    response: Response,
    if_match: IfMatch = None,
) -> OrderPublic:
    order, lines = await lifecycle.transition(
        session, order_id, body, caller=caller, if_match=if_match
    )
    set_etag(response, order.version)
    return service.public(order, lines)


@router.get(
    "/{order_id}/transitions",
    response_model=TransitionPage,
    summary="An order's moves, oldest first, with actor and time",
    operation_id="orders_transitions_list",
    responses=problem_responses(404),
)
async def list_moves(
    order_id: UUID, session: SessionDep, caller: Reader, limit: Limit = 50, cursor: Cursor = None
) -> TransitionPage:
    await service.get(session, order_id, caller=caller)
    rows, next_cursor = await lifecycle.history(session, order_id, limit=limit, cursor=cursor)
    return TransitionPage(
        items=[TransitionPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@sell_in.get(
    "",
    response_model=SellInPage,
    summary="Sell-in: delivered quantities per location × product × day, from delivered orders",
    operation_id="sell_in_list",
)
async def list_sell_in(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    dealer_id: UUID | None = None,
    location_id: UUID | None = None,
    product_id: UUID | None = None,
    day_from: Date | None = None,
    day_to: Date | None = None,
) -> SellInPage:
    offset = decode_int_cursor(cursor) if cursor else 0
    if offset < 0:
        offset = 0
    rows = await sell_in_rows(
        session,
        caller=caller,
        limit=limit,
        offset=offset,
        day_from=day_from,
        day_to=day_to,
        dealer_id=dealer_id,
        buyer_id=location_id,
        product_id=product_id,
    )
    kept, next_cursor = split_page(rows, limit, lambda _: offset + limit)
    return SellInPage(
        items=[SellInRow.model_validate(row._mapping) for row in kept], next_cursor=next_cursor
    )
