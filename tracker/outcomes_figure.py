"""The clinic outcomes figure: a PNG drawn with matplotlib, for staff."""

from __future__ import annotations

import datetime as dt
import io

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from advice import engine
from tracker.charts import BAND_FILL, BAND_LINE, GRID, MARK_LINE, MEAN_LINE, MUTED, PAIN_DOT

CACHE_TIMEOUT = 24 * 60 * 60  # seconds; ``today`` is part of the key anyway


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
