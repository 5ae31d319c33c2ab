"""The progress chart (a PNG drawn on the server), its cache and its text alternative."""

import datetime as dt
import io
import os
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

from advice import engine
from tests.factories import make_clinic, make_entry, make_patient
from tracker import charts
from tracker.models import DailyEntry, Episode

ONSET = dt.date(2026, 3, 2)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def empty_cache():
    """No cached PNGs and no kept frames: every test draws from scratch."""
    cache.clear()
    charts._frames.clear()
    yield
    cache.clear()
    charts._frames.clear()


@pytest.fixture
def episode(db) -> Episode:
    return make_patient(make_clinic(), onset=ONSET).episodes.get()


def add_diary(episode: Episode, days: int, *, first: dt.date = ONSET) -> dt.date:
    """A recovering diary of ``days`` days from ``first``; returns the last day."""
    entries = []
    for n in range(days):
        pain = max(1, 8 - n // 7)
        entries.append(
            DailyEntry(
                episode=episode,
                day=first + dt.timedelta(days=n),
                pain=pain,
                function="no" if pain >= 7 else "partly" if pain >= 5 else "yes",
                active_minutes=None if n % 5 == 4 else 10 + n,
            )
        )
    DailyEntry.objects.bulk_create(entries)
    return first + dt.timedelta(days=days - 1)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always comes first."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def decoded(png: bytes):
    from matplotlib.image import imread

    return imread(io.BytesIO(png), format="png")


def test_an_empty_diary_gives_a_valid_png(episode):
    png = charts.progress_chart_png(episode=episode, today=ONSET + dt.timedelta(days=2))

    assert png_size(png) == (800, 550)
    assert decoded(png).shape[:2] == (550, 800)


def test_a_sparse_diary_of_three_days_gives_a_valid_png(episode):
    for n, pain in enumerate((7, 6, 8)):
        make_entry(episode, ONSET + dt.timedelta(days=2 * n), pain=pain, function="partly")

    png = charts.progress_chart_png(episode=episode, today=ONSET + dt.timedelta(days=9))

    assert png_size(png) == (800, 550)
    assert decoded(png).shape[:2] == (550, 800)


def test_a_diary_of_180_days_gives_a_valid_png(episode):
    today = add_diary(episode, 180)

    png = charts.progress_chart_png(episode=episode, today=today)

    assert png_size(png) == (800, 550)
    image = decoded(png)
    assert image.shape[:2] == (550, 800)
    assert image.min() < image.max()  # something is drawn


def test_the_chart_reads_the_diary_with_one_query(episode, django_assert_num_queries):
    today = add_diary(episode, 30)

    with django_assert_num_queries(1):
        charts.progress_chart_png(episode=episode, today=today)


def test_the_same_data_gives_the_same_png_bytes(episode):
    today = add_diary(episode, 20)

    first = charts.progress_chart_png(episode=episode, today=today)
    second = charts.progress_chart_png(episode=episode, today=today)

    assert first == second
    assert b"Software" not in first


def other_episode(diary_days: int, *, pain_offset: int) -> Episode:
    other = make_patient(make_clinic(), onset=ONSET).episodes.get()
    DailyEntry.objects.bulk_create(
        DailyEntry(
            episode=other,
            day=ONSET + dt.timedelta(days=n),
            pain=min(10, 3 + pain_offset + n % 3),
            function="yes",
            active_minutes=30 + 3 * n,  # another scale of minutes, the same frame
        )
        for n in range(diary_days)
    )
    return other


@pytest.mark.parametrize(
    ("first_day", "other_day"),
    [
        (ONSET + dt.timedelta(days=19), ONSET + dt.timedelta(days=19)),  # the first six weeks
        (ONSET + dt.timedelta(weeks=9), ONSET + dt.timedelta(weeks=15)),  # axes drawn each time
    ],
)
def test_a_chart_on_a_kept_frame_shows_nothing_of_the_chart_drawn_before(
    episode, first_day, other_day
):
    add_diary(episode, 20)
    other = other_episode(20, pain_offset=4)
    first = charts.progress_chart_png(episode=episode, today=first_day)

    on_kept_frame = charts.progress_chart_png(episode=other, today=other_day)
    charts._frames.clear()
    on_new_frame = charts.progress_chart_png(episode=other, today=other_day)

    assert len(charts._frames) == 1  # the two episodes share one layout
    assert on_kept_frame == on_new_frame
    assert on_kept_frame != first


@pytest.mark.django_db(transaction=True)  # the threads' connections see the diaries
def test_charts_drawn_at_the_same_time_in_threads_are_each_their_own(episode):
    today = add_diary(episode, 20)
    episodes = [episode] + [other_episode(20, pain_offset=n) for n in range(3)]
    alone = [charts.progress_chart_png(episode=e, today=today) for e in episodes]
    charts._frames.clear()

    def draw(e: Episode) -> bytes:
        try:
            return charts.progress_chart_png(episode=e, today=today)
        finally:
            connection.close()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, inside a draw
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            together = list(pool.map(draw, episodes * 10))
    finally:
        sys.setswitchinterval(interval)

    assert together == alone * 10


def test_the_process_keeps_a_bounded_number_of_frames(episode):
    today = add_diary(episode, 20)
    long_after = ONSET + dt.timedelta(weeks=15)  # an x-axis beyond six weeks: another layout

    with mock.patch.object(charts, "_FRAMES_KEPT", 3):
        for language in ("nl", "en"):
            with translation.override(language):
                for day in (today, long_after):
                    charts.progress_chart_png(episode=episode, today=day)

    assert len(charts._frames) == 3
    assert [layout.language for layout in charts._frames] == ["nl", "en", "en"]


def test_entries_after_today_are_left_out(episode):
    today = add_diary(episode, 20)
    before = charts.progress_chart_png(episode=episode, today=today)

    make_entry(episode, today + dt.timedelta(days=1), pain=10, function="no")

    assert charts.progress_chart_png(episode=episode, today=today) == before


def labels_drawn(episode: Episode, today: dt.date) -> list[str]:
    """Every gettext message the chart asked for."""
    with mock.patch("tracker.charts.gettext", side_effect=lambda message: message) as gettext:
        charts.progress_chart_png(episode=episode, today=today)
    return [call.args[0] for call in gettext.call_args_list]


def test_the_chart_labels_are_translatable_dutch_messages(episode):
    today = add_diary(episode, 30)

    labels = labels_drawn(episode, today)

    for label in (
        "Pijn (0–10)",
        "Pijn per dag",
        "Gemiddelde 7 dagen",
        "Gebruikelijk verloop",
        "6 weken",
        "Weken sinds het begin van de rugpijn",
        "Dagelijkse activiteiten gedaan?",
        "actieve minuten",
    ):
        assert label in labels
    assert "12 weken" not in labels


def test_the_12_week_marker_appears_from_10_weeks_after_onset(episode):
    add_diary(episode, 30)

    assert "12 weken" not in labels_drawn(episode, ONSET + dt.timedelta(weeks=10, days=-1))
    assert "12 weken" in labels_drawn(episode, ONSET + dt.timedelta(weeks=10))


def test_an_empty_diary_says_there_are_no_entries_yet(episode):
    labels = labels_drawn(episode, ONSET + dt.timedelta(days=3))

    assert "Nog geen registraties" in labels
    assert "Gebruikelijk verloop" not in labels


def test_without_a_baseline_the_typical_course_is_not_drawn(episode):
    make_entry(episode, ONSET, pain=6)
    make_entry(episode, ONSET + dt.timedelta(days=1), pain=7)

    labels = labels_drawn(episode, ONSET + dt.timedelta(days=1))

    assert "Pijn per dag" in labels
    assert "Gebruikelijk verloop" not in labels
    assert "Gemiddelde 7 dagen" not in labels


def test_the_last_point_of_the_7_day_mean_is_the_engines_mean(episode):
    today = ONSET + dt.timedelta(days=20)
    for n in (0, 1, 2, 5, 8, 14, 16, 18, 20):
        make_entry(episode, ONSET + dt.timedelta(days=n), pain=n % 9)
    rows = charts._rows(episode, today)
    entries = [engine.DayEntry(row.day, row.pain, row.function) for row in rows]

    days, means = charts._rolling_means(rows, today)

    assert days[-1] == today
    assert means[-1] == pytest.approx(
        engine.assess(onset=ONSET, today=today, entries=entries).mean_7d
    )


def test_a_second_call_with_unchanged_data_comes_from_the_cache(episode):
    today = add_diary(episode, 10)

    with mock.patch("tracker.charts.progress_chart_png", wraps=charts.progress_chart_png) as draw:
        first = charts.progress_chart(episode=episode, today=today)
        second = charts.progress_chart(episode=episode, today=today)

    assert draw.call_count == 1
    assert second == first
    assert first.startswith(PNG_SIGNATURE)


def test_a_new_image_is_drawn_after_the_data_changed(episode):
    today = add_diary(episode, 10)
    with mock.patch("tracker.charts.progress_chart_png", wraps=charts.progress_chart_png) as draw:
        before = charts.progress_chart(episode=episode, today=today)

        make_entry(episode, today + dt.timedelta(days=1), pain=9, function="no")
        episode.data_changed_at = timezone.now() + dt.timedelta(seconds=1)
        episode.save(update_fields=["data_changed_at"])
        after = charts.progress_chart(episode=episode, today=today + dt.timedelta(days=1))

    assert draw.call_count == 2
    assert after != before


def test_the_cache_keeps_one_image_per_day_and_language(episode):
    today = add_diary(episode, 10)
    with mock.patch("tracker.charts.progress_chart_png", return_value=b"png") as draw:
        charts.progress_chart(episode=episode, today=today)
        charts.progress_chart(episode=episode, today=today + dt.timedelta(days=1))
        with translation.override("en"):
            charts.progress_chart(episode=episode, today=today)
            charts.progress_chart(episode=episode, today=today)

    assert draw.call_count == 3


def test_importing_the_charts_module_does_not_import_matplotlib():
    root = Path(__file__).resolve().parents[1]
    code = (
        "import django; django.setup(); import tracker.charts, sys; "
        "print('matplotlib' in sys.modules)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip() == "False"


def test_trend_in_words_names_the_baseline_and_the_current_mean(episode):
    for n, pain in enumerate((7, 7, 8, 7, 6, 7, 7)):  # baseline week: mean 7
        make_entry(episode, ONSET + dt.timedelta(days=n), pain=pain, function="partly")
    for n, pain in enumerate((4, 3, 4, 3, 3, 4)):  # last 7 days: 6 entries, mean 3,5
        function = "partly" if n == 0 else "yes"
        make_entry(episode, ONSET + dt.timedelta(days=30 + n), pain=pain, function=function)
    today = ONSET + dt.timedelta(days=36)

    with translation.override("nl"):
        text = charts.trend_in_words(episode=episode, today=today)

    assert "gemiddeld 7,0." in text
    assert "gemiddeld 3,5 (de afgelopen 7 dagen)" in text
    assert "50% lager" in text
    assert "gebruikelijke verloop" in text
    assert "op 5 van de 6 ingevulde dagen" in text
    assert "Op 1 dag lukte dat gedeeltelijk." in text


def test_trend_in_words_says_there_are_no_entries_yet_for_an_empty_diary(episode):
    with translation.override("nl"):
        text = charts.trend_in_words(episode=episode, today=ONSET + dt.timedelta(days=3))

    assert "nog geen dagen ingevuld" in text


def test_trend_in_words_asks_for_more_days_without_a_baseline(episode):
    make_entry(episode, ONSET, pain=6)
    make_entry(episode, ONSET + dt.timedelta(days=1), pain=7)

    with translation.override("nl"):
        text = charts.trend_in_words(episode=episode, today=ONSET + dt.timedelta(days=1))

    assert "pas 2 dagen ingevuld" in text
    assert "gebruikelijke verloop" not in text


def test_trend_in_words_explains_a_missing_7_day_mean(episode):
    add_diary(episode, 7)
    today = ONSET + dt.timedelta(days=20)  # nothing logged in the last 7 days

    with translation.override("nl"):
        text = charts.trend_in_words(episode=episode, today=today)

    assert "gemiddeld 8,0." in text
    assert "minstens 4 ingevulde dagen nodig" in text
    assert "afgelopen 7 dagen niets ingevuld" in text


def test_trend_in_words_reads_the_diary_with_one_query(episode, django_assert_num_queries):
    today = add_diary(episode, 30)

    with django_assert_num_queries(1):
        charts.trend_in_words(episode=episode, today=today)


def test_trend_in_words_renders_in_english_without_crashing(episode):
    today = add_diary(episode, 40)

    with translation.override("en"):
        text = charts.trend_in_words(episode=episode, today=today)
        png = charts.progress_chart(episode=episode, today=today)

    assert text
    assert png.startswith(PNG_SIGNATURE)
