"""End to end, the advisors service among the others (real processes, driven through the
gateway): an account created a moment before is a valid assignment and locates its check-ins,
an unknown one is refused, an outlet's new dealer and coordinates reach advisors' copy from the
dealers feed, and an advisor who owns a region or a target is not deleted."""

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from scripts.stack import Stack
from services.advisors.models import INBOUND_REFERENCES, OUTLET_COPIES
from tests.dealers.helpers import uscc
from tests.e2e.conftest import start_stack
from tests.harness import Databases

pytestmark = pytest.mark.e2e
DEADLINE = 20.0  # seconds the consumers get to apply what the other services wrote
PURPOSE = "e2e_advisors"
HOME = (30.657, 104.066)
T = TypeVar("T")


@pytest.fixture(scope="module")
def stack(backend: str, databases: Databases) -> Iterator[Stack]:
    stack = start_stack(databases, backend, PURPOSE)
    try:
        yield stack
    finally:
        stack.stop_all()


def created(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 201, r.text
    return dict(r.json())


def until(probe: Callable[[], T], done: Callable[[T], bool]) -> T:
    """`probe()` once `done` holds of it, or its last value when the deadline passes."""
    deadline = time.monotonic() + DEADLINE
    while True:
        value = probe()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def query(stack: Stack, stmt: Any) -> list[dict[str, Any]]:
    """Rows of advisors' own database (where its copies are), read as the service would."""

    async def run() -> list[dict[str, Any]]:
        engine = create_async_engine(stack.database_urls["advisors"])
        try:
            async with engine.connect() as conn:
                return [dict(r) for r in (await conn.execute(stmt)).mappings()]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def network(gw: httpx.Client, tag: str, n: int) -> tuple[dict[str, Any], ...]:
    """A region, two dealers in it and an outlet of the first, at HOME, all just created."""
    region = created(
        gw.post("/v1/regions", json={"code": f"E2E-{tag}", "name": "川西片区", "kind": "sales"})
    )
    dealers = [
        created(
            gw.post(
                "/v1/dealers",
                json={
                    "code": f"E2E-{tag}-D{i}",
                    "name": f"成都川西商贸有限公司{i}",
                    "uscc": uscc(n + i),
                    "region_id": region["id"],
                },
            )
        )
        for i in (1, 2)
    ]
    outlet = created(
        gw.post(
            "/v1/outlets",
            json={
                "code": f"E2E-{tag}-T1",
                "name": "惠民超市",
                "type": "supermarket",
                "grade": "A",
                "region_id": region["id"],
                "dealer_id": dealers[0]["id"],
                "latitude": HOME[0],
                "longitude": HOME[1],
            },
        )
    )
    return region, dealers[0], dealers[1], outlet


def advisor(gw: httpx.Client, code: str, **extra: Any) -> dict[str, Any]:
    body = {"employee_code": code, "name": f"顾问{code}", "role": "customer_advisor"}
    return created(gw.post("/v1/advisors", json=body | extra))


def check_in(gw: httpx.Client, advisor_id: str, outlet_id: str, at: tuple[float, float]) -> Any:
    visit = created(
        gw.post(
            "/v1/visits",
            json={
                "advisor_id": advisor_id,
                "account_kind": "outlet",
                "account_id": outlet_id,
                "planned_date": "2026-03-02",
                "purpose": "新品铺货",
            },
        )
    )
    body = {"to": "checked_in", "latitude": at[0], "longitude": at[1]}
    r = gw.post(f"/v1/visits/{visit['id']}/transitions", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_an_account_created_a_moment_before_is_assigned_and_locates_check_ins(
    gw: httpx.Client,
) -> None:
    region, dealer, _, outlet = network(gw, "ADV-A", 961)
    a = advisor(gw, "E2E-ADV-1", region_id=region["id"])
    body = {
        "advisor_id": a["id"],
        "account_kind": "outlet",
        "account_id": outlet["id"],
        "from_date": "2026-01-01",
    }
    assignment = created(gw.post("/v1/assignments", json=body))
    assert assignment["account_id"] == outlet["id"] and "account_latitude" not in assignment
    created(
        gw.post(
            "/v1/assignments", json=body | {"account_kind": "dealer", "account_id": dealer["id"]}
        )
    )
    # 0.01° north of the outlet: 1.1 km, flagged; at the outlet: not
    away = check_in(gw, a["id"], outlet["id"], (HOME[0] + 0.01, HOME[1]))
    assert away["far_from_account"] is True and 1100 < away["distance_m"] < 1125
    near = check_in(gw, a["id"], outlet["id"], HOME)
    assert (near["distance_m"], near["far_from_account"]) == (0.0, False)

    for wrong in (
        {"account_id": str(uuid4())},  # nobody's
        {"account_id": outlet["id"], "account_kind": "dealer"},  # an outlet, not a dealer
        {"account_latitude": 30.6},  # coordinates are the outlet's own
    ):
        r = gw.post("/v1/assignments", json=body | wrong | {"is_main": False})
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        field = "account_latitude" if "account_latitude" in wrong else "account_id"
        assert [e["pointer"] for e in r.json()["errors"]] == [f"#/{field}"]
    listed = gw.get("/v1/assignments", params={"advisor_id": a["id"]}).json()["items"]
    assert len(listed) == 2


def test_an_outlets_new_dealer_and_coordinates_reach_the_copy(
    stack: Stack, gw: httpx.Client
) -> None:
    _, first, second, outlet = network(gw, "ADV-B", 971)
    r = gw.post(
        f"/v1/outlets/{outlet['id']}/transitions", json={"to": second["id"], "reason": "调整"}
    )
    assert r.status_code == 200, r.text
    current = gw.get(f"/v1/outlets/{outlet['id']}")
    moved_to = (HOME[0] + 0.02, HOME[1])
    r = gw.patch(
        f"/v1/outlets/{outlet['id']}",
        json={"latitude": moved_to[0], "longitude": moved_to[1]},
        headers={"If-Match": current.headers["etag"]},
    )
    assert r.status_code == 200, r.text
    stmt = select(OUTLET_COPIES).where(OUTLET_COPIES.c.id == UUID(outlet["id"]))
    wanted = (second["id"], moved_to[0], moved_to[1])

    def seen(rows: list[dict[str, Any]]) -> bool:
        return (
            bool(rows)
            and (str(rows[0]["dealer_id"]), rows[0]["latitude"], rows[0]["longitude"]) == wanted
        )

    rows = until(lambda: query(stack, stmt), seen)
    assert seen(rows), (rows, first["id"])
    # and a check-in is measured from where the outlet is now
    a = advisor(gw, "E2E-ADV-2")
    assert check_in(gw, a["id"], outlet["id"], moved_to)["distance_m"] == 0.0


def test_an_advisor_who_owns_a_region_and_a_target_is_not_deleted(
    stack: Stack, gw: httpx.Client
) -> None:
    owner = advisor(gw, "E2E-ADV-3", role="supervisor")
    region = created(
        gw.post(
            "/v1/regions",
            json={
                "code": "E2E-ADV-C",
                "name": "川东片区",
                "kind": "sales",
                "owner_id": owner["id"],
            },
        )
    )
    target = {
        "region_id": region["id"],
        "period": "2026-03",
        "metric": "sales_amount",
        "value": "100000.00",
        "owner_id": owner["id"],
    }
    created(gw.post("/v1/targets", json=target))
    stmt = select(INBOUND_REFERENCES).where(INBOUND_REFERENCES.c.target_id == UUID(owner["id"]))
    assert len(until(lambda: query(stack, stmt), lambda rows: len(rows) == 2)) == 2
    r = gw.delete(f"/v1/advisors/{owner['id']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["references"] == {"regions.owner_id": 1, "targets.owner_id": 1}
    assert "1 regions (by owner_id)" in problem["detail"]
    assert "1 targets (by owner_id)" in problem["detail"]
    assert gw.get(f"/v1/advisors/{owner['id']}").status_code == 200
