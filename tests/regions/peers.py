"""The other services as the regions tests play them: an advisors service answering the reads of
advisors the copy hasn't seen, and events shaped as the advisors' and dealers' feeds carry them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from fastapi import FastAPI

from chassis.consumer import ConsumerSpec
from chassis.outbox import Event
from services.regions.feeds import CONSUMERS

# An advisor the played advisors service knows in every test.
ADVISOR = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"


def advisor(id_: str, name: str = "张伟", status: str = "active", **extra: Any) -> dict[str, Any]:
    """An advisor as the advisors service shows it (and its events carry it)."""
    return {
        "id": id_,
        "employee_code": f"E-{id_[:8]}",
        "name": name,
        "role": "customer_advisor",
        "region_id": None,
        "manager_id": None,
        "level": "advisor",
        "status": status,
        "hire_date": None,
        "mobile": None,
        "version": 1,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    } | extra


@dataclass
class AdvisorsService:
    """Answers `GET /v1/advisors/{id}` for the regions app: the known advisors, None for any
    other id; `down` plays a service that can't be reached. `asked` lists every read."""

    known: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    down: bool = False
    asked: list[UUID] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.add(ADVISOR)

    def add(self, id_: str | None = None, **fields: Any) -> str:
        id_ = id_ or str(uuid4())
        self.known[UUID(id_)] = advisor(id_, **fields)
        return id_

    async def fetch(self, id_: UUID) -> Mapping[str, Any] | None:
        self.asked.append(id_)
        if self.down:
            raise ConnectionError("advisors: connection refused")
        return self.known.get(id_)


def event(type_: str, data: dict[str, Any]) -> Event:
    return Event(
        id=uuid4(),
        position="1.0",
        type=type_,
        occurred_at=datetime.now(UTC),
        data=data,
        dealer_ids=None,
    )


def consumer(feed: str) -> ConsumerSpec:
    return next(spec for spec in CONSUMERS if spec.feed == feed)


async def deliver(app: FastAPI, feed: str, events: Sequence[Event | dict[str, Any]]) -> None:
    """Apply events (or feed items as a feed page holds them) as the consumer of `feed` does:
    in one transaction of the app's database."""
    spec = consumer(feed)
    async with app.state.db.session() as session:
        for e in events:
            await spec.apply(session, e if isinstance(e, Event) else Event.model_validate(e))
        await session.commit()
