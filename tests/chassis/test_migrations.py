"""Each service's models match its migrations, on every backend; SQLite runs with WAL and
foreign keys on."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from chassis.db import make_engine
from tests.harness import SERVICES, Databases

SERVICE_NAMES = list(SERVICES)


@pytest.mark.parametrize("service", SERVICE_NAMES)
async def test_models_match_migrations(service: str, backend: str, databases: Databases) -> None:
    kit = SERVICES[service]
    metadata = kit.metadata
    engine = make_engine(await databases.url(service, backend), null_pool=True)

    def diff(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
    await engine.dispose()
    assert changes == []


async def test_sqlite_runs_with_wal_and_foreign_keys(databases: Databases) -> None:
    engine = make_engine(await databases.url("regions", "sqlite"), null_pool=True)
    async with engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL
    await engine.dispose()
