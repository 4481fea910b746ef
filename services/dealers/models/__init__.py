"""The dealers service's tables, all on one metadata of its own."""

from services.dealers.models.base import Base, metadata, tables
from services.dealers.models.conflict import (
    NEXT_STATUS,
    ChannelConflict,
    ConflictParty,
    ConflictStatus,
    ConflictType,
)
from services.dealers.models.dealer import Dealer, DealerTier, LifecycleStage, StageTransition
from services.dealers.models.order import (
    OPEN_STATUSES,
    ORDER_MOVES,
    Order,
    OrderKind,
    OrderLine,
    OrderStatus,
    OrderTransition,
    Payment,
    PaymentAllocation,
    PaymentMethod,
)
from services.dealers.models.outlet import (
    Outlet,
    OutletGrade,
    OutletMove,
    OutletStatus,
    OutletType,
)
from services.dealers.models.product import Product
from services.dealers.models.replenishment import ReplenishmentPolicy, ReplenishmentProposal
from services.dealers.models.scorecard import Direction, ScorecardEvaluation, ScorecardTemplate
from services.dealers.models.stock import (
    LocationType,
    SellOutReport,
    StockPosition,
    StockReport,
)
from services.dealers.models.support import ACTIVITY_TYPES, ActivityType, Flow, SupportActivity

__all__ = [
    "ACTIVITY_TYPES",
    "NEXT_STATUS",
    "OPEN_STATUSES",
    "ORDER_MOVES",
    "ActivityType",
    "Base",
    "ChannelConflict",
    "ConflictParty",
    "ConflictStatus",
    "ConflictType",
    "Dealer",
    "DealerTier",
    "Direction",
    "Flow",
    "LifecycleStage",
    "LocationType",
    "Order",
    "OrderKind",
    "OrderLine",
    "OrderStatus",
    "OrderTransition",
    "Outlet",
    "OutletGrade",
    "OutletMove",
    "OutletStatus",
    "OutletType",
    "Payment",
    "PaymentAllocation",
    "PaymentMethod",
    "Product",
    "ReplenishmentPolicy",
    "ReplenishmentProposal",
    "ScorecardEvaluation",
    "ScorecardTemplate",
    "SellOutReport",
    "StageTransition",
    "StockPosition",
    "StockReport",
    "SupportActivity",
    "metadata",
    "tables",
]
