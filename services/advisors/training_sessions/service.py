"""Training sessions: a course held on a day, somewhere, by a trainer."""

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.identity import Principal
from chassis.queries import get_or_404, must_exist, page
from services.advisors.events import emit_record
from services.advisors.models import TrainingCourse, TrainingSession
from services.advisors.training_sessions.schemas import SessionCreate, SessionPublic


async def get(session: AsyncSession, session_id: UUID) -> TrainingSession:
    return await get_or_404(session, TrainingSession, session_id, "Training session")


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    held_from: date | None,
    held_to: date | None,
    **filters: Any,
) -> tuple[list[TrainingSession], str | None]:
    stmt = select(TrainingSession)
    if held_from is not None:
        stmt = stmt.where(col(TrainingSession.held_on) >= held_from)
    if held_to is not None:
        stmt = stmt.where(col(TrainingSession.held_on) <= held_to)
    return await page(session, TrainingSession, filters, limit=limit, cursor=cursor, stmt=stmt)


async def create(
    session: AsyncSession, data: SessionCreate, *, caller: Principal
) -> TrainingSession:
    await must_exist(session, TrainingCourse, data.course_id, "#/course_id")
    held = TrainingSession(**data.model_dump())
    session.add(held)
    await session.flush()
    public = SessionPublic.model_validate(held)
    await emit_record(session, "training_session.created", public, caller)
    return held
