"""Blueprints: thin views that parse the request, call one service, render or redirect."""

from __future__ import annotations

import importlib

from flask import Flask

# Feature areas, each a module in app/views exposing ``bp``. Listed here, in nav order.
FEATURE_MODULES: list[str] = [
    "sources", "topics", "team", "boost", "profile", "api", "feeds", "shifts",
    "digest", "onboarding", "rhythms", "board_live", "board_marks", "alert_settings",
]


def register_feature_blueprints(app: Flask) -> None:
    for name in FEATURE_MODULES:
        module = importlib.import_module(f"app.views.{name}")
        app.register_blueprint(module.bp)
