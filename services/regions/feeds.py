"""The feeds this service follows: the advisors' (its copy of the advisors, and which advisors work
in which region) and the dealers' (which dealers, outlets and conflicts are in which region)."""

from collections.abc import Sequence
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.consumer import ConsumerSpec
from chassis.copies import Inbound, Projection, apply_event
from services.regions.models import inbound_references
from services.regions.owners import ADVISORS


def _in_region(label: str, prefix: str, *, deleted: bool = True) -> Inbound:
    """`<label>` records (events `<prefix>.created|updated|deleted`) that name a `region_id`."""
    return Inbound(
        inbound_references,
        label,
        "region_id",
        upserts=frozenset({f"{prefix}.created", f"{prefix}.updated"}),
        deletes=frozenset({f"{prefix}.deleted"} if deleted else ()),
    )


# Conflicts are closed, never deleted: a conflict names its region for good.
FROM_DEALERS: list[Projection] = [
    _in_region("dealers", "dealer"),
    _in_region("outlets", "outlet"),
    _in_region("conflicts", "conflict", deleted=False),
]
FROM_ADVISORS: list[Projection] = [ADVISORS, _in_region("advisors", "advisor")]


async def reset(projections: Sequence[Projection], session: AsyncSession) -> None:
    """Empty what the feed built, before a rebuild replays it."""
    for projection in projections:
        await projection.reset(session)


def follow(feed: str, source: str, path: str, projections: list[Projection]) -> ConsumerSpec:
    types = sorted(set().union(*(p.types for p in projections)))
    return ConsumerSpec(
        feed=feed,
        source=source,
        path=path,
        apply=partial(apply_event, projections),
        reset=partial(reset, projections),
        types=tuple(types),
    )


CONSUMERS = [
    follow("advisor-events", "advisors", "/v1/advisor-events", FROM_ADVISORS),
    follow("dealer-events", "dealers", "/v1/dealer-events", FROM_DEALERS),
]
