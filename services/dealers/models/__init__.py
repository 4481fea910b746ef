"""The dealers service's tables, all on one metadata of its own."""

from services.dealers.models.base import Base, metadata, tables
from services.dealers.models.dealer import Dealer, DealerTier, LifecycleStage, StageTransition
from services.dealers.models.outlet import (
    Outlet,
    OutletGrade,
    OutletMove,
    OutletStatus,
    OutletType,
)
from services.dealers.models.product import Product

__all__ = [
    "Base",
    "Dealer",
    "DealerTier",
    "LifecycleStage",
    "Outlet",
    "OutletGrade",
    "OutletMove",
    "OutletStatus",
    "OutletType",
    "Product",
    "StageTransition",
    "metadata",
    "tables",
]
