"""A probe service built on the chassis alone, reusing the regions schema as its database, so each
chassis part can be tested without any domain rule in the way."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from chassis.app import ServiceSpec, build_app
from chassis.db import SessionDep
from chassis.errors import Conflict
from chassis.identity import Principal, require_scopes
from chassis.outbox import emit
from chassis.settings import BaseServiceSettings
from services.regions.models import tables
from services.regions.settings import MIGRATIONS

router = APIRouter(prefix="/v1/probes")
Writer = Annotated[Principal, require_scopes("probes:write")]


class ProbeIn(BaseModel):
    value: int = 0
    then: str = "ok"  # ok | crash | conflict | sleep
    dealer_id: str | None = None


class ProbeOut(BaseModel):
    value: int
    calls: int


CALLS = {"n": 0}


@router.post("", status_code=201, response_model=ProbeOut)
async def create_probe(body: ProbeIn, session: SessionDep, _: Writer) -> Any:
    CALLS["n"] += 1
    if body.then == "sleep":  # before any write: SQLite would hold its write lock meanwhile
        await asyncio.sleep(0.3)
    dealers = [body.dealer_id] if body.dealer_id else []
    await emit(session, tables.outbox, "probe.created", {"value": body.value}, dealer_ids=dealers)  # type: ignore[arg-type]
    if body.then == "crash":
        raise RuntimeError("secret internal detail")
    if body.then == "conflict":
        raise Conflict("probe conflict")
    return ProbeOut(value=body.value, calls=CALLS["n"])


def probe_app(database_url: str) -> FastAPI:
    spec = ServiceSpec(
        name="regions",
        title="probe",
        description="chassis probe",
        version="0",
        event_path="/v1/probe-events",
        event_scope="probes:read",
        routers=[router],
        tables=tables,
        migrations=MIGRATIONS,
    )
    settings = BaseServiceSettings(database_url=database_url, access_log=False, log_level="WARNING")
    return build_app(spec, settings)
