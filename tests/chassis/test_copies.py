"""Local copies and inbound references kept from events, and references checked against the
copy with one bounded read of the owner (on both databases, synthetic tables)."""

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Column, MetaData, String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from chassis.copies import (
    Copy,
    Inbound,
    OwnerUnavailable,
    Reference,
    apply_event,
    copy_table,
    inbound_table,
    refuse_if_referenced,
)
from chassis.errors import Conflict, Unprocessable
from tests.harness import fresh_database

metadata = MetaData()
REGIONS = copy_table("region_copies", metadata, Column("name", String(200)))
INBOUND = inbound_table(metadata)
COPY = Copy(REGIONS, frozenset({"region.created", "region.updated"}), frozenset({"region.deleted"}))
DEALERS = Inbound(
    INBOUND,
    "dealers",
    "region_id",
    frozenset({"dealer.created", "dealer.updated"}),
    frozenset({"dealer.deleted"}),
)


@dataclass
class Event:
    type: str
    data: dict[str, Any]
    id: UUID = field(default_factory=uuid4)


@pytest.fixture
async def session(backend: str, worker: str, tmp_path: Path) -> AsyncIterator[AsyncSession]:
    url = await fresh_database(backend, f"ars_test_{worker}_copies", tmp_path)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    async with async_sessionmaker(engine)() as s:
        yield s
    await engine.dispose()


async def test_a_copy_follows_upserts_tombstones_and_versions(session: AsyncSession) -> None:
    rid = uuid4()
    for type_, version, name in [
        ("region.created", 1, "四川"),
        ("region.updated", 3, "四川省"),
        ("region.updated", 2, "旧名"),  # an older version never overwrites a newer one
    ]:
        await apply_event(
            [COPY], session, Event(type_, {"id": str(rid), "name": name, "version": version})
        )
    row = await COPY.get(session, rid)
    assert row is not None and (row["name"], row["version"], row["deleted"]) == ("四川省", 3, False)
    await apply_event([COPY], session, Event("region.deleted", {"id": str(rid), "version": 4}))
    row = await COPY.get(session, rid)
    assert row is not None and row["deleted"] and row["name"] == "四川省"
    await apply_event([COPY], session, Event("other.created", {"id": str(uuid4())}))
    assert len((await session.execute(select(REGIONS))).all()) == 1
    await COPY.reset(session)
    assert await COPY.get(session, rid) is None


async def test_inbound_references_are_counted_and_refuse_a_delete(session: AsyncSession) -> None:
    region, other = uuid4(), uuid4()
    dealers = [uuid4() for _ in range(3)]
    for d in dealers:
        await apply_event(
            [DEALERS], session, Event("dealer.created", {"id": str(d), "region_id": str(region)})
        )
    await apply_event(
        [DEALERS],
        session,
        Event("dealer.updated", {"id": str(dealers[0]), "region_id": str(other)}),
    )
    await apply_event([DEALERS], session, Event("dealer.deleted", {"id": str(dealers[1])}))
    with pytest.raises(Conflict) as caught:
        await refuse_if_referenced(session, INBOUND, region, "Region X")
    assert caught.value.extra["references"] == {"dealers.region_id": 1}
    assert "1 dealers (by region_id)" in caught.value.detail
    await apply_event(
        [DEALERS], session, Event("dealer.updated", {"id": str(dealers[2]), "region_id": None})
    )
    await refuse_if_referenced(session, INBOUND, region, "Region X")  # nothing left: no error


async def test_a_reference_asks_the_owner_once_when_the_copy_has_not_seen_it(
    session: AsyncSession,
) -> None:
    known, unknown, new = uuid4(), uuid4(), uuid4()
    asked: list[UUID] = []

    async def fetch(id_: UUID) -> Mapping[str, Any] | None:
        asked.append(id_)
        return {"id": str(id_), "name": "新区", "version": 1} if id_ == new else None

    ref = Reference(COPY, "regions", fetch)
    await apply_event(
        [COPY], session, Event("region.created", {"id": str(known), "name": "a", "version": 1})
    )
    assert (await ref.check(session, known, "#/region_id"))["name"] == "a"
    assert asked == []
    assert (await ref.check(session, new, "#/region_id"))["name"] == "新区"
    assert (await ref.check(session, new, "#/region_id"))["name"] == "新区"
    assert asked == [new]  # copied on the first ask
    with pytest.raises(Unprocessable) as missing:
        await ref.check(session, unknown, "#/region_id")
    assert missing.value.errors[0].pointer == "#/region_id"
    await apply_event([COPY], session, Event("region.deleted", {"id": str(known), "version": 2}))
    with pytest.raises(Unprocessable, match="deleted"):
        await ref.check(session, known, "#/region_id")

    async def down(id_: UUID) -> Mapping[str, Any] | None:
        raise ConnectionError("refused")

    with pytest.raises(OwnerUnavailable) as unavailable:
        await Reference(COPY, "regions", down).check(session, uuid4(), "#/region_id")
    assert unavailable.value.status == 503 and unavailable.value.extra["service"] == "regions"
