"""The advisors service's tables, all on one metadata of its own."""

from services.advisors.models.advisor import Advisor, AdvisorLevel, AdvisorRole, AdvisorStatus
from services.advisors.models.base import Base, metadata, tables

__all__ = [
    "Advisor",
    "AdvisorLevel",
    "AdvisorRole",
    "AdvisorStatus",
    "Base",
    "metadata",
    "tables",
]
