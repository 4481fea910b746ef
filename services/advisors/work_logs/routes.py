"""HTTP routes of `/v1/work-logs` (工作写实) and the time-allocation report."""

from uuid import UUID

from fastapi import Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.types import Timestamp
from services.advisors.deps import IfMatch, Reader, Writer, make_router
from services.advisors.fields import Period
from services.advisors.models import ActivityType
from services.advisors.work_logs import service
from services.advisors.work_logs.schemas import (
    TimeAllocation,
    WorkLogCreate,
    WorkLogPage,
    WorkLogPublic,
    WorkLogUpdate,
)

router = make_router("/v1/work-logs", "work-logs")


@router.get(
    "", response_model=WorkLogPage, summary="List work-log entries", operation_id="work_logs_list"
)
async def list_work_logs(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    activity_type: ActivityType | None = None,
    visit_id: UUID | None = None,
    started_from: Timestamp | None = None,
    started_before: Timestamp | None = None,
) -> WorkLogPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        started_from=started_from,
        started_before=started_before,
        advisor_id=advisor_id,
        activity_type=activity_type,
        visit_id=visit_id,
    )
    return WorkLogPage(
        items=[WorkLogPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/allocation",
    response_model=TimeAllocation,
    summary="Time allocation of an advisor in a month: hours and share per activity",
    operation_id="work_logs_allocation",
    responses=problem_responses(404),
)
async def time_allocation(
    session: SessionDep, _: Reader, advisor_id: UUID, period: Period
) -> TimeAllocation:
    return await service.allocation(session, advisor_id, period)


@router.post(
    "",
    response_model=WorkLogPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Log what was done, from when to when",
    operation_id="work_logs_create",
    responses=problem_responses(409),
)
async def create_work_log(
    body: WorkLogCreate, session: SessionDep, caller: Writer, response: Response
) -> WorkLogPublic:
    log = await service.create(session, body, caller=caller)
    set_etag(response, log.version)
    response.headers["Location"] = f"/v1/work-logs/{log.id}"
    return WorkLogPublic.model_validate(log)


@router.get(
    "/{work_log_id}",
    response_model=WorkLogPublic,
    summary="Get a work-log entry",
    operation_id="work_logs_get",
    responses=problem_responses(404),
)
async def get_work_log(
    work_log_id: UUID, session: SessionDep, _: Reader, response: Response
) -> WorkLogPublic:
    log = await service.get(session, work_log_id)
    set_etag(response, log.version)
    return WorkLogPublic.model_validate(log)


@router.patch(
    "/{work_log_id}",
    response_model=WorkLogPublic,
    summary="Correct a work-log entry",
    operation_id="work_logs_update",
    responses=problem_responses(404, 409, 412, 428),
)
async def update_work_log(
    work_log_id: UUID,
    body: WorkLogUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> WorkLogPublic:
    log = await service.get(session, work_log_id)
    check_if_match(if_match, log.version)
    log = await service.update(session, log, body, caller=caller)
    set_etag(response, log.version)
    return WorkLogPublic.model_validate(log)


@router.delete(
    "/{work_log_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a work-log entry",
    operation_id="work_logs_delete",
    responses=problem_responses(404, 412, 428),
)
async def delete_work_log(
    work_log_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    log = await service.get(session, work_log_id)
    check_if_match(if_match, log.version)
    await service.delete(session, log, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
