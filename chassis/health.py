"""`/healthz` (alive), `/readyz` (database reachable and migrated to head) and `/metrics`."""

from pathlib import Path

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import text

from chassis.db import Database
from chassis.errors import problem_response
from chassis.migrations import current_revision, head_revision


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    revision: str | None
    head: str | None


def health_router(migrations: Path) -> APIRouter:
    router = APIRouter(tags=["health"])
    head = head_revision(migrations)

    @router.get("/healthz", response_model=Health, summary="Liveness", operation_id="healthz")
    async def healthz() -> Health:
        return Health(status="ok")

    @router.get(
        "/readyz",
        response_model=Readiness,
        summary="Readiness: database reachable and migrated",
        operation_id="readyz",
        responses={503: {"description": "Not ready"}},
    )
    async def readyz(request: Request) -> Response:
        db: Database = request.app.state.db
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                revision = await current_revision(conn)
        except Exception as exc:  # any failure to reach the database means "not ready"
            body = {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": f"database unreachable: {type(exc).__name__}",
            }
            return problem_response(503, body)
        ready = Readiness(status="ok", database="ok", revision=revision, head=head)
        if revision != head:
            ready.status = "migrations pending"
            return Response(ready.model_dump_json(), status_code=503, media_type="application/json")
        return Response(ready.model_dump_json(), media_type="application/json")

    return router
