"""Settings base: one pydantic-settings class per service, each with its own env prefix."""

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from chassis.devkeys import DEV_PUBLIC_KEY, is_dev_key

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

    @model_validator(mode="after")
    def _refuse_dev_key_outside_development(self) -> "BaseServiceSettings":
        if self.environment == "production" and is_dev_key(self.identity_public_key):
            raise ValueError(
                "identity_public_key is the public development key; "
                "set the gateway's real public key in production"
            )
        return self
