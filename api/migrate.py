"""Run the Alembic migrations programmatically (all heads: feature branches may be parallel)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from .config import ROOT


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "heads")
