"""The patient's progress chart (a PNG drawn on the server) and its text alternative.

The chart shows the diary against the typical course of RULES.md ("Expected
recovery band"): the band comes from ``advice.engine`` and is scaled to the
patient's own baseline, so it starts where the patient started. It is drawn with
matplotlib's object-oriented API on the Agg canvas (no pyplot: pyplot keeps global
state and is not thread-safe). matplotlib is imported only when a chart is
drawn, because importing it costs about half a second. :func:`progress_chart`
caches the PNG, so most requests never draw; a draw paints only the diary on a
picture of the axes kept from an earlier chart of the same layout.

Every label goes through gettext: Dutch source strings, English translation.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import threading
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext, ngettext

from advice import engine
from tracker.formatting import format_number, format_percent
from tracker.models import Episode, Function

CACHE_TIMEOUT = 24 * 60 * 60  # seconds; ``today`` is part of the key anyway

_WINDOW_DAYS = 7  # the M7 window of RULES.md: today−6 .. today
_FIRST_MARKER_WEEKS = 6
_SECOND_MARKER_WEEKS = 12
_SHOW_SECOND_MARKER_FROM_WEEKS = 10
# Room after the last day: the axis ends half a week after the week today is in
# (and after the 6-week marker), so charts of one week share a frame.
_MARGIN_WEEKS = 0.5
_FIRST_WEEKS = (-0.3, _FIRST_MARKER_WEEKS + _MARGIN_WEEKS)  # the x-axis of most charts

# Figure: 8 × 5.5 inches at 100 dpi = 800 × 550 px. It is shown at 360–800 px
# wide, so fonts are large for their size.
_SIZE_INCHES = (8, 5.5)
_DPI = 100
_FONT = 15
_FONT_SMALL = 14

# Okabe–Ito colours (safe for colour-blind readers); colour is never the only
# signal: each activity answer has its own row, marker shape and label.
_INK = "#222222"
_GRID = "#dddddd"
_PAIN_DOT = "#0072B2"  # blue
_MEAN_LINE = "#000000"
_BAND_FILL = "#009E73"  # bluish green, drawn light
_BAND_LINE = "#00694D"
_MARKER_LINE = "#777777"
_MINUTES_BAR = "#c9c9c9"
_MUTED = "#666666"
_MINUTES_MIN_TOP = 60  # the active-minutes axis runs to at least an hour
_PNG_COMPRESSION = 1  # zlib level: the palette PNG is hardly smaller at higher levels
_FRAMES_KEPT = 16  # frames kept per process (about 5 MB each); the least recently used go
_FUNCTION_STYLE = {  # answer: (row, marker, colour)
    Function.YES: (2, "o", "#009E73"),
    Function.PARTLY: (1, "D", "#E69F00"),
    Function.NO: (0, "X", "#D55E00"),
}


# The frames of this process by layout, oldest use first. matplotlib is not
# thread-safe, so a chart is drawn under the lock.
_frames: dict[_Layout, _Frame] = {}
_frames_lock = threading.Lock()


@dataclass(frozen=True)
class _Row:
    day: dt.date
    pain: int
    function: str
    bed_rest: bool
    active_minutes: int | None


def progress_chart(*, episode: Episode, today: dt.date) -> bytes:
    """The progress chart as PNG bytes, from the cache when the data is unchanged.

    The key holds everything the picture depends on: the episode and its data
    version (``data_changed_at``, bumped on every change of entries or red flags),
    its onset, the day, the language of the labels and the rules version.
    """
    key = ":".join(
        (
            "progress-chart",
            str(episode.pk),
            f"{episode.data_changed_at.timestamp():.6f}",
            episode.onset.isoformat(),
            today.isoformat(),
            translation.get_language() or "-",
            engine.RULES_VERSION,
        )
    )
    png = cache.get(key)
    if png is None:
        png = progress_chart_png(episode=episode, today=today)
        cache.set(key, png, CACHE_TIMEOUT)
    return png


def progress_chart_png(*, episode: Episode, today: dt.date) -> bytes:
    """Draw the progress chart of one episode as of ``today`` (one query).

    Everything that does not depend on the diary itself (the axes with their
    ticks and labels, the legends, the layout) is drawn once per layout and kept in
    this process as a picture, a :class:`_Frame`. A chart restores that picture
    and draws the diary on it, with the week markers and the axes whose scale
    follows the diary (matplotlib's blitting): about a fifth of the work of
    drawing the whole figure.
    """
    chart = _chart(_rows(episode, today), onset=min(episode.onset, today), today=today)
    with _frames_lock:
        frame = _frames.pop(chart.layout, None)
        if frame is None:
            frame = _Frame(chart.layout)
            while len(_frames) >= _FRAMES_KEPT:
                _frames.pop(next(iter(_frames)))  # the least recently used
        _frames[chart.layout] = frame
        return frame.png(chart)


@dataclass(frozen=True)
class _Layout:
    """What the frame of a chart depends on: charts with equal layouts share a frame."""

    language: str
    x_axis_in_frame: bool  # the first six weeks: the common x-axis is in the picture
    minutes_digits: int  # the room kept for the active-minutes labels
    has_rows: bool
    has_mean: bool
    has_band: bool
    has_minutes: bool


@dataclass(frozen=True)
class _Chart:
    """One chart: its layout, its x-axis and the diary's points, in weeks since onset."""

    layout: _Layout
    x_min: float
    x_max: float
    show_second_marker: bool
    pain: tuple[tuple[float, int], ...]
    mean: tuple[tuple[float, float], ...]
    band: tuple[list[float], list[float], list[float], list[float]] | None
    minutes: tuple[tuple[float, int], ...]
    minutes_top: float
    answers: dict[str, list[float]]


def _chart(rows: list[_Row], *, onset: dt.date, today: dt.date) -> _Chart:
    def weeks(day: dt.date) -> float:
        return (day - onset).days / 7

    today_weeks = weeks(today)
    show_second_marker = today_weeks >= _SHOW_SECOND_MARKER_FROM_WEEKS
    x_max = max(math.ceil(today_weeks), _FIRST_MARKER_WEEKS) + _MARGIN_WEEKS
    if show_second_marker:
        x_max = max(x_max, _SECOND_MARKER_WEEKS + _MARGIN_WEEKS)
    x_min = min([0.0] + [weeks(row.day) for row in rows]) + _FIRST_WEEKS[0]

    band = _band(rows, onset, today, x_max) if rows else None
    mean: tuple[tuple[float, float], ...] = ()
    if rows:
        mean_days, means = _rolling_means(rows, today)
        mean = tuple((weeks(day), m) for day, m in zip(mean_days, means, strict=True))
    minutes = tuple((weeks(row.day), row.active_minutes) for row in rows if row.active_minutes)
    minutes_top = max([_MINUTES_MIN_TOP] + [m for _, m in minutes]) * 1.05
    layout = _Layout(
        language=translation.get_language() or "-",
        x_axis_in_frame=(x_min, x_max) == _FIRST_WEEKS,
        minutes_digits=len(str(int(minutes_top))),
        has_rows=bool(rows),
        has_mean=any(not math.isnan(m) for _, m in mean),
        has_band=band is not None,
        has_minutes=bool(minutes),
    )
    return _Chart(
        layout=layout,
        x_min=x_min,
        x_max=x_max,
        show_second_marker=show_second_marker,
        pain=tuple((weeks(row.day), row.pain) for row in rows),
        mean=mean,
        band=band,
        minutes=minutes,
        minutes_top=minutes_top,
        answers={
            answer: [weeks(row.day) for row in rows if row.function == answer]
            for answer in _FUNCTION_STYLE
        },
    )


class _Frame:
    """The figure of one :class:`_Layout` without the diary, drawn once, and the
    picture of it that every chart of this layout starts from."""

    def __init__(self, layout: _Layout):
        # Imported here, not at module level: importing matplotlib takes ~0.5 s.
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        from matplotlib.ticker import MaxNLocator
        from matplotlib.transforms import offset_copy

        fig = Figure(figsize=_SIZE_INCHES, dpi=_DPI, facecolor="white", layout="constrained")
        self.canvas = FigureCanvasAgg(fig)
        fig.get_layout_engine().set(w_pad=0.04, h_pad=0.04, hspace=0.02)
        pain_ax, activity_ax = fig.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": (2, 1)}
        )
        minutes_ax = activity_ax.twinx()
        activity_ax.set_zorder(minutes_ax.get_zorder() + 1)  # answers drawn over the bars
        activity_ax.patch.set_visible(False)
        self.pain_ax, self.activity_ax, self.minutes_ax = pain_ax, activity_ax, minutes_ax

        # The week markers are drawn with the diary, and so are the x-axes (weeks
        # since onset) of a chart longer than six weeks (``animated``: not in the
        # picture), so that charts of every length share a frame. The frame is laid
        # out with the first six weeks and the 6-week label.
        self.layout = layout
        pain_ax.set_xlim(*_FIRST_WEEKS)
        self.kept = [minutes_ax.yaxis]  # drawn on every chart (see the bottom panel)
        if not layout.x_axis_in_frame:
            self.kept += [pain_ax.xaxis, activity_ax.xaxis]
        for artist in self.kept:
            artist.set_animated(True)
        # Room for the marker label in the layout, nothing of it in the picture.
        layout_label = _annotate_marker(pain_ax, _FIRST_MARKER_WEEKS, gettext("6 weken"))
        layout_label.set_animated(True)

        # Top panel: pain per day, the 7-day mean and the typical course.
        pain_ax.set_ylim(-0.4, 10.4)
        pain_ax.set_yticks(range(0, 11, 2))
        pain_ax.set_ylabel(gettext("Pijn (0–10)"), fontsize=_FONT, color=_INK)
        pain_ax.grid(axis="y", color=_GRID, linewidth=0.8)
        pain_ax.set_axisbelow(True)
        if layout.has_rows:
            handles: list[object] = [
                Line2D([], [], marker="o", linestyle="", color=_PAIN_DOT, markersize=8)
            ]
            labels = [gettext("Pijn per dag")]
            if layout.has_mean:
                handles.append(Line2D([], [], color=_MEAN_LINE, linewidth=3))
                labels.append(gettext("Gemiddelde 7 dagen"))
            if layout.has_band:
                handles.append(
                    (
                        Patch(facecolor=_BAND_FILL, alpha=0.2, linewidth=0),
                        Line2D([], [], color=_BAND_LINE, linestyle="--", linewidth=2),
                    )
                )
                labels.append(gettext("Gebruikelijk verloop"))
            pain_ax.legend(
                handles,
                labels,
                loc="lower center",
                bbox_to_anchor=(0.5, 1.08),
                ncol=3,
                frameon=False,
                fontsize=_FONT,
                handlelength=1.5,
                handletextpad=0.4,
                columnspacing=1.0,
                borderaxespad=0,
            )
        else:
            pain_ax.text(
                0.5,
                0.5,
                gettext("Nog geen registraties"),
                transform=pain_ax.transAxes,
                ha="center",
                va="center",
                fontsize=_FONT + 4,
                color=_INK,
            )

        # Bottom panel: daily activities (a row, a marker shape and a colour per
        # answer) over the active minutes (bars on a twin axis).
        # The scale of the active minutes is the diary's, so its axis is drawn
        # with the diary; the frame is laid out for labels of as many digits.
        minutes_ax.set_ylim(0, 10**layout.minutes_digits - 1)
        minutes_ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        minutes_ax.tick_params(colors=_MUTED)
        minutes_ax.spines["right"].set_color(_MUTED)

        # Each row is labelled with its answer and its marker: the labels are the legend.
        row_key = offset_copy(activity_ax.get_yaxis_transform(), fig=fig, x=-8, units="points")
        for row_y, marker, colour in _FUNCTION_STYLE.values():
            activity_ax.scatter(
                [0], [row_y], marker=marker, s=50, color=colour, transform=row_key, clip_on=False
            )
        activity_ax.set_title(
            gettext("Dagelijkse activiteiten gedaan?"),
            loc="left",
            fontsize=_FONT_SMALL,
            color=_INK,
            pad=4,
        )
        if layout.has_minutes:
            activity_ax.legend(
                [Patch(facecolor=_MINUTES_BAR, linewidth=0)],
                [gettext("actieve minuten")],
                loc="lower right",
                bbox_to_anchor=(1, 1),
                frameon=False,
                fontsize=_FONT_SMALL,
                handlelength=1.0,
                handletextpad=0.4,
                borderaxespad=0,
                borderpad=0.1,
            )
        activity_ax.set_ylim(-0.6, 2.6)
        activity_ax.set_yticks([style[0] for style in _FUNCTION_STYLE.values()])
        activity_ax.set_yticklabels([str(answer.label) for answer in _FUNCTION_STYLE])
        activity_ax.tick_params(axis="y", length=0, pad=17)
        activity_ax.grid(axis="y", color=_GRID, linewidth=0.8)
        activity_ax.set_xlabel(
            gettext("Weken sinds het begin van de rugpijn"), fontsize=_FONT, color=_INK
        )
        activity_ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))

        for ax in (pain_ax, activity_ax, minutes_ax):
            ax.tick_params(labelsize=_FONT_SMALL, labelcolor=_INK)
            ax.spines["top"].set_visible(False)
        pain_ax.spines["right"].set_visible(False)
        activity_ax.spines["left"].set_visible(False)

        # One full draw lays the figure out (constrained layout) and paints the
        # frame; after it the layout is fixed and the picture kept.
        self.canvas.draw()
        fig.set_layout_engine("none")
        layout_label.remove()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def png(self, chart: _Chart) -> bytes:
        """The frame's picture with ``chart``'s diary drawn on it, as PNG bytes."""
        from PIL import Image

        pain_ax, activity_ax, minutes_ax = self.pain_ax, self.activity_ax, self.minutes_ax
        if not self.layout.x_axis_in_frame:
            pain_ax.set_xlim(chart.x_min, chart.x_max)  # shared by the bottom panel
        minutes_ax.set_ylim(0, chart.minutes_top)
        drawn = []  # this chart's artists: always removed again, so none reaches the next
        try:
            self._add_diary(chart, drawn)
            self.canvas.restore_region(self.background)
            for ax in (minutes_ax, activity_ax, pain_ax):
                artists = [a for a in drawn + self.kept if a.axes is ax]
                for artist in sorted(artists, key=lambda a: a.get_zorder()):
                    ax.draw_artist(artist)
        finally:
            for artist in drawn:
                artist.remove()
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer(
            "RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        # With a palette of 256 colours the chart looks the same (no pixel of the
        # charts tried was off by more than 6 %), and the PNG is less than half the
        # size (about 20 kB) and encoded in half the time.
        palette = image.convert("RGB").quantize(
            256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        buffer = io.BytesIO()
        palette.save(buffer, format="png", compress_level=_PNG_COMPRESSION)
        return buffer.getvalue()

    def _add_diary(self, chart: _Chart, drawn: list) -> None:
        """Add ``chart``'s artists to the axes, each also to ``drawn``."""
        from matplotlib.collections import PolyCollection

        pain_ax, activity_ax, minutes_ax = self.pain_ax, self.activity_ax, self.minutes_ax
        # The week markers: over the band, under the points.
        markers = [(_FIRST_MARKER_WEEKS, gettext("6 weken"))]
        if chart.show_second_marker:
            markers.append((_SECOND_MARKER_WEEKS, gettext("12 weken")))
        for position, label in markers:
            for ax in (pain_ax, activity_ax):
                drawn.append(
                    ax.axvline(
                        position, color=_MARKER_LINE, linestyle=":", linewidth=1.5, zorder=1.5
                    )
                )
            drawn.append(_annotate_marker(pain_ax, position, label))
        if chart.minutes:
            # One collection of rectangles instead of ax.bar's one artist per day.
            half = 0.4 / 7  # bars 0.8 day wide
            bars = [
                [(x - half, 0), (x - half, m), (x + half, m), (x + half, 0)]
                for x, m in chart.minutes
            ]
            drawn.append(
                minutes_ax.add_collection(
                    PolyCollection(bars, facecolors=_MINUTES_BAR, linewidths=0), autolim=False
                )
            )
        for answer, (row_y, marker, colour) in _FUNCTION_STYLE.items():
            xs = chart.answers[answer]
            drawn.append(
                activity_ax.scatter(
                    xs,
                    [row_y] * len(xs),
                    marker=marker,
                    s=36,
                    color=colour,
                    linewidths=0,
                    zorder=3,
                )
            )
        if chart.band is not None:
            xs, faster, typical, slower = chart.band
            drawn.append(
                pain_ax.fill_between(xs, faster, slower, color=_BAND_FILL, alpha=0.2, linewidth=0)
            )
            drawn.extend(pain_ax.plot(xs, typical, color=_BAND_LINE, linestyle="--", linewidth=2))
        if chart.pain:
            xs, pains = zip(*chart.pain, strict=True)
            drawn.append(
                pain_ax.scatter(xs, pains, s=30, color=_PAIN_DOT, alpha=0.8, linewidths=0, zorder=3)
            )
        if chart.mean:
            xs, means = zip(*chart.mean, strict=True)
            drawn.extend(pain_ax.plot(xs, means, color=_MEAN_LINE, linewidth=3, zorder=4))


def _annotate_marker(ax, position: float, label: str):
    """The label of a week marker, just above the top panel."""
    return ax.annotate(
        label,
        xy=(position, 1),
        xycoords=("data", "axes fraction"),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=_FONT_SMALL,
        color=_INK,
    )


def trend_in_words(*, episode: Episode, today: dt.date) -> str:
    """The chart as plain text (its text alternative), recomputed from the diary as
    of ``today`` with the engine (one query)."""
    rows = _rows(episode, today)
    if not rows:
        return gettext(
            "U heeft nog geen dagen ingevuld. Vul elke dag uw dagboek in; "
            "dan ziet u hier hoe uw rugpijn verloopt."
        )
    onset = min(episode.onset, today)
    entries = _day_entries(rows)
    assessment = engine.assess(onset=onset, today=today, entries=entries)
    baseline, mean_7d = assessment.baseline, assessment.mean_7d
    sentences: list[str] = []

    if baseline is None:
        sentences.append(
            ngettext(
                "U heeft pas %(count)s dag ingevuld. Na 3 dagen ziet u hier hoe uw pijn verloopt.",
                "U heeft pas %(count)s dagen ingevuld. Na 3 dagen ziet u hier hoe uw pijn "
                "verloopt.",
                len(rows),
            )
            % {"count": len(rows)}
        )
    else:
        sentences.append(
            gettext("Aan het begin van uw dagboek was uw pijn gemiddeld %(baseline)s.")
            % {"baseline": _number(baseline)}
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
                % {"mean": _number(mean_7d)}
            )
            sentences.append(_change_sentence(baseline, mean_7d))
        baseline_weeks = engine.baseline_midpoint_weeks(onset=onset, today=today, entries=entries)
        today_weeks = (today - onset).days / 7
        # Before the middle of the baseline week the typical course is the baseline itself.
        if baseline_weeks is not None and today_weeks > baseline_weeks:
            _, typical, _ = engine.expected_course(
                baseline=baseline, baseline_weeks=baseline_weeks, weeks=today_weeks
            )
            sentences.append(
                gettext("Bij het gebruikelijke verloop zou uw pijn nu rond %(expected)s liggen.")
                % {"expected": _number(typical)}
            )

    sentences.append(_activities_sentence(rows, today))
    return " ".join(sentence for sentence in sentences if sentence)


# Helpers.


def _rows(episode: Episode, today: dt.date) -> list[_Row]:
    """The diary up to and including ``today``, oldest first: one query."""
    values = (
        episode.entries.filter(day__lte=today)
        .order_by("day")
        .values_list("day", "pain", "function", "bed_rest", "active_minutes")
    )
    return [_Row(*value) for value in values]


def _day_entries(rows: list[_Row]) -> list[engine.DayEntry]:
    return [engine.DayEntry(row.day, row.pain, row.function, row.bed_rest) for row in rows]


def _rolling_means(rows: list[_Row], today: dt.date) -> tuple[list[dt.date], list[float]]:
    """M7 for every day from the first entry to ``today`` (engine.daily_means); NaN
    (a gap in the line) where the 7 days ending that day hold fewer than 4 entries."""
    means = engine.daily_means(_day_entries(rows), last=today)
    return [day for day, _ in means], [math.nan if mean is None else mean for day, mean in means]


def _band(
    rows: list[_Row], onset: dt.date, today: dt.date, x_max: float
) -> tuple[list[float], list[float], list[float], list[float]] | None:
    """The typical course scaled to the patient's baseline (engine.expected_course),
    from the middle of the baseline window to the right edge; None without a
    baseline. Before the baseline there is nothing to scale to, so none is drawn."""
    entries = _day_entries(rows)
    baseline = engine.assess(onset=onset, today=today, entries=entries).baseline
    baseline_weeks = engine.baseline_midpoint_weeks(onset=onset, today=today, entries=entries)
    if baseline is None or baseline_weeks is None:
        return None
    steps = 80
    xs = [baseline_weeks + (x_max - baseline_weeks) * n / steps for n in range(steps + 1)]
    curves = [
        engine.expected_course(baseline=baseline, baseline_weeks=baseline_weeks, weeks=x)
        for x in xs
    ]
    faster, typical, slower = (list(curve) for curve in zip(*curves, strict=True))
    return xs, faster, typical, slower


def _number(value: float) -> str:
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


def _activities_sentence(rows: list[_Row], today: dt.date) -> str:
    window_start = today - dt.timedelta(days=_WINDOW_DAYS - 1)
    week = [row for row in rows if row.day >= window_start]
    if not week:
        return gettext("U heeft de afgelopen 7 dagen niets ingevuld.")
    counts = Counter(row.function for row in week)
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


def outcomes_chart(*, clinic, rows, today: dt.date) -> bytes:
    """The clinic outcomes chart, cached per clinic, day and language."""
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
    """Bars: the share with a meaningful improvement and the share recovered by
    weeks 2, 4, 6 and 12 since onset; beside them the typical course (as the share
    of pain gone since onset) and the leaflet's expectation of 80–90 % within
    4–6 weeks, labelled as such."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=(8, 4.8), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    weeks = [row.week for row in rows]
    positions = list(range(len(rows)))
    width = 0.38

    def share(value: float | None) -> float:
        return 0.0 if value is None else value * 100

    improved = [share(row.improved_share) for row in rows]
    recovered = [share(row.recovered_share) for row in rows]
    axes.bar(
        [p - width / 2 for p in positions],
        improved,
        width,
        color=_PAIN_DOT,
        label=gettext("Duidelijk verbeterd"),
    )
    axes.bar(
        [p + width / 2 for p in positions],
        recovered,
        width,
        color=_BAND_FILL,
        hatch="//",
        edgecolor=_BAND_LINE,
        label=gettext("Hersteld"),
    )
    for p, a, b, row in zip(positions, improved, recovered, rows, strict=True):
        if row.eligible:
            axes.text(p - width / 2, a + 1.5, f"{a:.0f}%", ha="center", fontsize=_FONT_SMALL - 2)
            axes.text(p + width / 2, b + 1.5, f"{b:.0f}%", ha="center", fontsize=_FONT_SMALL - 2)
        else:
            axes.text(
                p, 3, gettext("nog geen"), ha="center", fontsize=_FONT_SMALL - 3, color=_MUTED
            )
    typical = [(1 - engine.expected_band(week)[1]) * 100 for week in weeks]
    axes.plot(
        positions,
        typical,
        color=_MEAN_LINE,
        linestyle="--",
        marker="s",
        label=gettext("Gebruikelijk verloop: deel van de pijn verdwenen"),
    )
    # The leaflet's 80–90 % within 4–6 weeks, between the 4- and 6-week bars.
    if 4 in weeks and 6 in weeks:
        left, right = weeks.index(4) - 0.5, weeks.index(6) + 0.5
        axes.add_patch(
            Rectangle(
                (left, 80),
                right - left,
                10,
                facecolor="none",
                edgecolor=_MARKER_LINE,
                hatch="..",
                label=gettext("Verwachting volgens de folder (80–90%, 4–6 weken)"),
            )
        )
    axes.set_xticks(positions, [gettext("week %(week)s") % {"week": week} for week in weeks])
    axes.set_ylim(0, 105)
    axes.set_ylabel(gettext("% van de episodes"), fontsize=_FONT_SMALL)
    axes.tick_params(labelsize=_FONT_SMALL)
    axes.grid(axis="y", color=_GRID)
    axes.set_axisbelow(True)
    axes.legend(loc="upper left", fontsize=_FONT_SMALL - 3, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
