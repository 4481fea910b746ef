"""HTTP routes of `/v1/assignments`: an advisor's accounts over time, and their hand-over."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.types import Date
from services.advisors.assignments import service
from services.advisors.assignments.schemas import (
    AssignmentCreate,
    AssignmentPage,
    AssignmentPublic,
    AssignmentUpdate,
    Reassignment,
)
from services.advisors.deps import OWNER_DOWN, IfMatch, Reader, Refs, Writer, make_router
from services.advisors.models import AccountKind

router = make_router("/v1/assignments", "assignments")


@router.get(
    "", response_model=AssignmentPage, summary="List assignments", operation_id="assignments_list"
)
async def list_assignments(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    account_id: UUID | None = None,
    account_kind: AccountKind | None = None,
    is_main: bool | None = None,
    active_on: Date | None = None,
) -> AssignmentPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        active_on=active_on,
        advisor_id=advisor_id,
        account_id=account_id,
        account_kind=account_kind,
        is_main=is_main,
    )
    return AssignmentPage(
        items=[AssignmentPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "",
    response_model=AssignmentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Assign an account to an advisor",
    description=(
        "The account must be a dealer or an outlet (as `account_kind` says) that the dealers "
        "service knows: an unknown or deleted one is a 422 on `#/account_id`. Its location is "
        "the outlet's own: coordinates are not taken here."
    ),
    operation_id="assignments_create",
    responses=problem_responses(409) | OWNER_DOWN,
)
async def create_assignment(
    body: AssignmentCreate, session: SessionDep, caller: Writer, refs: Refs, response: Response
) -> AssignmentPublic:
    assignment = await service.create(session, body, caller=caller, refs=refs)
    set_etag(response, assignment.version)
    response.headers["Location"] = f"/v1/assignments/{assignment.id}"
    return AssignmentPublic.model_validate(assignment)


@router.get(
    "/{assignment_id}",
    response_model=AssignmentPublic,
    summary="Get an assignment",
    operation_id="assignments_get",
    responses=problem_responses(404),
)
async def get_assignment(
    assignment_id: UUID, session: SessionDep, _: Reader, response: Response
) -> AssignmentPublic:
    assignment = await service.get(session, assignment_id)
    set_etag(response, assignment.version)
    return AssignmentPublic.model_validate(assignment)


@router.patch(
    "/{assignment_id}",
    response_model=AssignmentPublic,
    summary="End an assignment, or change when it ends",
    operation_id="assignments_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_assignment(
    assignment_id: UUID,
    body: AssignmentUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AssignmentPublic:
    assignment = await service.get(session, assignment_id)
    check_if_match(if_match, assignment.version)
    assignment = await service.update(session, assignment, body, caller=caller)
    set_etag(response, assignment.version)
    return AssignmentPublic.model_validate(assignment)


@router.post(
    "/{assignment_id}/transitions",
    response_model=AssignmentPublic,
    summary="Hand the account over to another advisor (`to`), keeping the history",
    description=(
        "This assignment ends the day before `on`; the answer is the new advisor's assignment "
        "of the account (its address in `Content-Location`)."
    ),
    operation_id="assignments_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def reassign_account(
    assignment_id: UUID,
    body: Reassignment,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AssignmentPublic:
    new = await service.reassign(session, assignment_id, body, caller=caller, if_match=if_match)
    set_etag(response, new.version)
    response.headers["Content-Location"] = f"/v1/assignments/{new.id}"
    return AssignmentPublic.model_validate(new)
