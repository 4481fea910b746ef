"""Settings: an env prefix per service; the development key is refused in production."""

import pytest
from pydantic import ValidationError

from chassis.devkeys import DEV_PUBLIC_KEY
from services.regions.settings import RegionsSettings


def test_env_prefix_is_the_services(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGIONS_DATABASE_URL", "postgresql+asyncpg://u@h/regions")
    monkeypatch.setenv("DEALERS_DATABASE_URL", "postgresql+asyncpg://u@h/dealers")
    assert RegionsSettings().database_url == "postgresql+asyncpg://u@h/regions"


def test_development_key_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="development key"):
        RegionsSettings(environment="production", identity_public_key=DEV_PUBLIC_KEY)
    assert RegionsSettings(environment="development").identity_public_key == DEV_PUBLIC_KEY


def test_production_accepts_a_real_key() -> None:
    real = (
        "-----BEGIN PUBLIC KEY-----\n"
        "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
        "-----END PUBLIC KEY-----\n"
    )
    assert (
        RegionsSettings(environment="production", identity_public_key=real).environment
        == "production"
    )
