"""Events of the regions and dealers feeds as these tests hand them to advisors' consumers, and
the way to apply them inside a test's transaction."""

from dataclasses import dataclass, field
from itertools import count
from typing import Any
from uuid import UUID, uuid4

from services.advisors.feeds import DEALERS_FEED, REGIONS_FEED, Follower

_versions = count(1)


@dataclass
class Event:
    type: str
    data: dict[str, Any]
    id: UUID = field(default_factory=uuid4)


def region_event(type_: str, id_: str, **fields: Any) -> Event:
    data = {
        "id": id_,
        "code": "510100",
        "name": "成都市",
        "kind": "administrative",
        "level": "prefecture",
        "parent_id": None,
        "owner_id": None,
        "key_market": False,
        "rollout_stage": "scattered",
        "version": next(_versions),
        "actor": "erp",
    }
    return Event(type_, data | fields)


def target_event(type_: str, id_: str, region_id: str, owner_id: str | None) -> Event:
    data = {
        "id": id_,
        "region_id": region_id,
        "period": "2026-03",
        "metric": "sales_amount",
        "value": "100000.00",
        "owner_id": owner_id,
        "version": next(_versions),
        "actor": "erp",
    }
    return Event(type_, data)


def dealer_event(type_: str, id_: str, **fields: Any) -> Event:
    data = {
        "id": id_,
        "code": "D-CD-001",
        "name": "成都川信商贸有限公司",
        "uscc": "91510100MA00000001",
        "region_id": str(uuid4()),
        "tier": "core",
        "lifecycle_stage": "identified",
        "version": next(_versions),
        "actor": "erp",
    }
    return Event(type_, data | fields)


def stage_changed(dealer_id: str, frm: str, to: str) -> Event:
    data = {"id": str(uuid4()), "dealer_id": dealer_id, "from": frm, "to": to}
    return Event("dealer.stage_changed", data | {"on": "2026-03-01", "actor": "erp"})


def outlet_event(type_: str, id_: str, dealer_id: str, **fields: Any) -> Event:
    data = {
        "id": id_,
        "code": "T-0001",
        "name": "惠民超市1号",
        "type": "supermarket",
        "grade": "A",
        "region_id": str(uuid4()),
        "latitude": 30.657,
        "longitude": 104.066,
        "dealer_id": dealer_id,
        "status": "active",
        "version": next(_versions),
        "actor": "erp",
    }
    return Event(type_, data | fields)


def outlet_moved(outlet_id: str, frm: str, to: str) -> Event:
    data = {"id": str(uuid4()), "outlet_id": outlet_id, "from": frm, "to": to}
    return Event("outlet.moved", data | {"on": "2026-03-01", "actor": "erp"})


async def publish(app: Any, *events: Event) -> None:
    """Apply the events as advisors' consumers would, each feed's in one transaction (in a
    rolled-back test, inside the test's transaction)."""
    async with app.state.db.session() as session:
        for event in events:
            follower: Follower = REGIONS_FEED if event.type in REGIONS_FEED.types else DEALERS_FEED
            await follower.apply(session, event)
        await session.commit()
