"""References the advisors service's records hold to our dealers and outlets, counted from its
feed: a dealer or outlet still named by assignments or visits is not deleted (409 naming who and
how many, beside the records of this service), and the other services may read the dealers and
outlets their records name with `dealers:events` alone."""

from typing import Any
from uuid import uuid4

import httpx
import pytest

from chassis.testing import auth_headers
from services.dealers.references.feeds import ADVISORS
from tests.dealers.helpers import (
    ADVISOR,
    assert_problem,
    create,
    make_outlet,
    ourl,
    url,
)
from tests.dealers.upstream import advisor_events, app_of, assignment

IF_MATCH = {"If-Match": '"v1"'}


def visit(account: dict[str, Any], kind: str = "dealer", **extra: Any) -> dict[str, Any]:
    """A visit as the advisors service's events carry it (the fields the count reads)."""
    return {
        "id": str(uuid4()),
        "advisor_id": ADVISOR,
        "account_kind": kind,
        "account_id": account["id"],
        "planned_date": "2026-11-03",
        "status": "planned",
        "version": 1,
        "actor": "test",
    } | extra


async def test_a_dealer_named_here_and_in_advisors_lists_both_in_one_refusal(
    dealers: httpx.AsyncClient,
) -> None:
    dealer = await create(dealers, 1)
    await make_outlet(dealers, 1, dealer)
    visits = [visit(dealer), visit(dealer)]
    await advisor_events(
        dealers,
        [
            ("assignment.created", assignment(dealer["id"], ADVISOR)),
            ("visit.created", visits[0]),
            ("visit.created", visits[1]),
            ("visit.checked_in", visits[1] | {"status": "checked_in", "version": 2}),
        ],
    )
    r = await dealers.delete(url(dealer), headers=IF_MATCH)
    problem = assert_problem(r, 409)
    assert problem["references"] == {
        "outlets": 1,
        "assignments.account_id": 1,
        "visits.account_id": 2,
    }
    for words in ("1 outlet", "1 assignment in the advisors service", "2 visits in the advisors"):
        assert words in problem["detail"]
    assert [e["detail"] for e in problem["errors"]] == [
        "is referenced by 1 outlet",
        "is referenced by 1 assignment in the advisors service",
        "is referenced by 2 visits in the advisors service",
    ]
    assert (await dealers.get(url(dealer))).status_code == 200


async def test_a_dealer_is_deleted_once_the_last_remote_reference_goes(
    dealers: httpx.AsyncClient,
) -> None:
    dealer = await create(dealers, 1)
    planned = visit(dealer)
    await advisor_events(dealers, [("visit.created", planned)])
    problem = assert_problem(await dealers.delete(url(dealer), headers=IF_MATCH), 409)
    assert problem["references"] == {"visits.account_id": 1}
    await advisor_events(dealers, [("visit.deleted", planned | {"version": 2})])
    assert (await dealers.delete(url(dealer), headers=IF_MATCH)).status_code == 204


async def test_a_visit_moved_to_another_account_no_longer_counts(
    dealers: httpx.AsyncClient,
) -> None:
    dealer, other = await create(dealers, 1), await create(dealers, 2)
    planned = visit(dealer)
    await advisor_events(
        dealers,
        [
            ("visit.created", planned),
            ("visit.updated", planned | {"account_id": other["id"], "version": 2}),
        ],
    )
    assert (await dealers.delete(url(dealer), headers=IF_MATCH)).status_code == 204
    problem = assert_problem(await dealers.delete(url(other), headers=IF_MATCH), 409)
    assert problem["references"] == {"visits.account_id": 1}


async def test_an_outlet_named_by_advisors_is_not_deleted(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    outlet = await make_outlet(dealers, 1, dealer)
    seen = visit(outlet, "outlet")
    await advisor_events(
        dealers,
        [
            ("assignment.created", assignment(outlet["id"], ADVISOR, kind="outlet")),
            ("visit.created", seen),
        ],
    )
    problem = assert_problem(await dealers.delete(ourl(outlet), headers=IF_MATCH), 409)
    assert problem["references"] == {"assignments.account_id": 1, "visits.account_id": 1}
    assert "1 assignment in the advisors service, 1 visit in the advisors" in problem["detail"]
    assert (await dealers.get(ourl(outlet))).status_code == 200
    # the dealer is named by nothing in advisors: only its outlet keeps it
    problem = assert_problem(await dealers.delete(url(dealer), headers=IF_MATCH), 409)
    assert problem["references"] == {"outlets": 1}


async def test_a_replay_counts_the_same(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    seen = [visit(dealer) for _ in range(3)]
    events = [("visit.created", v) for v in seen] + [("visit.deleted", seen[0])]
    await advisor_events(dealers, events)
    counted = assert_problem(await dealers.delete(url(dealer), headers=IF_MATCH), 409)
    async with app_of(dealers).state.db.sessionmaker() as session:
        await ADVISORS.reset(session)
        await session.commit()
    await advisor_events(dealers, events)
    again = assert_problem(await dealers.delete(url(dealer), headers=IF_MATCH), 409)
    assert counted["references"] == again["references"] == {"visits.account_id": 2}


def events_only() -> dict[str, str]:
    """Minted when a test runs: a token made at import would expire before a long run gets here."""
    return auth_headers("dealers", ("dealers:events",), kind="service", subject="advisors")


async def test_the_events_scope_reads_a_dealer_and_an_outlet_by_id_only(
    dealers: httpx.AsyncClient,
) -> None:
    dealer = await create(dealers, 1)
    outlet = await make_outlet(dealers, 1, dealer)
    got = await dealers.get(url(dealer), headers=events_only())
    assert got.status_code == 200 and got.json() == dealer
    got = await dealers.get(ourl(outlet), headers=events_only())
    assert got.status_code == 200 and got.json() == outlet
    assert_problem(await dealers.get(url(str(uuid4())), headers=events_only()), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/dealers"),
        ("GET", "/v1/outlets"),
        ("GET", "/v1/dealers/{dealer}/transitions"),
        ("GET", "/v1/outlets/{outlet}/transitions"),
        ("GET", "/v1/products"),
        ("DELETE", "/v1/dealers/{dealer}"),
        ("PATCH", "/v1/outlets/{outlet}"),
    ],
)
async def test_the_events_scope_reads_nothing_else(
    dealers: httpx.AsyncClient, method: str, path: str
) -> None:
    dealer = await create(dealers, 1)
    outlet = await make_outlet(dealers, 1, dealer)
    target = path.format(dealer=dealer["id"], outlet=outlet["id"])
    headers = events_only() | IF_MATCH
    body = {"grade": "C"} if method == "PATCH" else None
    r = await dealers.request(method, target, headers=headers, json=body)
    assert_problem(r, 403)
