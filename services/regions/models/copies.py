"""What this service keeps of the other services' records, from their event feeds: a copy of the
advisors (the owners regions and targets name) and the references other services hold to regions."""

from sqlalchemy import Boolean, Column, String

from chassis.copies import copy_table, inbound_table
from services.regions.models.base import metadata

# Columns are nullable: a tombstone for an advisor never seen before carries only its id.
advisor_copies = copy_table(
    "advisor_copies",
    metadata,
    Column("name", String(200), nullable=True),
    # the advisor's status is `active` (not on leave, not gone)
    Column("active", Boolean, nullable=True),
)
inbound_references = inbound_table(metadata)
