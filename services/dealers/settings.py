"""Dealers service settings (env prefix `DEALERS_`)."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from chassis.settings import BaseServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


class DealersSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEALERS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/dealers.db"
