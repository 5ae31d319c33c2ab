"""The advice a patient reads: a title and what to do for each level, whom to call
(with the numbers to tap), and why (one line per reason, from ``advice.words``).

Dutch source strings with an English translation (``locale/en``). No database
access: this module only needs Django settings, so it can be imported anywhere.
The clinical meaning of every level and reason is ``shared/clinical/RULES.md``;
the facts come from the FysioMaatwerk leaflet "Lage rugpijn" (000) and
"Lage rugpijn: een overzicht" (002). Patient texts are at B1 level and never
promise a recovery rate: "de meeste mensen gaan in de eerste weken flink vooruit".

Module-level texts are lazy, so they follow the active language; the functions
return plain strings in the language that is active when they are called
(``translation.override(lang)`` works).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from advice.codes import (
    EMERGENCY,
    FEW_ENTRIES,
    KEEP_MOVING,
    LEVELS,
    ON_TRACK,
    RECOVERED,
    RED_FLAG_PREFIX,
    SEE_GP,
    SEE_PHYSIO,
    SELF_MANAGE,
    TOO_FEW_ENTRIES,
    reason_level,
)
from advice.words import REASON_LINES, RED_FLAG_LINES, Lazy


class Clinic(Protocol):
    """What the advice needs of the patient's clinic (``tracker.models.Clinic``)."""

    name: str
    phone: str
    phone_uri: str | None
    gp_post_phone: str
    gp_post_phone_uri: str | None


class GP(Protocol):
    """What the advice needs of the patient's own GP practice (``tracker.models.Patient``)."""

    gp_name: str
    gp_phone: str
    gp_phone_uri: str | None


__all__ = [
    "ABOUT_THE_APP",
    "LEVEL_TITLES",
    "LEVEL_TONES",
    "URGENT_LEVELS",
    "Advice",
    "Call",
    "patient_advice",
    "patient_message",
    "reason_line",
]


# --- Patient: one headline per level ------------------------------------------------

LEVEL_TITLES: dict[str, Lazy] = {
    EMERGENCY: _("Bel nu uw huisarts of de huisartsenpost"),
    SEE_GP: _("Bel vandaag uw huisarts"),
    SEE_PHYSIO: _("Neem contact op met uw fysiotherapeut"),
    KEEP_MOVING: _("Blijf in beweging"),
    TOO_FEW_ENTRIES: _("Vul nog een paar dagen in"),
    ON_TRACK: _("U bent goed op weg"),
    SELF_MANAGE: _("Ga zelf verder met uw plan"),
    RECOVERED: _("Goed gedaan: u bent hersteld"),
}

# Bootstrap contextual colour per level. Never the only signal: the title says it.
LEVEL_TONES: dict[str, str] = {
    EMERGENCY: "danger",
    SEE_GP: "warning",
    SEE_PHYSIO: "warning",
    KEEP_MOVING: "info",
    TOO_FEW_ENTRIES: "info",
    ON_TRACK: "success",
    SELF_MANAGE: "info",
    RECOVERED: "success",
}

# Levels that need a doctor: shown as an alert (role="alert").
URGENT_LEVELS: frozenset[str] = frozenset({EMERGENCY, SEE_GP})

# --- Patient: what it means and what to do, per level --------------------------------
# SEE_PHYSIO is built in patient_advice(): it names the patient's own clinic.

# EMERGENCY and SEE_GP: the paragraph before the calls and the one after them.
_DOCTOR_BEFORE: dict[str, Lazy] = {
    EMERGENCY: _(
        "U heeft een klacht die kan wijzen op een ernstig probleem. Dat is zeldzaam, "
        "maar een arts moet er nu naar kijken."
    ),
    SEE_GP: _("U heeft een klacht waar een arts naar moet kijken. Laat het vandaag nog nakijken."),
}
_DOCTOR_AFTER: dict[str, Lazy] = {
    EMERGENCY: _("Wacht niet tot uw volgende afspraak bij de fysiotherapeut."),
    SEE_GP: _("Vertel uw fysiotherapeut wat de huisarts heeft gezegd."),
}
_GP_NOW = _("Bel nu uw huisarts.")
_GP_TODAY = _("Bel vandaag uw huisarts.")
_GP_POST_EMERGENCY = _(
    "Is de huisartspraktijk dicht, zoals 's avonds, 's nachts of in het weekend? Bel dan "
    "de huisartsenpost."
)
_GP_POST_SEE_GP = _(
    "Is de huisartspraktijk dicht en voelt u zich erg ziek? Bel dan de huisartsenpost."
)
_EMERGENCY_112 = _("Is het levensbedreigend? Bel dan 112.")

_LEVEL_PARAGRAPHS: dict[str, tuple[Lazy, ...]] = {
    KEEP_MOVING: (
        _(
            "Bewegen helpt uw rug te herstellen. Bewegen is niet schadelijk bij lage rugpijn, "
            "ook niet als het eerst pijn doet."
        ),
        _(
            "Blijf niet langer dan 2 dagen in bed. Te lang stil liggen of zitten maakt uw rug "
            "stijf en uw spieren zwakker."
        ),
        _("Wandel elke dag een stukje. Wissel vaak van houding en blijf niet te lang zitten."),
        _(
            "Pak uw gewone dagelijkse activiteiten weer op, zo nodig wat aangepast. "
            "Pijnstillers kunnen helpen om makkelijker te bewegen."
        ),
        _("Lukt dit niet of wordt de pijn erger? Neem dan contact op met uw fysiotherapeut."),
    ),
    TOO_FEW_ENTRIES: (
        _(
            "Om te zien hoe uw herstel gaat, zijn meer dagen nodig. Vul daarom elke dag in "
            "hoe het met uw rug gaat. Dat kost maar even."
        ),
        _("Als u minstens 4 dagen per week invult, kan Herstelpad laten zien of u vooruitgaat."),
        _("Blijf intussen in beweging. Dat helpt uw rug."),
    ),
    ON_TRACK: (
        _(
            "Uw dagboek laat geen reden zien om u zorgen te maken. De meeste mensen gaan in de "
            "eerste weken flink vooruit."
        ),
        _(
            "Ga zo door: blijf bewegen, wandel elke dag een stukje en pak uw gewone "
            "activiteiten weer op."
        ),
        _("Vul elke dag in hoe het gaat. Zo ziet u uw vooruitgang."),
    ),
    SELF_MANAGE: (
        _(
            "Uw rugpijn duurt nu langer dan 12 weken. Bij een kleine groep mensen gaat de pijn "
            "niet helemaal weg. U kunt er wel veel zelf aan doen."
        ),
        _(
            "Blijf in beweging en doe de oefeningen die u met uw fysiotherapeut heeft "
            "afgesproken. Bewegen is niet schadelijk voor uw rug."
        ),
        _(
            "Beweeg regelmatig en train uw buikspieren en rugspieren. Zo blijft u fit en wordt "
            "de kans kleiner dat de pijn erger wordt."
        ),
        _(
            "Neem contact op met uw fysiotherapeut als de pijn erger wordt of als u uw "
            "dagelijkse activiteiten niet meer kunt doen. Herstelpad laat het u dan ook weten."
        ),
    ),
    RECOVERED: (
        _(
            "U heeft weinig of geen pijn meer en u kunt uw dagelijkse activiteiten weer doen. "
            "Dat is mooi."
        ),
        _(
            "Rugpijn kan later terugkomen. Dat kunt u niet helemaal voorkomen, maar u kunt de "
            "kans wel kleiner maken."
        ),
        _("Beweeg regelmatig, zodat u fit blijft."),
        _("Train uw buikspieren en rugspieren."),
        _(
            "Vermijd zo veel mogelijk werk waarbij u veel moet bukken en draaien, of werk "
            "met trillingen."
        ),
    ),
}

_SEE_PHYSIO_INTRO = _(
    "Uw dagboek laat zien dat uw herstel niet gaat zoals verwacht. Schrik daar niet van, "
    "maar bespreek het wel met uw fysiotherapeut."
)
_SEE_PHYSIO_TOGETHER = _("Samen kijkt u wat u kunt doen om beter te herstellen.")
_SEE_PHYSIO_MEANWHILE = _("Blijf intussen zo goed als het gaat in beweging.")
# Shown when the advice is held: the reason no longer fired today.
_HELD_NOTE = _("Dit advies blijft een paar dagen staan, zodat u tijd heeft om contact op te nemen.")

# A 7-day mean needs 4 entries (advice.engine): before that, progress cannot be judged.
DAYS_FOR_PROGRESS = 4


def _days_still_needed(logged_days: int) -> str:
    """few_entries in the first week of a diary: no reproach, but how many days are
    still needed before progress can be judged."""
    left = max(DAYS_FOR_PROGRESS - logged_days, 1)
    return ngettext(
        "Na %(needed)s ingevulde dagen kan Herstelpad laten zien hoe uw herstel gaat. "
        "Nog %(left)s dag te gaan.",
        "Na %(needed)s ingevulde dagen kan Herstelpad laten zien hoe uw herstel gaat. "
        "Nog %(left)s dagen te gaan.",
        left,
    ) % {"needed": DAYS_FOR_PROGRESS, "left": left}


# --- Patient: what Herstelpad is and is not -----------------------------------------

ABOUT_THE_APP: tuple[Lazy, ...] = (
    _(
        "Herstelpad helpt u uw herstel van lage rugpijn bij te houden. U vult elke dag in "
        "hoeveel pijn u heeft en wat u kunt doen."
    ),
    _(
        "Herstelpad laat zien hoe uw herstel gaat en geeft advies uit de folder van "
        "FysioMaatwerk. Uw fysiotherapeut kijkt mee."
    ),
    _("Herstelpad stelt geen diagnose en vervangt geen huisarts of fysiotherapeut."),
    _("Twijfelt u of maakt u zich zorgen? Bel uw huisarts."),
    _("In een noodgeval belt u 112."),
)

# Read as short sentences about the patient ("kan dagelijkse activiteiten niet
# doen"), not as codes; their meaning is the rule's (shared/clinical/RULES.md).
# --- The advice as a value -----------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One number to call, in the order the patient should try them. ``line`` says
    when and whom; ``tel`` (a ``tel:`` link target) and ``phone`` are set only when
    the number is known: the app never invents one."""

    line: str
    who: str
    phone: str | None = None
    tel: str | None = None

    @property
    def button(self) -> str:
        """The text of the call button, e.g. "Bel FysioMaatwerk Tilburg: 013-4683910"."""
        return gettext("Bel %(who)s: %(phone)s") % {"who": self.who, "phone": self.phone}


@dataclass(frozen=True)
class Advice:
    """What the patient is told for one assessment, in the active language: the
    paragraphs before the calls, the calls, the paragraphs after them."""

    level: str
    title: str
    paragraphs: tuple[str, ...]
    reason_lines: tuple[str, ...]
    calls: tuple[Call, ...]
    after: tuple[str, ...]
    urgent: bool
    tone: str
    # The patient has not given their GP's number: the page offers to add it.
    gp_number_missing: bool = False


def reason_line(reason: str, *, logged_days: int | None = None) -> str:
    """One plain sentence for the patient about a reason that fired.
    ``logged_days``: see :func:`patient_advice`."""
    reason_level(reason)  # raises ValueError for an unknown reason
    if reason.startswith(RED_FLAG_PREFIX):
        return str(RED_FLAG_LINES[reason.removeprefix(RED_FLAG_PREFIX)])
    if reason == FEW_ENTRIES and logged_days is not None:
        return _days_still_needed(logged_days)
    return str(REASON_LINES[reason])


def patient_advice(
    level: str,
    reasons: Sequence[str],
    clinic: Clinic | None,
    held: Sequence[str] = (),
    gp: GP | None = None,
    *,
    logged_days: int | None = None,
) -> Advice:
    """The advice for ``level`` with one line per reason, in the order given, then
    one per held reason (a seek-help reason of the last days that keeps the advice
    standing, see ``advice.engine.HOLD_DAYS``).

    ``clinic`` is the patient's clinic (``name``, ``phone``, ``phone_uri``,
    ``gp_post_phone``, ``gp_post_phone_uri``) and ``gp`` the patient (``gp_name``,
    ``gp_phone``, ``gp_phone_uri``), either may be None. The calls name the
    physiotherapy clinic for ``see_physio``; the patient's own GP, the out-of-hours
    GP post and (for an emergency) 112 for the doctor levels, with a number only
    where one is known.

    ``logged_days`` is the number of days logged while the diary is in its first
    week (None later): then ``few_entries`` says how many days are still needed,
    not that too few were logged.
    """
    if level not in LEVELS:
        raise ValueError(f"level: unknown level {level!r}; known levels: {', '.join(LEVELS)}")
    reason_lines = tuple(
        reason_line(reason, logged_days=logged_days) for reason in (*reasons, *held)
    )
    calls: tuple[Call, ...] = ()
    after: tuple[str, ...] = ()
    gp_missing = False
    if level in (EMERGENCY, SEE_GP):
        paragraphs = (str(_DOCTOR_BEFORE[level]),)
        calls, gp_missing = _doctor_calls(level, clinic, gp)
        after = (str(_DOCTOR_AFTER[level]),)
    elif level == SEE_PHYSIO:
        paragraphs = (str(_SEE_PHYSIO_INTRO),)
        if clinic is not None:
            who = clinic.name
            line = gettext("Bel uw fysiotherapeut bij %(clinic)s.") % {"clinic": who}
            calls = (Call(line=line, who=who, phone=clinic.phone, tel=clinic.phone_uri),)
        else:
            calls = (
                Call(line=gettext("Bel uw fysiotherapeut."), who=gettext("uw fysiotherapeut")),
            )
        after = (
            str(_SEE_PHYSIO_TOGETHER),
            str(_SEE_PHYSIO_MEANWHILE),
            *((str(_HELD_NOTE),) if held else ()),
        )
    else:
        paragraphs = tuple(str(text) for text in _LEVEL_PARAGRAPHS[level])

    return Advice(
        level=level,
        title=str(LEVEL_TITLES[level]),
        paragraphs=paragraphs,
        reason_lines=reason_lines,
        calls=calls,
        after=after,
        urgent=level in URGENT_LEVELS,
        tone=LEVEL_TONES[level],
        gp_number_missing=gp_missing,
    )


def _doctor_calls(level: str, clinic, gp) -> tuple[tuple[Call, ...], bool]:
    """Whom to call for a doctor level: the patient's GP, the GP post, and 112 for
    an emergency. Returns the calls and whether the GP's number is missing."""
    gp_name = (gp.gp_name if gp is not None else "") or gettext("uw huisarts")
    gp_phone = gp.gp_phone if gp is not None else ""
    gp_call = Call(
        line=str(_GP_NOW if level == EMERGENCY else _GP_TODAY),
        who=gp_name,
        phone=gp_phone or None,
        tel=gp.gp_phone_uri if gp is not None and gp_phone else None,
    )
    post_phone = clinic.gp_post_phone if clinic is not None else ""
    post_call = Call(
        line=str(_GP_POST_EMERGENCY if level == EMERGENCY else _GP_POST_SEE_GP),
        who=gettext("de huisartsenpost"),
        phone=post_phone or None,
        tel=clinic.gp_post_phone_uri if clinic is not None and post_phone else None,
    )
    calls = [gp_call, post_call]
    if level == EMERGENCY:
        calls.append(Call(line=str(_EMERGENCY_112), who="112", phone="112", tel="tel:112"))
    return tuple(calls), not gp_phone


def patient_message(
    level: str,
    reasons: Sequence[str],
    clinic: Clinic | None,
    held: Sequence[str] = (),
    gp: GP | None = None,
    *,
    logged_days: int | None = None,
) -> str:
    """The advice as plain text: the title, the paragraphs, each call with its
    number where one is known, and the reasons. Stored in the assessment history
    as what the patient was told."""
    advice = patient_advice(level, reasons, clinic, held, gp, logged_days=logged_days)
    calls = [f"{call.line} {call.button}." if call.phone else call.line for call in advice.calls]
    parts = [advice.title, *advice.paragraphs, *calls, *advice.after]
    if advice.reason_lines:
        lines = "\n".join(f"- {line}" for line in advice.reason_lines)
        parts.append(gettext("Waarom dit advies:") + "\n" + lines)
    return "\n\n".join(parts)
