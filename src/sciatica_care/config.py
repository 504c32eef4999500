"""Settings from the environment (pydantic-settings), so one install serves a person or a clinic.

``SCIATICA_DATA_DIR`` moves the embedded database; ``DATABASE_URL`` replaces it entirely (PostgreSQL
for clinics). ``SCIATICA_SPEED`` makes guided sessions run faster than real time (tests, demos).
``SCIATICA_AUTO_MIGRATE`` and ``SCIATICA_TRUSTED_PROXIES`` are for clinic installs (README).
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCIATICA_", extra="ignore")

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("sciatica-care", appauthor=False))
    )
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "SCIATICA_DATABASE_URL")
    )
    secret_key: str | None = None
    speed: float = Field(default=1.0, gt=0)
    auto_migrate: bool | None = None
    """Migrate the schema when a process starts; unset: only for the embedded database."""
    pose_assets_dir: Path | None = None
    """The browser pose model's files (@mediapipe/pose); unset: <repo>/node_modules/@mediapipe/pose
    when it exists."""
    trusted_proxies: str | None = None
    """Addresses of the TLS proxy in front ("127.0.0.1", "10.0.0.5,10.0.0.6" or "*"), whose
    X-Forwarded-Proto/For headers are believed: then cookies are Secure behind https."""
    view_cache_entries: int = Field(default=2048, ge=0)
    """How many composed patient views the web app keeps until their data changes
    (``services.view_cache``); 0 keeps none (the load benchmark's cold reads)."""

    @property
    def migrates_on_start(self) -> bool:
        """Whether opening the database may migrate it (one person's SQLite file: yes; a clinic's
        shared database: no, its operator runs ``sciatica admin migrate`` once)."""
        if self.auto_migrate is not None:
            return self.auto_migrate
        return self.database_url is None

    def resolved_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'sciatica-care.sqlite3'}"


def get_settings() -> Settings:
    """Read settings fresh each call: tests and the CLI change the environment between runs."""
    return Settings()
