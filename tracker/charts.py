"""The patient's progress chart, drawn by the server as inline SVG.

The progress chart shows the diary (``tracker.courses.Course``) against the
typical course of RULES.md ("Expected recovery band"): the band comes from
``advice.engine`` and is scaled to the patient's own baseline, so it starts where
the patient started. It is plain SVG markup written here, in Python, from the
diary alone: no image, no JavaScript, no state kept between charts, and no
matplotlib (importing it costs half a second; only the clinic outcomes figure,
``tracker.outcomes_figure``, and the printed summary, ``tracker.summary``, use it,
and import it when they draw).

The chart is laid out for a phone: one unit of its coordinate system is about
one CSS pixel on a 360 px screen, text is 13 units, and the first 14 weeks fit
the width of the screen. A longer diary keeps that scale and scrolls sideways
(``Chart.scrolls``); the page opens it at the latest weeks. Its text alternative
is ``courses.trend_in_words``.

Every label goes through gettext: Dutch source strings, English translation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from tracker.courses import Course, LevelChange
from tracker.formatting import day_labels, format_day

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
    title = gettext("Grafiek van de pijn per dag")  # not in the f-string: makemessages

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart" '
        f'viewBox="0 0 {_number_attr(scale.width)} {HEIGHT}" '
        f'width="{_number_attr(scale.width / BASE_WIDTH * 100)}%" role="img" '
        f'aria-labelledby="progress-chart-title" aria-describedby="progress-chart-desc" '
        f'font-size="{_FONT}" fill="{INK}">',
        f'<title id="progress-chart-title">{escape(title)}</title>',
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
        empty = gettext("Nog geen registraties")
        parts.append(
            f'<text x="{_number_attr(scale.x((x_min + x_max) / 2))}" '
            f'y="{_number_attr(scale.y(5))}" text-anchor="middle" font-size="16">'
            f"{escape(empty)}</text>"
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
    axis_title = gettext("Weken sinds het begin van de rugpijn")
    parts = [
        f'<path class="week-ticks" d="{"".join(ticks)}M{_LEFT},{_number_attr(bottom)}'
        f'H{_number_attr(scale.x(scale.x_max))}" stroke="{MUTED}" fill="none"/>',
        f'<g class="week-labels" fill="{MUTED}">{"".join(labels)}</g>',
        f'<text x="{_number_attr(title_x)}" y="{_number_attr(bottom + 40)}" '
        f'text-anchor="{anchor}">{escape(axis_title)}</text>',
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
            % {"day": format_day(change.day, "short"), "advice": change.title}
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
        "first": format_day(diary.entries[0].day, "short"),
        "last": format_day(diary.entries[-1].day, "short"),
        "count": len(pains),
        "low": min(pains),
        "high": max(pains),
    }
    if has_mean:
        text += " " + gettext("Een lijn toont het gemiddelde van 7 dagen.")
    if diary.has_band:
        text += " " + gettext("Een band toont het gebruikelijke verloop, vanaf de startwaarde.")
    return text + " " + gettext("De cijfers staan in de tabel onder de grafiek.")


def _number_attr(value: float) -> str:
    """A coordinate with one decimal, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
