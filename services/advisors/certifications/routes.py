"""HTTP routes of `/v1/certifications`: who holds which course, and who is due for one."""

from typing import Annotated
from uuid import UUID

from fastapi import Query

from chassis.db import SessionDep
from chassis.pagination import Cursor, Limit
from chassis.types import Date
from services.advisors.certifications import service
from services.advisors.certifications.schemas import (
    CertificationPage,
    CertificationPublic,
    DueList,
)
from services.advisors.deps import Reader, make_router

router = make_router("/v1/certifications", "certifications")


@router.get(
    "",
    response_model=CertificationPage,
    summary="List certifications",
    operation_id="certifications_list",
)
async def list_certifications(
    session: SessionDep,
    _: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    advisor_id: UUID | None = None,
    course_id: UUID | None = None,
    valid_on: Date | None = None,
) -> CertificationPage:
    rows, next_cursor = await service.list_page(
        session,
        limit=limit,
        cursor=cursor,
        valid_on=valid_on,
        advisor_id=advisor_id,
        course_id=course_id,
    )
    return CertificationPage(
        items=[CertificationPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/due",
    response_model=DueList,
    summary="Active advisors due for a required course: never certified, expired or expiring",
    operation_id="certifications_due",
)
async def due(
    session: SessionDep,
    _: Reader,
    on: Date,
    within_days: Annotated[int, Query(ge=0, le=3650)] = 30,
) -> DueList:
    return await service.due(session, on=on, within_days=within_days)
