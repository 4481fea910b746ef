"""Regions service settings (env prefix `REGIONS_`)."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from chassis.settings import BaseServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


class RegionsSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGIONS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/regions.db"
