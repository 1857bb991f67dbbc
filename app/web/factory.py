"""The web application factory: Flask, its extensions, error pages and blueprints."""

from __future__ import annotations

import logging
import types

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from app import clock
from app.accounts import login_throttle
from app.boost import board_cache
from app.web import access_log, db, request_bounds, security
from app.web.config import CONFIG_KEY
from app.web.extensions import csrf, limiter, login_manager
from app.web.http_errors import register_error_handlers
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
    app.extensions[CONFIG_KEY] = config
    app.json = request_bounds.BoundedJSONProvider(app)
    app.url_value_preprocessor(request_bounds.url_ids)
    app.before_request(request_bounds.refuse_nul_bytes)
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
    board_cache.cache.init_app(app)
    board_cache.views.init_app(app, "diaryboost:views:")
    security.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    register_error_handlers(app)
    clock.read_pins_with(_pinned_now)
    _register_blueprints(app)
    _template_helpers(app)
    access_log.install(app.url_map)
    app.log_exception = types.MethodType(_log_exception, app)
    logging.getLogger("diaryboost").setLevel(logging.INFO)
    return app


def _pinned_now():
    # A test pins one app's clock (app.clock.pin); other apps in the process run free.
    return current_app.extensions.get(clock.PIN_KEY) if has_app_context() else None


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
    # Every blueprint, named here: a new area adds its import and its line.
    from app.accounts import admin_views as admin_users
    from app.accounts import onboarding_views as onboarding
    from app.accounts import profile_views as profile
    from app.accounts import views as auth
    from app.alerts import views as alert_settings
    from app.api import views as api
    from app.boost import feed_views as feeds
    from app.boost import live_views as board_live
    from app.boost import marks_views as board_marks
    from app.boost import views as boost
    from app.digest import views as digest
    from app.shifts import views as shifts
    from app.sources import topics_views as topics
    from app.sources import views as sources
    from app.team import rhythms_views as rhythms
    from app.team import views as team
    from app.web import main

    for blueprint in (main.bp, auth.bp, admin_users.bp, sources.bp, topics.bp, team.bp,
                      boost.bp, profile.bp, api.bp, feeds.bp, shifts.bp, digest.bp,
                      onboarding.bp, rhythms.bp, board_live.bp, board_marks.bp,
                      alert_settings.bp):
        app.register_blueprint(blueprint)


def _template_helpers(app: Flask) -> None:
    from app.web import templating

    templating.init_app(app)
