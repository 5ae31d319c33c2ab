"""Properties of the advice engine that hold for every valid diary.

Hypothesis builds arbitrary diaries around an onset and a "today"; no database,
no Django.
"""

import random
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from advice.engine import (
    FUNCTION_CHOICES,
    LEVELS,
    RED_FLAGS,
    RULES_VERSION,
    DayEntry,
    assess,
    assess_days,
    daily_means,
    reason_level,
)

SEVERITY = {level: index for index, level in enumerate(LEVELS)}


DAY_FIELDS = st.tuples(
    st.integers(min_value=0, max_value=10),
    st.sampled_from(FUNCTION_CHOICES),
    st.booleans(),
)


def entry_on(day: date) -> st.SearchStrategy[DayEntry]:
    return DAY_FIELDS.map(lambda fields: DayEntry(day, *fields))


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    """onset, today, entries (days from 10 days before onset to today; some days
    skipped, some days twice) and a subset of red flags."""
    onset = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)))
    today = onset + timedelta(days=draw(st.integers(min_value=0, max_value=120)))
    span = (today - onset).days + 10
    # Consecutive days back from today: every day filled (so M7 is often valid) or
    # about half of them (gaps, broken runs). A calm diary (pain 0 or 1, usual
    # activities) reaches "recovered"; the others reach every other level.
    length = draw(st.integers(min_value=0, max_value=min(span + 1, 40)))
    days = draw(st.lists(DAY_FIELDS, min_size=length, max_size=length))
    every_day = draw(st.booleans())
    keep = draw(st.integers(min_value=0, max_value=2**40 - 1))
    calm = draw(st.booleans())
    entries = [
        DayEntry(today - timedelta(days=offset), pain % 2, "yes", False)
        if calm
        else DayEntry(today - timedelta(days=offset), pain, function, bed_rest)
        for offset, (pain, function, bed_rest) in enumerate(days)
        if every_day or keep >> offset & 1
    ]
    entries.reverse()
    # A few entries anywhere in the range, possibly on days already filled.
    extra_days = st.integers(min_value=0, max_value=span).map(lambda n: today - timedelta(days=n))
    entries += draw(st.lists(extra_days.flatmap(entry_on), max_size=5))
    red_flags = draw(st.lists(st.sampled_from(list(RED_FLAGS)), max_size=3))
    return {"onset": onset, "today": today, "entries": entries, "red_flags": red_flags}


def deduplicated(entries: list[DayEntry]) -> list[DayEntry]:
    """One entry per day, keeping the later item (written out, not the engine's)."""
    by_day = {}
    for entry in entries:
        by_day[entry.day] = entry
    return list(by_day.values())


@given(scenarios())
def test_the_level_is_always_one_of_the_eight_levels(scenario):
    assert assess(**scenario).level in LEVELS


@given(scenarios())
def test_reasons_run_from_most_to_least_severe_and_the_first_sets_the_level(scenario):
    result = assess(**scenario)
    severities = [SEVERITY[reason_level(reason)] for reason in result.reasons]
    assert severities == sorted(severities)
    assert len(set(result.reasons)) == len(result.reasons)
    # The level is the most severe of the first reason and of a held reason.
    candidates = [reason_level(reason) for reason in (*result.reasons[:1], *result.held)]
    if candidates:
        assert result.level == min(candidates, key=SEVERITY.__getitem__)
    else:
        assert result.level in ("recovered", "self_manage", "on_track")


@given(scenarios())
def test_a_held_reason_is_a_seek_help_reason_that_did_not_fire_today(scenario):
    result = assess(**scenario)
    assert all(reason_level(reason) == "see_physio" for reason in result.held)
    if result.held:
        assert not any(reason_level(reason) == "see_physio" for reason in result.reasons)
        assert result.level in ("emergency", "see_gp", "see_physio")


@given(scenarios())
def test_any_red_flag_means_emergency_or_see_gp(scenario):
    result = assess(**scenario)
    flags = set(scenario["red_flags"])
    assert {r for r in result.reasons if r.startswith("red_flag:")} == {
        f"red_flag:{code}" for code in flags
    }
    if flags:
        emergency = any(RED_FLAGS[code] == "emergency" for code in flags)
        assert result.level == ("emergency" if emergency else "see_gp")


@given(scenarios(), st.data())
def test_entries_after_today_change_nothing(scenario, data):
    future_days = st.integers(min_value=1, max_value=30).map(
        lambda n: scenario["today"] + timedelta(days=n)
    )
    future = data.draw(st.lists(future_days.flatmap(entry_on), min_size=1, max_size=10))
    with_future = {**scenario, "entries": scenario["entries"] + future}
    assert assess(**with_future) == assess(**scenario)


@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_entries_on_different_days_does_not_matter(scenario, rnd: random.Random):
    unique = deduplicated(scenario["entries"])
    shuffled = unique[:]
    rnd.shuffle(shuffled)
    assert assess(**{**scenario, "entries": shuffled}) == assess(**{**scenario, "entries": unique})


@given(scenarios())
def test_a_red_flag_always_wins(scenario):
    # Whatever the diary says, a reported red flag sets the level and leads the reasons.
    flags = scenario["red_flags"]
    if flags:
        result = assess(**scenario)
        assert result.reasons[0].startswith("red_flag:")
        assert SEVERITY[result.level] == min(SEVERITY[RED_FLAGS[code]] for code in flags)


@given(scenarios(), st.data())
def test_a_day_of_higher_pain_never_lowers_the_level_below_see_physio_after_worsening(
    scenario, data
):
    # When worsening fires today, a next day with pain at least today's highest
    # keeps the patient told to seek help: the reason still holds, or is held.
    result = assess(**scenario)
    if "worsening" not in result.reasons:
        return
    today = scenario["today"]
    pains = [entry.pain for entry in scenario["entries"] if entry.day <= today]
    pain = data.draw(st.integers(min_value=max(pains), max_value=10))
    function, bed_rest = data.draw(st.sampled_from(FUNCTION_CHOICES)), data.draw(st.booleans())
    tomorrow = today + timedelta(days=1)
    later = assess(
        **{
            **scenario,
            "today": tomorrow,
            "entries": [*scenario["entries"], DayEntry(tomorrow, pain, function, bed_rest)],
        }
    )
    assert SEVERITY[later.level] <= SEVERITY["see_physio"]


@given(scenarios(), st.data())
def test_a_higher_day_added_to_this_week_keeps_worsening(scenario, data):
    # Past the baseline week, filling an empty day of the current week with pain at
    # least every pain of the diary leaves worsening standing: the 7-day mean can
    # only rise, the baseline and the lowest earlier 7-day mean stay as they were.
    today = scenario["today"]
    result = assess(**scenario)
    unique = {entry.day: entry for entry in scenario["entries"] if entry.day <= today}
    if "worsening" not in result.reasons or not unique:
        return
    # The baseline is made of the first week's entries, or of the first 3 entries
    # when that week holds fewer: a day after both leaves it as it was.
    baseline_end = max(min(unique) + timedelta(days=6), sorted(unique)[:3][-1])
    empty = [
        today - timedelta(days=n)
        for n in range(7)
        if today - timedelta(days=n) not in unique and today - timedelta(days=n) > baseline_end
    ]
    if not empty:
        return
    day = data.draw(st.sampled_from(empty))
    highest = max(entry.pain for entry in unique.values())
    pain = data.draw(st.integers(min_value=highest, max_value=10))
    added = assess(**{**scenario, "entries": [*scenario["entries"], DayEntry(day, pain)]})
    assert "worsening" in added.reasons


@given(scenarios())
def test_each_day_of_assess_days_is_the_assessment_of_that_day(scenario):
    onset, today = scenario["onset"], scenario["today"]
    first = max(onset, today - timedelta(days=20))
    days = assess_days(
        onset=onset,
        first=first,
        last=today,
        entries=scenario["entries"],
        red_flags=scenario["red_flags"],
    )
    assert [day for day, _ in days] == [
        first + timedelta(days=n) for n in range((today - first).days + 1)
    ]
    for day, assessment in days:
        assert assessment == assess(**{**scenario, "today": day})


@given(scenarios())
def test_the_daily_7_day_means_are_the_means_of_each_days_assessment(scenario):
    today = scenario["today"]
    means = daily_means(scenario["entries"], last=today)
    for day, mean in means[-10:]:
        onset = min(scenario["onset"], day)
        assert mean == assess(**{**scenario, "onset": onset, "today": day}).mean_7d


@given(scenarios())
def test_duplicate_days_count_as_the_later_item(scenario):
    unique = deduplicated(scenario["entries"])
    assert assess(**scenario) == assess(**{**scenario, "entries": unique})


@given(scenarios())
def test_every_assessment_records_the_rules_version(scenario):
    assert assess(**scenario).rules_version == RULES_VERSION


@given(scenarios())
def test_baseline_and_mean_7d_stay_on_the_pain_scale(scenario):
    result = assess(**scenario)
    for value in (result.baseline, result.mean_7d):
        assert value is None or 0 <= value <= 10


@given(scenarios())
def test_few_entries_is_listed_exactly_when_mean_7d_is_missing(scenario):
    result = assess(**scenario)
    assert ("few_entries" in result.reasons) == (result.mean_7d is None)


@given(scenarios())
def test_recovered_means_low_pain_and_usual_activities_all_week(scenario):
    result = assess(**scenario)
    if result.level == "recovered":
        today = scenario["today"]
        window = [
            entry
            for entry in deduplicated(scenario["entries"])
            if today - timedelta(days=6) <= entry.day <= today
        ]
        assert result.mean_7d is not None and result.mean_7d <= 1
        assert all(entry.function == "yes" for entry in window)


@given(scenarios())
def test_within_the_first_seven_days_baseline_and_mean_7d_are_the_same_mean(scenario):
    # Why the mean rule of "worsening" needs days_in >= 7 only as a safeguard:
    # before that, the baseline window and the M7 window hold the same entries.
    today = scenario["today"]
    days = [entry.day for entry in scenario["entries"] if entry.day <= today]
    result = assess(**scenario)
    if days and (today - min(days)).days < 7 and result.mean_7d is not None:
        assert result.baseline == result.mean_7d
        assert "worsening" not in result.reasons or any(
            # only a run can then make it fire, and a run needs pain >= B + 2
            entry.pain >= result.baseline + 2
            for entry in scenario["entries"]
            if entry.day <= today
        )
