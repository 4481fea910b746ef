"""Advisors other services refer to: the regions service reads them with its events scope, and
an advisor who still owns regions or targets (counted from the regions feed) can't be deleted."""

from typing import Any
from uuid import uuid4

import httpx

from chassis.testing import auth_headers
from tests.advisors.feed_events import publish, region_event, target_event
from tests.advisors.helpers import assert_problem, count, create, patch, url


def peer() -> dict[str, str]:
    """Minted when a test runs: a token made at import would expire before a long run gets here."""
    return auth_headers("advisors", ["advisors:events"])


async def delete(client: httpx.AsyncClient, advisor: dict[str, Any]) -> httpx.Response:
    version = (await client.get(url(advisor))).json()["version"]
    return await client.delete(url(advisor), headers={"If-Match": f'"v{version}"'})


async def test_an_advisor_who_owns_regions_or_targets_is_not_deleted(
    advisors: httpx.AsyncClient, apps: Any, backend: str
) -> None:
    app = await apps("advisors", backend)
    owner = await create(advisors, 1, role="supervisor")
    a, b, target = (str(uuid4()) for _ in range(3))
    await publish(
        app,
        region_event("region.created", a, owner_id=owner["id"]),
        region_event("region.created", b, code="510700", owner_id=owner["id"]),
        target_event("target.created", target, a, owner["id"]),
    )
    problem = assert_problem(await delete(advisors, owner), 409)
    assert problem["references"] == {"regions.owner_id": 2, "targets.owner_id": 1}
    assert "E0001" in problem["detail"]
    assert "2 regions (by owner_id)" in problem["detail"]
    assert "1 targets (by owner_id)" in problem["detail"]
    # with a report too, the local reason and the counted ones come together
    await create(advisors, 2, manager_id=owner["id"])
    problem = assert_problem(await delete(advisors, owner), 409)
    assert problem["references"] == {
        "advisors.manager_id": 1,
        "regions.owner_id": 2,
        "targets.owner_id": 1,
    }
    assert "manages 1 advisor(s) and is still referenced" in problem["detail"]
    assert await count(advisors) == 2
    # the regions change hands, the target goes: only the report holds the advisor
    await publish(
        app,
        region_event("region.updated", a, owner_id=None),
        region_event("region.deleted", b, owner_id=owner["id"]),
        target_event("target.deleted", target, a, owner["id"]),
    )
    problem = assert_problem(await delete(advisors, owner), 409)
    assert problem["references"] == {"advisors.manager_id": 1}
    report = (await advisors.get("/v1/advisors", params={"manager_id": owner["id"]})).json()
    assert (await patch(advisors, report["items"][0], {"manager_id": None})).status_code == 200
    assert (await delete(advisors, owner)).status_code == 204


async def test_other_services_read_an_advisor_with_their_events_scope(
    advisors: httpx.AsyncClient,
) -> None:
    advisor = await create(advisors, 1)
    r = await advisors.get(url(advisor), headers=peer())
    assert r.status_code == 200 and r.json()["id"] == advisor["id"]
    assert_problem(await advisors.get(url(str(uuid4())), headers=peer()), 404)
    # the events scope reads an advisor by id, and nothing else
    assert_problem(await advisors.get("/v1/advisors", headers=peer()), 403)
    assert_problem(await advisors.get("/v1/assignments", headers=peer()), 403)
    r = await advisors.patch(
        url(advisor), json={"name": "x"}, headers=peer() | {"If-Match": '"v1"'}
    )
    assert_problem(r, 403)
