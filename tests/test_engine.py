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
    assert RULES_VERSION == "2026.1"
    assert check(last_days([3, 3, 3, 3])).rules_version == "2026.1"


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
    result = check(last_days([3, 3, 3, 3], function=["yes", "no", "no", "no"]))
    assert result.reasons == ("daily_activities",)
    assert result.level == "see_physio"


def test_daily_activities_does_not_fire_on_two_no_days_and_a_partly_day():
    result = check(last_days([3, 3, 3, 3], function=["no", "partly", "no", "no"]))
    assert result.reasons == ()
    assert result.level == "on_track"


def test_daily_activities_does_not_fire_on_three_no_days_with_a_gap():
    # "no" on ago(3), ago(1) and today: three days, but not consecutive.
    result = check(last_days([3, None, 3, 3], function="no"))
    assert "daily_activities" not in result.reasons


# --- not_improving ------------------------------------------------------------------


def not_improving_diary(first_day: date, last_week: list[int | None]) -> list[DayEntry]:
    """B from three entries on first_day .. first_day+2 (pain 6), then the last week."""
    return diary(first_day, [6, 6, 6]) + last_days(last_week)


def test_not_improving_fires_at_twenty_one_days_in_without_meaningful_improvement():
    # B = 6, M7 = 5: improvement 1 point < 2 and < 30 % of 6 (1.8).
    result = check(not_improving_diary(ago(21), [None, None, None, 5, 5, 5, 5]))
    assert (result.baseline, result.mean_7d) == (6.0, 5.0)
    assert result.reasons == ("not_improving",)
    assert result.level == "see_physio"


def test_not_improving_does_not_fire_at_twenty_days_in():
    result = check(not_improving_diary(ago(20), [None, None, None, 5, 5, 5, 5]))
    assert result.reasons == ()
    assert result.level == "on_track"


def test_thirty_percent_of_a_low_baseline_is_meaningful_improvement():
    # B = 4, M7 = (3 + 3 + 3 + 3 + 2) / 5 = 2.8: 1.2 points is 30 % of 4.
    entries = diary(ago(30), [4, 4, 4]) + last_days([None, None, 3, 3, 3, 3, 2])
    result = check(entries)
    assert (result.baseline, result.mean_7d) == (4.0, pytest.approx(2.8))
    assert "not_improving" not in result.reasons


def test_just_under_thirty_percent_of_a_low_baseline_is_not_improving():
    # B = 4, M7 = 20 / 7 = 2.857: 1.14 points is under 30 % of 4 and under 2 points.
    entries = diary(ago(30), [4, 4, 4]) + last_days([3, 3, 3, 3, 3, 3, 2])
    result = check(entries)
    assert result.mean_7d == pytest.approx(20 / 7)
    assert result.reasons == ("not_improving",)


def test_two_points_at_a_high_baseline_is_meaningful_improvement():
    # B = 9, M7 = 7: 2 points, although 30 % of 9 would be 2.7.
    entries = diary(ago(30), [9, 9, 9]) + last_days([None, None, None, 7, 7, 7, 7])
    result = check(entries)
    assert (result.baseline, result.mean_7d) == (9.0, 7.0)
    assert "not_improving" not in result.reasons


def test_under_two_points_at_a_high_baseline_is_not_improving():
    # B = 9, M7 = 29 / 4 = 7.25: 1.75 points, under 2 and under 2.7.
    entries = diary(ago(30), [9, 9, 9]) + last_days([None, None, None, 7, 7, 7, 8])
    assert check(entries).reasons == ("not_improving",)


def test_not_improving_does_not_fire_when_pain_is_one_or_less():
    # B = (1 + 1 + 1 + 2) / 4 = 1.25, M7 = 1: 0.25 points is no meaningful
    # improvement, but M7 is not above 1.
    entries = diary(ago(30), [1, 1, 1, 2]) + last_days([None, None, None, 1, 1, 1, 1])
    result = check(entries)
    assert (result.baseline, result.mean_7d) == (1.25, 1.0)
    assert result.reasons == ()
    assert result.level == "recovered"


def test_not_improving_fires_just_above_one():
    # B = 1.25, M7 = 5 / 4 = 1.25 > 1; M7 >= B also gives no_progress_2w.
    entries = diary(ago(30), [1, 1, 1, 2]) + last_days([None, None, None, 1, 1, 1, 2])
    assert check(entries).reasons == ("not_improving", "no_progress_2w")


def test_no_progress_2w_fires_even_when_pain_stays_at_one():
    # As written in RULES.md: M7 >= B after 14 days, whatever the level of pain.
    # B = 1, M7 = 1 -> no_progress_2w (keep_moving), not recovered.
    entries = diary(ago(30), [1, 1, 1]) + last_days([None, None, None, 1, 1, 1, 1])
    result = check(entries)
    assert result.reasons == ("no_progress_2w",)
    assert result.level == "keep_moving"


# --- not_recovered_6w -------------------------------------------------------------


def test_not_recovered_6w_fires_at_42_days_since_onset_with_pain_of_four():
    # B = M7 = 4 over four days; 4 is not above 0.5 x 4, but it is 4 or more.
    result = check(last_days([4, 4, 4, 4]), onset=ago(42))
    assert result.reasons == ("not_recovered_6w",)
    assert result.level == "see_physio"


def test_not_recovered_6w_does_not_fire_at_41_days_since_onset():
    result = check(last_days([4, 4, 4, 4]), onset=ago(41))
    assert result.reasons == ()
    assert result.level == "on_track"


def test_not_recovered_6w_fires_when_m7_is_above_half_the_baseline():
    # B = 6, M7 = 13 / 4 = 3.25 > 3 (and under 4).
    entries = diary(ago(20), [6, 6, 6]) + last_days([None, None, None, 3, 3, 3, 4])
    assert check(entries, onset=ago(42)).reasons == ("not_recovered_6w",)


def test_not_recovered_6w_does_not_fire_when_m7_is_half_the_baseline():
    # B = 6, M7 = 3 = 0.5 x B, and under 4.
    entries = diary(ago(20), [6, 6, 6]) + last_days([None, None, None, 3, 3, 3, 3])
    assert check(entries, onset=ago(42)).reasons == ()


def test_not_recovered_6w_fires_at_four_even_below_half_the_baseline():
    # B = 10, M7 = 4: under 0.5 x B, but 4 or more.
    entries = diary(ago(20), [10, 10, 10]) + last_days([None, None, None, 4, 4, 4, 4])
    assert check(entries, onset=ago(42)).reasons == ("not_recovered_6w",)


def test_not_recovered_6w_fires_for_steady_pain_of_one_as_written():
    # As written in RULES.md: B = 1, M7 = 1 > 0.5 x B, so a patient who stays
    # at pain 1 is sent to the physiotherapist at 6 weeks instead of "recovered".
    result = check(last_days([1, 1, 1, 1, 1, 1, 1]), onset=ago(42))
    assert result.reasons == ("not_recovered_6w",)
    assert result.level == "see_physio"


def test_not_recovered_6w_needs_a_valid_m7():
    entries = last_days([None, None, None, None, 6, 6, 6])
    assert check(entries, onset=ago(60)).reasons == ("few_entries",)


# --- chronic_12w ------------------------------------------------------------------


def chronic_diary(last_week: list[int | None], function: str | list[str] = "yes") -> list[DayEntry]:
    """B = 6 from ago(30) .. ago(28), then the last seven days."""
    return diary(ago(30), [6, 6, 6]) + last_days(last_week, function=function)


def test_chronic_12w_fires_at_84_days_since_onset_with_pain_above_one():
    # B = 6, M7 = 2: meaningful improvement, not above 0.5 x B, but above 1.
    result = check(chronic_diary([None, None, None, 2, 2, 2, 2]), onset=ago(84))
    assert result.reasons == ("chronic_12w",)
    assert result.level == "see_physio"


def test_chronic_12w_does_not_fire_at_83_days_since_onset():
    result = check(chronic_diary([None, None, None, 2, 2, 2, 2]), onset=ago(83))
    assert result.reasons == ()
    assert result.level == "on_track"


def test_chronic_12w_fires_on_low_pain_with_a_day_of_partial_activities():
    functions = ["yes", "yes", "partly", "yes", "yes", "yes", "yes"]
    result = check(chronic_diary([1, 1, 1, 1, 1, 1, 1], function=functions), onset=ago(84))
    assert result.mean_7d == 1.0
    assert result.reasons == ("chronic_12w",)


def test_chronic_12w_does_not_fire_once_recovered():
    result = check(chronic_diary([1, 1, 1, 1, 1, 1, 1]), onset=ago(84))
    assert result.reasons == ()
    assert result.level == "recovered"


def test_chronic_12w_needs_a_valid_m7():
    entries = last_days([None, None, None, None, 6, 6, 6])
    assert "chronic_12w" not in check(entries, onset=ago(100)).reasons


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
    # M7 = 5 = B + 2 (worsening), 5 >= B (no_progress_2w), no improvement after
    # 21+ days (not_improving), M7 >= 4 at 90 days (not_recovered_6w, chronic_12w).
    entries = diary(ago(30), [3, 3, 3]) + last_days([5] * 7, function="no", bed_rest=True)
    result = check(entries, onset=ago(90), red_flags=["cancer_history", "saddle_numbness"])
    assert result.reasons == (
        "red_flag:saddle_numbness",
        "red_flag:cancer_history",
        "worsening",
        "daily_activities",
        "not_improving",
        "not_recovered_6w",
        "chronic_12w",
        "no_progress_2w",
        "bed_rest",
    )
    assert result.level == "emergency"
    assert (result.baseline, result.mean_7d, result.days_since_onset) == (3.0, 5.0, 90)


def test_see_physio_outranks_keep_moving():
    result = check(
        last_days([3, 3, 3, 3], function="no", bed_rest=[False, True, True, True]),
    )
    assert result.reasons == ("daily_activities", "bed_rest")
    assert result.level == "see_physio"


def test_few_entries_is_listed_beside_a_more_severe_reason_but_does_not_set_the_level():
    result = check(last_days([3, 3, 3], function="no"))
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
