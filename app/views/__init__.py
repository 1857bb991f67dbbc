"""Blueprints: thin views that parse the request, call one service, render or redirect.

Each is registered by name in :func:`app.web.factory._register_blueprints`.
"""
