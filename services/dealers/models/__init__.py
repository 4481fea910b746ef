"""The dealers service's tables, all on one metadata of its own."""

from services.dealers.models.base import Base, metadata, tables
from services.dealers.models.dealer import Dealer, DealerTier

__all__ = ["Base", "Dealer", "DealerTier", "metadata", "tables"]
