"""Advisors' copies of regions, dealers and outlets, and the owners of regions and targets, as
the regions and dealers feeds' events leave them (on both databases); a rebuild ends where
incremental application does."""

from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Table, select

from services.advisors.feeds import CONSUMERS, DEALERS_FEED, REGIONS_FEED
from services.advisors.models import (
    DEALER_COPIES,
    INBOUND_REFERENCES,
    OUTLET_COPIES,
    REGION_COPIES,
    AccountKind,
)
from services.advisors.visits.service import account_location
from services.dealers.dealers.schemas import DealerPublic, StageTransitionPublic
from services.dealers.outlets.schemas import OutletPublic, OutletTransitionPublic
from services.regions.regions.schemas import RegionPublic
from services.regions.targets.schemas import TargetPublic
from tests.advisors.feed_events import (
    dealer_event,
    outlet_event,
    outlet_moved,
    publish,
    region_event,
    stage_changed,
    target_event,
)
from tests.harness import rolled_back

A, B, OWNER = (str(uuid4()) for _ in range(3))


@pytest.fixture
async def app(backend: str, apps: Any) -> Any:
    """The advisors app bound to one connection, rolled back after the test."""
    app = await apps("advisors", backend)
    async with rolled_back(app, "advisors"):
        yield app


async def rows(app: Any, table: Table) -> dict[str, dict[str, Any]]:
    async with app.state.db.session(read_only=True) as session:
        found = (await session.execute(select(table))).mappings().all()
    keep = [c.key for c in table.c if c.key != "synced_at"]
    return {str(r.get("id", r.get("referrer_id"))): {k: r[k] for k in keep} for r in found}


async def test_regions_feed_keeps_regions_and_their_owners(app: Any) -> None:
    target = str(uuid4())
    await publish(
        app,
        region_event("region.created", A, owner_id=OWNER),
        region_event("region.created", B, code="510700", name="绵阳市"),
        region_event("region.moved", B, name="绵阳市", parent_id=A, level="county"),
        region_event("region.stage_changed", A, rollout_stage="focused", owner_id=OWNER),
        target_event("target.created", target, A, OWNER),
    )
    copies = await rows(app, REGION_COPIES)
    assert (copies[B]["parent_id"], copies[B]["level"], copies[B]["name"]) == (
        UUID(A),
        "county",
        "绵阳市",
    )
    assert not copies[A]["deleted"]
    owned = await rows(app, INBOUND_REFERENCES)
    assert {(r["kind"], str(r["target_id"])) for r in owned.values()} == {
        ("regions.owner_id", OWNER),
        ("targets.owner_id", OWNER),
    }
    await publish(
        app,
        target_event("target.updated", target, A, None),  # the target has no owner any more
        region_event("region.deleted", A, owner_id=OWNER),
    )
    assert (await rows(app, REGION_COPIES))[A]["deleted"] is True
    assert await rows(app, INBOUND_REFERENCES) == {}


async def test_dealers_feed_keeps_dealers_and_outlets(app: Any) -> None:
    dealer, other, shop = (str(uuid4()) for _ in range(3))
    await publish(
        app,
        dealer_event("dealer.created", dealer),
        dealer_event("dealer.created", other, code="D-CD-002"),
        stage_changed(dealer, "identified", "negotiating"),
        outlet_event("outlet.created", shop, dealer),
        outlet_event("outlet.updated", shop, dealer, latitude=30.7, longitude=104.1),
        outlet_moved(shop, dealer, other),  # the transition carries no whole outlet
    )
    assert (await rows(app, DEALER_COPIES))[dealer]["lifecycle_stage"] == "negotiating"
    copied = (await rows(app, OUTLET_COPIES))[shop]
    assert (copied["dealer_id"], copied["latitude"], copied["longitude"]) == (
        UUID(other),
        30.7,
        104.1,
    )
    async with app.state.db.session(read_only=True) as session:
        assert await account_location(session, AccountKind.outlet, UUID(shop)) == (30.7, 104.1)
        assert (
            await account_location(session, AccountKind.dealer, UUID(dealer)) is None
        )  # none kept
        assert await account_location(session, AccountKind.outlet, uuid4()) is None
    await publish(app, outlet_event("outlet.deleted", shop, other))
    gone = (await rows(app, OUTLET_COPIES))[shop]
    assert gone["deleted"] is True and gone["latitude"] == 30.7  # a tombstone keeps the rest


async def test_an_older_version_never_overwrites_a_newer_one(app: Any) -> None:
    dealer = str(uuid4())
    newer = dealer_event("dealer.updated", dealer, name="新名", version=10_000_000)
    older = dealer_event("dealer.updated", dealer, name="旧名", version=9_999_999)
    await publish(app, newer, older)
    assert (await rows(app, DEALER_COPIES))[dealer]["name"] == "新名"


async def test_a_rebuild_ends_where_incremental_application_does(app: Any) -> None:
    dealer, shop, target = (str(uuid4()) for _ in range(3))
    events = [
        region_event("region.created", A, owner_id=OWNER),
        target_event("target.created", target, A, OWNER),
        dealer_event("dealer.created", dealer, region_id=A),
        stage_changed(dealer, "identified", "negotiating"),
        outlet_event("outlet.created", shop, dealer),
        outlet_event("outlet.updated", shop, dealer, latitude=31.0),
        region_event("region.updated", A, name="成都", owner_id=None),
    ]
    tables = (REGION_COPIES, DEALER_COPIES, OUTLET_COPIES, INBOUND_REFERENCES)
    await publish(app, *events)
    incremental = [await rows(app, t) for t in tables]
    async with app.state.db.session() as session:
        await REGIONS_FEED.reset(session)
        await DEALERS_FEED.reset(session)
        await session.commit()
    assert [await rows(app, t) for t in tables] == [{}, {}, {}, {}]
    await publish(app, *events)
    assert [await rows(app, t) for t in tables] == incremental
    assert incremental[3][target]["kind"] == "targets.owner_id"


def test_consumers_follow_the_two_feeds_for_the_events_that_change_a_copy() -> None:
    by_feed = {c.feed: c for c in CONSUMERS}
    assert {f: (c.source, c.path) for f, c in by_feed.items()} == {
        "regions": ("regions", "/v1/region-events"),
        "dealers": ("dealers", "/v1/dealer-events"),
    }
    assert set(by_feed["dealers"].types) == {
        "dealer.created",
        "dealer.updated",
        "dealer.deleted",
        "dealer.stage_changed",
        "outlet.created",
        "outlet.updated",
        "outlet.deleted",
        "outlet.moved",
    }
    assert {"region.moved", "region.stage_changed", "target.deleted"} <= set(
        by_feed["regions"].types
    )


def test_the_fields_copied_are_the_owners_public_fields() -> None:
    """What the copies read from `data` exists in the owners' event payloads, by those names."""

    def names(model: Any) -> set[str]:
        return {f.serialization_alias or n for n, f in model.model_fields.items()}

    assert {"id", "code", "name", "level", "parent_id", "owner_id"} <= names(RegionPublic)
    assert {"id", "owner_id"} <= names(TargetPublic)
    assert {"id", "code", "name", "region_id", "lifecycle_stage"} <= names(DealerPublic)
    copied = {"id", "code", "name", "region_id", "dealer_id", "latitude", "longitude", "status"}
    assert copied <= names(OutletPublic)
    assert {"dealer_id", "to"} <= names(StageTransitionPublic)
    assert {"outlet_id", "to"} <= names(OutletTransitionPublic)
