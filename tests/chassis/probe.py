"""A probe service built on the chassis alone, reusing the regions schema as its database, so each
chassis part can be tested without any domain rule in the way."""

import asyncio
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, FastAPI, Response
from pydantic import BaseModel

from chassis.app import ServiceSpec, build_app, resource_router
from chassis.db import SessionDep
from chassis.errors import Conflict, problem_responses
from chassis.etag import IfMatch, check_if_match, set_etag
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


# Records with an id, parsed by orjson like every service's resource routes: a literal sub-path
# beside `{probe_id}`, an update needing If-Match, a transition where it is optional.
records = resource_router("/v1/probes", "probes")


class ProbeBulk(BaseModel):
    items: list[ProbeIn]


@records.post("/bulk", summary="Bulk probes")
async def bulk_probes(body: ProbeBulk, _: Writer) -> dict[str, int]:
    return {"count": len(body.items)}


@records.get("/{probe_id}", summary="Get a probe")
async def get_probe(probe_id: UUID, _: Writer, response: Response) -> dict[str, str]:
    set_etag(response, 1)
    return {"id": str(probe_id)}


@records.patch("/{probe_id}", summary="Change a probe", responses=problem_responses(412, 428))
async def patch_probe(probe_id: UUID, _: Writer, if_match: IfMatch = None) -> dict[str, str]:
    check_if_match(if_match, 1)
    return {"id": str(probe_id)}


@records.delete("/{probe_id}", summary="Delete a probe", responses=problem_responses(412, 428))
async def delete_probe(probe_id: UUID, _: Writer, if_match: IfMatch = None) -> Response:
    check_if_match(if_match, 1)
    return Response(status_code=204)


@records.post("/{probe_id}/transitions", summary="Move a probe", responses=problem_responses(412))
async def move_probe(
    probe_id: UUID, body: ProbeIn, _: Writer, if_match: IfMatch = None
) -> dict[str, str]:
    if if_match is not None:  # optional on a transition: checked only when sent
        check_if_match(if_match, 1)
    return {"id": str(probe_id), "to": body.then}


def probe_app(database_url: str) -> FastAPI:
    spec = ServiceSpec(
        name="regions",
        title="probe",
        description="chassis probe",
        version="0",
        event_path="/v1/probe-events",
        event_scope="probes:read",
        routers=[router, records],
        tables=tables,
        migrations=MIGRATIONS,
    )
    settings = BaseServiceSettings(database_url=database_url, access_log=False, log_level="WARNING")
    return build_app(spec, settings)
