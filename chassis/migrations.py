"""Alembic wiring: every service has its own migration tree with an async env built from this."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import make_engine


def alembic_config(script_location: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["url"] = url
    return cfg


def upgrade(script_location: Path, url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` (blocking; call it from a thread inside an event loop)."""
    command.upgrade(alembic_config(script_location, url), revision)


def head_revision(script_location: Path) -> str | None:
    return ScriptDirectory.from_config(alembic_config(script_location, "")).get_current_head()


async def current_revision(conn: AsyncConnection) -> str | None:
    def read(sync_conn: Connection) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    return await conn.run_sync(read)


def _configure(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = make_engine(url, null_pool=True)
    async with engine.connect() as connection:
        await connection.run_sync(_configure, metadata)
        await connection.commit()
    await engine.dispose()


def run_env(metadata: MetaData) -> None:
    """The body of each service's `migrations/env.py`."""
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migration environment")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_run_online(url, metadata))
        return
    # called from inside an event loop (tests, app start-up): migrate on a thread of its own
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _run_online(url, metadata)).result()
