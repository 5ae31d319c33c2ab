"""The advice rules on simulated cohorts (RULES.md, "Operating characteristics").

The cohorts of the table in docs/advice-rules.md (300 patients per course and
kind of variation, the same seed; about 7 seconds): at 100 a goal of 98 % is
within three patients of chance. Every goal of RULES.md is pinned here; this is the test
that fails when a later rule change breaks the balance between telling the
patients who need the physiotherapist and sparing those who recover as expected.

Two goals cannot be met without missing flat or worsening pain (RULES.md: never
miss those; then spare the typical patient). For them the test pins the
trade-off documented in docs/advice-rules.md instead of the goal, so the figure
cannot drift upwards unnoticed.
"""

import random
import statistics

import pytest

from advice import cohorts, simulate
from advice.cohorts import BAD_SPELLS, INDEPENDENT
from advice.simulate import GOALS

SIZE = 300
SEED = 20261203

# (cohort, first day, last day, variation): the share the rules may not exceed
# instead of the goal of RULES.md, and why (docs/advice-rules.md, "Trade-offs").
TRADE_OFFS = {
    # Goal 10 %: at onset pain 5 a typical and a flat course differ by about
    # 3 standard deviations of the diary at day 28; flat pain told by day 28
    # costs some typical patients an alert, and a run of "no" in week 2-3 at
    # onset pain 8-9 (the daily-activities rule of RULES.md) costs about 5 %.
    ("typical", 14, 83, INDEPENDENT): 0.15,
    # Goal 35 %: a bad spell of 3-5 days looks like the start of a real rise, and
    # a rise must be told within 7 days.
    ("typical", 14, 83, BAD_SPELLS): 0.65,
}


@pytest.fixture(scope="module")
def results():
    return simulate.run(size=SIZE, seed=SEED)


def goal_cases() -> list:
    return [
        pytest.param(
            goal, variation, target, id=f"{goal.cohort}-{goal.first}-{goal.last}-{variation}"
        )
        for goal in GOALS
        for variation, target in goal.goals.items()
    ]


@pytest.mark.parametrize(("goal", "variation", "target"), goal_cases())
def test_every_goal_of_the_rules_is_met_or_held_to_its_documented_trade_off(
    results, goal, variation, target
):
    share = results[goal.cohort, variation].share(goal.first, goal.last)
    ceiling = TRADE_OFFS.get((goal.cohort, goal.first, goal.last, variation))
    if ceiling is not None:
        assert share > target, "the goal is met now: pin the goal instead of the trade-off"
        assert share <= ceiling
    elif goal.at_most:
        assert share <= target
    else:
        assert share >= target


def test_a_patient_on_a_course_with_one_problem_gets_one_alert(results):
    # No flapping: the median patient of each cohort is told at most once per
    # problem; the slower course crosses its threshold more than once.
    for (cohort, _variation), result in results.items():
        median = statistics.median(result.alerts())
        assert median <= (2 if cohort == "slower" else 1), cohort


def test_the_same_seed_gives_the_same_patients():
    rng_a, rng_b = (random.Random("x") for _ in range(2))
    assert cohorts.build_cohort("typical", BAD_SPELLS, 5, rng_a) == cohorts.build_cohort(
        "typical", BAD_SPELLS, 5, rng_b
    )


def test_simulated_diaries_follow_rules_md():
    patients = cohorts.build_cohort("flat", INDEPENDENT, 200, random.Random(1))
    for patient in patients:
        assert 5 <= patient.onset_pain <= 9
        assert 0 <= patient.first_day <= 4
        assert patient.days[0] == patient.first_day and patient.days[-1] <= cohorts.DIARY_END
        assert all(0 <= pain <= 10 for pain in patient.pains)
    logged = sum(len(p.days) for p in patients)
    possible = sum(cohorts.DIARY_END - p.first_day + 1 for p in patients)
    assert 0.87 < logged / possible < 0.93  # about 1 day in 10 not logged


def test_bad_spells_last_several_days_and_independent_variation_does_not():
    def lag_one_correlation(values):
        mean = statistics.fmean(values)
        pairs = sum((a - mean) * (b - mean) for a, b in zip(values, values[1:], strict=False))
        return pairs / sum((v - mean) ** 2 for v in values)

    rng = random.Random(2)
    spells = list(cohorts.daily_variation(rng, BAD_SPELLS, 20000))
    independent = list(cohorts.daily_variation(rng, INDEPENDENT, 20000))
    assert statistics.pstdev(spells) == pytest.approx(1.2, abs=0.05)
    assert lag_one_correlation(spells) == pytest.approx(0.6, abs=0.03)
    assert statistics.pstdev(independent) == pytest.approx(1.0, abs=0.05)
    assert abs(lag_one_correlation(independent)) < 0.03


def test_the_command_prints_the_table_with_every_goal(capsys):
    assert simulate.main(["--size", "5", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Rules version" in out
    for goal in GOALS:
        assert goal.label in out


def test_the_command_runs_another_engine_file_on_the_same_patients(capsys, tmp_path):
    # An engine that tells everybody to call: every cohort is told every day.
    engine = tmp_path / "engine.py"
    engine.write_text(
        "from dataclasses import dataclass\n"
        "RULES_VERSION = 'always'\n"
        "@dataclass(frozen=True)\n"
        "class DayEntry:\n"
        "    day: object\n    pain: int\n    function: str = 'yes'\n    bed_rest: bool = False\n"
        "@dataclass(frozen=True)\n"
        "class Assessment:\n    level: str\n"
        "def assess(*, onset, today, entries, red_flags=()):\n"
        "    return Assessment('see_physio')\n"
    )
    simulate.main(["--size", "3", "--engine", str(engine)])
    out = capsys.readouterr().out
    assert "Rules version always" in out
    assert "| typical | told on day 42 | 100.0% ✗" in out
