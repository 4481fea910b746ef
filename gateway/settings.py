"""Gateway settings (env prefix `GATEWAY_`)."""

from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from chassis.devkeys import DEV_PRIVATE_KEY, is_dev_key
from chassis.settings import Environment

MIGRATIONS = Path(__file__).parent / "migrations"
# The services' committed contracts, installed beside this package.
CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "services"


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    environment: Environment = "development"
    regions_url: str = "http://127.0.0.1:8001"
    dealers_url: str = "http://127.0.0.1:8002"
    advisors_url: str = "http://127.0.0.1:8003"
    database_url: str = "sqlite+aiosqlite:///var/gateway.db"
    redis_url: str | None = None
    identity_private_key: str = DEV_PRIVATE_KEY
    identity_ttl: int = 60
    dev_auth: bool = False
    upstream_timeout: float = 30.0
    upstream_connect_timeout: float = 2.0
    upstream_pool_size: int = 100
    contracts_dir: Path = CONTRACTS_DIR
    log_level: str = "INFO"
    access_log: bool = True

    @model_validator(mode="after")
    def _refuse_dev_key_outside_development(self) -> "GatewaySettings":
        if self.environment == "production":
            if is_dev_key(self.identity_private_key):
                raise ValueError("identity_private_key is the development key; set a real one")
            if self.dev_auth:
                raise ValueError("dev_auth may not be enabled in production")
        return self

    def upstream_urls(self) -> dict[str, str]:
        return {
            "regions": self.regions_url,
            "dealers": self.dealers_url,
            "advisors": self.advisors_url,
        }
