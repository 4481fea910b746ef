"""Bulk helpers: per-item validation, duplicates in one request, set-based upsert by code,
events written in one statement."""

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select

from chassis.bulk import Batch, BulkRequest, upsert_by_key
from chassis.identity import Principal
from chassis.outbox import emit_many, read_feed
from chassis.types import RequestModel
from services.regions.models import Region, tables


class Item(RequestModel):
    code: Annotated[str, Field(min_length=6, max_length=6)]
    name: str


class Optional(RequestModel):
    code: str
    gtin: str | None = None


def test_blank_optional_values_may_repeat() -> None:
    batch = Batch([{"code": "A"}, {"code": "B"}, {"code": "C", "gtin": "1"}], Optional)
    batch.first_by_key("gtin")
    assert batch.errors == {}


def test_bulk_request_contract_describes_the_items() -> None:
    schema = BulkRequest[Item].model_json_schema()
    items = schema["properties"]["items"]["items"]
    assert "code" in str(items) or "$ref" in items


def test_batch_validates_each_item_and_refuses_repeats() -> None:
    raw: list[dict[str, Any]] = [
        {"code": "510000", "name": "a"},
        {"code": 5, "name": "b"},
        {"code": "510000", "name": "c"},
        {"code": "520000", "name": "d", "extra": 1},
    ]
    batch = Batch(raw, Item)
    batch.first_by_key("code")
    assert [i for i, _ in batch.valid] == [0]
    assert [e.pointer for e in batch.errors[1]] == ["#/code"]
    assert batch.errors[2][0].detail == "repeats item 0"
    assert [e.pointer for e in batch.errors[3]] == ["#/extra"]
    result = batch.result({0: ("created", Region().id)})
    assert [r.status for r in result.items] == ["created", "invalid", "invalid", "invalid"]
    assert (result.created, result.updated, result.invalid) == (1, 0, 3)


async def test_upsert_by_code_creates_then_updates(backend: str, probe_apps: Any) -> None:
    # the probe app: the regions tables, and no event catalogue refusing the events `a` and `b`
    app = await probe_apps(backend, "committed")
    db = app.state.db
    original = db.sessionmaker, db.read_sessionmaker
    async with db.engine.connect() as conn:
        outer = await conn.begin()
        db.bind_to(conn)
        try:
            async with db.session() as session:
                row = {
                    "code": "510000",
                    "name": "四川",
                    "kind": "administrative",
                    "level": "province",
                }
                table = Region.__table__  # type: ignore[attr-defined]
                first = await upsert_by_key(session, table, [row])
                created = (await session.execute(select(table))).mappings().one()
                second = await upsert_by_key(session, table, [row | {"name": "四川省"}])
                assert first[0][0] == "created" and second == [("updated", first[0][1])]
                stored = (await session.execute(select(table))).mappings().one()
                assert (stored["name"], stored["version"]) == ("四川省", 2)
                assert stored["updated_at"] > created["updated_at"]
                assert stored["created_at"] == created["created_at"]
                await emit_many(session, tables.outbox, [("a", {"n": 1}, []), ("b", {"n": 2}, [])])
                await session.flush()
                feed = await read_feed(
                    session,
                    tables.outbox,
                    after=None,
                    limit=10,
                    types=None,
                    principal=Principal(subject="t", kind="service"),
                )
                if backend == "sqlite":  # PostgreSQL holds back the test's own open transaction
                    assert [e.type for e in feed.items] == ["a", "b"]
                else:
                    txids = (await session.execute(select(tables.outbox.c.txid))).scalars().all()
                    assert len(txids) == 2 and all(t is not None for t in txids)
        finally:
            db.sessionmaker, db.read_sessionmaker = original
            await outer.rollback()


class _Sync(RequestModel):
    code: str
    name: str
    owner_id: str | None = None
    key_market: bool = False


async def test_a_sync_keeps_what_it_leaves_out(backend: str, apps: Any) -> None:
    """An item that omits a field keeps the stored value; a new record takes the default; the
    re-read rows are the whole records, as single writes' events carry them."""
    from uuid import uuid4

    from chassis.bulk import event_documents, reread
    from services.regions.regions.schemas import RegionPublic

    app = await apps("regions", backend)
    db = app.state.db
    original = db.sessionmaker, db.read_sessionmaker
    table = Region.__table__  # type: ignore[attr-defined]
    base = {"kind": "administrative", "level": "province"}
    owner = uuid4()
    async with db.engine.connect() as conn:
        outer = await conn.begin()
        db.bind_to(conn)
        try:
            async with db.session() as session:
                first = {"code": "510000", "name": "四川", "owner_id": owner, "key_market": True}
                await upsert_by_key(session, table, [base | first])
                batch = Batch(
                    [{"code": "510000", "name": "四川省"}, {"code": "520000", "name": "贵州"}],
                    _Sync,
                )
                rows = [base | item.model_dump() for _, item in batch.valid]
                omitted = [Batch.omitted(item) for _, item in batch.valid]
                assert omitted[0] == {"owner_id", "key_market"}
                written = await upsert_by_key(session, table, rows, omitted=omitted)
                stored = await reread(session, table, [id_ for _, id_ in written])
                sichuan, guizhou = (stored[id_] for _, id_ in written)
                assert (sichuan["name"], sichuan["owner_id"], sichuan["key_market"]) == (
                    "四川省",
                    owner,
                    True,
                )
                assert (guizhou["owner_id"], guizhou["key_market"]) == (None, False)
                docs = event_documents(RegionPublic, [sichuan, guizhou])
                assert docs[0]["version"] == 2 and docs[1]["version"] == 1
                assert docs[0]["owner_id"] == str(owner)
                assert {"created_at", "updated_at", "rollout_stage"} <= docs[0].keys()
        finally:
            db.sessionmaker, db.read_sessionmaker = original
            await outer.rollback()
