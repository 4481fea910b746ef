"""A dealer's lifecycle stage: forward one step at a time, back to any earlier stage with a
reason, every transition recorded with its date, reason and actor."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.pagination import paginate
from services.dealers.dealers.schemas import StageTransitionCreate, StageTransitionPublic
from services.dealers.models import Dealer, LifecycleStage, StageTransition, tables


def check_move(current: LifecycleStage, data: StageTransitionCreate) -> None:
    target = data.to_stage
    if target == current:
        raise Conflict(f"The dealer is already at stage {current}.", field="to_stage")
    if target.rank > current.rank + 1:
        following = list(LifecycleStage)[current.rank + 1]
        raise field_error("#/to_stage", f"may only move forward one step, to {following}")
    if target.rank < current.rank and data.reason is None:
        raise field_error("#/reason", "is required when moving back to an earlier stage")


async def transition(
    session: AsyncSession, dealer: Dealer, data: StageTransitionCreate, *, caller: Principal
) -> StageTransition:
    current = LifecycleStage(dealer.lifecycle_stage)
    check_move(current, data)
    now = datetime.now(UTC)
    record = StageTransition(
        dealer_id=dealer.id,
        from_stage=current,
        to_stage=data.to_stage,
        transitioned_on=data.transitioned_on or now.date(),
        reason=data.reason,
        actor=caller.subject,
    )
    dealer.lifecycle_stage = data.to_stage
    dealer.updated_at = now
    session.add(record)
    await session.flush()  # the dealer's version guards against a racing transition
    payload = StageTransitionPublic.model_validate(record).model_dump(mode="json")
    await emit(session, tables.outbox, "dealer.stage_changed", payload, dealer_ids=[dealer.id])
    return record


async def history(
    session: AsyncSession, dealer_id: UUID, *, limit: int, cursor: str | None
) -> tuple[list[StageTransition], str | None]:
    stmt = select(StageTransition).where(col(StageTransition.dealer_id) == dealer_id)
    return await paginate(session, stmt, col(StageTransition.id), limit=limit, cursor=cursor)
