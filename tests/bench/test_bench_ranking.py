"""bench/ranking.py is the ranking's proof; run it on one small day so it cannot rot."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "ranking.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_ranking", BENCH)
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_one_day_prints_every_policy_and_the_result_line(bench, capsys):
    # run_day raises if a policy breaks the team's rules (budget, once per diary, shifts).
    assert bench.main(["--seeds", "1", "--jobs", "1", "--regimes", "headline"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("RESULT placements_vs_newest=")
    for name in ("none", "newest", "hot", "board", "oracle"):
        assert f" {name} " in out[-2]


def test_paired_worlds_differ_only_by_the_team(bench):
    world = bench.make_world(7)
    regime = bench.Regime("exp", 8, 10)
    alone = bench.run_day(world, bench.Regime("exp", 8, 0), None)
    assert bench.run_day(world, bench.Regime("exp", 8, 0), None) == alone
    assert alone.team_recs == 0
    newest = bench.run_day(world, regime, bench.newest_first)
    # Ten members, two 5-hour shifts of five, six recommends an hour each at most.
    assert 0 < newest.team_recs <= 10 * 5 * bench.RECS_PER_HOUR
    assert alone.distinct_listed > 0 and alone.bar > 0
