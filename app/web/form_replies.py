"""How a form post is answered: back to its page with a note (post/redirect/get), or,
refused, its page drawn again with what was typed and why."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import flash, redirect, url_for

from app.errors import DomainError
from app.web.http_errors import refuse


def done(message: str, anchor: str | None = None, endpoint: str = ".index"):
    """The change is made: a success note, and the browser goes back to the page with a
    303, so that a reload does not post the form again."""
    flash(message, "success")
    return redirect(url_for(endpoint, _anchor=anchor), code=303)


def refused_inline(page: Callable[[int], object]):
    """For a form view: a DomainError it raises is refused (its message flashed, the
    request's changes rolled back) and answered with ``page(status)``, the form's page
    with the typed values still in it, rather than an error page."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except DomainError as err:
                return page(refuse(err))

        return wrapper

    return decorator
