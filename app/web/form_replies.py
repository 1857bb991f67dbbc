"""How a form post is answered: back to its page with a note (post/redirect/get), or,
refused, its page drawn again with what was typed and why; a one-button post goes back
to its page either way."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import flash, redirect, url_for

from app.errors import DomainError
from app.web.forms import EmptyForm
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


def button_post(endpoint: str, anchor: str | None = None):
    """For a one-button post (a form with nothing but its CSRF token): the view runs only
    when the token checks out and flashes what it did; a DomainError it raises is refused
    (flashed, the request's changes rolled back); either way the browser goes back to
    ``endpoint``. The view returns nothing."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if EmptyForm().validate_on_submit():
                try:
                    view(*args, **kwargs)
                except DomainError as err:
                    refuse(err)
            return redirect(url_for(endpoint, _anchor=anchor))

        return wrapper

    return decorator
