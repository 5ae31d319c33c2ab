"""The patient's progress chart, drawn by the server as inline SVG, its text
alternative, and the clinic outcomes figure.

The progress chart shows the diary against the typical course of RULES.md
("Expected recovery band"): the band comes from ``advice.engine`` and is scaled
to the patient's own baseline, so it starts where the patient started. It is
plain SVG markup written here, in Python, from the diary alone: no image, no
JavaScript, no state kept between charts, and no matplotlib (importing it costs
half a second; only the clinic outcomes figure and the printed summary in
``tracker.summary`` use it, and import it when they draw).

The chart is laid out for a phone: one unit of its coordinate system is about
one CSS pixel on a 360 px screen, text is 13 units, and the first 14 weeks fit
the width of the screen. A longer diary keeps that scale and scrolls sideways
(``Chart.scrolls``); the page opens it at the latest weeks.

Every label goes through gettext: Dutch source strings, English translation.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from advice import content, engine
from tracker.formatting import day_labels, format_day, format_number, format_percent
from tracker.models import Function, WorkStatus

CACHE_TIMEOUT = 24 * 60 * 60  # seconds; ``today`` is part of the key anyway

_WINDOW_DAYS = 7  # the M7 window of RULES.md: today−6 .. today
FIRST_MARK_WEEKS = 6  # "most people improve a lot in the first weeks" (leaflet 000)
SECOND_MARK_WEEKS = 12  # chronic after 3 months (leaflet 002)
_SHOW_SECOND_MARK_FROM_WEEKS = 10
# Room after the last day: the axis ends half a week after the week today is in
# (and after the 6-week mark), and starts a little before the first day.
_MARGIN_WEEKS = 0.5
_LEAD_WEEKS = 0.3

# The chart's coordinate system (SVG user units, about CSS pixels on a phone).
BASE_WIDTH = 320  # the width of a chart that does not scroll
VIEW_WEEKS = 14.0  # the weeks that fit BASE_WIDTH; a longer chart scrolls at this scale
_LEFT = 40  # pain labels and the axis title
_RIGHT = 14
_RIGHT_SCROLLING = 40  # a scrolling chart has its pain labels on the right too
_TOP = 30  # room for the labels of the 6- and 12-week marks
PLOT_HEIGHT = 160
HEIGHT = _TOP + PLOT_HEIGHT + 48
_FONT = 13
_BAND_STEP = 8  # units between the points of the band's curves

# Okabe–Ito colours (safe for colour-blind readers). Colour is never the only
# signal: points are dots, the 7-day mean a thick line, the typical course a
# dashed line in a shaded band, the week marks dotted lines with a label, the
# advice changes numbered.
INK = "#212529"
MUTED = "#595959"
GRID = "#dee2e6"
PAIN_DOT = "#0072B2"  # blue
MEAN_LINE = "#000000"
BAND_FILL = "#009E73"  # bluish green, drawn light
BAND_LINE = "#00694D"
MARK_LINE = "#6c757d"
CHANGE_MARK = "#5a3a00"


# --- The diary as the engine reads it ----------------------------------------------


@dataclass(frozen=True)
class Course:
    """A diary read by the engine as of ``today``: what the progress chart, its
    text alternative and the printed summary show."""

    onset: dt.date  # the episode's onset, or today when that lies in the future
    today: dt.date
    entries: tuple[engine.DayEntry, ...]  # up to and including today, oldest first
    baseline: float | None
    mean_7d: float | None
    baseline_weeks: float | None  # t_B: weeks since onset at the middle of the baseline
    means: tuple[tuple[dt.date, float | None], ...]  # engine.daily_means, first entry..today

    def weeks(self, day: dt.date) -> float:
        """Weeks since onset (negative before it)."""
        return (day - self.onset).days / 7

    @property
    def has_band(self) -> bool:
        return self.baseline is not None and self.baseline_weeks is not None

    def expected(self, weeks: float) -> tuple[float, float, float]:
        """(faster, typical, slower) expected pain at ``weeks`` since onset, scaled to
        the baseline (engine.expected_course). Only when ``has_band``."""
        assert self.baseline is not None and self.baseline_weeks is not None
        return engine.expected_course(
            baseline=self.baseline, baseline_weeks=self.baseline_weeks, weeks=max(0.0, weeks)
        )


def course(*, episode, today: dt.date, entries: Iterable | None = None) -> Course:
    """The episode's diary as of ``today``. ``entries`` are the episode's entries
    (anything with ``day``, ``pain``, ``function`` and ``bed_rest``) when the caller
    has them already; otherwise they are read with one query.

    The baseline is the one the episode's stored assessment holds when that was
    made today under the current rules (every change of the diary reassesses the
    episode, and ``assessment.as_of_today`` does so on a new day); otherwise the
    engine assesses the diary here."""
    if entries is None:
        entries = episode.entries.filter(day__lte=today).values_list(
            "day", "pain", "function", "bed_rest", named=True
        )
    diary = [
        engine.DayEntry(entry.day, entry.pain, entry.function, entry.bed_rest)
        for entry in entries
        if entry.day <= today
    ]
    diary.sort(key=lambda entry: entry.day)
    onset = min(episode.onset, today)
    means = engine.daily_means(diary, last=today)
    fresh = (
        episode.is_open
        and episode.assessed_on == today
        and episode.rules_version == engine.RULES_VERSION
    )
    baseline = (
        episode.baseline
        if fresh
        else engine.assess(onset=onset, today=today, entries=diary).baseline
    )
    return Course(
        onset=onset,
        today=today,
        entries=tuple(diary),
        baseline=baseline,
        mean_7d=means[-1][1] if means else None,
        baseline_weeks=engine.baseline_midpoint_weeks(onset=onset, today=today, entries=diary),
        means=tuple(means),
    )


def table_rows(entries: Iterable) -> SafeString:
    """The rows of the diary table on the progress page, newest day first: the day,
    the pain, daily activities, bed rest, active minutes and work. Written here
    rather than by the template: a diary of half a year has 180 rows, and template
    variables and filters cost more than the rest of the page together."""
    labels = day_labels("short")
    functions = {value: escape(label) for value, label in Function.choices}
    work = {value: escape(label) for value, label in WorkStatus.choices}
    yes, no = escape(gettext("ja")), escape(gettext("nee"))
    rows = [
        f'<tr><th scope="row" class="fw-normal text-nowrap">{escape(labels(entry.day))}</th>'
        f"<td>{int(entry.pain)}</td><td>{functions.get(entry.function, '')}</td>"
        f'<td class="d-none d-sm-table-cell">{yes if entry.bed_rest else no}</td>'
        f"<td>{'–' if entry.active_minutes is None else int(entry.active_minutes)}</td>"
        f'<td class="d-none d-sm-table-cell">{work.get(entry.work_status, "")}</td></tr>'
        for entry in sorted(entries, key=lambda entry: entry.day, reverse=True)
    ]
    return mark_safe("\n".join(rows))  # every text in it is escaped above


@dataclass(frozen=True)
class LevelChange:
    """The advice changed on ``day`` to ``level`` (from the stored history)."""

    number: int
    day: dt.date
    level: str

    @property
    def title(self) -> str:
        return str(content.LEVEL_TITLES.get(self.level, self.level))


def level_changes(records: Iterable, *, first: dt.date, today: dt.date) -> list[LevelChange]:
    """The days on which the stored advice (``AssessmentRecord`` rows, in any order)
    changed level, from ``first`` to ``today``. The first record is where the
    advice started, not a change; a record made under new rules with the same
    level is not a change either."""
    ordered = sorted(records, key=lambda record: (record.assessed_at, record.pk or 0))
    changes: list[LevelChange] = []
    previous = None
    for record in ordered:
        changed = previous is not None and record.level != previous
        if changed and first <= record.assessed_on <= today:
            changes.append(LevelChange(len(changes) + 1, record.assessed_on, record.level))
        previous = record.level
    return changes


# --- The progress chart as SVG -------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """Weeks since onset and pain (0–10) to chart coordinates."""

    x_min: float  # weeks
    x_max: float
    px_per_week: float
    width: float

    def x(self, weeks: float) -> float:
        return _LEFT + (weeks - self.x_min) * self.px_per_week

    @staticmethod
    def y(pain: float) -> float:
        return _TOP + (10 - pain) * PLOT_HEIGHT / 10

    def weeks_at(self, x: float) -> float:
        return self.x_min + (x - _LEFT) / self.px_per_week

    @staticmethod
    def pain_at(y: float) -> float:
        return 10 - (y - _TOP) * 10 / PLOT_HEIGHT


@dataclass(frozen=True)
class Chart:
    """One progress chart: the SVG markup and what the page says around it."""

    svg: SafeString
    scale: Scale
    scrolls: bool
    has_points: bool
    has_mean: bool
    has_band: bool
    shows_second_mark: bool
    changes: tuple[LevelChange, ...]

    @property
    def width_percent(self) -> str:
        """The SVG's width relative to the page's chart box (100 unless it scrolls)."""
        return _number_attr(self.scale.width / BASE_WIDTH * 100)


def progress_chart(diary: Course, *, changes: Sequence[LevelChange] = ()) -> Chart:
    """The progress chart of ``diary``: pain per day as dots (each with a title
    naming the day and the pain), the 7-day mean as a line, the typical course
    scaled to the baseline as a band with its typical line, week ticks, the 6- and
    12-week marks, and the numbered changes of advice."""
    today_weeks = diary.weeks(diary.today)
    shows_second_mark = today_weeks >= _SHOW_SECOND_MARK_FROM_WEEKS
    x_max = max(math.ceil(today_weeks), FIRST_MARK_WEEKS) + _MARGIN_WEEKS
    if shows_second_mark:
        x_max = max(x_max, SECOND_MARK_WEEKS + _MARGIN_WEEKS)
    first_weeks = diary.weeks(diary.entries[0].day) if diary.entries else 0.0
    x_min = min(0.0, first_weeks) - _LEAD_WEEKS
    span = x_max - x_min
    scrolls = span > VIEW_WEEKS
    right = _RIGHT_SCROLLING if scrolls else _RIGHT
    if scrolls:
        px_per_week = (BASE_WIDTH - _LEFT - _RIGHT_SCROLLING) / VIEW_WEEKS
        width = _LEFT + span * px_per_week + right
    else:
        px_per_week = (BASE_WIDTH - _LEFT - right) / span
        width = BASE_WIDTH
    scale = Scale(x_min=x_min, x_max=x_max, px_per_week=px_per_week, width=round(width, 1))
    has_mean = any(mean is not None for _day, mean in diary.means)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart" '
        f'viewBox="0 0 {_number_attr(scale.width)} {HEIGHT}" '
        f'width="{_number_attr(scale.width / BASE_WIDTH * 100)}%" role="img" '
        f'aria-labelledby="progress-chart-title" aria-describedby="progress-chart-desc" '
        f'font-size="{_FONT}" fill="{INK}">',
        f'<title id="progress-chart-title">{escape(gettext("Grafiek van de pijn per dag"))}'
        "</title>",
        f'<desc id="progress-chart-desc">{escape(_description(diary, has_mean))}</desc>',
    ]
    parts += _pain_axis(scale, right_too=scrolls)
    if diary.has_band:
        parts += _band(diary, scale)
    parts += _week_axis(scale, shows_second_mark, scrolls)
    parts += _changes(diary, changes, scale)
    if has_mean:
        parts += _mean_line(diary, scale)
    if diary.entries:
        parts += _points(diary, scale)
    else:
        parts.append(
            f'<text x="{_number_attr(scale.x((x_min + x_max) / 2))}" '
            f'y="{_number_attr(scale.y(5))}" text-anchor="middle" font-size="16">'
            f"{escape(gettext('Nog geen registraties'))}</text>"
        )
    parts.append("</svg>")
    return Chart(
        svg=mark_safe("".join(parts)),  # every text in it is escaped above
        scale=scale,
        scrolls=scrolls,
        has_points=bool(diary.entries),
        has_mean=has_mean,
        has_band=diary.has_band,
        shows_second_mark=shows_second_mark,
        changes=tuple(changes),
    )


def _pain_axis(scale: Scale, *, right_too: bool) -> list[str]:
    """Grid lines and labels at pain 0, 2, …, 10, and the axis title."""
    left, right = _LEFT, scale.width - (_RIGHT_SCROLLING if right_too else _RIGHT)
    grid, labels = [], []
    for pain in range(0, 11, 2):
        y = _number_attr(scale.y(pain))
        grid.append(f"M{left},{y}H{_number_attr(right)}")
        labels.append(f'<text x="{left - 6}" y="{y}" dy="0.35em" text-anchor="end">{pain}</text>')
        if right_too:
            labels.append(f'<text x="{_number_attr(right + 6)}" y="{y}" dy="0.35em">{pain}</text>')
    title = escape(gettext("Pijn (0–10)"))
    middle = _number_attr(scale.y(5))
    titles = [
        f'<text transform="translate(12 {middle}) rotate(-90)" text-anchor="middle">{title}</text>'
    ]
    if right_too:
        titles.append(
            f'<text transform="translate({_number_attr(scale.width - 6)} {middle}) rotate(-90)" '
            f'text-anchor="middle">{title}</text>'
        )
    return [
        f'<path class="grid" d="{"".join(grid)}" stroke="{GRID}" stroke-width="1" fill="none"/>',
        f'<g class="pain-labels" fill="{MUTED}">{"".join(labels)}</g>',
        *titles,
    ]


def _week_axis(scale: Scale, shows_second_mark: bool, scrolls: bool) -> list[str]:
    """Ticks at every week since onset, labels every week or every other week, the
    axis title, and the 6- and 12-week marks: dotted lines labelled in words."""
    bottom = scale.y(0)
    every = 1 if scale.px_per_week >= 30 else 2
    ticks, labels = [], []
    for week in range(max(0, math.ceil(scale.x_min)), math.floor(scale.x_max) + 1):
        x = _number_attr(scale.x(week))
        ticks.append(f"M{x},{_number_attr(bottom)}v5")
        if week % every == 0:
            labels.append(
                f'<text x="{x}" y="{_number_attr(bottom + 19)}" text-anchor="middle">{week}</text>'
            )
    if scrolls:  # the page opens a scrolling chart at its right end
        title_x, anchor = scale.x(scale.x_max), "end"
    else:
        title_x, anchor = scale.x((scale.x_min + scale.x_max) / 2), "middle"
    parts = [
        f'<path class="week-ticks" d="{"".join(ticks)}M{_LEFT},{_number_attr(bottom)}'
        f'H{_number_attr(scale.x(scale.x_max))}" stroke="{MUTED}" fill="none"/>',
        f'<g class="week-labels" fill="{MUTED}">{"".join(labels)}</g>',
        f'<text x="{_number_attr(title_x)}" y="{_number_attr(bottom + 40)}" '
        f'text-anchor="{anchor}">{escape(gettext("Weken sinds het begin van de rugpijn"))}</text>',
    ]
    marks = [(FIRST_MARK_WEEKS, gettext("6 weken"))]
    if shows_second_mark:
        marks.append((SECOND_MARK_WEEKS, gettext("12 weken")))
    for weeks, label in marks:
        x = scale.x(weeks)
        label_x = min(max(x, _LEFT + 28), scale.width - 30)
        parts.append(
            f'<g class="week-mark"><path d="M{_number_attr(x)},{_TOP - 4}V{_number_attr(bottom)}" '
            f'stroke="{MARK_LINE}" stroke-width="1.5" stroke-dasharray="2 3" fill="none"/>'
            f'<text x="{_number_attr(label_x)}" y="{_TOP - 9}" text-anchor="middle">'
            f"{escape(label)}</text></g>"
        )
    return parts


def _band(diary: Course, scale: Scale) -> list[str]:
    """The typical course scaled to the baseline: the area between the faster and
    the slower course, and the typical course as a dashed line, from the middle of
    the baseline window (before it there is nothing to scale to) to the right edge."""
    start = max(diary.baseline_weeks or 0.0, scale.x_min)
    steps = max(1, math.ceil((scale.x_max - start) * scale.px_per_week / _BAND_STEP))
    weeks = [start + (scale.x_max - start) * n / steps for n in range(steps + 1)]
    curves = [diary.expected(w) for w in weeks]
    xs = [_number_attr(scale.x(w)) for w in weeks]

    def line(values: Iterable[float], at: Iterable[str]) -> str:
        return "L".join(f"{x},{_number_attr(scale.y(v))}" for x, v in zip(at, values, strict=True))

    faster = line((c[0] for c in curves), xs)
    slower = line((c[2] for c in reversed(curves)), reversed(xs))
    typical = line((c[1] for c in curves), xs)
    return [
        f'<path class="band" d="M{faster}L{slower}Z" fill="{BAND_FILL}" fill-opacity="0.2"/>',
        f'<path class="band-typical" d="M{typical}" stroke="{BAND_LINE}" stroke-width="2" '
        f'stroke-dasharray="6 4" fill="none"/>',
    ]


def _changes(diary: Course, changes: Sequence[LevelChange], scale: Scale) -> list[str]:
    """Each change of advice: a thin line on its day and a numbered badge; the page
    lists the numbers with the advice in words."""
    parts, last_x, row = [], -math.inf, 0
    for change in changes:
        x = scale.x(diary.weeks(change.day))
        row = 1 - row if x - last_x < 18 else 0  # badges closer than their size alternate
        last_x = x
        y = _TOP + 10 + row * 18
        label = escape(
            gettext("Advies veranderd op %(day)s: %(advice)s")
            % {"day": day_label(change.day), "advice": change.title}
        )
        parts.append(
            f'<g class="change"><title>{label}</title>'
            f'<path d="M{_number_attr(x)},{_TOP}V{_number_attr(scale.y(0))}" '
            f'stroke="{CHANGE_MARK}" stroke-width="1" fill="none"/>'
            f'<circle cx="{_number_attr(x)}" cy="{y}" r="8" fill="{CHANGE_MARK}"/>'
            f'<text x="{_number_attr(x)}" y="{y}" dy="0.35em" text-anchor="middle" '
            f'font-size="12" font-weight="bold" fill="#ffffff">{change.number}</text></g>'
        )
    return parts


def _mean_line(diary: Course, scale: Scale) -> list[str]:
    """The 7-day mean of every day (engine.daily_means), split where it is missing."""
    path, drawing = [], False
    for day, mean in diary.means:
        if mean is None:
            drawing = False
            continue
        point = f"{_number_attr(scale.x(diary.weeks(day)))},{_number_attr(scale.y(mean))}"
        path.append(("L" if drawing else "M") + point)
        drawing = True
    return [
        f'<path class="mean" d="{"".join(path)}" stroke="{MEAN_LINE}" stroke-width="3" '
        f'stroke-linecap="round" stroke-linejoin="round" fill="none"/>'
    ]


def _points(diary: Course, scale: Scale) -> list[str]:
    """The pain of each day as a dot with a title: "ma 2 mrt: pijn 6"."""
    radius = _number_attr(min(3.5, max(2.2, scale.px_per_week / 7 * 0.6)))
    template = gettext("%(day)s: pijn %(pain)s")
    labels = day_labels("short")
    dots = [
        f'<circle cx="{_number_attr(scale.x(diary.weeks(entry.day)))}" '
        f'cy="{_number_attr(scale.y(entry.pain))}" r="{radius}"><title>'
        f"{escape(template % {'day': labels(entry.day), 'pain': entry.pain})}</title></circle>"
        for entry in diary.entries
    ]
    return [
        f'<g class="points" fill="{PAIN_DOT}" stroke="#ffffff" stroke-width="0.75">'
        f"{''.join(dots)}</g>"
    ]


def _description(diary: Course, has_mean: bool) -> str:
    """The chart's <desc>: what it shows, and where the numbers are."""
    if not diary.entries:
        return gettext("Er zijn nog geen dagen ingevuld.")
    pains = [entry.pain for entry in diary.entries]
    text = ngettext(
        "Pijn per dag van %(first)s tot %(last)s: %(count)s dag ingevuld, pijn van %(low)s "
        "tot %(high)s.",
        "Pijn per dag van %(first)s tot %(last)s: %(count)s dagen ingevuld, pijn van %(low)s "
        "tot %(high)s.",
        len(pains),
    ) % {
        "first": day_label(diary.entries[0].day),
        "last": day_label(diary.entries[-1].day),
        "count": len(pains),
        "low": min(pains),
        "high": max(pains),
    }
    if has_mean:
        text += " " + gettext("Een lijn toont het gemiddelde van 7 dagen.")
    if diary.has_band:
        text += " " + gettext("Een band toont het gebruikelijke verloop, vanaf de startwaarde.")
    return text + " " + gettext("De cijfers staan in de tabel onder de grafiek.")


def day_label(day: dt.date) -> str:
    return format_day(day, "short")


def _number_attr(value: float) -> str:
    """A coordinate with one decimal, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# --- The text alternative -----------------------------------------------------------


def trend_in_words(diary: Course) -> str:
    """The chart as plain text (its text alternative)."""
    if not diary.entries:
        return gettext(
            "U heeft nog geen dagen ingevuld. Vul elke dag uw dagboek in; "
            "dan ziet u hier hoe uw rugpijn verloopt."
        )
    baseline, mean_7d = diary.baseline, diary.mean_7d
    sentences: list[str] = []

    if baseline is None:
        count = len(diary.entries)
        sentences.append(
            ngettext(
                "U heeft pas %(count)s dag ingevuld. Na 3 dagen ziet u hier hoe uw pijn verloopt.",
                "U heeft pas %(count)s dagen ingevuld. Na 3 dagen ziet u hier hoe uw pijn "
                "verloopt.",
                count,
            )
            % {"count": count}
        )
    else:
        sentences.append(
            gettext("Aan het begin van uw dagboek was uw pijn gemiddeld %(baseline)s.")
            % {"baseline": number(baseline)}
        )
        if mean_7d is None:
            sentences.append(
                gettext(
                    "Voor een gemiddelde van de afgelopen 7 dagen zijn minstens 4 ingevulde "
                    "dagen nodig."
                )
            )
        else:
            sentences.append(
                gettext("Nu is uw pijn gemiddeld %(mean)s (de afgelopen 7 dagen).")
                % {"mean": number(mean_7d)}
            )
            sentences.append(_change_sentence(baseline, mean_7d))
        today_weeks = diary.weeks(diary.today)
        # Before the middle of the baseline week the typical course is the baseline itself.
        if diary.baseline_weeks is not None and today_weeks > diary.baseline_weeks:
            _, typical, _ = diary.expected(today_weeks)
            sentences.append(
                gettext("Bij het gebruikelijke verloop zou uw pijn nu rond %(expected)s liggen.")
                % {"expected": number(typical)}
            )

    sentences.append(_activities_sentence(diary))
    return " ".join(sentence for sentence in sentences if sentence)


def number(value: float) -> str:
    """One decimal, localised (3,5 in Dutch): tracker.formatting's rule."""
    return format_number(value)


def _change_sentence(baseline: float, mean_7d: float) -> str:
    if baseline <= 0:
        if mean_7d <= 0:
            return gettext("Dat is gelijk aan het begin.")
        return gettext("Dat is hoger dan aan het begin.")
    percent = round(abs(baseline - mean_7d) / baseline * 100)
    if percent == 0:
        return gettext("Dat is ongeveer gelijk aan het begin.")
    if mean_7d < baseline:
        return gettext("Dat is %(percent)s lager dan aan het begin.") % {
            "percent": format_percent(percent)
        }
    return gettext("Dat is %(percent)s hoger dan aan het begin.") % {
        "percent": format_percent(percent)
    }


def _activities_sentence(diary: Course) -> str:
    window_start = diary.today - dt.timedelta(days=_WINDOW_DAYS - 1)
    week = [entry for entry in diary.entries if entry.day >= window_start]
    if not week:
        return gettext("U heeft de afgelopen 7 dagen niets ingevuld.")
    counts = Counter(entry.function for entry in week)
    sentence = ngettext(
        "U kon de afgelopen week op %(yes)s van de %(count)s ingevulde dag uw dagelijkse "
        "activiteiten doen.",
        "U kon de afgelopen week op %(yes)s van de %(count)s ingevulde dagen uw dagelijkse "
        "activiteiten doen.",
        len(week),
    ) % {"yes": counts[Function.YES], "count": len(week)}
    partly = counts[Function.PARTLY]
    if partly:
        sentence += " " + (
            ngettext(
                "Op %(count)s dag lukte dat gedeeltelijk.",
                "Op %(count)s dagen lukte dat gedeeltelijk.",
                partly,
            )
            % {"count": partly}
        )
    return sentence


# --- The clinic outcomes figure (a PNG, drawn with matplotlib) -----------------------


def outcomes_chart(*, clinic, rows, today: dt.date) -> bytes:
    """The clinic outcomes figure, cached per clinic, day, language and figures."""
    key = ":".join(
        ("outcomes-chart", str(clinic.pk), today.isoformat(), translation.get_language() or "-")
        + tuple(f"{r.week}-{r.eligible}-{r.improved}-{r.recovered}" for r in rows)
    )
    png = cache.get(key)
    if png is None:
        png = outcomes_chart_png(rows=rows)
        cache.set(key, png, CACHE_TIMEOUT)
    return png


def outcomes_chart_png(*, rows) -> bytes:
    """The clinic outcomes figure as PNG bytes."""
    figure = outcomes_figure(rows=rows)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def outcomes_figure(*, rows):
    """Two panels on one week axis. Above, in % of the episodes: the share with a
    meaningful improvement and the share recovered by weeks 2, 4, 6 and 12 since
    onset, with the leaflet's 80–90 % within 4–6 weeks as a band labelled as the
    leaflet's expectation. Below, in % of the pain: how much of the pain at onset
    is gone on the typical course. The legend sits above the panels, outside the
    data."""
    # Imported here, not at module level: importing matplotlib takes ~0.5 s.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    figure = Figure(figsize=(8, 6.4), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    episodes_ax, pain_ax = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 2)})
    weeks = [row.week for row in rows]
    positions = list(range(len(rows)))
    width = 0.38

    def share(value: float | None) -> float:
        return 0.0 if value is None else value * 100

    improved = [share(row.improved_share) for row in rows]
    recovered = [share(row.recovered_share) for row in rows]
    handles = [
        episodes_ax.bar(
            [p - width / 2 for p in positions], improved, width, color=PAIN_DOT, zorder=3
        ),
        episodes_ax.bar(
            [p + width / 2 for p in positions],
            recovered,
            width,
            color=BAND_FILL,
            hatch="//",
            edgecolor=BAND_LINE,
            zorder=3,
        ),
    ]
    labels = [gettext("Duidelijk verbeterd"), gettext("Hersteld")]
    for p, a, b, row in zip(positions, improved, recovered, rows, strict=True):
        if row.eligible:
            for x, value in ((p - width / 2, a), (p + width / 2, b)):
                episodes_ax.text(
                    x,
                    value + 2,
                    f"{value:.0f}%",
                    ha="center",
                    fontsize=11,
                    zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                )
        else:
            episodes_ax.text(p, 4, gettext("nog geen"), ha="center", fontsize=11, color=MUTED)
    # The leaflet's 80–90 % recovered within 4–6 weeks, behind the 4- and 6-week bars.
    if 4 in weeks and 6 in weeks:
        left, right = weeks.index(4) - 0.5, weeks.index(6) + 0.5
        episodes_ax.add_patch(
            Rectangle(
                (left, 80),
                right - left,
                10,
                facecolor="#f1f1f1",
                edgecolor=MARK_LINE,
                hatch="..",
                zorder=1,
            )
        )
        handles.append(Patch(facecolor="#f1f1f1", edgecolor=MARK_LINE, hatch=".."))
        labels.append(
            gettext("Verwachting volgens de folder: %(share)s hersteld in 4–6 weken")
            % {"share": "80–90%"}
        )
    episodes_ax.set_ylim(0, 112)
    episodes_ax.set_yticks(range(0, 101, 20))
    episodes_ax.set_ylabel(gettext("% van de episodes"), fontsize=12)
    episodes_ax.grid(axis="y", color=GRID)
    episodes_ax.set_axisbelow(True)

    typical = [(1 - engine.expected_band(week)[1]) * 100 for week in weeks]
    (line,) = pain_ax.plot(
        positions, typical, color=MEAN_LINE, linestyle="--", marker="s", zorder=3
    )
    for p, value in zip(positions, typical, strict=True):
        pain_ax.annotate(
            f"{value:.0f}%",
            (p, value),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=11,
        )
    handles.append(line)
    labels.append(gettext("Gebruikelijk verloop: deel van de pijn verdwenen"))
    pain_ax.set_ylim(0, 100)
    pain_ax.set_yticks(range(0, 101, 25))
    pain_ax.set_ylabel(gettext("% van de pijn verdwenen"), fontsize=12)
    pain_ax.grid(axis="y", color=GRID)
    pain_ax.set_axisbelow(True)
    pain_ax.set_xticks(positions, [gettext("week %(week)s") % {"week": week} for week in weeks])
    pain_ax.set_xlim(-0.6, len(rows) - 0.4)
    for ax in (episodes_ax, pain_ax):
        ax.tick_params(labelsize=12)
        ax.spines[["top", "right"]].set_visible(False)
    figure.legend(handles, labels, loc="outside upper left", ncol=2, fontsize=11, frameon=False)
    return figure
