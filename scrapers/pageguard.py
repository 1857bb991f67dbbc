"""Bounds on reading a blog page (counts, rec lists): a nesting pre-check and a time limit.

HTML parsers spend time growing with the square of the nesting depth: a diary page of
50,000 nested ``<div>``s took 5-15 s in every adapter. Real diary pages nest a few dozen
elements deep, so a page deeper than ``MAX_DEPTH`` is refused before any parser sees it
(a page with few tags cannot be deep, so most pages skip even the count). Whatever else
is slow is cut by ``TIME_LIMIT``: the adapter runs on a helper thread (the HTML parser
releases the GIL) and a page not read in time is skipped; that thread finishes on its
own, which the pre-check keeps short.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from scrapers.sanitize import nesting_depth

T = TypeVar("T")
MAX_DEPTH = 500
TIME_LIMIT = 10.0  # seconds per page
_FEW_TAGS = 2_000  # at this depth any parser is quick: no need to count


class PageRefused(ValueError):
    """A page that is not read; ``message`` says why (for the log)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_page(html: bytes) -> None:
    """Raise PageRefused for a page nested deeper than MAX_DEPTH."""
    if html.count(b"<") <= _FEW_TAGS:
        return
    depth = nesting_depth(html.decode("latin-1"))
    if depth > MAX_DEPTH:
        raise PageRefused(f"page refused: elements nested {depth} deep "
                          f"(more than {MAX_DEPTH})")


def read_page(html: bytes, read: Callable[[bytes], T], time_limit: float = TIME_LIMIT) -> T:
    """``read(html)`` after the nesting pre-check, within ``time_limit`` seconds.

    Raises PageRefused when the page is too deep or not read in time; whatever ``read``
    raises is raised here."""
    check_page(html)
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, read(html)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome.append((False, exc))

    worker = threading.Thread(target=run, name="read-page", daemon=True)
    worker.start()
    worker.join(time_limit)
    if not outcome:
        raise PageRefused(f"page not read within {time_limit:g} s")
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
