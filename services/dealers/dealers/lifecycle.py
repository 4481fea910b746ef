"""A dealer's lifecycle stage: forward one step at a time, back to any earlier stage with a
reason, every transition recorded with its day, reason and actor, in the order they happened."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import page
from services.dealers.dealers.schemas import StageTransitionCreate, StageTransitionPublic
from services.dealers.models import Dealer, LifecycleStage, StageTransition, tables
from services.dealers.transitions import already, not_allowed, not_before


def allowed_moves(current: LifecycleStage) -> list[LifecycleStage]:
    """The next stage, and every earlier one (going back needs a reason)."""
    return [s for s in LifecycleStage if s.rank < current.rank or s.rank == current.rank + 1]


def check_move(current: LifecycleStage, data: StageTransitionCreate) -> None:
    target = data.to
    if target == current:
        raise already("Dealer", f"at stage {current}")
    if target not in allowed_moves(current):
        raise not_allowed("The dealer", f"at stage {current}", target, allowed_moves(current))
    if target.rank < current.rank and data.reason is None:
        raise field_error("#/reason", "is required when moving back to an earlier stage")


async def transition(
    session: AsyncSession, dealer: Dealer, data: StageTransitionCreate, *, caller: Principal
) -> StageTransition:
    current = LifecycleStage(dealer.lifecycle_stage)
    check_move(current, data)
    now = datetime.now(UTC)
    previous = await session.scalar(
        select(func.max(col(StageTransition.transitioned_on))).where(
            col(StageTransition.dealer_id) == dealer.id
        )
    )
    if data.on is not None:
        not_before(data.on, previous, "#/on", "dealer")
    on = data.on or max(now.date(), previous or now.date())
    record = StageTransition(
        dealer_id=dealer.id,
        from_stage=current,
        to_stage=data.to,
        transitioned_on=on,
        reason=data.reason,
        actor=caller.subject,
    )
    dealer.lifecycle_stage = data.to
    dealer.updated_at = now
    session.add(record)
    await session.flush()  # the dealer's version guards against a racing transition
    payload = StageTransitionPublic.model_validate(record).model_dump(mode="json", by_alias=True)
    await emit(session, tables.outbox, "dealer.stage_changed", payload, dealer_ids=[dealer.id])
    return record


async def history(
    session: AsyncSession, dealer_id: UUID, *, limit: int, cursor: str | None
) -> tuple[list[StageTransition], str | None]:
    return await page(
        session, StageTransition, {"dealer_id": dealer_id}, limit=limit, cursor=cursor
    )
