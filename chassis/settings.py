"""Settings base: one pydantic-settings class per service, each with its own env prefix."""

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from chassis.devkeys import DEV_PUBLIC_KEY, is_dev_key
from chassis.peers import PeerGrant, check_peers, dev_service_private_key, is_dev_service_key

Environment = Literal["development", "test", "production"]


class BaseServiceSettings(BaseSettings):
    """What every service reads; subclasses set `env_prefix` and the default database."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = "development"
    database_url: str = "sqlite+aiosqlite:///var/service.db"
    identity_public_key: str = DEV_PUBLIC_KEY
    log_level: str = "INFO"
    db_pool_size: int = 20
    access_log: bool = True
    # Calling other services: this service's own key (PEM; empty: its development key outside
    # production, none in production), the peers it admits (name → public key and the scopes
    # granted here) and where the services whose feeds it follows are.
    service_private_key: str = ""
    peers: dict[str, PeerGrant] = {}
    peer_urls: dict[str, str] = {}
    # Following feeds: inside the service's process (else run `python -m services.<name>
    # consume`), pages of up to `consumer_batch` events, long-polling `consumer_wait` seconds.
    consume_in_process: bool = True
    consumer_batch: Annotated[int, Field(ge=1, le=500)] = 500
    consumer_wait: Annotated[float, Field(ge=0, le=30)] = 20.0
    # The longest a feed request waits for events, whatever `wait` it asks (an empty page then).
    feed_max_wait: Annotated[float, Field(ge=0, le=30)] = 30.0

    @property
    def service_name(self) -> str:
        """The service's name, as its env prefix spells it (`REGIONS_` → `regions`)."""
        return str(self.model_config.get("env_prefix", "")).rstrip("_").lower()

    def signing_key(self, name: str) -> str | None:
        """The private key the service signs its calls to peers with, if it has one."""
        if self.service_private_key:
            return self.service_private_key
        return None if self.environment == "production" else dev_service_private_key(name)

    @model_validator(mode="after")
    def _refuse_dev_key_outside_development(self) -> "BaseServiceSettings":
        if self.environment == "production" and is_dev_key(self.identity_public_key):
            raise ValueError(
                "identity_public_key is the public development key; "
                "set the gateway's real public key in production"
            )
        production = self.environment == "production"
        if production and self._is_dev_signing_key():
            raise ValueError(
                "service_private_key is a development key; set the service's own key in production"
            )
        check_peers(self.peers, self.service_name, production=production)
        return self

    def _is_dev_signing_key(self) -> bool:
        key = self.service_private_key
        if not key:
            return False
        return is_dev_key(key) or bool(
            self.service_name and is_dev_service_key(key, self.service_name)
        )
