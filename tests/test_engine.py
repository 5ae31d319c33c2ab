"""The advice engine against the clinical contract (shared/clinical/RULES.md).

Pure Python: no database, no Django. Expected values are worked out by hand from
the contract, in the comments next to each diary, never by calling the engine's
internals.
"""

import dataclasses
import math
from datetime import date, datetime, timedelta

import pytest

from advice.engine import (
    FUNCTION_CHOICES,
    LEVELS,
    REASON_LEVEL,
    REASONS,
    RED_FLAGS,
    RULES_VERSION,
    YELLOW_FLAGS,
    Assessment,
    DayEntry,
    assess,
    assess_days,
    baseline_midpoint_weeks,
    expected_band,
    expected_course,
    meaningful_improvement,
    reason_level,
)

TODAY = date(2026, 3, 16)


def ago(days: int) -> date:
    """The date ``days`` days before TODAY."""
    return TODAY - timedelta(days=days)


def diary(
    start: date,
    pains: list[int | None],
    function: str | list[str] = "yes",
    bed_rest: bool | list[bool] = False,
) -> list[DayEntry]:
    """One entry per calendar day from ``start``; ``None`` in ``pains`` skips a day.
    ``function`` and ``bed_rest`` are one value for every day or one per day."""
    entries = []
    for offset, pain in enumerate(pains):
        if pain is None:
            continue
        entries.append(
            DayEntry(
                day=start + timedelta(days=offset),
                pain=pain,
                function=function if isinstance(function, str) else function[offset],
                bed_rest=bed_rest if isinstance(bed_rest, bool) else bed_rest[offset],
            )
        )
    return entries


def last_days(pains: list[int | None], **kwargs: object) -> list[DayEntry]:
    """A diary whose last item (``None`` or not) falls on TODAY."""
    return diary(ago(len(pains) - 1), pains, **kwargs)


def check(
    entries: list[DayEntry],
    *,
    onset: date | None = None,
    today: date = TODAY,
    red_flags: tuple[str, ...] = (),
) -> Assessment:
    """assess() with onset on the first diary day unless given."""
    if onset is None:
        onset = min((entry.day for entry in entries), default=today)
    return assess(onset=onset, today=today, entries=entries, red_flags=red_flags)


# --- The public constants -------------------------------------------------------


def test_levels_are_listed_most_severe_first():
    assert LEVELS == (
        "emergency",
        "see_gp",
        "see_physio",
        "keep_moving",
        "too_few_entries",
        "on_track",
        "self_manage",
        "recovered",
    )


def test_red_flags_map_each_code_to_its_level_in_table_order():
    assert list(RED_FLAGS.items()) == [
        ("bladder_bowel", "emergency"),
        ("sexual_function", "emergency"),
        ("saddle_numbness", "emergency"),
        ("leg_weakness", "emergency"),
        ("fever_unwell", "see_gp"),
        ("cancer_history", "see_gp"),
        ("accident", "see_gp"),
    ]


def test_reasons_and_their_levels_follow_the_rules_table():
    assert REASONS == (
        "worsening",
        "daily_activities",
        "not_improving",
        "not_recovered_6w",
        "chronic_12w",
        "activities_first_week",
        "no_progress_2w",
        "bed_rest",
        "few_entries",
    )
    assert REASON_LEVEL == {
        "worsening": "see_physio",
        "daily_activities": "see_physio",
        "not_improving": "see_physio",
        "not_recovered_6w": "see_physio",
        "chronic_12w": "see_physio",
        "activities_first_week": "keep_moving",
        "no_progress_2w": "keep_moving",
        "bed_rest": "keep_moving",
        "few_entries": "too_few_entries",
    }


def test_yellow_flags_and_function_choices_are_named_in_table_order():
    assert YELLOW_FLAGS == (
        "serious_cause_belief",
        "movement_harmful_belief",
        "fear_avoidance",
        "low_mood",
        "heavy_work",
    )
    assert FUNCTION_CHOICES == ("yes", "partly", "no")


def test_reason_level_reads_plain_reasons_and_red_flag_reasons():
    assert reason_level("no_progress_2w") == "keep_moving"
    assert reason_level("red_flag:saddle_numbness") == "emergency"
    assert reason_level("red_flag:cancer_history") == "see_gp"


@pytest.mark.parametrize("reason", ["red_flag:headache", "red_flag:", "sore", "bladder_bowel"])
def test_reason_level_refuses_unknown_reasons(reason):
    with pytest.raises(ValueError, match="reason"):
        reason_level(reason)


def test_every_assessment_records_the_rules_version():
    assert RULES_VERSION == "2026.2"
    assert check(last_days([3, 3, 3, 3])).rules_version == "2026.2"


# --- Refusing bad input ------------------------------------------------------------


@pytest.mark.parametrize("pain", [-1, 11, 5.5, True, False, "5", None])
def test_day_entry_refuses_a_pain_that_is_not_a_whole_number_from_0_to_10(pain):
    with pytest.raises(ValueError, match="pain"):
        DayEntry(day=TODAY, pain=pain)


@pytest.mark.parametrize("pain", [0, 10])
def test_day_entry_accepts_the_ends_of_the_pain_scale(pain):
    assert DayEntry(day=TODAY, pain=pain).pain == pain


@pytest.mark.parametrize("function", ["maybe", "Yes", "", None])
def test_day_entry_refuses_an_unknown_function_answer(function):
    with pytest.raises(ValueError, match="function"):
        DayEntry(day=TODAY, pain=3, function=function)


@pytest.mark.parametrize("function", ["yes", "partly", "no"])
def test_day_entry_accepts_every_function_answer(function):
    assert DayEntry(day=TODAY, pain=3, function=function).function == function


@pytest.mark.parametrize("day", ["2026-03-16", datetime(2026, 3, 16, 9, 0), None])
def test_day_entry_refuses_a_day_that_is_not_a_date(day):
    with pytest.raises(ValueError, match="day"):
        DayEntry(day=day, pain=3)


@pytest.mark.parametrize("bed_rest", ["yes", 1, None])
def test_day_entry_refuses_a_bed_rest_that_is_not_true_or_false(bed_rest):
    with pytest.raises(ValueError, match="bed_rest"):
        DayEntry(day=TODAY, pain=3, bed_rest=bed_rest)


def test_day_entry_defaults_to_usual_activities_and_no_bed_rest():
    entry = DayEntry(day=TODAY, pain=3)
    assert (entry.function, entry.bed_rest) == ("yes", False)


def test_day_entry_cannot_be_changed_after_it_is_made():
    entry = DayEntry(day=TODAY, pain=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.pain = 4


def test_assess_refuses_an_unknown_red_flag_code():
    with pytest.raises(ValueError, match="red_flags"):
        check(last_days([3, 3, 3, 3]), red_flags=("accident", "headache"))


def test_assess_refuses_a_single_string_as_red_flags():
    with pytest.raises(ValueError, match="red_flags"):
        assess(onset=ago(3), today=TODAY, entries=[], red_flags="accident")


def test_assess_refuses_an_onset_after_today():
    with pytest.raises(ValueError, match="onset"):
        assess(onset=TODAY + timedelta(days=1), today=TODAY, entries=[])


def test_assess_accepts_an_onset_on_today():
    assert assess(onset=TODAY, today=TODAY, entries=[]).days_since_onset == 0


@pytest.mark.parametrize("item", [(TODAY, 3), {"day": TODAY, "pain": 3}, "3", None])
def test_assess_refuses_entries_that_are_not_day_entries(item):
    with pytest.raises(ValueError, match="entries"):
        assess(onset=ago(3), today=TODAY, entries=[DayEntry(day=TODAY, pain=3), item])


def test_assess_refuses_a_datetime_as_today():
    with pytest.raises(ValueError, match="today"):
        assess(onset=ago(3), today=datetime(2026, 3, 16, 12, 0), entries=[])


# --- Definitions: entries, first day, baseline and M7 -----------------------------


def test_no_entries_at_all_gives_only_few_entries():
    result = assess(onset=ago(10), today=TODAY, entries=[])
    assert result == Assessment(
        level="too_few_entries",
        reasons=("few_entries",),
        baseline=None,
        mean_7d=None,
        days_since_onset=10,
        rules_version=RULES_VERSION,
    )


def test_no_entries_at_all_still_reports_red_flags():
    result = assess(onset=ago(2), today=TODAY, entries=[], red_flags=["accident"])
    assert result.reasons == ("red_flag:accident", "few_entries")
    assert result.level == "see_gp"


def test_days_since_onset_counts_calendar_days_from_onset_to_today():
    assert check(last_days([3, 3, 3, 3]), onset=ago(45)).days_since_onset == 45


def test_baseline_is_the_mean_of_the_first_seven_days_only():
    # first_day = ago(20); days 0, 2 and 6 of it hold 4, 6, 5 -> B = 5.
    # The entry on day 7 (pain 10) is outside the baseline window.
    entries = diary(ago(20), [4, None, 6, None, None, None, 5, 10])
    assert check(entries).baseline == 5.0


def test_baseline_window_ends_on_the_seventh_day():
    # Day 6 of the diary (pain 9) is the last day of the baseline window:
    # B = (3 + 3 + 9) / 3 = 5.
    entries = diary(ago(20), [3, 3, None, None, None, None, 9])
    assert check(entries).baseline == 5.0


def test_baseline_falls_back_to_the_first_three_entries_when_the_first_week_has_two():
    # First week holds 2 and 4 only; the first 3 entries are 2, 4, 9 -> B = 5.
    entries = diary(ago(20), [2, None, None, 4, None, None, None, None, None, 9, 1])
    assert check(entries).baseline == 5.0


def test_baseline_is_none_with_fewer_than_three_entries():
    entries = diary(ago(20), [2, None, None, None, None, None, None, None, None, 9])
    assert check(entries).baseline is None


def test_baseline_is_valid_with_three_entries():
    assert check(diary(ago(20), [2, 3, 7])).baseline == 4.0


def test_baseline_is_a_plain_unrounded_mean():
    # (1 + 1 + 2) / 3 = 1.333...; rounding to 2 decimals would give 1.33.
    assert check(diary(ago(20), [1, 1, 2])).baseline == pytest.approx(4 / 3, rel=1e-12)


def test_mean_7d_is_none_with_three_entries_in_the_window():
    result = check(diary(ago(20), [5, 5, 5]) + last_days([None, None, None, None, 5, 5, 5]))
    assert result.mean_7d is None
    assert result.reasons == ("few_entries",)
    assert result.level == "too_few_entries"


def test_mean_7d_is_the_mean_of_four_entries_in_the_window():
    result = check(last_days([2, None, None, None, 4, 4, 6]))
    assert result.mean_7d == 4.0
    assert "few_entries" not in result.reasons


def test_mean_7d_does_not_count_the_eighth_day_back():
    # ago(7) is outside today-6 .. today, so only 3 entries remain in the window.
    result = check(last_days([5, None, None, None, None, 5, 5, 5]))
    assert result.mean_7d is None


def test_mean_7d_counts_the_seventh_day_back():
    result = check(last_days([9, None, None, None, 1, 1, 1]))
    assert result.mean_7d == 3.0


def test_mean_7d_is_a_plain_unrounded_mean():
    # (0 + 0 + 0 + 0 + 1 + 1) / 6 = 0.333...
    assert check(last_days([0, 0, 0, 0, 1, 1])).mean_7d == pytest.approx(1 / 3, rel=1e-12)


def test_when_a_day_appears_twice_the_later_item_wins():
    entries = last_days([2, 2, 2]) + [DayEntry(day=TODAY, pain=9), DayEntry(day=TODAY, pain=6)]
    # Days ago(2) .. today hold 2, 2, 6 (the 2 and the 9 on today are replaced).
    # Only 3 days: M7 is None, B = 10 / 3.
    result = check(entries)
    assert result.baseline == pytest.approx(10 / 3, rel=1e-12)


def test_when_a_day_appears_twice_the_order_of_the_items_decides():
    first = [DayEntry(day=ago(n), pain=2) for n in (1, 2, 3)]
    low_last = first + [DayEntry(day=TODAY, pain=9), DayEntry(day=TODAY, pain=1)]
    high_last = first + [DayEntry(day=TODAY, pain=1), DayEntry(day=TODAY, pain=9)]
    assert check(low_last).mean_7d == 1.75  # (2 + 2 + 2 + 1) / 4
    assert check(high_last).mean_7d == 3.75  # (2 + 2 + 2 + 9) / 4


def test_entries_after_today_are_ignored():
    entries = last_days([3, 3, 3, 3])
    future = [DayEntry(day=TODAY + timedelta(days=n), pain=10, function="no") for n in (1, 2, 3)]
    assert check(entries + future) == check(entries)
    assert check(entries + future).mean_7d == 3.0


def test_only_entries_after_today_count_as_no_entries():
    future = [DayEntry(day=TODAY + timedelta(days=n), pain=5) for n in (1, 2, 3, 4)]
    result = assess(onset=ago(3), today=TODAY, entries=future)
    assert result.reasons == ("few_entries",)
    assert result.baseline is None


def test_entries_before_onset_are_allowed_and_used():
    # The diary starts 10 days back, the onset was set 2 days back.
    entries = diary(ago(10), [6, 6, 6, None, None, None, None, None, None, 6, 6])
    result = assess(onset=ago(2), today=TODAY, entries=entries)
    assert result.days_since_onset == 2
    assert result.baseline == 6.0


def test_entries_may_be_any_iterable():
    entries = last_days([3, 3, 3, 3])
    assert assess(
        onset=ago(3), today=TODAY, entries=iter(entries), red_flags=iter(["accident"])
    ) == check(entries, red_flags=("accident",))


# --- worsening -------------------------------------------------------------------


def baseline_three_then(last_week: list[int | None], **kwargs: object) -> list[DayEntry]:
    """B = 3 from three entries at ago(20) .. ago(18), then the given last seven days."""
    assert len(last_week) == 7
    return diary(ago(20), [3, 3, 3]) + last_days(last_week, **kwargs)


def test_worsening_fires_on_a_run_of_three_days_at_baseline_plus_two():
    # B = 3, run of 5, 5, 5 (= B + 2); only 3 entries in the window, so M7 is None.
    result = check(baseline_three_then([None, None, None, None, 5, 5, 5]))
    assert result.reasons == ("worsening", "few_entries")
    assert result.level == "see_physio"


def test_worsening_does_not_fire_on_a_run_at_baseline_plus_one():
    result = check(baseline_three_then([None, None, None, None, 4, 4, 4]))
    assert result.reasons == ("few_entries",)


def test_worsening_does_not_fire_on_a_run_of_two_days():
    # 4, 5, 5: only the last two days are at B + 2.
    result = check(baseline_three_then([None, None, None, None, 4, 5, 5]))
    assert "worsening" not in result.reasons


def test_worsening_does_not_fire_on_three_high_days_with_a_gap():
    result = check(baseline_three_then([None, None, 5, None, 5, None, 5]))
    assert "worsening" not in result.reasons


def test_worsening_does_not_fire_on_two_high_days_a_gap_and_a_high_day():
    result = check(baseline_three_then([None, None, None, 5, 5, None, 5]))
    assert "worsening" not in result.reasons


def test_a_run_partly_before_the_seven_day_window_is_not_a_run():
    # High on ago(7), ago(6), ago(5): ago(7) is outside today-6 .. today.
    entries = diary(ago(20), [3, 3, 3]) + diary(ago(7), [5, 5, 5])
    assert "worsening" not in check(entries).reasons


def test_a_run_starting_on_the_first_day_of_the_window_counts():
    # High on ago(6), ago(5), ago(4): all three inside today-6 .. today.
    entries = diary(ago(20), [3, 3, 3]) + diary(ago(6), [5, 5, 5])
    assert check(entries).reasons == ("worsening", "few_entries")


def test_worsening_fires_when_m7_reaches_baseline_plus_two_at_seven_days_in():
    # first_day = ago(7). Baseline window ago(7) .. ago(1): 0, 2, 2, 2 -> B = 1.5.
    # M7 window ago(6) .. today: 2, 2, 2, 8 -> M7 = 3.5 = B + 2.
    # No run: only today is at 3.5 or more.
    entries = diary(ago(7), [0, None, 2, None, 2, None, 2, 8])
    result = check(entries)
    assert (result.baseline, result.mean_7d) == (1.5, 3.5)
    assert result.reasons == ("worsening",)
    assert result.level == "see_physio"


def test_worsening_does_not_fire_when_m7_is_just_under_baseline_plus_two():
    # As above with 7 today: M7 = 13 / 4 = 3.25 < 3.5.
    entries = diary(ago(7), [0, None, 2, None, 2, None, 2, 7])
    result = check(entries)
    assert result.mean_7d == 3.25
    assert result.reasons == ()
    assert result.level == "on_track"


def test_worsening_by_mean_cannot_fire_at_six_days_in():
    # first_day = ago(6): the baseline window and the M7 window are the same
    # seven days, so M7 equals B and cannot reach B + 2.
    entries = diary(ago(6), [0, None, 2, None, 2, None, 8])
    result = check(entries)
    assert result.baseline == result.mean_7d == 3.0
    assert "worsening" not in result.reasons


# --- daily_activities --------------------------------------------------------------


def test_daily_activities_fires_on_a_run_of_three_days_without_usual_activities():
    # Days 7, 8 and 9 after onset: the whole run in the second week.
    result = check(last_days([3, 3, 3, 3], function=["yes", "no", "no", "no"]), onset=ago(9))
    assert result.reasons == ("daily_activities",)
    assert result.level == "see_physio"


def test_a_run_that_began_in_the_first_week_is_not_an_alert_on_day_seven():
    # Days 5, 6 and 7: two of the three days are in the first week (RULES.md: "a
    # run of function 'no', from the second week after onset").
    result = check(last_days([3, 3, 3, 3], function=["yes", "no", "no", "no"]), onset=ago(7))
    assert result.reasons == ("activities_first_week",)
    assert result.level == "keep_moving"


def test_a_first_week_run_that_is_over_is_not_an_alert_in_the_second_week():
    # "No" on days 4-6 after onset, then back to usual activities from day 7: the
    # patient is never sent to the physiotherapist for it.
    onset = ago(12)
    entries = diary(
        onset + timedelta(days=1), [4] * 12, function=["yes"] * 3 + ["no"] * 3 + ["yes"] * 6
    )
    days = assess_days(onset=onset, first=onset + timedelta(days=1), last=TODAY, entries=entries)
    assert all(a.level != "see_physio" for _day, a in days), [(d, a.level) for d, a in days]
    assert any("activities_first_week" in a.reasons for _day, a in days)


def test_in_the_first_week_after_onset_the_same_run_is_keep_moving_advice():
    # Version 2: a run of "no" within 6 days of onset is advice, not an alert
    # (version 1 sent the patient to the physiotherapist on day 3).
    result = check(last_days([3, 3, 3, 3], function=["yes", "no", "no", "no"]), onset=ago(6))
    assert result.reasons == ("activities_first_week",)
    assert result.level == "keep_moving"


def test_daily_activities_does_not_fire_on_two_no_days_and_a_partly_day():
    result = check(last_days([3, 3, 3, 3], function=["no", "partly", "no", "no"]), onset=ago(20))
    assert result.reasons == ()
    assert result.level == "on_track"


def test_daily_activities_does_not_fire_on_three_no_days_with_a_gap():
    # "no" on ago(3), ago(1) and today: three days, but not consecutive.
    result = check(last_days([3, None, 3, 3], function="no"), onset=ago(20))
    assert "daily_activities" not in result.reasons


def test_daily_activities_fires_at_low_pain_too():
    # No nagging at low pain leaves this rule alone: the leaflet's reason to seek
    # help is the activities, not the pain score.
    result = check(last_days([1, 1, 1, 1], function="no"), onset=ago(30))
    assert result.mean_7d == 1.0
    assert result.reasons == ("daily_activities",)


# --- not_improving: pain not decreasing (slower than the slower course) -------------


def slower_course(baseline: float, baseline_day: float, day: float) -> float:
    """RULES.md: expected(t) = B × f(t) / f(t_B) on the slower curve, days since onset."""

    def f(days: float) -> float:
        return 0.30 + 0.70 * math.exp(-0.12 * days / 7)

    return baseline * f(day) / f(baseline_day)


def test_slower_course_helper_matches_the_table_in_the_rules():
    # week 4 on the slower curve is 0.73 of onset pain (RULES.md table).
    assert slower_course(1, 0, 28) == pytest.approx(0.73, abs=0.005)


def flat_then(window: list[int]) -> list[DayEntry]:
    """Onset and first entry on ago(27): a first week at pain 6 (B = 6, the middle
    of the baseline week on day 3), a week at 5, then the 14 days of ``window``
    ending today."""
    return diary(ago(27), [6] * 7 + [5] * 7 + window)


# Today is day 27; the 14-day window (days 14..27) has its middle on day 20.5.
THRESHOLD_DAY_27 = slower_course(6, 3, 20.5) + 0.35  # 5.28


def test_not_improving_fires_when_the_last_14_days_are_clearly_above_the_slower_course():
    # Mean of the 14 days: (10 × 5 + 4 × 6) / 14 = 5.29, just above 5.28. The 6s
    # are never three days in a row, so only the 14-day mean can fire.
    window = [5, 6, 5, 6, 5, 5, 5, 6, 5, 5, 6, 5, 5, 5]
    assert sum(window) / 14 >= THRESHOLD_DAY_27
    result = check(flat_then(window))
    assert result.reasons == ("not_improving",)
    assert result.level == "see_physio"


def test_not_improving_does_not_fire_just_under_the_margin():
    # (11 × 5 + 3 × 6) / 14 = 5.21: above the slower course (4.93), not clearly.
    window = [5, 6, 5, 5, 5, 5, 5, 6, 5, 5, 6, 5, 5, 5]
    assert slower_course(6, 3, 20.5) < sum(window) / 14 < THRESHOLD_DAY_27
    result = check(flat_then(window))
    assert result.reasons == ()
    assert result.level == "on_track"


def test_not_improving_by_the_14_day_mean_waits_until_day_18_of_the_diary():
    # Pain stuck at 6 from onset: no decrease at all. From day 18 of the diary.
    assert check(diary(ago(18), [6] * 19)).reasons[0] == "not_improving"
    assert "not_improving" not in check(diary(ago(17), [6] * 18)).reasons


def test_not_improving_fires_on_a_run_of_three_days_well_above_the_slower_course():
    # B = 4 (first week ago(20) .. ago(14)), then pain 3, then 5, 5, 5 on days
    # 18-20: each at least 1.25 above the slower course (4.62, 4.59, 4.55), but
    # under B + 2 = 6 and the 14-day mean (3.43) under its threshold (3.90).
    entries = diary(ago(20), [4] * 7 + [3] * 11 + [5, 5, 5])
    assert [slower_course(4, 3, day) + 1.25 for day in (18, 19, 20)] == pytest.approx(
        [4.62, 4.59, 4.55], abs=0.01
    )
    result = check(entries)
    assert result.reasons == ("not_improving",)


def test_a_run_just_under_the_margin_is_not_a_reason():
    entries = diary(ago(20), [4] * 7 + [3] * 11 + [5, 5, 4])
    assert check(entries).reasons == ()


def test_a_typical_course_is_not_slower_than_expected():
    # Baseline 7, then the typical course of RULES.md rounded: no seek-help reason.
    pains = [round(7 * (0.2 + 0.8 * math.exp(-0.2 * day / 7)) / 0.934) for day in range(60)]
    result = check(diary(ago(59), pains))
    assert not any(reason_level(reason) == "see_physio" for reason in result.reasons)


def test_not_improving_stays_silent_at_low_pain():
    # Version 2, no nagging at low pain: B = 1.25 and M7 = 1.25 is no meaningful
    # improvement, but nothing but red flags, worsening and daily activities fires
    # while M7 <= 2 (version 1 sent this patient to the physiotherapist).
    entries = diary(ago(30), [1, 1, 1, 2]) + last_days([None, None, None, 1, 1, 1, 2])
    result = check(entries)
    assert (result.baseline, result.mean_7d) == (1.25, 1.25)
    assert result.reasons == ()
    assert result.level == "on_track"


def test_no_progress_2w_stays_silent_when_pain_stays_at_one():
    # Version 2: version 1 told a patient steady at pain 1 to keep moving. At
    # M7 <= 2 no such rule fires, and a week at 1 with usual activities is recovered.
    entries = diary(ago(30), [1, 1, 1]) + last_days([None, None, None, 1, 1, 1, 1])
    result = check(entries)
    assert result.reasons == ()
    assert result.level == "recovered"


def test_not_improving_needs_a_valid_m7():
    entries = diary(ago(27), [6] * 24) + last_days([6, None, None, None, None, None, None])
    assert "not_improving" not in check(entries).reasons


# --- not_recovered_6w: still moderate pain at six weeks -----------------------------


def test_not_recovered_6w_fires_at_42_days_since_onset_with_pain_of_five():
    result = check(last_days([5, 5, 5, 5]), onset=ago(42))
    assert result.reasons == ("not_recovered_6w",)
    assert result.level == "see_physio"


def test_not_recovered_6w_does_not_fire_at_41_days_since_onset():
    result = check(last_days([5, 5, 5, 5]), onset=ago(41))
    assert result.reasons == ()
    assert result.level == "on_track"


def test_not_recovered_6w_does_not_fire_just_under_five():
    # Version 2: M7 = 19 / 4 = 4.75. Version 1 fired from 4, or above half the
    # baseline, which alerted most patients on the typical course at six weeks.
    result = check(last_days([5, 5, 5, 4]), onset=ago(42))
    assert result.reasons == ()


def test_not_recovered_6w_no_longer_fires_for_steady_pain_of_one():
    # Version 1 fired here (M7 = 1 > 0.5 × B); version 2 needs M7 >= 5.
    result = check(last_days([1, 1, 1, 1, 1, 1, 1]), onset=ago(42))
    assert result.reasons == ()
    assert result.level == "recovered"


def test_not_recovered_6w_stops_at_twelve_weeks():
    # From day 84 the twelve-week prompt takes over.
    result = check(last_days([6, 6, 6, 6]), onset=ago(84))
    assert "not_recovered_6w" not in result.reasons


def test_not_recovered_6w_needs_a_valid_m7():
    entries = last_days([None, None, None, None, 6, 6, 6])
    assert check(entries, onset=ago(60)).reasons == ("few_entries",)


# --- chronic_12w: one prompt in the twelfth week, then self_manage ------------------


def chronic_diary(last_week: list[int | None], function: str | list[str] = "yes") -> list[DayEntry]:
    """B = 6 from ago(30) .. ago(28), then the last seven days."""
    return diary(ago(30), [6, 6, 6]) + last_days(last_week, function=function)


def test_chronic_12w_fires_at_84_days_since_onset_with_pain_of_three():
    result = check(chronic_diary([None, None, None, 3, 3, 3, 3]), onset=ago(84))
    assert result.reasons == ("chronic_12w",)
    assert result.level == "see_physio"


def test_chronic_12w_fires_through_the_twelfth_week_only():
    entries = chronic_diary([None, None, None, 3, 3, 3, 3])
    assert check(entries, onset=ago(90)).reasons == ("chronic_12w",)
    after = check(entries, onset=ago(91))
    assert after.reasons == ()
    assert after.level == "self_manage"


def test_chronic_12w_does_not_fire_at_83_days_since_onset():
    result = check(chronic_diary([None, None, None, 3, 3, 3, 3]), onset=ago(83))
    assert result.reasons == ()
    assert result.level == "on_track"


def test_under_three_at_twelve_weeks_is_self_manage():
    # Version 2: M7 = 2 at 84 days is no prompt (version 1 fired above 1).
    result = check(chronic_diary([None, None, None, 2, 2, 2, 2]), onset=ago(84))
    assert result.reasons == ()
    assert result.level == "self_manage"


def test_chronic_12w_does_not_fire_once_recovered():
    result = check(chronic_diary([1, 1, 1, 1, 1, 1, 1]), onset=ago(84))
    assert result.reasons == ()
    assert result.level == "recovered"


def test_chronic_12w_needs_a_valid_m7():
    entries = last_days([None, None, None, None, 6, 6, 6])
    assert "chronic_12w" not in check(entries, onset=ago(84)).reasons


def test_after_twelve_weeks_worsening_still_alerts():
    # self_manage replaces the slow-recovery alerts, not the leaflet's other reasons.
    entries = diary(ago(30), [3, 3, 3]) + last_days([5, 5, 5, 5, 5, 5, 5])
    result = check(entries, onset=ago(120))
    assert result.reasons[0] == "worsening"
    assert result.level == "see_physio"


def test_after_twelve_weeks_steady_moderate_pain_is_self_manage():
    result = check(diary(ago(30), [6] * 31), onset=ago(120))
    assert "not_improving" not in result.reasons
    assert "not_recovered_6w" not in result.reasons
    assert result.level == "keep_moving"  # no_progress_2w: M7 = B
    result = check(diary(ago(30), [6] * 7 + [5] * 24), onset=ago(120))
    assert result.reasons == ()
    assert result.level == "self_manage"


# --- worsening: a relapse -------------------------------------------------------------


def test_a_return_of_pain_after_improving_is_worsening():
    # B = 6; three weeks at 2 (lowest M7 = 2); this week at 4: M7 = 4 = 2 + 2,
    # and at least 4. Under B + 2, so only the relapse rule fires.
    entries = diary(ago(34), [6] * 7 + [4] * 7 + [2] * 14 + [4] * 7)
    result = check(entries)
    assert result.mean_7d == 4.0
    assert result.reasons == ("worsening",)
    assert result.level == "see_physio"


def test_a_return_to_just_under_four_is_not_a_relapse():
    # M7 = 27 / 7 = 3.86: 2 points above the lowest, but under 4.
    entries = diary(ago(34), [6] * 7 + [4] * 7 + [1] * 14 + [4, 4, 4, 4, 4, 4, 3])
    assert check(entries).reasons == ()


def test_a_return_of_less_than_two_points_is_not_a_relapse():
    # Lowest M7 = 3, M7 now = 34 / 7 = 4.86: 1.86 points above it.
    entries = diary(ago(34), [7] * 7 + [5] * 7 + [3] * 14 + [5, 5, 5, 5, 5, 5, 4])
    assert "worsening" not in check(entries).reasons


# --- Seek-help advice is held for a few days ------------------------------------------


def held_diary() -> list[DayEntry]:
    """Onset ago(30); B = 5; pain 3 since; no usual activities on ago(11) .. ago(9)."""
    functions = ["yes"] * 19 + ["no", "no", "no"] + ["yes"] * 9
    return diary(ago(30), [5] * 7 + [3] * 24, function=functions)


def test_seek_help_advice_is_held_for_five_days_after_its_reason_stops():
    # The run of "no" (ago(11) .. ago(9)) leaves the 7-day window after ago(5);
    # the advice stays five more days, so the patient has time to call.
    entries = held_diary()
    fired = check(entries, today=ago(5))
    assert fired.reasons == ("daily_activities",)
    assert fired.held == ()
    for days in (4, 3, 2, 1, 0):
        held = check(entries, today=ago(days))
        assert held.reasons == ()
        assert held.held == ("daily_activities",)
        assert held.level == "see_physio"
    released = check(entries + [DayEntry(ago(-1), 3)], today=ago(-1))
    assert released.held == ()
    assert released.level == "on_track"


def test_a_red_flag_is_not_held():
    # Red flags count while the patient reports them, never longer.
    entries = last_days([3, 3, 3, 3])
    assert check(entries, red_flags=["accident"]).level == "see_gp"
    assert check(entries).level == "on_track"


# --- improved -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "improved"),
    [([4, 4, 4, 4], True), ([5, 5, 5, 5], False), ([4, 4, 5, 5], False)],
)
def test_improved_is_meaningful_improvement_of_m7_on_the_baseline(week, improved):
    # B = 6: 2 points (M7 = 4) is meaningful; 1 point or 1.5 points is not.
    result = check(diary(ago(20), [6, 6, 6]) + last_days(week))
    assert result.improved is improved


def test_improved_is_none_without_a_7_day_mean():
    assert check(diary(ago(20), [6, 6, 6]) + last_days([4, 4, 4])).improved is None


# --- no_progress_2w ---------------------------------------------------------------


def test_no_progress_2w_fires_at_fourteen_days_in_when_m7_equals_baseline():
    # B = 4 (ago(14) .. ago(12)), M7 = 4.
    entries = diary(ago(14), [4, 4, 4]) + last_days([None, None, None, 4, 4, 4, 4])
    result = check(entries)
    assert result.reasons == ("no_progress_2w",)
    assert result.level == "keep_moving"


def test_no_progress_2w_does_not_fire_at_thirteen_days_in():
    entries = diary(ago(13), [4, 4, 4]) + last_days([None, None, None, 4, 4, 4, 4])
    result = check(entries)
    assert result.reasons == ()
    assert result.level == "on_track"


def test_no_progress_2w_does_not_fire_when_m7_is_below_baseline():
    # B = 4, M7 = 15 / 4 = 3.75.
    entries = diary(ago(14), [4, 4, 4]) + last_days([None, None, None, 4, 4, 4, 3])
    assert check(entries).reasons == ()


# --- bed_rest -----------------------------------------------------------------------


def test_bed_rest_fires_on_a_run_of_three_days_in_bed():
    result = check(last_days([3, 3, 3, 3], bed_rest=[False, True, True, True]))
    assert result.reasons == ("bed_rest",)
    assert result.level == "keep_moving"


def test_two_days_of_bed_rest_are_within_the_advice():
    result = check(last_days([3, 3, 3, 3], bed_rest=[True, False, True, True]))
    assert result.reasons == ()


def test_bed_rest_with_too_few_entries_sets_keep_moving_and_lists_few_entries():
    result = check(last_days([3, 3, 3], bed_rest=True))
    assert result.reasons == ("bed_rest", "few_entries")
    assert result.level == "keep_moving"


# --- Red flags ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("bladder_bowel", "emergency"),
        ("sexual_function", "emergency"),
        ("saddle_numbness", "emergency"),
        ("leg_weakness", "emergency"),
        ("fever_unwell", "see_gp"),
        ("cancer_history", "see_gp"),
        ("accident", "see_gp"),
    ],
)
def test_each_red_flag_sets_its_level(code, level):
    result = check(last_days([3, 3, 3, 3]), red_flags=(code,))
    assert result.reasons == (f"red_flag:{code}",)
    assert result.level == level


@pytest.mark.parametrize("code", list(RED_FLAGS))
def test_a_red_flag_is_never_overruled_by_perfect_pain_scores(code):
    result = check(last_days([0, 0, 0, 0, 0, 0, 0]), onset=ago(6), red_flags=(code,))
    assert result.level in ("emergency", "see_gp")
    assert result.reasons == (f"red_flag:{code}",)


def test_red_flags_are_listed_emergency_first_in_table_order_without_duplicates():
    flags = ("accident", "leg_weakness", "fever_unwell", "bladder_bowel", "accident")
    result = check(last_days([3, 3, 3, 3]), red_flags=flags)
    assert result.reasons == (
        "red_flag:bladder_bowel",
        "red_flag:leg_weakness",
        "red_flag:fever_unwell",
        "red_flag:accident",
    )
    assert result.level == "emergency"


def test_a_see_gp_red_flag_outranks_every_diary_rule():
    result = check(baseline_three_then([None, None, None, None, 5, 5, 5]), red_flags=["accident"])
    assert result.reasons == ("red_flag:accident", "worsening", "few_entries")
    assert result.level == "see_gp"


# --- Precedence and order of reasons ---------------------------------------------------


def test_every_rule_fires_together_in_severity_order():
    # first_day = ago(30), B = 3; the last seven days are pain 5, "no", in bed.
    # M7 = 5 = B + 2 (worsening), 5 >= B (no_progress_2w), 5 well above the slower
    # course on three days in a row (not_improving), M7 >= 5 at 60 days
    # (not_recovered_6w).
    entries = diary(ago(30), [3, 3, 3]) + last_days([5] * 7, function="no", bed_rest=True)
    result = check(entries, onset=ago(60), red_flags=["cancer_history", "saddle_numbness"])
    assert result.reasons == (
        "red_flag:saddle_numbness",
        "red_flag:cancer_history",
        "worsening",
        "daily_activities",
        "not_improving",
        "not_recovered_6w",
        "no_progress_2w",
        "bed_rest",
    )
    assert result.level == "emergency"
    assert (result.baseline, result.mean_7d, result.days_since_onset) == (3.0, 5.0, 60)


def test_in_the_twelfth_week_the_prompt_takes_the_place_of_the_six_week_rules():
    # Version 2: not_recovered_6w and not_improving end at 84 days; chronic_12w
    # fires in that week (in version 1 all three fired together).
    entries = diary(ago(30), [3, 3, 3]) + last_days([5] * 7, function="no", bed_rest=True)
    result = check(entries, onset=ago(86))
    assert result.reasons == (
        "worsening",
        "daily_activities",
        "chronic_12w",
        "no_progress_2w",
        "bed_rest",
    )


def test_see_physio_outranks_keep_moving():
    result = check(
        last_days([3, 3, 3, 3], function="no", bed_rest=[False, True, True, True]),
        onset=ago(20),
    )
    assert result.reasons == ("daily_activities", "bed_rest")
    assert result.level == "see_physio"


def test_few_entries_is_listed_beside_a_more_severe_reason_but_does_not_set_the_level():
    result = check(last_days([3, 3, 3], function="no"), onset=ago(20))
    assert result.mean_7d is None
    assert result.reasons == ("daily_activities", "few_entries")
    assert result.level == "see_physio"


# --- recovered and on_track ----------------------------------------------------------


def test_low_pain_and_usual_activities_all_week_is_recovered():
    result = check(last_days([1, 1, 0, 1, 1, 1, 1]))
    assert result.reasons == ()
    assert result.level == "recovered"


def test_low_pain_with_one_partly_day_is_on_track():
    functions = ["yes", "yes", "yes", "partly", "yes", "yes", "yes"]
    result = check(last_days([1, 1, 0, 1, 1, 1, 1], function=functions))
    assert result.mean_7d <= 1
    assert result.level == "on_track"


def test_pain_just_above_one_is_on_track():
    # M7 = 5 / 4 = 1.25.
    result = check(last_days([1, 1, 1, 2]))
    assert result.level == "on_track"


def test_a_partly_day_before_the_window_does_not_block_recovered():
    functions = ["partly", "yes", "yes", "yes", "yes", "yes", "yes", "yes"]
    result = check(last_days([1, 1, 1, 1, 1, 1, 1, 1], function=functions))
    assert result.level == "recovered"


def test_recovered_with_gaps_in_the_week():
    result = check(last_days([1, None, 1, None, 0, None, 1]))
    assert result.mean_7d == 0.75
    assert result.level == "recovered"


# --- Expected recovery band ------------------------------------------------------------

BAND_TABLE = {
    # week: (faster, typical, slower), from RULES.md
    0: (1.00, 1.00, 1.00),
    1: (0.73, 0.85, 0.92),
    2: (0.55, 0.74, 0.85),
    3: (0.41, 0.64, 0.79),
    4: (0.32, 0.56, 0.73),
    6: (0.21, 0.44, 0.64),
    8: (0.15, 0.36, 0.57),
    12: (0.11, 0.27, 0.47),
    26: (0.10, 0.20, 0.33),
}


@pytest.mark.parametrize(("week", "band"), list(BAND_TABLE.items()))
def test_expected_band_matches_the_table_in_the_rules(week, band):
    assert expected_band(week) == pytest.approx(band, abs=0.005)


def test_expected_band_accepts_fractions_of_a_week():
    faster, typical, slower = expected_band(0.5)
    assert 0.73 < faster < 1 and 0.85 < typical < 1 and 0.92 < slower < 1


@pytest.mark.parametrize("weeks", [-0.1, -1, math.nan, math.inf])
def test_expected_band_refuses_negative_or_unreal_weeks(weeks):
    with pytest.raises(ValueError, match="weeks"):
        expected_band(weeks)


def test_expected_course_meets_the_baseline_at_the_middle_of_the_baseline_window():
    assert expected_course(baseline=6.0, baseline_weeks=1.5, weeks=1.5) == pytest.approx(
        (6.0, 6.0, 6.0)
    )


def test_expected_course_from_onset_is_the_band_times_the_baseline():
    # t_B = 0: expected(6 weeks) = 5 x (0.21, 0.44, 0.64) from the table.
    assert expected_course(baseline=5.0, baseline_weeks=0, weeks=6) == pytest.approx(
        (1.05, 2.2, 3.2), abs=0.03
    )


def test_expected_course_scales_each_curve_by_its_own_value_at_the_baseline():
    # expected(t) = B x f(t) / f(t_B), with f written out from the parameters.
    def f(a: float, k: float, t: float) -> float:
        return a + (1 - a) * math.exp(-k * t)

    expected = tuple(
        6 * f(a, k, 6) / f(a, k, 0.5) for a, k in ((0.10, 0.35), (0.20, 0.20), (0.30, 0.12))
    )
    assert expected_course(baseline=6, baseline_weeks=0.5, weeks=6) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"baseline": -1, "baseline_weeks": 1, "weeks": 2}, "baseline"),
        ({"baseline": 11, "baseline_weeks": 1, "weeks": 2}, "baseline"),
        ({"baseline": 5, "baseline_weeks": -1, "weeks": 2}, "baseline_weeks"),
        ({"baseline": 5, "baseline_weeks": 1, "weeks": -2}, "weeks"),
    ],
)
def test_expected_course_refuses_impossible_input(kwargs, field):
    with pytest.raises(ValueError, match=field):
        expected_course(**kwargs)


def test_baseline_midpoint_is_the_fourth_day_of_the_first_week():
    # Onset ago(30), first entry ago(26): middle of the window is ago(23),
    # 7 days after onset = 1 week.
    entries = diary(ago(26), [5, 5, 5, 5])
    assert baseline_midpoint_weeks(onset=ago(30), today=TODAY, entries=entries) == 1.0


def test_baseline_midpoint_follows_the_first_three_entries_in_the_fallback():
    # Entries ago(30), ago(26), ago(16): B falls back to these three; halfway
    # between ago(30) and ago(16) is ago(23), 14 days after onset ago(37) = 2 weeks.
    entries = [DayEntry(day=ago(n), pain=5) for n in (30, 26, 16)]
    assert baseline_midpoint_weeks(onset=ago(37), today=TODAY, entries=entries) == 2.0


def test_baseline_midpoint_is_none_without_a_baseline():
    entries = diary(ago(5), [5, 5])
    assert baseline_midpoint_weeks(onset=ago(9), today=TODAY, entries=entries) is None


def test_baseline_midpoint_before_onset_counts_as_zero_weeks():
    entries = diary(ago(20), [5, 5, 5])
    assert baseline_midpoint_weeks(onset=ago(2), today=TODAY, entries=entries) == 0.0


@pytest.mark.parametrize(
    ("baseline", "mean_7d", "improved"),
    [
        (4.0, 2.8, True),  # 1.2 points is exactly 30 % of 4
        (4.0, 2.9, False),
        (9.0, 7.0, True),  # 2 points, though less than 30 % of 9
        (9.0, 7.142857142857143, False),  # 50/7: 1.86 points
        (20 / 3, 14 / 3, True),  # exactly 2 points from repeating decimals
        (None, 3.0, None),
        (5.0, None, None),
    ],
)
def test_meaningful_improvement_of_a_stored_assessment(baseline, mean_7d, improved):
    assert meaningful_improvement(baseline, mean_7d) is improved
