"""Test helpers: mint identity tokens as the gateway would."""

from collections.abc import Iterable
from uuid import UUID

from chassis.devkeys import DEV_PRIVATE_KEY
from chassis.identity import Principal, PrincipalKind, TokenSigner

_signer = TokenSigner(DEV_PRIVATE_KEY)


def mint_token(
    audience: str,
    scopes: Iterable[str] = (),
    *,
    subject: str = "test-user",
    kind: PrincipalKind = "user",
    dealer_ids: Iterable[UUID] = (),
    signer: TokenSigner | None = None,
) -> str:
    principal = Principal(
        subject=subject, kind=kind, scopes=frozenset(scopes), dealer_ids=frozenset(dealer_ids)
    )
    return (signer or _signer).sign(principal, audience)


def auth_headers(audience: str, scopes: Iterable[str] = (), **kwargs: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(audience, scopes, **kwargs)}"}  # type: ignore[arg-type]
