"""diaryboost web application factory."""

from __future__ import annotations

import logging
import types

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from app import access_log, db, login_throttle, security, validation
from app.errors import register_error_handlers
from app.extensions import csrf, limiter, login_manager
from app.services.board_cache import cache as board_cache
from config import PROJECT_ROOT, Config
from models import User, make_engine, make_session_factory


def create_app(config: Config | None = None,
               session_factory: sessionmaker[Session] | None = None) -> Flask:
    """Build the web app. Tests pass a config and a session factory bound to a test database."""
    config = config or Config.from_env()
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"),
                instance_path=str(config.INSTANCE_PATH))
    app.config.from_mapping(config.flask_settings())
    app.extensions["diaryboost.config"] = config
    app.json = validation.BoundedJSONProvider(app)
    app.url_value_preprocessor(validation.url_ids)
    app.before_request(validation.refuse_nul_bytes)
    if config.TRUSTED_PROXIES:
        # Only as many X-Forwarded-For hops as there are proxies we run are believed;
        # without this a client could name any address and escape the login limits.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.TRUSTED_PROXIES,
                                x_proto=config.TRUSTED_PROXIES)
    app.extensions["diaryboost.login_throttle"] = login_throttle.LoginThrottle(
        login_throttle.make_store(config.REDIS_URL))
    if session_factory is None:
        session_factory = make_session_factory(make_engine(config.DATABASE_URL))
    db.init_app(app, session_factory)
    board_cache.init_app(app)
    security.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    register_error_handlers(app)
    _register_blueprints(app)
    _template_helpers(app)
    access_log.install(app.url_map)
    app.log_exception = types.MethodType(_log_exception, app)
    logging.getLogger("diaryboost").setLevel(logging.INFO)
    return app


@login_manager.user_loader
def _load_user(login_id: str) -> User | None:
    user_id, _, version = login_id.partition(":")
    try:
        user = db.get_db().get(User, int(user_id))
        version_no = int(version)
    except (ValueError, OverflowError):
        return None
    if user is None or not user.active or user.session_version != version_no:
        return None
    return user


def _log_exception(app: Flask, exc_info) -> None:
    # Flask's own version logs request.path, which may be a secret URL.
    from flask import request

    app.logger.error("Exception on %s [%s]", access_log.redact(request.full_path),
                     request.method, exc_info=exc_info)


def _register_blueprints(app: Flask) -> None:
    from app.views import admin_users, auth, main

    for blueprint in (main.bp, auth.bp, admin_users.bp):
        app.register_blueprint(blueprint)
    # Areas added by later features register themselves here.
    from app.views import register_feature_blueprints

    register_feature_blueprints(app)


def _template_helpers(app: Flask) -> None:
    from app import templating

    templating.init_app(app)
