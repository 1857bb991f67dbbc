"""The intake use cases, one module each (this module only gathers their names for
callers written before the split):

- :mod:`scrapers.poll` — poll feeds (``poll_feed``, ``poll_many``, ``due_feeds``);
- :mod:`scrapers.counts` — refresh diaries' counts (``due_diaries``, ``refresh_counts``);
- :mod:`scrapers.rec_lists` — read rec lists (``refresh_rec_lists``);
- :mod:`scrapers.retag` — re-tag stored diaries (``retag_all``).

The poll's decision is computed by :mod:`scrapers.decide` (pure) and applied by
:mod:`scrapers.store`.
"""

from scrapers.counts import due_diaries, refresh_counts
from scrapers.poll import (
    FeedNotFound,
    PollOutcome,
    due_feeds,
    poll_feed,
    poll_many,
)
from scrapers.rec_lists import refresh_rec_lists
from scrapers.retag import retag_all

__all__ = ["FeedNotFound", "PollOutcome", "due_diaries", "due_feeds", "poll_feed",
           "poll_many", "refresh_counts", "refresh_rec_lists", "retag_all"]
