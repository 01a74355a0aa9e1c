"""Probabilistic checks made reliable: a race that lets a second request through one time in
three, or every concurrent request while the first is in flight, is caught in every run, not by
luck. Each check runs `steps.ROUNDS` rounds of simultaneous uses and stops at the first double win."""

import pytest

RACES = {
    "code-race-one-in-three": "rfc6749-4.1.2-parallel-redemptions-have-one-winner",
    "refresh-race-one-in-three": "rfc9700-4.14.2-parallel-refresh-has-one-winner",
}
RUNS = 20


@pytest.mark.parametrize("fault_name", RACES)
def test_a_race_won_one_time_in_three_fails_the_check_in_every_one_of_20_runs(bench, fault_name):
    check_id = RACES[fault_name]
    outcomes = []
    for _ in range(RUNS):
        code, results, _ = bench.run(bench.faults[fault_name])
        outcomes.append((code, results[check_id]["outcome"], results[check_id]["message"]))
    missed = [o for o in outcomes if o[:2] != (1, "fail")]
    assert not missed, missed
    assert all("double wins: 1" in message and "rounds run:" in message for _, _, message in outcomes)


def test_a_race_that_lets_every_concurrent_refresh_through_fails_at_once(bench):
    check_id = "rfc9700-4.14.2-parallel-refresh-has-one-winner"
    code, results, _ = bench.run(bench.faults["refresh-race-in-flight"])
    assert (code, results[check_id]["outcome"]) == (1, "fail")
    assert "4 of 4 simultaneous uses" in results[check_id]["message"]


def test_without_a_race_the_checks_say_how_many_rounds_they_ran(bench):
    code, results, _ = bench.run(None, *[arg for check_id in RACES.values() for arg in ("--check", check_id)])
    assert code == 0
    for check_id in RACES.values():
        assert results[check_id]["outcome"] == "pass" and "30 rounds" in results[check_id]["message"]
