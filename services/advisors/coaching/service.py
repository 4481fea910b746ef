"""Coaching rules: a coach coaches someone else; follow-up actions move open → done or dropped
(and then change no more)."""

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.errors import Conflict, NotFound, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, must_exist, no_nulls, page
from services.advisors.coaching.schemas import (
    ActionCreate,
    ActionPublic,
    ActionTransition,
    ActionUpdate,
    CoachingCreate,
    CoachingPublic,
    CoachingUpdate,
)
from services.advisors.events import emit_record
from services.advisors.models import ActionStatus, Advisor, CoachingAction, CoachingSession
from services.advisors.transitions import check_move, check_version

MOVES = {
    ActionStatus.open: {ActionStatus.done, ActionStatus.dropped},
    ActionStatus.done: set(),
    ActionStatus.dropped: set(),
}


async def get(session: AsyncSession, coaching_id: UUID) -> CoachingSession:
    return await get_or_404(session, CoachingSession, coaching_id, "Coaching session")


async def get_action(
    session: AsyncSession, coaching_id: UUID, action_id: UUID, *, lock: bool = False
) -> CoachingAction:
    action = await session.get(CoachingAction, action_id, with_for_update=lock)
    if action is None or action.session_id != coaching_id:
        raise NotFound(f"Coaching session {coaching_id} has no follow-up action {action_id}.")
    return action


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[CoachingSession], str | None]:
    return await page(session, CoachingSession, filters, limit=limit, cursor=cursor)


async def list_actions(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[CoachingAction], str | None]:
    return await page(session, CoachingAction, filters, limit=limit, cursor=cursor)


async def create(
    session: AsyncSession, data: CoachingCreate, *, caller: Principal
) -> CoachingSession:
    if data.coach_id == data.advisor_id:
        raise field_error("#/coach_id", "a coach coaches someone else")
    await must_exist(session, Advisor, data.coach_id, "#/coach_id")
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    coaching = CoachingSession(**data.model_dump())
    session.add(coaching)
    await session.flush()
    await emit_record(
        session, "coaching_session.created", CoachingPublic.model_validate(coaching), caller
    )
    return coaching


async def update(
    session: AsyncSession, coaching: CoachingSession, data: CoachingUpdate, *, caller: Principal
) -> CoachingSession:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("role", "held_on", "topic"))
    apply_changes(coaching, changes)
    await session.flush()
    await emit_record(
        session, "coaching_session.updated", CoachingPublic.model_validate(coaching), caller
    )
    return coaching


async def add_action(
    session: AsyncSession, coaching: CoachingSession, data: ActionCreate, *, caller: Principal
) -> CoachingAction:
    action = CoachingAction(session_id=coaching.id, **data.model_dump())
    session.add(action)
    await session.flush()
    await emit_record(
        session, "coaching_action.created", ActionPublic.model_validate(action), caller
    )
    return action


async def update_action(
    session: AsyncSession, action: CoachingAction, data: ActionUpdate, *, caller: Principal
) -> CoachingAction:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("description",))
    if action.status != ActionStatus.open:
        raise Conflict(f"The action is {action.status}; only open actions change.", field="status")
    apply_changes(action, changes)
    await session.flush()
    await emit_record(
        session, "coaching_action.updated", ActionPublic.model_validate(action), caller
    )
    return action


async def move_action(
    session: AsyncSession,
    coaching_id: UUID,
    action_id: UUID,
    data: ActionTransition,
    *,
    caller: Principal,
    if_match: str | None = None,
) -> CoachingAction:
    """One move under the action's row lock: of two racing moves the second sees the first."""
    action = await get_action(session, coaching_id, action_id, lock=True)
    check_version(if_match, action.version)
    check_move("The action", action.status, data.to, MOVES)
    apply_changes(action, {"status": data.to})
    await session.flush()
    await emit_record(
        session,
        f"coaching_action.{action.status}",
        ActionPublic.model_validate(action),
        caller,
        reason=data.reason,
    )
    return action
