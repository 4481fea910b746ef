"""Deviation rules: closing needs a corrective action; a closed deviation stays closed."""

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, must_exist, no_nulls, page
from services.advisors.deviations.schemas import DeviationCreate, DeviationPublic, DeviationUpdate
from services.advisors.events import emit_record
from services.advisors.models import Advisor, Deviation, DeviationStatus


async def get(session: AsyncSession, deviation_id: UUID) -> Deviation:
    return await get_or_404(session, Deviation, deviation_id, "Deviation")


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
    no_nulls(changes, ("result", "status"))
    if deviation.status == DeviationStatus.closed:
        raise Conflict(f"Deviation {deviation.id} is closed.", field="status")
    action = changes.get("corrective_action", deviation.corrective_action)
    if changes.get("status") == DeviationStatus.closed and action is None:
        raise field_error("#/corrective_action", "a deviation closes with its corrective action")
    apply_changes(deviation, changes)
    await session.flush()
    await _emit(session, "deviation.updated", deviation, caller)
    return deviation


async def _emit(session: AsyncSession, type_: str, deviation: Deviation, caller: Principal) -> None:
    await emit_record(session, type_, DeviationPublic.model_validate(deviation), caller)
