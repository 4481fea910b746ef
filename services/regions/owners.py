"""The advisors that regions and targets name as owners: a copy kept from the advisors' feed, and
the check every write of an `owner_id` makes against it (one bounded read of the advisors service
for an id the copy hasn't seen yet; 503 naming it when it can't be asked)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.copies import Copy, FeedEvent, Fetch, OwnerReader, Reference
from chassis.errors import problem_responses
from chassis.settings import BaseServiceSettings
from services.regions.models import advisor_copies

OWNER = "advisors"
ADVISOR_PATH = "/v1/advisors/{id}"
# The contract's entry for a write naming an owner: the advisors service may be unreachable.
OWNER_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: problem_responses(503)[503]
    | {"description": "The advisors service could not be asked about the owner; nothing written"}
}


def as_copied(advisor: Mapping[str, Any]) -> dict[str, Any]:
    """An advisor as the copy keeps it: `active` is whether their status is `active`."""
    return dict(advisor) | {"active": advisor.get("status") == "active"}


@dataclass
class _Copied:
    id: UUID
    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class AdvisorCopy(Copy):
    """The advisors' events carry their status, the copy keeps whether they are active."""

    async def apply(self, session: AsyncSession, event: FeedEvent) -> None:
        await super().apply(session, _Copied(event.id, event.type, as_copied(event.data)))


ADVISORS = AdvisorCopy(
    advisor_copies,
    upserts=frozenset({"advisor.created", "advisor.updated"}),
    deletes=frozenset({"advisor.deleted"}),
)


def advisor_reference(fetch: Fetch) -> Reference:
    """Owners checked against the copy; `fetch` reads an advisor the copy hasn't seen."""

    async def copied(id_: UUID) -> Mapping[str, Any] | None:
        found = await fetch(id_)
        return None if found is None else as_copied(found)

    return Reference(ADVISORS, OWNER, copied)


def use_advisors(app: FastAPI, fetch: Fetch) -> None:
    """Read unseen advisors through `fetch` instead of the advisors service (tests, tools)."""
    app.state.advisor_reference = advisor_reference(fetch)


def _reference(request: Request) -> Reference:
    state = request.app.state
    if getattr(state, "advisor_reference", None) is None:
        settings: BaseServiceSettings = state.settings
        state.advisor_reference = advisor_reference(OwnerReader(settings, OWNER, ADVISOR_PATH))
    reference: Reference = state.advisor_reference
    return reference


# The route parameter that checks owners.
Owners = Annotated[Reference, Depends(_reference)]


async def check_owner(
    session: AsyncSession, owners: Reference, owner_id: UUID | None, pointer: str = "#/owner_id"
) -> None:
    """A named owner is an advisor the advisors service knows and hasn't deleted (422 on
    `pointer` otherwise; 503 when it can't be asked); no owner is always allowed."""
    if owner_id is not None:
        await owners.check(session, owner_id, pointer)
