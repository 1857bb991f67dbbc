"""The running app's Config, as create_app() keeps it, for views that read a setting."""

from __future__ import annotations

from flask import current_app

from config import Config

CONFIG_KEY = "diaryboost.config"  # where create_app() keeps it in app.extensions


def app_config() -> Config:
    return current_app.extensions[CONFIG_KEY]
