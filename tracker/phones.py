"""Telephone numbers as patients and staff type them: Dutch (10 digits starting
with 0, e.g. 06-12345678 or 013-4683910, or a service number 0800/0900/0906/0909
with 4 or 7 more digits, as many GP posts have) or international (+ or 00, then
the country code and number: 8 to 15 digits, E.164). Stored as typed (trimmed);
``tel_uri`` makes the link target a phone can dial."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-./()]")
_SERVICE = ("0800", "0900", "0906", "0909")
_MESSAGE = _(
    "Vul een Nederlands telefoonnummer in (10 cijfers, bijvoorbeeld 06-12345678) of een "
    "internationaal nummer met + en landcode (bijvoorbeeld +32 470 12 34 56)."
)


def e164(value: str) -> str | None:
    """The number as +<country><number>, or None when it is not a number we can call."""
    compact = _SEPARATORS.sub("", value or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        digits = compact[1:]
        if not digits.isdigit() or digits.startswith("0"):
            return None
        if digits.startswith("31"):
            return f"+{digits}" if len(digits) == 11 else None  # +31 and 9 digits
        return f"+{digits}" if 8 <= len(digits) <= 15 else None
    if not compact.isdigit() or not compact.startswith("0") or compact.startswith("00"):
        return None
    if len(compact) == 10 or (compact[:4] in _SERVICE and len(compact) in (8, 11)):
        return "+31" + compact[1:]
    return None


def validate_phone(value: str) -> None:
    if value and e164(value) is None:
        raise ValidationError(_MESSAGE, code="invalid_phone")


def tel_uri(value: str) -> str | None:
    """A tel: link for the number, or None for an empty or unusable one."""
    number = e164(value)
    return f"tel:{number}" if number else None
