"""HTTP routes of `/v1/deviations`: result against target, cause and correction."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from services.advisors.deps import IfMatch, Reader, Writer, make_router
from services.advisors.deviations import service
from services.advisors.deviations.schemas import (
    DeviationCreate,
    DeviationPage,
    DeviationPublic,
    DeviationTransition,
    DeviationUpdate,
)
from services.advisors.fields import Period
from services.advisors.models import CorrectiveAction, DeviationStatus

router = make_router("/v1/deviations", "deviations")


@router.get(
    "", response_model=DeviationPage, summary="List deviations", operation_id="deviations_list"
)
async def list_deviations(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    period: Period | None = None,
    status: DeviationStatus | None = None,
    corrective_action: CorrectiveAction | None = None,
) -> DeviationPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        advisor_id=advisor_id,
        period=period,
        status=status,
        corrective_action=corrective_action,
    )
    return DeviationPage(
        items=[DeviationPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "",
    response_model=DeviationPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record a deviation of a result from its target",
    operation_id="deviations_create",
)
async def create_deviation(
    body: DeviationCreate, session: SessionDep, caller: Writer, response: Response
) -> DeviationPublic:
    deviation = await service.create(session, body, caller=caller)
    set_etag(response, deviation.version)
    response.headers["Location"] = f"/v1/deviations/{deviation.id}"
    return DeviationPublic.model_validate(deviation)


@router.get(
    "/{deviation_id}",
    response_model=DeviationPublic,
    summary="Get a deviation",
    operation_id="deviations_get",
    responses=problem_responses(404),
)
async def get_deviation(
    deviation_id: UUID, session: SessionDep, _: Reader, response: Response
) -> DeviationPublic:
    deviation = await service.get(session, deviation_id)
    set_etag(response, deviation.version)
    return DeviationPublic.model_validate(deviation)


@router.patch(
    "/{deviation_id}",
    response_model=DeviationPublic,
    summary="Record the result, cause and correction of a deviation that is not closed",
    description=(
        "Its status moves by `POST /v1/deviations/{id}/transitions` (`status` here is a 422)."
    ),
    operation_id="deviations_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_deviation(
    deviation_id: UUID,
    body: DeviationUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> DeviationPublic:
    deviation = await service.get(session, deviation_id)
    check_if_match(if_match, deviation.version)
    deviation = await service.update(session, deviation, body, caller=caller)
    set_etag(response, deviation.version)
    return DeviationPublic.model_validate(deviation)


@router.post(
    "/{deviation_id}/transitions",
    response_model=DeviationPublic,
    summary="Move a deviation: start correcting it, or close it with its corrective action",
    description=(
        "open → in_progress → closed, or open → closed; closing needs a corrective action (sent "
        "here or recorded before, 422 on `#/corrective_action` otherwise). A closed deviation "
        "stays closed. `If-Match` is optional."
    ),
    operation_id="deviations_transitions_create",
    responses=problem_responses(404, 409, 412),
)
async def move_deviation(
    deviation_id: UUID,
    body: DeviationTransition,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> DeviationPublic:
    deviation = await service.transition(
        session, deviation_id, body.root, caller=caller, if_match=if_match
    )
    set_etag(response, deviation.version)
    return DeviationPublic.model_validate(deviation)
