"""The ranking model, pure: diaries' numbers and a ``now`` in, decisions with reasons out.

* ``curves``: how much a recommend counts as it ages (exponential or a step table);
* ``needs``: each diary's aged score and pace, and its comment and cross-post needs;
* ``bar``: the score to beat for a site's rec list, from the scraped list or the k-th best;
* ``board``: ``plan_board``, the board's whole decision (act / protect / watch, who
  recommends what) that Boost today, the API and bench/ranking.py call;
* ``tuning``: the model's tuned numbers (margins, windows, weights) for both.

No database, no Flask, no clock. docs/ranking.md explains the model.
"""

from app.ranking import tuning
from app.ranking.bar import STALE_HOURS, Bar, RecList, site_bar
from app.ranking.board import BoardPlan, RecRow, Teammate, plan_board
from app.ranking.curves import DAILY_KOS_STEPS, MIN_HALF_LIFE_HOURS, Curve
from app.ranking.needs import (
    MAX_BAR,
    MAX_COUNT,
    MAX_HOURS,
    MAX_TOPIC,
    DiaryInput,
    Need,
    NeedKind,
    Observation,
    RankedDiary,
    SiteSettings,
    aged_score,
    assess,
    entry_bar,
    rank,
    rec_gate,
    why_not,
)

__all__ = [
    "DAILY_KOS_STEPS", "MAX_BAR", "MAX_COUNT", "MAX_HOURS", "MAX_TOPIC",
    "MIN_HALF_LIFE_HOURS", "STALE_HOURS", "Bar", "BoardPlan", "Curve", "DiaryInput", "Need",
    "NeedKind", "Observation", "RankedDiary", "RecList", "RecRow", "SiteSettings",
    "Teammate", "aged_score", "assess", "entry_bar", "plan_board", "rank", "rec_gate",
    "site_bar", "why_not", "tuning",
]
