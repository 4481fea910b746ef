"""Deviation rules: open → in_progress → closed (or open → closed); closing needs a corrective
action; a closed deviation stays closed."""

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, must_exist, no_nulls, page
from services.advisors.deviations.schemas import (
    DeviationClose,
    DeviationCreate,
    DeviationPublic,
    DeviationUpdate,
    DeviationWork,
)
from services.advisors.events import emit_record
from services.advisors.models import Advisor, Deviation, DeviationStatus
from services.advisors.transitions import check_move, check_version

MOVES = {
    DeviationStatus.open: {DeviationStatus.in_progress, DeviationStatus.closed},
    DeviationStatus.in_progress: {DeviationStatus.closed},
    DeviationStatus.closed: set(),
}


async def get(session: AsyncSession, deviation_id: UUID, *, lock: bool = False) -> Deviation:
    return await get_or_404(session, Deviation, deviation_id, "Deviation", for_update=lock)


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[Deviation], str | None]:
    return await page(session, Deviation, filters, limit=limit, cursor=cursor)


async def create(session: AsyncSession, data: DeviationCreate, *, caller: Principal) -> Deviation:
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    deviation = Deviation(**data.model_dump())
    session.add(deviation)
    await session.flush()
    await _emit(session, "deviation.created", deviation, caller)
    return deviation


async def update(
    session: AsyncSession, deviation: Deviation, data: DeviationUpdate, *, caller: Principal
) -> Deviation:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("result",))
    if deviation.status == DeviationStatus.closed:
        raise Conflict(f"Deviation {deviation.id} is closed.", field="status")
    apply_changes(deviation, changes)
    await session.flush()
    await _emit(session, "deviation.updated", deviation, caller)
    return deviation


async def transition(
    session: AsyncSession,
    deviation_id: UUID,
    data: DeviationWork | DeviationClose,
    *,
    caller: Principal,
    if_match: str | None = None,
) -> Deviation:
    """One move under the deviation's row lock: of two racing moves the second sees the first."""
    deviation = await get(session, deviation_id, lock=True)
    check_version(if_match, deviation.version)
    check_move(f"Deviation {deviation.id}", deviation.status, data.to, MOVES)
    changes: dict[str, Any] = {"status": DeviationStatus(data.to)}
    if isinstance(data, DeviationClose):
        changes |= data.model_dump(exclude_unset=True, include={"corrective_action", "action_note"})
        if changes.get("corrective_action", deviation.corrective_action) is None:
            raise field_error(
                "#/corrective_action", "a deviation closes with its corrective action"
            )
    apply_changes(deviation, changes)
    await session.flush()
    await _emit(session, f"deviation.{deviation.status}", deviation, caller, reason=data.reason)
    return deviation


async def _emit(
    session: AsyncSession, type_: str, deviation: Deviation, caller: Principal, **extra: Any
) -> None:
    await emit_record(session, type_, DeviationPublic.model_validate(deviation), caller, **extra)
