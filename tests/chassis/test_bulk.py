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


async def test_upsert_by_code_creates_then_updates(backend: str, apps: Any) -> None:
    app = await apps("regions", backend)
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
