"""The feeds advisors follows: regions' (its copy of regions, and who owns regions and targets)
and dealers' (its copies of dealers and outlets)."""

from typing import Any
from uuid import UUID

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.consumer import ConsumerSpec
from chassis.copies import Copy, FeedEvent, Inbound, Projection, apply_event
from services.advisors.models import (
    DEALER_COPIES,
    INBOUND_REFERENCES,
    OUTLET_COPIES,
    REGION_COPIES,
)

# region.stage_changed carries the whole region too (plus the move)
_REGION_WRITES = frozenset(
    {"region.created", "region.updated", "region.moved", "region.stage_changed"}
)
REGION_COPY = Copy(REGION_COPIES, upserts=_REGION_WRITES, deletes=frozenset({"region.deleted"}))
REGION_OWNERS = Inbound(
    INBOUND_REFERENCES, "regions", "owner_id", _REGION_WRITES, frozenset({"region.deleted"})
)
TARGET_OWNERS = Inbound(
    INBOUND_REFERENCES,
    "targets",
    "owner_id",
    frozenset({"target.created", "target.updated"}),
    frozenset({"target.deleted"}),
)
DEALER_COPY = Copy(
    DEALER_COPIES,
    upserts=frozenset({"dealer.created", "dealer.updated"}),
    deletes=frozenset({"dealer.deleted"}),
)
OUTLET_COPY = Copy(
    OUTLET_COPIES,
    upserts=frozenset({"outlet.created", "outlet.updated"}),
    deletes=frozenset({"outlet.deleted"}),
)


class Change:
    """An event that carries one change of a record rather than the whole record (a transition):
    `field` of the copy becomes `data[value]` for the record `data[key]`. Events come in the
    order they happened, so the copy ends with the latest change."""

    def __init__(self, table: Table, type_: str, key: str, field: str, value: str) -> None:
        self.table, self.type, self.key, self.field, self.value = table, type_, key, field, value

    async def apply(self, session: AsyncSession, event: FeedEvent) -> None:
        if event.type != self.type:
            return
        record = UUID(str(event.data[self.key]))
        stmt = update(self.table).where(self.table.c.id == record)
        await session.execute(stmt.values({self.field: event.data[self.value]}))


STAGE_CHANGED = Change(DEALER_COPIES, "dealer.stage_changed", "dealer_id", "lifecycle_stage", "to")
# an outlet's new supplying dealer: the event is the transition, `to` the dealer
OUTLET_MOVED = Change(OUTLET_COPIES, "outlet.moved", "outlet_id", "dealer_id", "to")


class Follower:
    """What one feed's events do here: projections that take whole records, changes that take
    transitions."""

    def __init__(self, projections: list[Projection], changes: list[Change]) -> None:
        self.projections, self.changes = projections, changes

    @property
    def types(self) -> tuple[str, ...]:
        kinds = {t for p in self.projections for t in p.types} | {c.type for c in self.changes}
        return tuple(sorted(kinds))

    async def apply(self, session: AsyncSession, event: Any) -> None:
        await apply_event(self.projections, session, event)
        for change in self.changes:
            await change.apply(session, event)

    async def reset(self, session: AsyncSession) -> None:
        for projection in self.projections:
            await projection.reset(session)


REGIONS_FEED = Follower([REGION_COPY, REGION_OWNERS, TARGET_OWNERS], [])
DEALERS_FEED = Follower([DEALER_COPY, OUTLET_COPY], [STAGE_CHANGED, OUTLET_MOVED])


def _spec(feed: str, path: str, follower: Follower) -> ConsumerSpec:
    return ConsumerSpec(
        feed=feed,
        source=feed,
        path=path,
        apply=follower.apply,
        reset=follower.reset,
        types=follower.types,
    )


CONSUMERS = [
    _spec("regions", "/v1/region-events", REGIONS_FEED),
    _spec("dealers", "/v1/dealer-events", DEALERS_FEED),
]
