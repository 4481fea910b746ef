"""The regions service's tables, all on one metadata of its own."""

from services.regions.models.base import Base, metadata, tables
from services.regions.models.region import Region, RegionKind, RegionLevel

__all__ = ["Base", "Region", "RegionKind", "RegionLevel", "metadata", "tables"]
