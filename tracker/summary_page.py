"""The one-page summary drawn: A4 portrait with matplotlib, the fonts embedded
as TrueType (``tracker.summary`` gathers what it shows and keeps the file).

matplotlib is imported only when a page is drawn: importing it takes ~0.5 s.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

from django.utils.translation import gettext, ngettext

from tracker import charts, queries
from tracker.formatting import format_date, format_number, format_percent

if TYPE_CHECKING:
    from tracker.summary import Summary

A4_INCHES = (8.27, 11.69)
_MARGIN = 0.75  # inches, left and right
_TOP = 0.7
_BODY = 10  # points
_LIST_LIMIT = 7  # lines per list; more are summed up in one line
_CHART_MAX, _CHART_MIN = 3.9, 2.4  # inches
_FOOTER_TOP = A4_INCHES[1] - 0.85  # inches from the top


def draw(summary: Summary) -> bytes:
    """One A4 page, as PDF bytes. The same summary gives the same bytes.

    The sections under the chart are measured first: the chart takes the room
    they leave (between 2.4 and 3.9 inches), and when even that is too little the
    text is set a point smaller, so everything fits on the one page."""
    # Imported here, not at module level: importing matplotlib takes ~0.5 s.
    from matplotlib import rc_context
    from matplotlib.backends.backend_pdf import FigureCanvasPdf
    from matplotlib.figure import Figure

    size, chart_height = _BODY, _CHART_MAX
    for size in (_BODY, _BODY - 1, _BODY - 2):
        measure = _Page(None, size=size)
        _header(measure, summary)
        below_header = measure.y
        _sections(measure, summary)
        room = _FOOTER_TOP - (measure.y - below_header) - below_header
        chart_height = min(_CHART_MAX, room)
        if chart_height >= _CHART_MIN:
            break
    chart_height = max(chart_height, _CHART_MIN)

    with rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans", "font.size": size}):
        figure = Figure(figsize=A4_INCHES)
        FigureCanvasPdf(figure)
        page = _Page(figure, size=size)
        _header(page, summary)
        page.chart(summary, height=chart_height)
        _sections(page, summary)
        page.footer(
            gettext(
                "Herstelpad stelt geen diagnose. De patiënt vult dagelijks de gemiddelde pijn "
                "van de afgelopen 24 uur in (0–10). Het gebruikelijke verloop is het gemiddelde "
                "van grote groepen mensen met rugpijn, geen voorspelling."
            )
        )
        buffer = io.BytesIO()
        figure.savefig(
            buffer,
            format="pdf",
            metadata={
                "Title": gettext("Samenvatting Herstelpad"),
                "Creator": "Herstelpad",
                "Producer": None,
                "CreationDate": None,
            },
        )
    return buffer.getvalue()


def _header(page: _Page, summary: Summary) -> None:
    """The title and whose diary it is."""
    page.line(gettext("Samenvatting voor uw huisarts / fysiotherapeut"), size=17, bold=True)
    page.line(
        gettext("Lage rugpijn: het dagboek van %(patient)s (geboren %(year)s) in Herstelpad")
        % {"patient": summary.patient, "year": summary.year_of_birth},
        size=page.size + 1,
    )
    page.line(
        gettext("Gemaakt op %(today)s. %(closed)s")
        % {"today": format_date(summary.today), "closed": summary.closed},
        size=page.size - 1,
        color=charts.MUTED,
    )
    page.space(0.1)


def _sections(page: _Page, summary: Summary) -> None:
    page.heading(gettext("Kerncijfers"))
    for label, value in _key_figures(summary):
        page.pair(label, value)

    page.heading(gettext("Huidig advies"))
    page.pair(gettext("Advies"), summary.advice)
    if summary.reasons:
        page.pair(gettext("Waarom"), "; ".join(summary.reasons))
    page.pair(
        gettext("Adviesregels"),
        gettext("versie %(version)s, beoordeeld op %(day)s")
        % {
            "version": summary.rules_version or "–",
            "day": format_date(summary.assessed_on) if summary.assessed_on else "–",
        },
    )
    if summary.changes:
        page.pair(
            gettext("Veranderd"),
            "; ".join(f"{n}. {day}: {advice}" for n, _w, day, advice in summary.changes[-4:]),
        )

    page.heading(gettext("Alarmsignalen"))
    page.items(summary.red_flags, empty=gettext("Geen alarmsignalen gemeld."))
    page.heading(gettext("Risicofactoren: met ja beantwoord"))
    page.items(summary.risk_factors, empty=gettext("Geen enkele met ja beantwoord."))
    page.heading(gettext("Doelen van de patiënt (0 = geen probleem, 10 = onmogelijk)"))
    page.items(summary.goals, empty=gettext("Geen doelen gekozen."))

    page.heading(gettext("Praktijk"))
    page.line(
        ", ".join(part for part in (summary.clinic, summary.clinic_address) if part)
        + " · "
        + gettext("Telefoon: %(phone)s") % {"phone": summary.clinic_phone}
    )


def _key_figures(summary: Summary) -> list[tuple[str, str]]:
    figures = [
        (
            gettext("Begin van de rugpijn"),
            gettext("%(day)s (nu week %(week)s)")
            % {"day": format_date(summary.onset), "week": summary.week},
        ),
    ]
    if summary.first_day is None:
        figures.append((gettext("Dagen ingevuld"), gettext("nog geen")))
        return figures
    figures.append(
        (
            gettext("Dagen ingevuld"),
            ngettext(
                "%(count)s van %(span)s dag, %(first)s tot %(last)s",
                "%(count)s van %(span)s dagen, %(first)s tot %(last)s",
                summary.days_span,
            )
            % {
                "count": summary.days_logged,
                "span": summary.days_span,
                "first": format_date(summary.first_day),
                "last": format_date(summary.last_day),
            },
        )
    )
    figures.append(
        (
            gettext("Startwaarde"),
            gettext("%(value)s (gemiddelde pijn van de eerste week)")
            % {"value": format_number(summary.baseline)}
            if summary.baseline is not None
            else gettext("nog niet bekend (minder dan 3 dagen ingevuld)"),
        )
    )
    figures.append(
        (
            gettext("Gemiddelde 7 dagen"),
            format_number(summary.mean_7d)
            if summary.mean_7d is not None
            else gettext("niet bekend (minder dan 4 dagen ingevuld in de laatste 7 dagen)"),
        )
    )
    if summary.baseline is not None and summary.mean_7d is not None:
        points = summary.mean_7d - summary.baseline
        percent = queries.change_percent(summary.baseline, summary.mean_7d)
        value = gettext("%(points)s punten") % {"points": format_number(points, signed=True)}
        if percent is not None:
            value += f" ({format_percent(percent, signed=True)})"
        figures.append((gettext("Verandering"), value))
    return figures


class _Page:
    """Text and the chart placed from the top of the page down, in inches. Without
    a figure it only measures: ``y`` grows as if the text were drawn."""

    def __init__(self, figure, *, size: float = _BODY):
        self.figure = figure
        self.size = size
        self.width, self.height = A4_INCHES
        self.y = _TOP  # from the top

    def _text(
        self, x: float, text: str, *, size: float, bold: bool = False, color=None, ha="left"
    ) -> None:
        if self.figure is None:
            return
        self.figure.text(
            x / self.width,
            1 - self.y / self.height,
            text,
            fontsize=size,
            fontweight="bold" if bold else "normal",
            color=color or charts.INK,
            va="top",
            ha=ha,
            parse_math=False,  # text as typed: "$5 per uur" is not a formula
        )

    def _advance(self, size: float) -> None:
        self.y += size * 1.45 / 72

    def space(self, inches: float) -> None:
        self.y += inches

    def line(self, text: str, *, size: float | None = None, bold: bool = False, color=None) -> None:
        size = size or self.size
        for part in _wrap(text, size, self.width - 2 * _MARGIN):
            self._text(_MARGIN, part, size=size, bold=bold, color=color)
            self._advance(size)

    def heading(self, text: str) -> None:
        self.y += 0.1
        self.line(text, size=self.size + 2, bold=True)
        self.y += 0.02

    def pair(self, label: str, value: str) -> None:
        """A label in the left column, its value (wrapped) in the right."""
        label_width = 1.9
        self._text(_MARGIN, label, size=self.size, color=charts.MUTED)
        for part in _wrap(value, self.size, self.width - 2 * _MARGIN - label_width):
            self._text(_MARGIN + label_width, part, size=self.size)
            self._advance(self.size)

    def items(self, items: tuple[tuple[str, str], ...], *, empty: str) -> None:
        if not items:
            self.line(empty)
            return
        shown = items if len(items) <= _LIST_LIMIT else items[: _LIST_LIMIT - 1]
        for text, when in shown:
            self.line(f"• {text} ({when})")
        if len(shown) < len(items):
            self.line(gettext("… en nog %(count)s") % {"count": len(items) - len(shown)})

    def footer(self, text: str) -> None:
        self.y = _FOOTER_TOP + 0.1
        for part in _wrap(text, 8, self.width - 2 * _MARGIN):
            self._text(_MARGIN, part, size=8, color=charts.MUTED)
            self._advance(8)

    def chart(self, summary: Summary, *, height: float) -> None:
        """The course against the expected band, with a legend under it."""
        left, right = _MARGIN + 0.45, self.width - _MARGIN
        top = self.y + 0.2  # room for the week marks' labels
        bottom = self.y + height - 0.85  # room for the week labels, the axis title, the legend
        ax = self.figure.add_axes(
            (
                left / self.width,
                1 - bottom / self.height,
                (right - left) / self.width,
                (bottom - top) / self.height,
            )
        )
        ax.set_xlim(min([0.0] + [w for w, _ in summary.points]) - 0.3, summary.x_max)
        ax.set_ylim(-0.3, 10.3)
        ax.set_yticks(range(0, 11, 2))
        ax.set_ylabel(gettext("Pijn (0–10)"))
        ax.set_xlabel(gettext("Weken sinds het begin van de rugpijn"))
        ax.grid(axis="y", color=charts.GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.spines[["top", "right"]].set_visible(False)
        handles, labels = [], []
        if summary.band:
            weeks, faster, typical, slower = zip(*summary.band, strict=True)
            area = ax.fill_between(
                weeks, faster, slower, color=charts.BAND_FILL, alpha=0.2, linewidth=0
            )
            (line,) = ax.plot(weeks, typical, color=charts.BAND_LINE, linestyle="--", linewidth=1.5)
            handles.append((area, line))
            labels.append(gettext("Gebruikelijk verloop (sneller–langzamer)"))
        marks = [(charts.FIRST_MARK_WEEKS, gettext("6 weken"))]
        if summary.x_max >= charts.SECOND_MARK_WEEKS:
            marks.append((charts.SECOND_MARK_WEEKS, gettext("12 weken")))
        for weeks_at, label in marks:
            ax.axvline(weeks_at, color=charts.MARK_LINE, linestyle=":", linewidth=1)
            ax.annotate(
                label,
                (weeks_at, 1),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color=charts.MUTED,
            )
        for number, weeks_at, _day, _advice in summary.changes:
            ax.axvline(weeks_at, color=charts.CHANGE_MARK, linewidth=0.8)
            ax.text(
                weeks_at,
                9.6,
                str(number),
                ha="center",
                va="center",
                fontsize=7,
                fontweight="bold",
                color="white",
                bbox={"boxstyle": "circle,pad=0.25", "facecolor": charts.CHANGE_MARK, "lw": 0},
                zorder=5,
            )
        if summary.points:
            xs, pains = zip(*summary.points, strict=True)
            handles.append(
                ax.scatter(xs, pains, s=9, color=charts.PAIN_DOT, linewidths=0, zorder=3)
            )
            labels.append(gettext("Pijn per dag"))
        segments, current = [], []
        for weeks_at, mean in summary.means:
            if mean is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((weeks_at, mean))
        if current:
            segments.append(current)
        for segment in segments:
            xs, means = zip(*segment, strict=True)
            (mean_line,) = ax.plot(xs, means, color=charts.MEAN_LINE, linewidth=2.2, zorder=4)
        if segments:
            handles.append(mean_line)
            labels.append(gettext("Gemiddelde van 7 dagen"))
        if not summary.points:
            ax.text(0.5, 0.5, gettext("Nog geen registraties"), transform=ax.transAxes, ha="center")
        if handles:
            self.figure.legend(
                handles,
                labels,
                loc="upper center",
                bbox_to_anchor=((left + right) / 2 / self.width, 1 - (bottom + 0.5) / self.height),
                ncol=3,
                frameon=False,
                fontsize=9,
                handlelength=1.8,
            )
        self.y += height


def _wrap(text: str, size: float, width_inches: float) -> list[str]:
    """Lines of ``text`` that fit ``width_inches`` at ``size`` points (DejaVu Sans
    is about 0.55 em wide a character on average)."""
    per_line = max(20, int(width_inches * 72 / (size * 0.55)))
    return textwrap.wrap(text, per_line) or [""]
