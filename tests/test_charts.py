"""The progress chart (inline SVG drawn from the diary), its text alternative, and
the clinic outcomes figure."""

import datetime as dt
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils import timezone, translation

from advice import engine
from tests.factories import make_clinic, make_entry, make_patient
from tracker import assessment, charts, courses, outcomes_figure, queries
from tracker.models import AssessmentRecord, DailyEntry, Episode

ONSET = dt.date(2026, 3, 2)  # a Monday
SVG = "{http://www.w3.org/2000/svg}"
POINT = re.compile(r"(-?[\d.]+),(-?[\d.]+)")


@pytest.fixture
def episode(db) -> Episode:
    return make_patient(make_clinic(), onset=ONSET).episodes.get()


def add_diary(episode: Episode, days: int, *, first: dt.date = ONSET, skip=()) -> dt.date:
    """A recovering diary of ``days`` days from ``first`` (leaving out the day
    numbers in ``skip``); returns the last day."""
    DailyEntry.objects.bulk_create(
        DailyEntry(
            episode=episode,
            day=first + dt.timedelta(days=n),
            pain=max(1, 8 - n // 7 + (n % 3 == 0)),
            function="partly" if n < 10 else "yes",
        )
        for n in range(days)
        if n not in skip
    )
    return first + dt.timedelta(days=days - 1)


def chart_of(episode: Episode, today: dt.date, **kwargs) -> charts.Chart:
    episode.refresh_from_db()
    return charts.progress_chart(courses.course(episode=episode, today=today), **kwargs)


def parsed(chart: charts.Chart) -> ET.Element:
    """The SVG as XML: it must be well-formed to be parsed at all."""
    return ET.fromstring(str(chart.svg))


def path_points(element: ET.Element) -> list[list[tuple[float, float]]]:
    """The points of a path's d attribute, one list per subpath (M starts one)."""
    subpaths = []
    for part in re.split(r"M", element.get("d"))[1:]:
        subpaths.append([(float(x), float(y)) for x, y in POINT.findall(part)])
    return subpaths


def by_class(svg: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in svg.iter() if element.get("class") == name]


# --- What the chart shows --------------------------------------------------------


def test_each_point_is_a_day_of_the_diary_with_a_title_naming_the_day_and_the_pain(episode):
    today = add_diary(episode, 20, skip={4, 11})
    make_entry(episode, today + dt.timedelta(days=1), pain=10)  # after today: left out
    chart = chart_of(episode, today)

    (points,) = by_class(parsed(chart), "points")
    circles = points.findall(f"{SVG}circle")
    diary = list(episode.entries.filter(day__lte=today).order_by("day"))

    assert len(circles) == len(diary) == 18
    for circle, entry in zip(circles, diary, strict=True):
        weeks = (entry.day - ONSET).days / 7
        assert float(circle.get("cx")) == pytest.approx(chart.scale.x(weeks), abs=0.05)
        assert float(circle.get("cy")) == pytest.approx(chart.scale.y(entry.pain), abs=0.05)
    assert circles[0].find(f"{SVG}title").text == "ma 2 mrt: pijn 9"
    assert circles[-1].find(f"{SVG}title").text == "za 21 mrt: pijn 6"


def test_the_titles_of_the_points_are_in_the_patients_language(episode):
    today = add_diary(episode, 3)
    episode.refresh_from_db()
    diary = courses.course(episode=episode, today=today)
    with translation.override("en"):
        svg = parsed(charts.progress_chart(diary))

    (points,) = by_class(svg, "points")
    assert points[0].find(f"{SVG}title").text == "Mon 2 Mar: pain 9"


def test_the_line_is_the_engines_7_day_mean_of_every_day(episode):
    today = add_diary(episode, 40, skip={8, 9, 10, 11, 12, 13})  # a gap: the line breaks
    chart = chart_of(episode, today)
    entries = [engine.DayEntry(e.day, e.pain, e.function) for e in episode.entries.order_by("day")]
    means = engine.daily_means(entries, last=today)

    (line,) = by_class(parsed(chart), "mean")
    subpaths = path_points(line)
    drawn = [
        (round(chart.scale.weeks_at(x) * 7), chart.scale.pain_at(y))
        for subpath in subpaths
        for x, y in subpath
    ]
    expected = [((day - ONSET).days, mean) for day, mean in means if mean is not None]

    assert len(subpaths) == 2
    assert [day for day, _ in drawn] == [day for day, _ in expected]
    for (_, got), (_, mean) in zip(drawn, expected, strict=True):
        assert got == pytest.approx(mean, abs=0.01)
    assert drawn[-1][1] == pytest.approx(
        engine.assess(onset=ONSET, today=today, entries=entries).mean_7d, abs=0.01
    )


def test_the_band_is_the_expected_band_scaled_to_the_baseline(episode):
    first = ONSET + dt.timedelta(days=3)  # the diary starts 3 days after the onset
    today = add_diary(episode, 30, first=first)
    chart = chart_of(episode, today)
    svg = parsed(chart)
    baseline = sum(max(1, 8 - n // 7 + (n % 3 == 0)) for n in range(7)) / 7
    t_b = (3 + 3) / 7  # the middle of the baseline window, in weeks since onset

    def scaled(weeks: float, curve: int) -> float:
        # RULES.md: expected(t) = B × f(t) / f(t_B)
        return baseline * engine.expected_band(weeks)[curve] / engine.expected_band(t_b)[curve]

    (typical,) = path_points(by_class(svg, "band-typical")[0])
    (area,) = path_points(by_class(svg, "band")[0])
    half = len(area) // 2
    faster, slower = area[:half], area[half:][::-1]

    assert chart.scale.weeks_at(typical[0][0]) == pytest.approx(t_b, abs=0.01)
    assert chart.scale.pain_at(typical[0][1]) == pytest.approx(baseline, abs=0.01)
    assert chart.scale.weeks_at(typical[-1][0]) == pytest.approx(chart.scale.x_max, abs=0.01)
    for points, curve in ((faster, 0), (typical, 1), (slower, 2)):
        assert len(points) > 10
        for x, y in points:
            weeks = chart.scale.weeks_at(x)
            assert chart.scale.pain_at(y) == pytest.approx(scaled(weeks, curve), abs=0.02)


def test_without_a_baseline_there_is_no_band_and_no_mean(episode):
    make_entry(episode, ONSET, pain=6)
    make_entry(episode, ONSET + dt.timedelta(days=1), pain=7)
    chart = chart_of(episode, ONSET + dt.timedelta(days=1))
    svg = parsed(chart)

    assert len(by_class(svg, "points")[0]) == 2
    assert by_class(svg, "band") == by_class(svg, "mean") == []
    assert not chart.has_band and not chart.has_mean


def test_an_empty_diary_says_there_are_no_entries_yet(episode):
    chart = chart_of(episode, ONSET + dt.timedelta(days=3))
    svg = parsed(chart)

    assert "Nog geen registraties" in "".join(svg.itertext())
    assert by_class(svg, "points") == []
    assert not chart.has_points


def test_week_ticks_and_the_6_week_mark_in_words_and_the_12_week_mark_from_week_10(episode):
    add_diary(episode, 30)
    short = parsed(chart_of(episode, ONSET + dt.timedelta(weeks=3)))
    early = parsed(chart_of(episode, ONSET + dt.timedelta(weeks=10, days=-1)))
    late = parsed(chart_of(episode, ONSET + dt.timedelta(weeks=10)))

    def texts(svg, name):
        return [text.text for group in by_class(svg, name) for text in group.iter(f"{SVG}text")]

    assert texts(early, "week-mark") == ["6 weken"]
    assert texts(late, "week-mark") == ["6 weken", "12 weken"]
    assert texts(short, "week-labels") == [str(week) for week in range(0, 7)]
    assert texts(early, "week-labels") == [str(week) for week in range(0, 11, 2)]
    assert texts(late, "week-labels") == [str(week) for week in range(0, 13, 2)]
    assert "Weken sinds het begin van de rugpijn" in "".join(late.itertext())


def test_the_changes_of_advice_are_numbered_on_their_day(episode):
    today = add_diary(episode, 30)

    def record(day: int, level: str, rules: str = engine.RULES_VERSION) -> AssessmentRecord:
        return AssessmentRecord.objects.create(
            episode=episode,
            assessed_at=timezone.now() + dt.timedelta(days=day),
            assessed_on=ONSET + dt.timedelta(days=day),
            level=level,
            rules_version=rules,
            message="",
        )

    record(0, "too_few_entries")  # where the advice started: not a change
    record(3, "on_track")
    record(5, "on_track", rules="2026.1")  # the same advice under other rules: not a change
    record(19, "see_physio")
    changes = courses.level_changes(episode.assessments.all(), first=ONSET, today=today)
    chart = chart_of(episode, today, changes=changes)

    groups = by_class(parsed(chart), "change")
    assert [(c.number, c.day, c.level) for c in changes] == [
        (1, ONSET + dt.timedelta(days=3), "on_track"),
        (2, ONSET + dt.timedelta(days=19), "see_physio"),
    ]
    assert [group.find(f"{SVG}text").text for group in groups] == ["1", "2"]
    assert groups[1].find(f"{SVG}title").text == (
        "Advies veranderd op za 21 mrt: Neem contact op met uw fysiotherapeut"
    )
    circle = groups[1].find(f"{SVG}circle")
    assert float(circle.get("cx")) == pytest.approx(chart.scale.x(19 / 7), abs=0.05)


# --- Readable on a phone, and the same look in both languages -----------------------


def font_sizes(svg: ET.Element) -> list[float]:
    """The font size of every text, inherited from the root when not set."""
    root = float(svg.get("font-size"))
    return [float(text.get("font-size", root)) for text in svg.iter(f"{SVG}text")]


@pytest.mark.parametrize("days", [5, 60, 180])
def test_text_is_at_least_12_px_on_a_360_px_phone(episode, days):
    today = add_diary(episode, days)
    chart = chart_of(episode, today)
    svg = parsed(chart)
    # A 360 px phone shows the chart 336 px wide (Bootstrap's container padding):
    # a chart that does not scroll is drawn at 336 / BASE_WIDTH px a unit; one that
    # scrolls is wider than the screen by as much as its viewBox is wider.
    width = float(svg.get("width").rstrip("%")) / 100 * 336
    px_per_unit = width / float(svg.get("viewBox").split()[2])

    assert px_per_unit >= 1
    assert min(font_sizes(svg)) * px_per_unit >= 12


def test_past_14_weeks_the_chart_keeps_its_scale_and_scrolls(episode):
    short = chart_of(episode, ONSET + dt.timedelta(weeks=13))
    add_diary(episode, 180)
    long = chart_of(episode, ONSET + dt.timedelta(days=179))

    assert not short.scrolls and short.width_percent == "100"
    assert long.scrolls
    assert long.scale.px_per_week == pytest.approx(
        (charts.BASE_WIDTH - 80) / charts.VIEW_WEEKS, abs=0.01
    )
    assert float(long.width_percent) == pytest.approx(
        long.scale.width / charts.BASE_WIDTH * 100, abs=0.1
    )


def without_text(svg: str) -> str:
    return re.sub(r">[^<]*<", "><", svg)


def test_the_chart_looks_the_same_in_both_languages_but_for_the_words(episode):
    today = add_diary(episode, 30)
    episode.refresh_from_db()
    diary = courses.course(episode=episode, today=today)
    dutch = str(charts.progress_chart(diary).svg)
    with translation.override("en"):
        english = str(charts.progress_chart(diary).svg)

    assert dutch != english
    assert without_text(dutch) == without_text(english)


def test_the_svg_has_a_name_a_description_and_the_img_role(episode):
    today = add_diary(episode, 10)
    svg = parsed(chart_of(episode, today))

    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").get("id") == svg.get("aria-labelledby")
    description = svg.find(f"{SVG}desc")
    assert description.get("id") == svg.get("aria-describedby")
    assert description.text.startswith("Pijn per dag van ma 2 mrt tot wo 11 mrt: 10 dagen")
    assert "tabel" in description.text


# --- Nothing of one patient in another patient's chart ------------------------------


def test_two_patients_charts_drawn_one_after_the_other_share_nothing(episode):
    today = add_diary(episode, 20)
    other = make_patient(make_clinic(), onset=ONSET + dt.timedelta(days=1)).episodes.get()
    DailyEntry.objects.bulk_create(
        DailyEntry(episode=other, day=ONSET + dt.timedelta(days=n), pain=10, function="no")
        for n in range(1, 22, 2)
    )
    other_alone = str(chart_of(other, today).svg)

    first = str(chart_of(episode, today).svg)
    second = str(chart_of(other, today).svg)
    first_again = str(chart_of(episode, today).svg)

    assert second == other_alone  # drawing the first patient's chart left nothing behind
    assert first_again == first
    titles = re.compile(r"<title>([^<]*: pijn \d+)</title>")
    assert set(titles.findall(first)).isdisjoint(titles.findall(second))
    dots = re.compile(r'<circle cx="[^"]+" cy="[^"]+"')
    assert set(dots.findall(first)).isdisjoint(dots.findall(second))


def test_the_chart_module_imports_no_matplotlib_and_draws_without_it():
    root = Path(__file__).resolve().parents[1]
    code = (
        "import django, sys, datetime as dt; django.setup()\n"
        "from types import SimpleNamespace as O\n"
        "from tracker import charts, courses, summary\n"
        "day = dt.date(2026, 3, 2)\n"
        "entries = [O(day=day + dt.timedelta(days=n), pain=5, function='yes', bed_rest=False)"
        " for n in range(30)]\n"
        "episode = O(onset=day, is_open=False, rules_version='')\n"
        "diary = courses.course(episode=episode, today=day + dt.timedelta(days=29),"
        " entries=entries)\n"
        "assert charts.progress_chart(diary).has_band\n"
        "courses.trend_in_words(diary)\n"
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


# --- The text alternative ------------------------------------------------------------


def trend(episode: Episode, today: dt.date) -> str:
    episode.refresh_from_db()
    return courses.trend_in_words(courses.course(episode=episode, today=today))


def test_trend_in_words_names_the_baseline_and_the_current_mean(episode):
    for n, pain in enumerate((7, 7, 8, 7, 6, 7, 7)):  # baseline week: mean 7
        make_entry(episode, ONSET + dt.timedelta(days=n), pain=pain, function="partly")
    for n, pain in enumerate((4, 3, 4, 3, 3, 4)):  # last 7 days: 6 entries, mean 3,5
        function = "partly" if n == 0 else "yes"
        make_entry(episode, ONSET + dt.timedelta(days=30 + n), pain=pain, function=function)
    today = ONSET + dt.timedelta(days=36)

    with translation.override("nl"):
        text = trend(episode, today)

    assert "gemiddeld 7,0." in text
    assert "gemiddeld 3,5 (de afgelopen 7 dagen)" in text
    assert "50% lager" in text
    assert "gebruikelijke verloop" in text
    assert "op 5 van de 6 ingevulde dagen" in text
    assert "Op 1 dag lukte dat gedeeltelijk." in text


def test_the_stored_baseline_of_today_and_the_engines_agree(episode):
    today = add_diary(episode, 30, skip={2, 3, 4})
    assessment.reassess(episodes=[episode], today=today)  # stores the baseline
    episode.refresh_from_db()
    stored = courses.course(episode=episode, today=today)
    Episode.objects.filter(pk=episode.pk).update(assessed_on=today - dt.timedelta(days=1))
    episode.refresh_from_db()
    computed = courses.course(episode=episode, today=today)  # stale: the engine assesses

    assert stored.baseline == computed.baseline is not None
    assert stored == computed


def test_trend_in_words_says_there_are_no_entries_yet_for_an_empty_diary(episode):
    with translation.override("nl"):
        text = trend(episode, ONSET + dt.timedelta(days=3))

    assert "nog geen dagen ingevuld" in text


def test_trend_in_words_asks_for_more_days_without_a_baseline(episode):
    make_entry(episode, ONSET, pain=6)
    make_entry(episode, ONSET + dt.timedelta(days=1), pain=7)

    with translation.override("nl"):
        text = trend(episode, ONSET + dt.timedelta(days=1))

    assert "pas 2 dagen ingevuld" in text
    assert "gebruikelijke verloop" not in text


def test_trend_in_words_explains_a_missing_7_day_mean(episode):
    add_diary(episode, 7)
    today = ONSET + dt.timedelta(days=20)  # nothing logged in the last 7 days

    with translation.override("nl"):
        text = trend(episode, today)

    assert "gemiddeld 8,4." in text
    assert "minstens 4 ingevulde dagen nodig" in text
    assert "afgelopen 7 dagen niets ingevuld" in text


def test_the_diary_is_read_with_one_query(episode, django_assert_num_queries):
    today = add_diary(episode, 30)
    episode.refresh_from_db()

    with django_assert_num_queries(1):
        diary = courses.course(episode=episode, today=today)
        courses.trend_in_words(diary)
        charts.progress_chart(diary)


def test_trend_in_words_renders_in_english(episode):
    today = add_diary(episode, 40)

    with translation.override("en"):
        text = trend(episode, today)

    assert text.startswith("At the start of your diary your average pain was 8.4.")


# --- The clinic outcomes figure --------------------------------------------------------


def test_the_outcomes_figure_has_two_panels_and_its_legend_covers_no_data():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    rows = [
        queries.OutcomeRow(week=2, eligible=10, improved=3, recovered=1),
        queries.OutcomeRow(week=4, eligible=8, improved=7, recovered=7),
        queries.OutcomeRow(week=6, eligible=6, improved=6, recovered=6),
        queries.OutcomeRow(week=12, eligible=0, improved=0, recovered=0),
    ]
    figure = outcomes_figure.outcomes_figure(rows=rows)
    FigureCanvasAgg(figure).draw()
    episodes_ax, pain_ax = figure.axes
    (legend,) = figure.legends

    assert episodes_ax.get_ylabel() == "% van de episodes"
    assert pain_ax.get_ylabel() == "% van de pijn verdwenen"
    labels = [text.get_text() for text in legend.get_texts()]
    assert "Verwachting volgens de folder: 80–90% hersteld in 4–6 weken" in labels
    box = legend.get_window_extent()
    for ax in (episodes_ax, pain_ax):
        assert not box.overlaps(ax.get_window_extent())
    png = outcomes_figure.outcomes_chart_png(rows=rows)
    assert png.startswith(b"\x89PNG")
    from matplotlib.image import imread

    assert imread(io.BytesIO(png), format="png").shape[:2] == (640, 800)
