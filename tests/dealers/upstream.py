"""The other services as the dealers tests see them: a regions service the test controls (it
knows the regions the helpers name, can learn more and can be down), and events of the regions
and advisors feeds applied through the dealers service's own consumers."""

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx

from chassis.consumer import ConsumerSpec
from chassis.copies import Reference
from chassis.outbox import Event
from services.advisors.assignments.schemas import AssignmentPublic
from services.dealers.references.feeds import ADVISORS, REGIONS
from services.dealers.references.regions import REGION_COPY
from tests.dealers.helpers import CHENGDU, MIANYANG

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def region(id_: str | UUID, code: str, name: str, **extra: Any) -> dict[str, Any]:
    """A region as the regions service answers it (the fields the copy keeps, and more)."""
    return {
        "id": str(id_),
        "code": code,
        "name": name,
        "kind": "administrative",
        "level": "prefecture",
        "parent_id": None,
        "owner_id": None,
        "key_market": False,
        "rollout_stage": "scattered",
        "version": 1,
        "created_at": NOW.isoformat(),
        "updated_at": NOW.isoformat(),
    } | extra


# the regions the dealers tests (and the gateway's) create dealers, outlets and conflicts in
TEST_REGIONS = {
    UUID(CHENGDU): region(CHENGDU, "510100", "成都市"),
    UUID(MIANYANG): region(MIANYANG, "510700", "绵阳市"),
}


class RegionsOwner:
    """A regions service for `Reference.fetch`: answers the regions it knows, None for others,
    and fails as an unreachable service would while `down`. `asked` lists every read."""

    def __init__(self, known: Mapping[UUID, dict[str, Any]] = TEST_REGIONS) -> None:
        self.known = dict(known)
        self.asked: list[UUID] = []
        self.down = False

    async def __call__(self, id_: UUID) -> Mapping[str, Any] | None:
        self.asked.append(id_)
        if self.down:
            raise httpx.ConnectError("connection refused")
        return self.known.get(id_)

    def learn(self, **extra: Any) -> UUID:
        """A region created in the regions service (the copy hasn't heard of it yet)."""
        id_ = uuid4()
        self.known[id_] = region(id_, "510104", "锦江区", level="county") | extra
        return id_


def use_owner(app: Any, owner: RegionsOwner) -> None:
    """Route the app's region checks to `owner` instead of the regions service."""
    app.state.regions = Reference(REGION_COPY, "regions", owner)


def app_of(client: httpx.AsyncClient) -> Any:
    return client._transport.app  # type: ignore[attr-defined]


async def apply(
    client: httpx.AsyncClient, spec: ConsumerSpec, events: Iterable[tuple[str, dict[str, Any]]]
) -> None:
    """Apply events as the consumer following `spec`'s feed does, in the test's transaction."""
    async with app_of(client).state.db.sessionmaker() as session:
        for n, (type_, data) in enumerate(events, start=1):
            event = Event(id=uuid4(), position=f"1.{n}", type=type_, occurred_at=NOW, data=data)
            await spec.apply(session, event)
        await session.commit()


async def region_events(
    client: httpx.AsyncClient, events: Iterable[tuple[str, dict[str, Any]]]
) -> None:
    await apply(client, REGIONS, events)


def assignment(
    account_id: str,
    advisor_id: str,
    *,
    from_date: date = date(2025, 1, 1),
    to_date: date | None = None,
    is_main: bool = True,
    kind: str = "dealer",
    id_: UUID | None = None,
    version: int = 1,
) -> dict[str, Any]:
    """An assignment as the advisors service's events carry it (its public form and the actor)."""
    public = AssignmentPublic.model_validate(
        {
            "id": id_ or uuid4(),
            "advisor_id": advisor_id,
            "account_kind": kind,
            "account_id": account_id,
            "is_main": is_main,
            "from_date": from_date,
            "to_date": to_date,
            "account_latitude": None,
            "account_longitude": None,
            "version": version,
            "created_at": NOW,
            "updated_at": NOW,
        }
    )
    return public.model_dump(mode="json") | {"actor": "test"}


async def advisor_events(
    client: httpx.AsyncClient, events: Iterable[tuple[str, dict[str, Any]]]
) -> None:
    await apply(client, ADVISORS, events)


async def assign(client: httpx.AsyncClient, account_id: str, advisor_id: str, **kw: Any) -> None:
    """The advisors service assigned `advisor_id` as the account's main advisor."""
    await advisor_events(client, [("assignment.created", assignment(account_id, advisor_id, **kw))])
