"""Where the workstation keeps its files (platformdirs: the user data directory for the
database, the user config directory for the settings file)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "telesales-workstation"


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'workstation.db'}"


def default_settings_path() -> Path:
    """The settings file, unless `WORKSTATION_CONFIG` names another."""
    return user_config_path(APP_NAME, appauthor=False) / "settings.toml"
