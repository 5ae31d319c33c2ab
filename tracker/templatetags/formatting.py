"""The template side of ``tracker.formatting``: one rule for days, decimals and
percentages on every page.

    {{ entry.day|day:"short" }}      di 1 dec
    {{ episode.onset|day }}          dinsdag 1 december
    {{ episode.mean_7d|number }}     4,5  (– when unknown)
    {{ change|percent:"+" }}         +25%
"""

from django import template

from tracker import formatting
from tracker.formatting import format_day, format_number, format_percent

register = template.Library()

UNKNOWN = "–"


@register.filter
def day(value, style: str = "long") -> str:
    """A day or a moment: ``long`` in sentences, ``short`` in tables."""
    return format_day(value, style)


@register.filter
def number(value, unknown: str = UNKNOWN) -> str:
    """One decimal in the page's language; ``unknown`` (–) when there is none."""
    return format_number(value) or unknown


@register.filter
def percent(value, sign: str = "") -> str:
    """A whole percentage, "25%"; with ``"+"`` a change, "+25%" or "−25%"; – when
    there is none."""
    return format_percent(value, signed=sign == "+") or UNKNOWN


@register.filter
def local_day(value):
    """The local day of a moment (for a sentence that needs no time)."""
    return formatting.local_day(value)
