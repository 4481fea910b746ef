"""What the dealers service keeps from the advisors feed: a copy of assignments (the advisor
serving a dealer is the main one in force), and the assignments and visits that name our dealers
and outlets, counted so that a deletion can be refused while they do."""

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.copies import Copy, Inbound
from services.dealers.models.copies import assignment_copies, inbound_references

OWNER = "advisors"
ASSIGNMENT_EVENTS = frozenset({"assignment.created", "assignment.updated"})
ASSIGNMENT_DELETED = frozenset({"assignment.deleted"})
# a visit's every move carries the whole visit
VISIT_EVENTS = frozenset(
    {
        "visit.created",
        "visit.updated",
        "visit.planned",
        "visit.checked_in",
        "visit.reported",
        "visit.missed",
    }
)
VISIT_DELETED = frozenset({"visit.deleted"})

ASSIGNMENT_COPY = Copy(assignment_copies, ASSIGNMENT_EVENTS, ASSIGNMENT_DELETED)
ASSIGNMENTS = Inbound(
    inbound_references, "assignments", "account_id", ASSIGNMENT_EVENTS, ASSIGNMENT_DELETED
)
VISITS = Inbound(inbound_references, "visits", "account_id", VISIT_EVENTS, VISIT_DELETED)
PROJECTIONS = (ASSIGNMENT_COPY, ASSIGNMENTS, VISITS)
# how a kind of reference reads in a refusal: (one, many)
WORDS = {
    ASSIGNMENTS.kind: ("assignment in the advisors service", "assignments in the advisors service"),
    VISITS.kind: ("visit in the advisors service", "visits in the advisors service"),
}


async def remote_references(session: AsyncSession, account_id: UUID) -> dict[str, int]:
    """How many of advisors' records of each kind name the dealer or outlet, e.g.
    `{"assignments.account_id": 2}` (kinds with none left out)."""
    c = inbound_references.c
    stmt = (
        select(c.kind, func.count())
        .where(c.target_id == account_id)
        .group_by(c.kind)
        .order_by(c.kind)
    )
    return {kind: int(n) for kind, n in (await session.execute(stmt)).all()}


def in_words(kind: str, n: int) -> str:
    one, many = WORDS.get(kind, (kind, kind))
    return f"{n} {one if n == 1 else many}"
