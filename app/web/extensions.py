"""Flask extensions, created without an app and bound in create_app()."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

csrf = CSRFProtect()


def _client_address() -> str:
    return get_remote_address() or "unknown"


# No default limits: only the routes that need one (login) are limited.
limiter = Limiter(key_func=_client_address, default_limits=[],
                  strategy="moving-window")

