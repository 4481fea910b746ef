"""Every event type on `/v1/region-events`: what it means, when it is emitted, its `data`."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from chassis.catalogue import Catalogue, EventType
from services.regions.budgets.schemas import BudgetPublic, SpendPublic
from services.regions.keymarkets.schemas import ModelPublic
from services.regions.market.schemas import CompetitorPublic, SurveyPublic
from services.regions.models import PlanStatus, RolloutStage
from services.regions.plans.schemas import PlanPublic
from services.regions.regions.schemas import RegionPublic
from services.regions.targets.schemas import ActualPublic, TargetPublic


class SurveyDeleted(BaseModel):
    """A deleted market survey: which one, and its region."""

    id: UUID
    region_id: UUID


class KeyMarketEvaluated(BaseModel):
    """A key-market evaluation: read it at `/v1/key-market-models/{model_id}/evaluations/{id}`."""

    id: UUID = Field(description="The evaluation")
    model_id: UUID = Field(description="The key-market model it scored with")
    marked: list[UUID] = Field(description="The regions it marked as key markets")


STAGE_MOVE = {
    "from": (RolloutStage, Field(description="The stage before")),
    "to": (RolloutStage, Field(description="The stage after (the region's `rollout_stage`)")),
    "on": (date, Field(description="The day the move took effect")),
    "reason": (str, Field(description="Why")),
}
PLAN_MOVE = {
    "from": (PlanStatus, Field(description="The status before")),
    "to": (PlanStatus, Field(description="The status after (the plan's `status`)")),
    "reason": (str | None, Field(description="Why, when the caller said")),
}
SPENT_IN = {"region_id": (UUID, Field(description="The budget's region"))}

TYPES = [
    EventType(
        "region.created",
        RegionPublic,
        "A region was created: by POST /v1/regions, or by a bulk upsert for a new code.",
    ),
    EventType(
        "region.updated",
        RegionPublic,
        "A region's name, owner or key-market flag changed: by PATCH, by a bulk upsert of a "
        "known code, or by a key-market evaluation that marked it a key market.",
    ),
    EventType(
        "region.moved",
        RegionPublic,
        "A region got another parent (PATCH `parent_id`); its level may have changed with it.",
    ),
    EventType(
        "region.deleted",
        RegionPublic,
        "A region was deleted; `data` is the region as it was.",
    ),
    EventType(
        "region.stage_changed",
        RegionPublic,
        "A region moved to another roll-out stage (POST /v1/regions/{id}/transitions); "
        "`data` is the region after the move, with the move.",
        extra=STAGE_MOVE,
    ),
    EventType("competitor.created", CompetitorPublic, "A competitor was recorded."),
    EventType("competitor.updated", CompetitorPublic, "A competitor's name or notes changed."),
    EventType(
        "competitor.deleted",
        CompetitorPublic,
        "A competitor that no survey mentions was deleted; `data` is the competitor as it was.",
    ),
    EventType(
        "market_survey.created",
        SurveyPublic,
        "A region's market survey (census figures and competitor lines) was recorded.",
    ),
    EventType(
        "market_survey.updated",
        SurveyPublic,
        "A market survey's figures or competitor lines changed.",
    ),
    EventType("market_survey.deleted", SurveyDeleted, "A market survey was deleted."),
    EventType(
        "key_market_model.created",
        ModelPublic,
        "A key-market scoring model (weighted criteria) was created.",
    ),
    EventType(
        "key_market_model.updated", ModelPublic, "A key-market model's name or criteria changed."
    ),
    EventType(
        "key_market_model.deleted",
        ModelPublic,
        "A key-market model was deleted; `data` is the model as it was.",
    ),
    EventType(
        "key_market.evaluated",
        KeyMarketEvaluated,
        "Regions were scored with a key-market model; the regions it marked became key markets "
        "(each also has its `region.updated`).",
    ),
    EventType("market_plan.created", PlanPublic, "A region's market plan for a month was drafted."),
    EventType(
        "market_plan.updated", PlanPublic, "A draft market plan's objectives or strategy changed."
    ),
    EventType(
        "market_plan.status_changed",
        PlanPublic,
        "A market plan was approved or closed (POST /v1/market-plans/{id}/transitions); `data` "
        "is the plan after the move, with the move.",
        extra=PLAN_MOVE,
    ),
    EventType(
        "market_plan.deleted",
        PlanPublic,
        "A draft market plan was deleted; `data` is the plan as it was.",
    ),
    EventType(
        "budget.created",
        BudgetPublic,
        "A region's budget for a month and category was set.",
    ),
    EventType("budget.updated", BudgetPublic, "A budget's amount changed."),
    EventType(
        "budget.deleted",
        BudgetPublic,
        "A budget without spend was deleted; `data` is the budget as it was.",
    ),
    EventType(
        "budget.spend_recorded",
        SpendPublic,
        "Spend was recorded against a budget (the entry carries its own `actor`).",
        actor=False,
        extra=SPENT_IN,
    ),
    EventType("target.created", TargetPublic, "A region's target for a month and metric was set."),
    EventType("target.updated", TargetPublic, "A target's value or owner changed."),
    EventType(
        "target.deleted", TargetPublic, "A target was deleted; `data` is the target as it was."
    ),
    EventType(
        "target_actual.recorded",
        ActualPublic,
        "An actual figure (region, month, metric) was recorded or replaced by "
        "POST /v1/targets/actuals: one event per item.",
    ),
]

CATALOGUE = Catalogue(
    service="regions",
    title="ARS regions service",
    feed_path="/v1/region-events",
    scope="regions:read",
    types=TYPES,
)
