"""The regions and dealers services as advisors' reference checks see them in these tests: the
records they know by id (answered once per id the copy hasn't seen), or unreachable."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx

from chassis.copies import Fetch
from services.advisors.references import References
from tests.advisors.helpers import CHENGDU, DEALER, HOME, MIANYANG, SHOP

Records = dict[str, dict[str, Any]]


def region(id_: str, code: str = "510100", name: str = "成都市") -> dict[str, Any]:
    return {"id": id_, "code": code, "name": name, "level": "prefecture", "parent_id": None}


def dealer(id_: str, code: str = "D-CD-001", **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "code": code,
        "name": "成都川信商贸有限公司",
        "region_id": CHENGDU,
        "lifecycle_stage": "partner",
    } | extra


def outlet(
    id_: str, at: tuple[float, float] | None = HOME, dealer_id: str = DEALER, **extra: Any
) -> dict[str, Any]:
    lat, lon = at if at is not None else (None, None)
    return {
        "id": id_,
        "code": f"T-{id_[-4:]}",
        "name": "惠民超市",
        "region_id": CHENGDU,
        "dealer_id": dealer_id,
        "latitude": lat,
        "longitude": lon,
        "status": "active",
        "version": 1,
    } | extra


@dataclass
class FakeOwners:
    """What each owner knows, what it was asked (kind, id), and whether it can be reached."""

    regions: Records = field(default_factory=dict)
    dealers: Records = field(default_factory=dict)
    outlets: Records = field(default_factory=dict)
    down: bool = False
    asked: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def standard(cls) -> "FakeOwners":
        """The records the advisors tests name: two regions, a dealer and its outlet at HOME."""
        return cls(
            regions={CHENGDU: region(CHENGDU), MIANYANG: region(MIANYANG, "510700", "绵阳市")},
            dealers={DEALER: dealer(DEALER)},
            outlets={SHOP: outlet(SHOP)},
        )

    def add_outlets(self, *ids: str, at: tuple[float, float] | None = HOME) -> None:
        for id_ in ids:
            self.outlets[id_] = outlet(id_, at)

    def fetch(self, kind: str) -> Fetch:
        async def ask(id_: UUID) -> Mapping[str, Any] | None:
            self.asked.append((kind, str(id_)))
            if self.down:
                raise httpx.ConnectError("connection refused")
            records: Records = getattr(self, kind)
            return records.get(str(id_))

        return ask

    def references(self) -> References:
        return References.asking(
            self.fetch("regions"), self.fetch("dealers"), self.fetch("outlets")
        )
