"""The regions service's tables, all on one metadata of its own."""

from services.regions.models.base import Base, metadata, tables
from services.regions.models.copies import advisor_copies, inbound_references
from services.regions.models.market import Competitor, MarketSurvey, PriceLevel, SurveyLine
from services.regions.models.planning import (
    KeyMarketEvaluation,
    KeyMarketModel,
    MarketPlan,
    PlanStatus,
)
from services.regions.models.region import (
    Region,
    RegionKind,
    RegionLevel,
    RolloutStage,
    RolloutStageChange,
)
from services.regions.models.resources import (
    Budget,
    BudgetCategory,
    SpendEntry,
    Target,
    TargetActual,
    TargetMetric,
)

__all__ = [
    "Base",
    "Budget",
    "BudgetCategory",
    "Competitor",
    "KeyMarketEvaluation",
    "KeyMarketModel",
    "MarketPlan",
    "MarketSurvey",
    "PlanStatus",
    "PriceLevel",
    "Region",
    "RegionKind",
    "RegionLevel",
    "RolloutStage",
    "RolloutStageChange",
    "SpendEntry",
    "SurveyLine",
    "Target",
    "TargetActual",
    "TargetMetric",
    "advisor_copies",
    "inbound_references",
    "metadata",
    "tables",
]
