"""The ranking model, pure: diaries' numbers and a ``now`` in, decisions with reasons out.

* ``curves``: how much a recommend counts as it ages (exponential or a step table);
* ``needs``: each diary's aged score and pace, and its comment and cross-post needs;
* ``bar``: the score to beat for a site's rec list, from the scraped list or the k-th best;
* ``board``: ``plan_board``, the board's whole decision (act / protect / watch, who
  recommends what) that Boost today, the API and bench/ranking.py call.

No database, no Flask, no clock. docs/ranking.md explains the model.
"""

from app.ranking.bar import STALE_HOURS, Bar, RecList, site_bar
from app.ranking.board import ARRIVE_HOURS, BoardPlan, RecRow, Teammate, plan_board
from app.ranking.curves import DAILY_KOS_STEPS, MIN_HALF_LIFE_HOURS, Curve
from app.ranking.needs import (
    ACTION_DAMPING,
    COMMENT_TARGET_AGE_HOURS,
    COMMENT_WINDOW_HOURS,
    CROSSPOST_SHARE,
    KIND_WEIGHTS,
    MAX_BAR,
    MAX_COUNT,
    MAX_HOURS,
    MAX_TOPIC,
    MIN_PACE_SPAN_HOURS,
    PACE_WINDOW_HOURS,
    REC_MARGIN,
    TEAM_RECS_PER_HOUR,
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
    "ACTION_DAMPING", "ARRIVE_HOURS", "COMMENT_TARGET_AGE_HOURS", "COMMENT_WINDOW_HOURS",
    "CROSSPOST_SHARE",
    "DAILY_KOS_STEPS", "KIND_WEIGHTS", "MAX_BAR", "MAX_COUNT", "MAX_HOURS", "MAX_TOPIC",
    "MIN_HALF_LIFE_HOURS", "MIN_PACE_SPAN_HOURS", "PACE_WINDOW_HOURS", "REC_MARGIN",
    "STALE_HOURS", "TEAM_RECS_PER_HOUR", "Bar", "BoardPlan", "Curve", "DiaryInput", "Need",
    "NeedKind", "Observation", "RankedDiary", "RecList", "RecRow", "SiteSettings",
    "Teammate", "aged_score", "assess", "entry_bar", "plan_board", "rank", "rec_gate",
    "site_bar", "why_not",
]
