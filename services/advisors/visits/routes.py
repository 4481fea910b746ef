"""HTTP routes of `/v1/visits`: plan a visit, then check in, report or miss it."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.types import Date
from services.advisors.deps import OWNER_DOWN, IfMatch, Reader, Refs, Writer, make_router
from services.advisors.models import AccountKind, VisitStatus
from services.advisors.visits import service
from services.advisors.visits.schemas import (
    VisitCreate,
    VisitPage,
    VisitPublic,
    VisitTransition,
    VisitUpdate,
)

router = make_router("/v1/visits", "visits")


@router.get("", response_model=VisitPage, summary="List visits", operation_id="visits_list")
async def list_visits(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    account_id: UUID | None = None,
    account_kind: AccountKind | None = None,
    action_plan_id: UUID | None = None,
    status: VisitStatus | None = None,
    far_from_account: bool | None = None,
    unplanned: bool | None = None,
    planned_from: Date | None = None,
    planned_to: Date | None = None,
) -> VisitPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        planned_from=planned_from,
        planned_to=planned_to,
        advisor_id=advisor_id,
        account_id=account_id,
        account_kind=account_kind,
        action_plan_id=action_plan_id,
        status=status,
        far_from_account=far_from_account,
        unplanned=unplanned,
    )
    return VisitPage(items=[VisitPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "",
    response_model=VisitPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Plan a visit (or record an unplanned one, with its reason)",
    description=(
        "The account must be a dealer or an outlet (as `account_kind` says) that the dealers "
        "service knows: an unknown or deleted one is a 422 on `#/account_id`."
    ),
    operation_id="visits_create",
    responses=OWNER_DOWN,
)
async def create_visit(
    body: VisitCreate, session: SessionDep, caller: Writer, refs: Refs, response: Response
) -> VisitPublic:
    visit = await service.create(session, body, caller=caller, refs=refs)
    set_etag(response, visit.version)
    response.headers["Location"] = f"/v1/visits/{visit.id}"
    return VisitPublic.model_validate(visit)


@router.get(
    "/{visit_id}",
    response_model=VisitPublic,
    summary="Get a visit",
    operation_id="visits_get",
    responses=problem_responses(404),
)
async def get_visit(
    visit_id: UUID, session: SessionDep, _: Reader, response: Response
) -> VisitPublic:
    visit = await service.get(session, visit_id)
    set_etag(response, visit.version)
    return VisitPublic.model_validate(visit)


@router.patch(
    "/{visit_id}",
    response_model=VisitPublic,
    summary="Change a planned visit's date or plan",
    operation_id="visits_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_visit(
    visit_id: UUID,
    body: VisitUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> VisitPublic:
    visit = await service.get(session, visit_id, lock=True)
    check_if_match(if_match, visit.version)
    visit = await service.update(session, visit, body, caller=caller)
    set_etag(response, visit.version)
    return VisitPublic.model_validate(visit)


@router.delete(
    "/{visit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a visit that is still only planned",
    operation_id="visits_delete",
    responses=problem_responses(404, 409, 412, 428),
)
async def delete_visit(
    visit_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    visit = await service.get(session, visit_id, lock=True)
    check_if_match(if_match, visit.version)
    await service.delete(session, visit, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{visit_id}/transitions",
    response_model=VisitPublic,
    summary="Move a visit: check in on site, bring the report back, or record it missed",
    description=(
        "planned → checked_in (located; flagged when over 500 m from the outlet's coordinates "
        "in the dealers service) → reported, or planned → missed (with the reason). "
        "`If-Match` is optional."
    ),
    operation_id="visits_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def move_visit(
    visit_id: UUID,
    body: VisitTransition,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> VisitPublic:
    visit = await service.transition(session, visit_id, body.root, caller=caller, if_match=if_match)
    set_etag(response, visit.version)
    return VisitPublic.model_validate(visit)
