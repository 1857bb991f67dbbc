"""Role checks on views: a logged-in user with at least a role, or 403."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(role: str):
    """Require a logged-in user with at least ``role``; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403, description=f"This page is for {role}s only.")
            return view(*args, **kwargs)

        return wrapper

    return decorator
