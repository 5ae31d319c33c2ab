"""Dates and numbers as a reader of the page's language expects them.

One rule each, used by the templates (``{% load formatting %}``: ``day``,
``number``, ``percent``), by the messages views write and by the exports:

- a day in a sentence is long, "dinsdag 1 december" (Tuesday 1 December); in a
  table it is short, "di 1 dec" (Tue 1 Dec). Month and day names are lower case
  in Dutch, as Dutch writes them. The year is added only when it is not this
  year's; a moment adds its time, "di 1 dec 14:05".
- a decimal has one digit after the separator, the separator of the language:
  "4,5" in Dutch, "4.5" in English.
- a percentage is a whole number with ``%`` straight after it, in prose and in
  tables alike: "25%", and "+25%" or "−25%" for a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import dateformat, timezone, translation
from django.utils.formats import date_format, number_format

# Django's date format characters: l = weekday, D = weekday (3 letters), j = day,
# F = month, b = month (3 letters, lower case), M = month (3 letters, capitalised).
_FORMATS = {
    "nl": {"long": "l j F", "short": "D j b"},
    "en": {"long": "l j F", "short": "D j M"},
}
STYLES = ("long", "short")
MINUS = "\N{MINUS SIGN}"


def _language() -> str:
    language = (translation.get_language() or "nl").split("-")[0]
    return language if language in _FORMATS else "nl"


def format_day(value: dt.date | dt.datetime | None, style: str = "long", *, today=None) -> str:
    """A day (or a moment) in the active language: "dinsdag 1 december" (long) or
    "di 1 dec" (short), with the year when it is not this year's; a moment gets
    its local time after it. Empty for None."""
    if value is None or value == "":
        return ""
    if style not in STYLES:
        style = "long"
    today = today or timezone.localdate()
    moment = isinstance(value, dt.datetime)
    if moment and timezone.is_aware(value):
        value = timezone.localtime(value)
    pattern = _FORMATS[_language()][style]
    if value.year != today.year:
        pattern += " Y"
    if moment:
        pattern += ", H:i" if style == "long" else " H:i"
    return dateformat.format(value, pattern)


def day_labels(style: str = "short", *, today=None) -> Callable[[dt.date], str]:
    """format_day for many days at once (a table of half a year): the day and
    month names of the language are looked up once, not once per day."""
    today = today or timezone.localdate()
    pattern = _FORMATS[_language()][style if style in STYLES else "long"]
    weekday_code, _day_code, month_code = pattern.split()
    monday = dt.date(2024, 1, 1)  # a Monday in January
    weekdays = [dateformat.format(monday + dt.timedelta(days=n), weekday_code) for n in range(7)]
    months = [""] + [dateformat.format(dt.date(2024, n, 1), month_code) for n in range(1, 13)]

    def label(day: dt.date) -> str:
        text = f"{weekdays[day.weekday()]} {day.day} {months[day.month]}"
        return text if day.year == today.year else f"{text} {day.year}"

    return label


def local_day(value: dt.date | dt.datetime | None) -> dt.date | None:
    """The local day of a moment; a day stays as it is."""
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def format_number(value: float | int | None, digits: int = 1, *, signed: bool = False) -> str:
    """A decimal with ``digits`` digits after the separator of the language
    ("4,5"); ``signed`` writes a change with + or − ("+2,0", "−1,5", "0,0").
    Empty for None."""
    if value is None or value == "":
        return ""
    rounded = round(float(value), digits)
    if not signed:
        return number_format(rounded, decimal_pos=digits)
    sign = "+" if rounded > 0 else MINUS if rounded < 0 else ""
    return sign + number_format(abs(rounded), decimal_pos=digits)


def format_date(value: dt.date | dt.datetime) -> str:
    """A date with its year, for print ("3 december 2026"); a moment by its local day."""
    return date_format(local_day(value), "j F Y")


def format_percent(value: float | int | None, *, signed: bool = False) -> str:
    """A whole percentage with the sign straight after it ("25%"); ``signed``
    adds + or − ("+25%", "−25%"). Empty for None."""
    if value is None or value == "":
        return ""
    whole = round(float(value))
    sign = ""
    if signed and whole > 0:
        sign = "+"
    elif whole < 0:
        sign = MINUS
    return f"{sign}{number_format(abs(whole))}%"
