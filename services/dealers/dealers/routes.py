"""HTTP routes of `/v1/dealers`: thin, typed, every one scoped; partners see only their dealers."""

from uuid import UUID

from fastapi import Response, status

from chassis.bulk import BulkRequest, BulkResult
from chassis.db import SessionDep
from chassis.errors import Forbidden, problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.dealers.dealers import lifecycle, service
from services.dealers.dealers.schemas import (
    DealerCreate,
    DealerPage,
    DealerPublic,
    DealerUpdate,
    StageTransitionCreate,
    StageTransitionPage,
    StageTransitionPublic,
)
from services.dealers.deps import (
    BULK_REGION_CHECK,
    RECORD_READERS,
    REGION_CHECK,
    IfMatch,
    Reader,
    RecordReader,
    Regions,
    Writer,
    make_router,
    problems,
)
from services.dealers.models import DealerTier, LifecycleStage

router = make_router("/v1/dealers", "dealers")
CHECKS = (
    f"{REGION_CHECK} `advisor_id` is read-only (422 if sent): the advisors service's "
    "assignments decide it."
)


@router.get("", response_model=DealerPage, summary="List dealers", operation_id="dealers_list")
async def list_dealers(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    code: str | None = None,
    region_id: UUID | None = None,
    tier: DealerTier | None = None,
    advisor_id: UUID | None = None,
    lifecycle_stage: LifecycleStage | None = None,
) -> DealerPage:
    rows, next_cursor = await service.list_page(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        code=code,
        region_id=region_id,
        tier=tier,
        advisor_id=advisor_id,
        lifecycle_stage=lifecycle_stage,
    )
    return DealerPage(items=[DealerPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=DealerPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a dealer",
    description=CHECKS,
    operation_id="dealers_create",
    responses=problems(409, 503),
)
async def create_dealer(
    body: DealerCreate, session: SessionDep, caller: Writer, response: Response, regions: Regions
) -> DealerPublic:
    dealer = await service.create(session, body, caller=caller, regions=regions)
    set_etag(response, dealer.version)
    response.headers["Location"] = f"/v1/dealers/{dealer.id}"
    return DealerPublic.model_validate(dealer)


@router.post(
    "/bulk",
    response_model=BulkResult,
    summary="Upsert up to 1,000 dealers by code, with a result per item",
    description=f"{BULK_REGION_CHECK} An item sending `advisor_id` is invalid too: the advisors "
    "service's assignments decide it.",
    operation_id="dealers_bulk",
    responses=problems(409, 503),
)
async def bulk_dealers(
    body: BulkRequest[DealerCreate], session: SessionDep, caller: Writer, regions: Regions
) -> Response:
    return await service.bulk_upsert(session, body.items, caller=caller, regions=regions)


@router.get(
    "/{dealer_id}",
    response_model=DealerPublic,
    summary="Get a dealer",
    description=RECORD_READERS,
    operation_id="dealers_get",
    responses=problem_responses(404),
)
async def get_dealer(
    dealer_id: UUID, session: SessionDep, caller: RecordReader, response: Response
) -> DealerPublic:
    dealer = await service.get(session, dealer_id, caller=caller)
    set_etag(response, dealer.version)
    return DealerPublic.model_validate(dealer)


@router.patch(
    "/{dealer_id}",
    response_model=DealerPublic,
    summary="Update a dealer (partners: contact details only)",
    description=CHECKS,
    operation_id="dealers_update",
    responses=problems(404, 409, 412, 428, 503),
)
async def update_dealer(
    dealer_id: UUID,
    body: DealerUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    regions: Regions,
    if_match: IfMatch = None,
) -> DealerPublic:
    dealer = await service.get(session, dealer_id, caller=caller)
    service.authorize_update(body, caller=caller)
    check_if_match(if_match, dealer.version)
    dealer = await service.update(session, dealer, body, caller=caller, regions=regions)
    set_etag(response, dealer.version)
    return DealerPublic.model_validate(dealer)


@router.delete(
    "/{dealer_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a dealer (refused while outlets, orders or other records name it)",
    description="Refused with 409 while records name the dealer: its outlets, orders, support "
    "activities, scorecard evaluations and channel conflicts here, and the assignments and "
    "visits of the advisors service (counted from its events); `references` counts each kind.",
    operation_id="dealers_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_dealer(
    dealer_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    dealer = await service.get(session, dealer_id, caller=caller)
    service.authorize_delete(caller=caller)
    check_if_match(if_match, dealer.version)
    await service.delete(session, dealer, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{dealer_id}/transitions",
    response_model=DealerPublic,
    summary="Move a dealer's lifecycle stage (forward one step, or back with a reason)",
    description="Answers the dealer at its new stage. The move is recorded with its day (`on`), "
    "reason and actor; the current stage, or a stage the current one can't move to, is a 409 "
    "naming `#/to` and the moves allowed.",
    operation_id="dealers_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def transition_dealer(
    dealer_id: UUID,
    body: StageTransitionCreate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> DealerPublic:
    dealer = await service.get(session, dealer_id, caller=caller)
    if caller.is_partner:
        raise Forbidden("partners cannot change a dealer's lifecycle stage")
    if if_match is not None:
        check_if_match(if_match, dealer.version)
    await lifecycle.transition(session, dealer, body, caller=caller)
    set_etag(response, dealer.version)
    return DealerPublic.model_validate(dealer)


@router.get(
    "/{dealer_id}/transitions",
    response_model=StageTransitionPage,
    summary="A dealer's lifecycle history, oldest first",
    operation_id="dealers_transitions_list",
    responses=problem_responses(404),
)
async def list_transitions(
    dealer_id: UUID,
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> StageTransitionPage:
    await service.get(session, dealer_id, caller=caller)
    rows, next_cursor = await lifecycle.history(session, dealer_id, limit=limit, cursor=cursor)
    return StageTransitionPage(
        items=[StageTransitionPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )
