"""A minimal FastAPI + asyncpg GET-by-id on the regions table: the floor the service is
compared with. It reads `BENCH_DATABASE_URL` (a plain `postgresql://` DSN) and
`BENCH_POOL_SIZE` (default 10, the services' default pool size).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ars_bench_regions \
        uvicorn --factory bench.minimal_app:create_app
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
from fastapi import FastAPI, HTTPException, Request


def create_app() -> FastAPI:
    dsn = os.environ["BENCH_DATABASE_URL"]
    pool_size = int(os.environ.get("BENCH_POOL_SIZE", "10"))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with asyncpg.create_pool(dsn, min_size=pool_size, max_size=pool_size) as pool:
            app.state.pool = pool
            yield

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/v1/regions/{region_id}")
    async def get_region(region_id: UUID, request: Request) -> dict[str, Any]:
        row = await request.app.state.pool.fetchrow(
            "SELECT * FROM regions WHERE id = $1", region_id
        )
        if row is None:
            raise HTTPException(status_code=404, detail="Region not found")
        return dict(row)

    return app
