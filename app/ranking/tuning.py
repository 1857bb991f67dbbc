"""The ranking model's tuned numbers, in one place: what a diary needs (``needs``) and who
is asked to push it (``board``). docs/ranking.md explains them; bench/ranking.py judges a
change to any of them against simple baselines on the same simulated days."""

from collections.abc import Mapping

# What a diary needs -------------------------------------------------------------------

# The bar moves while the team works, so "comfortably on the list" keeps a safety margin.
REC_MARGIN = 0.1
# Share of the bar at which a diary is "near the rec list" and worth cross-posting.
CROSSPOST_SHARE = 0.75
# What a coordinated push can plausibly add in an hour; deficits beyond it are long shots.
TEAM_RECS_PER_HOUR = 10.0
PACE_WINDOW_HOURS = 1.0
# Two polls minutes apart must not turn 3 recs into a pace of 180/h.
MIN_PACE_SPAN_HOURS = 0.25
COMMENT_TARGET_AGE_HOURS = 2.0
COMMENT_WINDOW_HOURS = 6.0
ACTION_DAMPING = 0.3
KIND_WEIGHTS: Mapping[str, float] = {"recommend": 1.0, "crosspost": 0.7, "comment": 0.5}

# Who is asked to push what --------------------------------------------------------------

# How much of its own pace a diary is credited with when judging whether a push can lift
# it: a push now still counts almost fully when its readers come (tuned in bench/ranking.py).
REACH_HOURS = 0.25
# "No help needed" only when its own pace takes it over before the next poll or so.
ON_ITS_OWN_HOURS = 0.1
# Aim this many recs above the score to beat: the bar moves while the team works.
ENTER_MARGIN = 1.0
# A listed diary less than this many recs above the first one off the list gets protected.
PROTECT_MARGIN = 2.0
# Budget left in the last stretch of a shift can go to young diaries, where an early rec
# counts most. Off: in bench/ranking.py it spent ~27 recs a day for no extra placement.
SHIFT_END_HOURS = 0.0
YOUNG_HOURS = 2.0
# Teammates whose shift starts within this many hours finish a push that those online now
# start: a rec not given before a shift ends is lost to that diary (two shifts' recs
# together lift diaries that one shift alone cannot).
ARRIVE_HOURS = 0.25
# A big team online: with this many at the board, an hour's budget is more than the pushes
# within reach can use, and what is not spent this hour is lost (bench/ranking.py: the board
# spent a sixth of its budget at 20 and 30 members). Two rules apply only then, since with
# a handful online each hand spared is the next push's (at 5 and 10 members they bought
# nothing): every able teammate joins a push (ALL_HANDS), and a fresh push holds its place
# (HOLD_HOURS).
BIG_TEAM_ONLINE = 8
# A listed diary the team recommended this recently is still earning its readers: a lift
# that would take its place at the bottom of the list is not planned. The list keeps k
# diaries, so every diary lifted onto it pushes the lowest one off; when that is the one the
# team just lifted, both pushes are wasted (at 9 am the board swapped its own fresh pushes
# for yesterday's diaries, each listed for five minutes, while newest-first kept them).
HOLD_HOURS = 0.5
# Pushes are considered cheapest first, an hour of age counting as one rec of gap: a young
# diary's readers are still coming, so a push on it holds; a day-old diary's score only
# fades, and the push that lifts it is gone in minutes.
AGE_COST_PER_HOUR = 1.0
# Under a step table (the older Daily Kos rule) a rec counts fully for 5 minutes, then 0.75
# until it is an hour old: a rec given a diary 10 minutes old counts as much at its peak
# 40 minutes later as one given then. So while a diary is younger than EARLY_AGE_HOURS and
# the online team is too small to lift it now, its free hands push it early when its own
# pace over EARLY_PACE_HOURS plus their recs (at their weight past the first step) would
# reach the bar. Not with a big team online (bought nothing there) nor under exponential
# aging, where an early rec keeps fading (bench/ranking.py: step k=12, 5 members 2.30 ->
# 2.50 placements a day, 10 members 2.65 -> 2.75).
EARLY_AGE_HOURS = 1.0
EARLY_PACE_HOURS = 2.0
