"""HTTP routes of `/v1/payments` (an `Idempotency-Key` is required to record one) and
`/v1/receivables` (per customer: open balance, ageing, overdue)."""

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.pagination import Cursor, Limit
from chassis.types import Date
from services.dealers.deps import IdempotencyKey, Reader, Trader, make_router
from services.dealers.models import LocationType, PaymentMethod
from services.dealers.payments import receivables as books
from services.dealers.payments import service
from services.dealers.payments.schemas import (
    PaymentCreate,
    PaymentPage,
    PaymentPublic,
    PaymentSummary,
    ReceivableDetail,
    ReceivablePage,
)

payments = make_router("/v1/payments", "payments")
receivables = make_router("/v1/receivables", "payments")
AsOf = Annotated[
    Date | None,
    Query(
        description="The end of this day (UTC): only what was submitted, delivered, cancelled "
        "and paid by then counts, and ageing runs to it; default: the books as they stand, "
        "aged to today"
    ),
]


@payments.get("", response_model=PaymentPage, summary="List payments", operation_id="payments_list")
async def list_payments(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
    payer_id: UUID | None = None,
    dealer_id: UUID | None = None,
    method: PaymentMethod | None = None,
    order_id: UUID | None = None,
    paid_from: Date | None = None,
    paid_to: Date | None = None,
) -> PaymentPage:
    rows, next_cursor = await service.list_page(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        code=code,
        payer_id=payer_id,
        dealer_id=dealer_id,
        method=method,
        order_id=order_id,
        paid_from=paid_from,
        paid_to=paid_to,
    )
    return PaymentPage(
        items=[PaymentSummary.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@payments.post(
    "",
    response_model=PaymentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record a payment and allocate it to the payer's orders",
    operation_id="payments_create",
    responses=problem_responses(409),
)
async def create_payment(
    body: PaymentCreate,
    session: SessionDep,
    caller: Trader,
    response: Response,
    idempotency_key: IdempotencyKey,
) -> PaymentPublic:
    payment, allocations = await service.create(session, body, caller=caller)
    response.headers["Location"] = f"/v1/payments/{payment.id}"
    return service.public(payment, allocations)


@payments.get(
    "/{payment_id}",
    response_model=PaymentPublic,
    summary="Get a payment with its allocations",
    operation_id="payments_get",
    responses=problem_responses(404),
)
async def get_payment(payment_id: UUID, session: SessionDep, caller: Reader) -> PaymentPublic:
    return await service.get(session, payment_id, caller=caller)


@receivables.get(
    "",
    response_model=ReceivablePage,
    summary="Receivables per customer with something unpaid: balance, ageing, overdue",
    operation_id="receivables_list",
)
async def list_receivables(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    dealer_id: UUID | None = None,
    customer_type: LocationType | None = None,
    overdue: bool | None = None,
    as_of: AsOf = None,
) -> ReceivablePage:
    items, next_cursor = await books.receivables(
        session,
        caller=caller,
        as_of=as_of,
        limit=limit,
        cursor=cursor,
        dealer_id=dealer_id,
        customer_type=customer_type,
        overdue=overdue,
    )
    return ReceivablePage(items=items, next_cursor=next_cursor)


@receivables.get(
    "/{customer_id}",
    response_model=ReceivableDetail,
    summary="One customer's receivable, with its overdue orders",
    operation_id="receivables_get",
    responses=problem_responses(404),
)
async def get_receivable(
    customer_id: UUID, session: SessionDep, caller: Reader, as_of: AsOf = None
) -> ReceivableDetail:
    return await books.receivable(session, customer_id, caller=caller, as_of=as_of)
