"""Which advisor serves a dealer is decided by the advisors service's assignments: `advisor_id`
is read from the copy of them (the main assignment in force today) and refused on every write."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.dealers.helpers import (
    ADVISOR,
    assert_problem,
    body,
    count,
    create,
    feed,
    listed,
    partner,
    pointers,
    url,
)
from tests.dealers.upstream import advisor_events, assign, assignment

OTHER = "01a221de-6ceb-7108-8dab-d0c4dfae1f91"
TODAY = datetime.now(UTC).date()


def refused(r: httpx.Response, pointer: str = "#/advisor_id") -> None:
    problem = assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert "assignment" in problem["errors"][0]["detail"]


@pytest.mark.parametrize("value", [ADVISOR, None])
async def test_advisor_id_is_refused_on_every_write(
    dealers: httpx.AsyncClient, value: str | None
) -> None:
    refused(await dealers.post("/v1/dealers", json=body(1, advisor_id=value)))
    dealer = await create(dealers, 2)
    r = await dealers.patch(url(dealer), json={"advisor_id": value}, headers={"If-Match": '"v1"'})
    refused(r)
    headers = partner(dealer) | {"If-Match": '"v1"'}
    refused(await dealers.patch(url(dealer), json={"advisor_id": value}, headers=headers))
    result = (
        await dealers.post("/v1/dealers/bulk", json={"items": [body(3), body(4, advisor_id=value)]})
    ).json()
    assert [i["status"] for i in result["items"]] == ["created", "invalid"]
    assert [e["pointer"] for e in result["items"][1]["errors"]] == ["#/advisor_id"]
    assert await count(dealers) == 2
    assert (await dealers.get(url(dealer))).json() == dealer


async def test_the_main_assignment_decides_the_advisor(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    assert dealer["advisor_id"] is None
    await assign(dealers, dealer["id"], OTHER, is_main=False)  # a second advisor: not the main
    await assign(dealers, dealer["id"], ADVISOR, from_date=TODAY - timedelta(days=30))
    got = await dealers.get(url(dealer))
    assert got.json()["advisor_id"] == ADVISOR
    assert got.json() | {"advisor_id": None} == dealer  # nothing else changed, no new version
    assert [d["code"] for d in await listed(dealers, advisor_id=ADVISOR)] == ["D001"]
    assert await listed(dealers, advisor_id=OTHER) == []


async def test_a_hand_over_moves_the_dealer_to_the_new_advisor(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    old = assignment(dealer["id"], ADVISOR, from_date=date(2025, 1, 1))
    await advisor_events(dealers, [("assignment.created", old)])
    # the advisors service ends the old assignment yesterday and opens the new one today
    ended = old | {"to_date": (TODAY - timedelta(days=1)).isoformat(), "version": 2}
    new = assignment(dealer["id"], OTHER, from_date=TODAY)
    await advisor_events(dealers, [("assignment.updated", ended), ("assignment.created", new)])
    assert (await dealers.get(url(dealer))).json()["advisor_id"] == OTHER
    assert [d["code"] for d in await listed(dealers, advisor_id=OTHER)] == ["D001"]
    assert await listed(dealers, advisor_id=ADVISOR) == []


@pytest.mark.parametrize(
    ("dates", "shown"),
    [
        ({"from_date": TODAY}, ADVISOR),
        ({"from_date": TODAY - timedelta(days=9), "to_date": TODAY}, ADVISOR),
        ({"from_date": TODAY + timedelta(days=1)}, None),  # not started yet
        ({"from_date": date(2024, 1, 1), "to_date": TODAY - timedelta(days=1)}, None),  # ended
    ],
)
async def test_only_an_assignment_in_force_today_counts(
    dealers: httpx.AsyncClient, dates: dict[str, Any], shown: str | None
) -> None:
    dealer = await create(dealers, 1)
    await assign(dealers, dealer["id"], ADVISOR, **dates)
    assert (await dealers.get(url(dealer))).json()["advisor_id"] == shown


async def test_other_accounts_and_deleted_assignments_do_not_count(
    dealers: httpx.AsyncClient,
) -> None:
    dealer = await create(dealers, 1)
    await assign(dealers, str(uuid4()), OTHER)  # another account
    await assign(dealers, dealer["id"], OTHER, kind="outlet")  # an outlet's, not a dealer's
    gone = assignment(dealer["id"], ADVISOR)
    await advisor_events(
        dealers,
        [("assignment.created", gone), ("assignment.deleted", gone | {"version": 2})],
    )
    assert (await dealers.get(url(dealer))).json()["advisor_id"] is None


async def test_an_older_event_never_undoes_a_newer_one(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    first = assignment(dealer["id"], ADVISOR)
    ended = first | {"to_date": (TODAY - timedelta(days=1)).isoformat(), "version": 2}
    await advisor_events(dealers, [("assignment.updated", ended), ("assignment.created", first)])
    assert (await dealers.get(url(dealer))).json()["advisor_id"] is None


async def test_events_carry_the_advisor_from_single_and_bulk_writes(
    dealers_committed: httpx.AsyncClient,
) -> None:
    dealers = dealers_committed
    dealer = await create(dealers, 1)
    await assign(dealers, dealer["id"], ADVISOR)
    r = await dealers.patch(url(dealer), json={"tier": "core"}, headers={"If-Match": '"v1"'})
    assert r.json()["advisor_id"] == ADVISOR
    r = await dealers.post("/v1/dealers/bulk", json={"items": [body(1, name="改名"), body(2)]})
    assert [i["status"] for i in r.json()["items"]] == ["updated", "created"]
    items = (await feed(dealers, "/v1/dealer-events", 4))["items"]
    assert [(e["type"], e["data"]["advisor_id"]) for e in items] == [
        ("dealer.created", None),
        ("dealer.updated", ADVISOR),
        ("dealer.updated", ADVISOR),
        ("dealer.created", None),
    ]
