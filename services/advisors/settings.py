"""Advisors service settings (env prefix `ADVISORS_`)."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from chassis.settings import BaseServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


class AdvisorsSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ADVISORS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/advisors.db"
