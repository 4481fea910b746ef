"""A region's roll-out stage: one step forward or back at a time, each move kept with its day,
reason and actor."""

from datetime import UTC, date, datetime
from typing import NoReturn
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, FieldError, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, page
from services.regions.models import Region, RolloutStage, RolloutStageChange
from services.regions.regions.schemas import RegionTransitionCreate
from services.regions.regions.service import emit_region

STAGES = list(RolloutStage)


def allowed_moves(current: RolloutStage) -> list[RolloutStage]:
    """The stages next to the current one."""
    return [s for s in STAGES if abs(s.rank - current.rank) == 1]


def check_move(current: RolloutStage, to: RolloutStage) -> None:
    if to == current:
        _refuse(f"The region is already {current.value}.", "is the region's current stage")
    allowed = allowed_moves(current)
    if to not in allowed:
        names = " or ".join(s.value for s in allowed)
        _refuse(
            f"A {current.value} region moves one step at a time: to {names}.",
            f"may be {names} (one step from {current.value})",
        )


def _refuse(detail: str, about_to: str) -> NoReturn:
    raise Conflict(detail, errors=[FieldError("#/to", about_to)])


async def last_move_on(session: AsyncSession, region_id: UUID) -> date | None:
    return await session.scalar(
        select(func.max(RolloutStageChange.changed_on)).where(
            col(RolloutStageChange.region_id) == region_id
        )
    )


async def transition(
    session: AsyncSession, region: Region, data: RegionTransitionCreate, *, caller: Principal
) -> Region:
    """Move the region to `data.to`; the region's version guards against a racing move."""
    current = RolloutStage(region.rollout_stage)
    check_move(current, data.to)
    on = data.on or datetime.now(UTC).date()
    last = await last_move_on(session, region.id)
    if last is not None and on < last:
        raise field_error("#/on", f"is before the region's last move ({last.isoformat()})")
    session.add(
        RolloutStageChange(
            region_id=region.id,
            from_stage=current,
            to_stage=data.to,
            changed_on=on,
            reason=data.reason,
            actor=caller.subject,
        )
    )
    apply_changes(region, {"rollout_stage": data.to})
    await session.flush()
    move = {"from": current.value, "to": data.to.value, "on": on.isoformat()}
    await emit_region(session, "region.stage_changed", region, caller, reason=data.reason, **move)
    return region


async def history(
    session: AsyncSession, region: Region, *, limit: int, cursor: str | None
) -> tuple[list[RolloutStageChange], str | None]:
    """The region's moves, oldest first."""
    filters = {"region_id": region.id}
    return await page(session, RolloutStageChange, filters, limit=limit, cursor=cursor)
