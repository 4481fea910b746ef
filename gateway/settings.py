"""Gateway settings (env prefix `GATEWAY_`)."""

import ipaddress
from pathlib import Path

from pydantic import BaseModel, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from chassis.devkeys import DEV_PRIVATE_KEY, is_dev_key
from chassis.settings import Environment
from gateway.devidp import DEV_IDP_AUDIENCE, DEV_IDP_ISSUER, DEV_IDP_PUBLIC_KEY

MIGRATIONS = Path(__file__).parent / "migrations"
# The services' committed contracts, installed beside this package.
CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "services"
GATEWAY_CONTRACT = Path(__file__).parent / "openapi.json"

READ_ALL = ["regions:read", "dealers:read", "advisors:read"]
WRITE_ALL = ["regions:write", "dealers:write", "advisors:write"]
DEFAULT_ROLE_SCOPES: dict[str, list[str]] = {
    "admin": [*READ_ALL, *WRITE_ALL, "stock:report", "orders:write", "admin"],
    "manager": [*READ_ALL, *WRITE_ALL, "stock:report", "orders:write"],
    "advisor": [*READ_ALL, "advisors:write", "stock:report", "orders:write"],
    "viewer": READ_ALL,
}


class Limit(BaseModel):
    """A token bucket: `rate` tokens per second, holding at most `burst`."""

    rate: float
    burst: int


DEFAULT_LIMITS = {
    "user": Limit(rate=20, burst=60),
    "erp": Limit(rate=200, burst=1000),
    "partner": Limit(rate=50, burst=200),
    "integration": Limit(rate=50, burst=200),
}


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

    # people: JWTs from the company's identity provider
    idp_public_key: str | None = DEV_IDP_PUBLIC_KEY
    idp_jwks: str | None = None  # a JWKS document (JSON text) instead of one PEM key
    idp_jwks_file: Path | None = None
    idp_issuer: str = DEV_IDP_ISSUER
    idp_audience: str = DEV_IDP_AUDIENCE
    idp_algorithms: list[str] = ["EdDSA", "RS256", "ES256"]
    idp_clock_skew: int = 30
    role_scopes: dict[str, list[str]] = DEFAULT_ROLE_SCOPES

    # machines: API keys
    key_cache_seconds: float = 1.0  # a revoked key stops working within this time
    default_key_overlap: int = 86_400

    rate_limits: dict[str, Limit] = DEFAULT_LIMITS
    # failed authentications per client address: past the burst, a failure is a 429
    auth_failure_limit: Limit = Limit(rate=0.1, burst=30)
    # proxies (addresses or networks) whose X-Forwarded-For names the client; none by default,
    # so the client address is the connection's peer and a caller's header is never believed
    trusted_proxies: list[str] = []
    cors_origins: list[str] = []
    upstream_timeout: float = 30.0
    upstream_timeouts: dict[str, float] = {}  # per upstream, e.g. {"dealers": 120} for bulk
    upstream_connect_timeout: float = 2.0
    upstream_pool_size: int = 100
    contracts_dir: Path = CONTRACTS_DIR
    log_level: str = "INFO"
    access_log: bool = True

    # webhooks: the dispatcher reads the services' feeds and posts signed deliveries
    webhooks_enabled: bool = True  # off: no feed polling and no sending from this replica
    webhook_poll_interval: float = 1.0  # seconds between reads of each feed
    webhook_send_interval: float = 0.5  # seconds between looks for due deliveries
    webhook_feed_batch: int = 200  # events read per feed request
    webhook_timeout: float = 10.0  # seconds for one delivery attempt
    webhook_max_attempts: int = 12  # after this many failed attempts a delivery is dead
    webhook_retry_base: float = 30.0  # delay after the first failure; doubles each time
    webhook_retry_max: float = 6 * 3600.0  # the longest delay between two attempts
    webhook_endpoint_concurrency: int = 4  # deliveries in flight to one endpoint
    webhook_max_in_flight: int = 200  # deliveries in flight from this replica
    # may endpoints be on loopback, private or link-local addresses? null: only outside production
    webhook_allow_private_targets: bool | None = None

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            ipaddress.ip_network(entry.strip(), strict=False)  # a ValueError names the entry
        return entries

    @model_validator(mode="after")
    def _refuse_development_settings_in_production(self) -> "GatewaySettings":
        if self.environment == "production":
            if is_dev_key(self.identity_private_key):
                raise ValueError("identity_private_key is the development key; set a real one")
            if self.dev_auth:
                raise ValueError("dev_auth may not be enabled in production")
            if self.idp_public_key and self.idp_public_key.strip() == DEV_IDP_PUBLIC_KEY.strip():
                raise ValueError("idp_public_key is the development key; set the IdP's key")
        return self

    def upstream_urls(self) -> dict[str, str]:
        return {
            "regions": self.regions_url,
            "dealers": self.dealers_url,
            "advisors": self.advisors_url,
        }
