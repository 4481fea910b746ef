"""The lean read path returns what the ORM would: ids, aware UTC timestamps, JSON, nothing more."""

from datetime import UTC
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from chassis.fastread import fetch_row
from chassis.outbox import emit


async def test_fetch_row_matches_a_core_select(backend: str, probe_apps: Any) -> None:
    app = await probe_apps(backend, "committed")
    outbox = app.state.tables.outbox
    dealer = uuid4()
    async with app.state.db.session() as session:
        event_id = await emit(session, outbox, "t.x", {"n": 1, "s": "四川"}, dealer_ids=[dealer])
        await session.commit()
    try:
        async with app.state.db.session(read_only=True) as session:
            fast = await fetch_row(session, outbox, outbox.c.event_id, event_id)
            core = (
                (await session.execute(select(outbox).where(outbox.c.event_id == event_id)))
                .mappings()
                .one()
            )
            missing = await fetch_row(session, outbox, outbox.c.event_id, uuid4())
        assert fast == dict(core)
        assert fast is not None and fast["data"] == {"n": 1, "s": "四川"}
        assert fast["occurred_at"].tzinfo is not None
        assert fast["occurred_at"].utcoffset() == UTC.utcoffset(None)
        assert fast["dealer_ids"] == [str(dealer)]
        assert missing is None
    finally:
        async with app.state.db.engine.begin() as conn:
            await conn.execute(outbox.delete())
