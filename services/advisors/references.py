"""The references advisors' records hold to other services' records (an advisor's region, an
account), checked against the copies; an id the copy hasn't seen is asked of its owner once."""

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.copies import Fetch, OwnerReader, Reference
from chassis.errors import problem_responses
from chassis.settings import BaseServiceSettings
from services.advisors.feeds import DEALER_COPY, OUTLET_COPY, REGION_COPY
from services.advisors.models import AccountKind

OWNER_DOWN: dict[int | str, dict[str, Any]] = {
    503: problem_responses(503)[503]
    | {"description": "The service owning a referenced record could not be asked"}
}


@dataclass(frozen=True)
class References:
    region: Reference
    dealer: Reference
    outlet: Reference

    @classmethod
    def asking(cls, regions: Fetch, dealers: Fetch, outlets: Fetch) -> "References":
        """References whose unseen ids are asked of the owners through these fetches."""
        return cls(
            region=Reference(REGION_COPY, "regions", regions),
            dealer=Reference(DEALER_COPY, "dealers", dealers),
            outlet=Reference(OUTLET_COPY, "dealers", outlets),
        )

    @classmethod
    def over_http(cls, settings: BaseServiceSettings) -> "References":
        """Unseen ids asked of the regions and dealers services (signed, bounded reads)."""
        return cls.asking(
            OwnerReader(settings, "regions", "/v1/regions/{id}"),
            OwnerReader(settings, "dealers", "/v1/dealers/{id}"),
            OwnerReader(settings, "dealers", "/v1/outlets/{id}"),
        )

    def account(self, kind: AccountKind | str) -> Reference:
        return self.outlet if kind == AccountKind.outlet else self.dealer

    async def check_account(
        self, session: AsyncSession, kind: AccountKind | str, id_: UUID, pointer: str
    ) -> None:
        """The dealer or outlet (as `kind` says) exists and is not deleted, else 422."""
        await self.account(kind).check(session, id_, pointer)

    async def check_region(self, session: AsyncSession, id_: UUID | None, pointer: str) -> None:
        if id_ is not None:
            await self.region.check(session, id_, pointer)


def references(request: Request) -> References:
    refs: References = request.app.state.references
    return refs


Refs = Annotated[References, Depends(references)]
