"""HTTP routes of `/v1/support-activities`: the four-flow service log and its summary."""

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from chassis.db import SessionDep
from chassis.errors import problem_responses
from chassis.etag import check_if_match, set_etag
from chassis.pagination import Cursor, Limit
from chassis.types import Date
from services.dealers.deps import IfMatch, Reader, Writer, make_router
from services.dealers.models import ActivityType, Flow
from services.dealers.support import service
from services.dealers.support.schemas import (
    SupportActivityCreate,
    SupportActivityPage,
    SupportActivityPublic,
    SupportActivityUpdate,
    SupportSummary,
)

router = make_router("/v1/support-activities", "support-activities")
From = Annotated[Date | None, Query(alias="from", description="First day, YYYY-MM-DD")]
To = Annotated[Date | None, Query(alias="to", description="Last day, YYYY-MM-DD")]


@router.get(
    "",
    response_model=SupportActivityPage,
    summary="List support activities",
    operation_id="support_activities_list",
)
async def list_activities(
    session: SessionDep,
    caller: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    dealer_id: UUID | None = None,
    flow: Flow | None = None,
    activity_type: ActivityType | None = None,
    advisor_id: UUID | None = None,
    date_from: From = None,
    date_to: To = None,
) -> SupportActivityPage:
    rows, next_cursor = await service.list_page(
        session,
        caller=caller,
        limit=limit,
        cursor=cursor,
        dealer_id=dealer_id,
        flow=flow,
        activity_type=activity_type,
        advisor_id=advisor_id,
        date_from=date_from,
        date_to=date_to,
    )
    items = [SupportActivityPublic.model_validate(r) for r in rows]
    return SupportActivityPage(items=items, next_cursor=next_cursor)


@router.get(
    "/summary",
    response_model=SupportSummary,
    summary="Activities per dealer, month and flow",
    operation_id="support_activities_summary",
)
async def summarise(
    session: SessionDep,
    caller: Reader,
    dealer_id: UUID | None = None,
    date_from: From = None,
    date_to: To = None,
) -> SupportSummary:
    rows = await service.summary(
        session, caller=caller, dealer_id=dealer_id, date_from=date_from, date_to=date_to
    )
    return SupportSummary(items=rows)


@router.post(
    "",
    response_model=SupportActivityPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record a support activity",
    operation_id="support_activities_create",
)
async def create_activity(
    body: SupportActivityCreate, session: SessionDep, caller: Writer, response: Response
) -> SupportActivityPublic:
    activity = await service.create(session, body, caller=caller)
    set_etag(response, activity.version)
    response.headers["Location"] = f"/v1/support-activities/{activity.id}"
    return SupportActivityPublic.model_validate(activity)


@router.get(
    "/{activity_id}",
    response_model=SupportActivityPublic,
    summary="Get a support activity",
    operation_id="support_activities_get",
    responses=problem_responses(404),
)
async def get_activity(
    activity_id: UUID, session: SessionDep, caller: Reader, response: Response
) -> SupportActivityPublic:
    activity = await service.get(session, activity_id, caller=caller)
    set_etag(response, activity.version)
    return SupportActivityPublic.model_validate(activity)


@router.patch(
    "/{activity_id}",
    response_model=SupportActivityPublic,
    summary="Update a support activity",
    operation_id="support_activities_update",
    responses=problem_responses(404, 412, 428),
)
async def update_activity(
    activity_id: UUID,
    body: SupportActivityUpdate,
    session: SessionDep,
    caller: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> SupportActivityPublic:
    activity = await service.get(session, activity_id, caller=caller)
    service.authorize_write(caller)
    check_if_match(if_match, activity.version)
    activity = await service.update(session, activity, body, caller=caller)
    set_etag(response, activity.version)
    return SupportActivityPublic.model_validate(activity)


@router.delete(
    "/{activity_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a support activity",
    operation_id="support_activities_delete",
    responses=problem_responses(404, 412, 428),
)
async def delete_activity(
    activity_id: UUID, session: SessionDep, caller: Writer, if_match: IfMatch = None
) -> Response:
    activity = await service.get(session, activity_id, caller=caller)
    service.authorize_write(caller)
    check_if_match(if_match, activity.version)
    await service.delete(session, activity, caller=caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
