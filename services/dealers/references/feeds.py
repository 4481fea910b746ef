"""The feeds the dealers service follows: regions (its copy of regions) and advisors (its copy
of assignments and the references advisors' records hold to dealers and outlets)."""

from collections.abc import Sequence
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.consumer import ConsumerSpec
from chassis.copies import Projection, apply_event
from services.dealers.references import advisors, regions


def _follow(feed: str, source: str, path: str, projections: Sequence[Projection]) -> ConsumerSpec:
    async def reset(session: AsyncSession) -> None:
        for projection in projections:
            await projection.reset(session)

    types = sorted(set().union(*(p.types for p in projections)))
    return ConsumerSpec(
        feed=feed,
        source=source,
        path=path,
        apply=partial(apply_event, projections),
        reset=reset,
        types=tuple(types),
    )


REGIONS = _follow("regions", regions.OWNER, "/v1/region-events", [regions.REGION_COPY])
ADVISORS = _follow("advisors", advisors.OWNER, "/v1/advisor-events", advisors.PROJECTIONS)
CONSUMERS = (REGIONS, ADVISORS)
