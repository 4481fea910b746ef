"""The gap to No. 1 has one definition: the leader's share minus ours in percentage points, 0 when
we lead or tie. The competitive landscape and key-market scoring answer the same figure, and the
migration turns the old `competitor_gap` criterion (best competitor − ours, negative when we
led) into it."""

import asyncio
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from alembic import command
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import make_engine
from chassis.migrations import alembic_config, upgrade
from services.regions.models import KeyMarketEvaluation, KeyMarketModel
from services.regions.settings import MIGRATIONS
from tests.harness import fresh_database
from tests.regions.helpers import competitors, line, post, refused, small_tree, survey_body

MODEL_ID = UUID("01a23484-0000-7000-8000-000000000001")
EVALUATIONS = [
    UUID("01a23484-0000-7000-8000-000000000002"),
    UUID("01a23484-0000-7000-8000-000000000003"),
]
GAP = {
    "metric": "gap_to_leader",
    "weight": 100,
    "scoring": {"kind": "inverted", "floor": 0, "ceiling": 50},
}


async def test_landscape_and_scoring_answer_one_gap(regions: httpx.AsyncClient) -> None:
    ids = await small_tree(regions)
    c = await competitors(regions)
    surveys = {
        "510104": ("20", [line(c["HR"], "40"), line(c["QD"], "10")]),  # HR leads by 20 points
        "510105": ("50", [line(c["HR"], "20")]),  # we lead
        "510703": ("30", [line(c["XL"], "30")]),  # a tie: nobody to catch up with
        "510100": ("20", []),  # no competitor surveyed
    }
    for code, (ours, lines) in surveys.items():
        body = survey_body(ids[code], "2026-01-01", our_share=ours, lines=lines)
        await post(regions, "/v1/market-surveys", body)
    model = await post(
        regions, "/v1/key-market-models", {"code": "GAP", "name": "追赶", "criteria": [GAP]}
    )
    region_ids = [ids[code] for code in surveys]
    ev = await post(
        regions, f"/v1/key-market-models/{model['id']}/evaluations", {"region_ids": region_ids}
    )
    scored = {r["code"]: r["breakdown"][0]["value"] for r in ev["result"]}
    expected = {"510104": 20.0, "510105": 0.0, "510703": 0.0, "510100": 0.0}
    assert scored == expected
    for code, gap in expected.items():
        r = await regions.get(f"/v1/regions/{ids[code]}/competitive-landscape")
        assert r.json()["gap_to_leader"] == f"{gap:.2f}", code


async def test_competitor_gap_is_no_metric_any_more(regions: httpx.AsyncClient) -> None:
    old = GAP | {"metric": "competitor_gap"}
    r = await regions.post(
        "/v1/key-market-models", json={"code": "OLD", "name": "x", "criteria": [old]}
    )
    assert refused(r) == ["#/criteria/0/metric"]


def criteria(metric: str) -> list[dict[str, Any]]:
    return [
        {
            "metric": "population",
            "weight": 50,
            "scoring": {"kind": "linear", "floor": 0, "ceiling": 9},
        },
        GAP | {"metric": metric, "weight": 50},
    ]


def breakdown(metric: str, value: float) -> list[dict[str, Any]]:
    return [
        {"metric": "population", "value": 3.0, "score": 33.3, "weight": 50, "weighted": 16.65},
        {"metric": metric, "value": value, "score": 100.0, "weight": 50, "weighted": 50.0},
    ]


async def _stored(url: str) -> tuple[KeyMarketModel, list[KeyMarketEvaluation]]:
    engine = make_engine(url, null_pool=True)
    async with AsyncSession(engine) as session:
        model = await session.get(KeyMarketModel, MODEL_ID)
        found = [await session.get(KeyMarketEvaluation, e) for e in EVALUATIONS]
    await engine.dispose()
    evaluations = [e for e in found if e is not None]
    assert model is not None and len(evaluations) == len(EVALUATIONS)
    return model, evaluations


async def test_the_migration_turns_competitor_gap_into_the_gap(
    backend: str, worker: str, tmp_path: Path
) -> None:
    url = await fresh_database(backend, f"ars_test_{worker}_regions_gap_migration", tmp_path)
    await asyncio.to_thread(upgrade, MIGRATIONS, url, "0002")
    engine = make_engine(url, null_pool=True)
    async with AsyncSession(engine) as session:
        session.add(
            KeyMarketModel(id=MODEL_ID, code="KM", name="m", criteria=criteria("competitor_gap"))
        )
        await session.flush()
        for id_, value in zip(EVALUATIONS, [12.5, -30.0], strict=True):
            session.add(
                KeyMarketEvaluation(
                    id=id_,
                    model_id=MODEL_ID,
                    model_version=1,
                    actor="li.na",
                    inputs={"top_n": 1, "criteria": criteria("competitor_gap")},
                    result=[
                        {
                            "rank": 1,
                            "code": "510104",
                            "breakdown": breakdown("competitor_gap", value),
                        }
                    ],
                )
            )
        await session.commit()
    await engine.dispose()
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    model, evaluations = await _stored(url)
    assert model.criteria == criteria("gap_to_leader")
    assert [e.inputs["criteria"] for e in evaluations] == [criteria("gap_to_leader")] * 2
    # a competitor ahead keeps its gap; where we led (−30) the gap is 0; scores stay as computed
    assert [e.result[0]["breakdown"] for e in evaluations] == [
        breakdown("gap_to_leader", 12.5),
        breakdown("gap_to_leader", 0.0),
    ]
    await asyncio.to_thread(command.downgrade, alembic_config(MIGRATIONS, url), "0002")
    model, evaluations = await _stored(url)
    assert model.criteria == criteria("competitor_gap")
    assert evaluations[1].result[0]["breakdown"] == breakdown("competitor_gap", 0.0)
