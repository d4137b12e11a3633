"""Where the workstation keeps its files (platformdirs: the user data directory)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "telesales-workstation"


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'workstation.db'}"
