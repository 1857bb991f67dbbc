"""Calls for help, decided over the board's plan: pure, no database, no clock.

A diary calls for help when the whole team, online or not, could lift it onto the rec list
but those online cannot: a *watch* row the plan marks ``team_could`` that still needs
recs. Its *push* lasts from the poll where it first calls for help until it reaches the
list or drops out of the team's reach; while the online team is lifting it (an *act* row)
the push goes on, so a diary flickering between "the online few can do it" and "they
cannot" does not alert the team again at every poll.

``app.alerts.service`` loads the plan, applies these decisions to the database and sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.ranking.board import BoardPlan, RecRow, Teammate
from app.ranking.tuning import REACH_HOURS


def calls_for_help(plan: BoardPlan) -> list[RecRow]:
    """The rows the whole team could lift but those online cannot, in the plan's order
    (fewest recs needed first)."""
    return [r for r in plan.rows if r.group == "watch" and r.team_could and r.need > 0]


def in_reach(plan: BoardPlan) -> frozenset[int]:
    """Diaries whose push, once started, goes on: calling for help, or being lifted now."""
    return frozenset(r.diary_id for r in plan.rows if r.group == "act") | \
        frozenset(r.diary_id for r in calls_for_help(plan))


@dataclass(frozen=True)
class PushChanges:
    start: tuple[RecRow, ...]  # diaries that call for help with no push open: a new push
    end: tuple[int, ...]  # diaries with an open push that reached the list or fell out of reach


def push_changes(open_pushes: Iterable[int], plan: BoardPlan) -> PushChanges:
    """What one poll changes: pushes to start (a diary calls for help and none is open) and
    pushes to end (an open push's diary is no longer in reach: on the list, or too far)."""
    open_ids = frozenset(open_pushes)
    reach = in_reach(plan)
    start = tuple(r for r in calls_for_help(plan) if r.diary_id not in open_ids)
    end = tuple(sorted(i for i in open_ids if i not in reach))
    return PushChanges(start, end)


def recipients(calls: Sequence[RecRow], team: Sequence[Teammate],
               opted_in: Iterable[int], already: Mapping[int, frozenset[int]],
               sent_last_hour: Mapping[int, int], per_hour: int) -> dict[int, tuple[int, ...]]:
    """Who gets an email about each diary calling for help, ``calls`` in order.

    Only teammates who opted in, are away (those online see the board), have not
    recommended the diary (their rec is already counted) and were not alerted about it in
    this push (``already``: diary id → user ids). Nobody gets more than ``per_hour`` alerts
    in an hour, counting ``sent_last_hour`` and the ones chosen here: the diaries needing
    the fewest recs come first, as they are likeliest to make it.
    """
    wanted = frozenset(opted_in)
    sent = dict(sent_last_hour)
    out: dict[int, tuple[int, ...]] = {}
    for row in calls:
        chosen = []
        for t in team:
            if (t.user_id not in wanted or t.online or row.diary_id in t.recommended
                    or t.user_id in already.get(row.diary_id, frozenset())
                    or sent.get(t.user_id, 0) >= per_hour):
                continue
            sent[t.user_id] = sent.get(t.user_id, 0) + 1
            chosen.append(t.user_id)
        out[row.diary_id] = tuple(chosen)
    return out


def alert_text(title: str, site_name: str, need: int, online: int) -> str:
    """The call in plain words: recs and minutes, never scores."""
    recs = "1 more rec" if need == 1 else f"{need} more recs"
    minutes = int(round(REACH_HOURS * 60))
    if online == 0:
        who = "nobody on the team is online"
    else:
        who = f"{online} of you {'is' if online == 1 else 'are'} online"
    return (f"\u201c{title}\u201d on {site_name} needs ~{recs} in the next {minutes} min to "
            f"reach the rec list \u2014 {who}; it needs you.")
