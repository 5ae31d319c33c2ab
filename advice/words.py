"""The clinical words of Herstelpad, in Dutch with an English translation
(``locale/en``): what each level, reason, red flag, risk factor and answer is
called, the red-flag questions, the education for each risk factor, the patient's
line for each reason, and the physiotherapist's labels and one-line explanations.

Defined once, here, for every code of ``advice.codes``: the database's choices
(``tracker.models``), the advice texts (``advice.content``) and the pages use
them. The facts come from the leaflets ``000_2a37a9ca598844a5.txt`` ("Lage
rugpijn") and ``002_e84af0dd4cf431e7.txt`` ("Lage rugpijn: een overzicht"); the
rules behind the labels are docs/advice-rules.md. Needs only Django's
translation functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from advice.codes import (
    ACTIVITIES_FIRST_WEEK,
    BED_REST,
    CHRONIC_12W,
    DAILY_ACTIVITIES,
    EMERGENCY,
    FEW_ENTRIES,
    KEEP_MOVING,
    NO_PROGRESS_2W,
    NOT_IMPROVING,
    NOT_RECOVERED_6W,
    ON_TRACK,
    RECOVERED,
    RED_FLAG_PREFIX,
    SEE_GP,
    SEE_PHYSIO,
    SELF_MANAGE,
    TOO_FEW_ENTRIES,
    WORSENING,
    reason_level,
)

# A lazy translation: str() gives it in the active language.
Lazy = Any

__all__ = [
    "FUNCTION_LABELS",
    "LEVEL_LABELS",
    "REASON_LINES",
    "RED_FLAG_LABELS",
    "RED_FLAG_LINES",
    "RED_FLAG_QUESTIONS",
    "RISK_FACTOR_EDUCATION",
    "RISK_FACTOR_STATEMENTS",
    "STAFF_LEVEL_LABELS",
    "staff_held_label",
    "staff_reason_explanation",
    "staff_reason_label",
]

# --- What each code is called (the database's choices) -------------------------------

LEVEL_LABELS: dict[str, Lazy] = {
    EMERGENCY: _("spoed: huisarts nu"),
    SEE_GP: _("huisarts vandaag"),
    SEE_PHYSIO: _("contact fysiotherapeut"),
    KEEP_MOVING: _("blijf bewegen"),
    TOO_FEW_ENTRIES: _("te weinig dagen"),
    ON_TRACK: _("op koers"),
    SELF_MANAGE: _("zelfmanagement"),
    RECOVERED: _("hersteld"),
}

# "Could you do your usual daily activities today?"
FUNCTION_LABELS: dict[str, Lazy] = {
    "yes": _("ja"),
    "partly": _("gedeeltelijk"),
    "no": _("nee"),
}

# The red flags (leaflet 002), in the order of advice.codes.RED_FLAGS.
RED_FLAG_LABELS: dict[str, Lazy] = {
    "bladder_bowel": _("Problemen met plassen of ontlasting"),
    "sexual_function": _("Problemen met seksuele functies"),
    "saddle_numbness": _("Doof gevoel rond de geslachtsdelen of anus"),
    "leg_weakness": _("Minder gevoel en kracht in de benen"),
    "fever_unwell": _("Ziek voelen door de rugpijn, bijvoorbeeld koorts"),
    "cancer_history": _("Ouder dan 50, eerder kanker, pijn zonder duidelijke oorzaak"),
    "accident": _("Pijn begonnen na een ongeluk of val"),
}

# The five risk-factor statements (yellow flags, leaflet 000), as the patient reads them.
RISK_FACTOR_STATEMENTS: dict[str, Lazy] = {
    "serious_cause_belief": _("Ik denk dat er iets ernstigs met mijn rug aan de hand is."),
    "movement_harmful_belief": _(
        "Ik denk dat bewegen of in beweging komen slecht is voor mijn rug."
    ),
    "fear_avoidance": _("Ik vermijd activiteiten en rust veel, omdat ik bang ben voor de pijn."),
    "low_mood": _("Ik voel me somber of neerslachtig."),
    "heavy_work": _(
        "In mijn werk moet ik veel tillen, bukken of draaien, of heb ik te maken met trillingen."
    ),
}

# --- Patient: the red flags as yes/no questions, in RED_FLAGS order ------------------

RED_FLAG_QUESTIONS: dict[str, Lazy] = {
    "bladder_bowel": _(
        "Heeft u problemen met plassen of met de ontlasting, zoals moeite met plassen?"
    ),
    "sexual_function": _("Heeft u problemen bij seks, zoals minder gevoel tijdens seks?"),
    "saddle_numbness": _(
        "Voelt u minder of niets rond uw geslachtsdelen of anus, bijvoorbeeld bij het "
        "afvegen na de wc?"
    ),
    "leg_weakness": _("Heeft u minder gevoel en minder kracht in uw benen?"),
    "fever_unwell": _("Voelt u zich ziek door uw rugpijn, heeft u bijvoorbeeld koorts?"),
    "cancer_history": _(
        "Bent u ouder dan 50, had u eerder kanker, voelt u zich niet goed en heeft u pijn "
        "zonder duidelijke oorzaak?"
    ),
    "accident": _("Is uw pijn begonnen na een ongeluk of een val?"),
}

# --- Patient: one sentence per reason that fired ---------------------------------------

REASON_LINES: dict[str, Lazy] = {
    WORSENING: _(
        "Uw pijn is de afgelopen dagen duidelijk hoger dan aan het begin, of duidelijk hoger "
        "dan toen het beter ging."
    ),
    DAILY_ACTIVITIES: _("U kon een paar dagen achter elkaar uw dagelijkse activiteiten niet doen."),
    NOT_IMPROVING: _(
        "Uw pijn wordt minder snel minder dan bij de meeste mensen, ook als het herstel "
        "langzaam gaat."
    ),
    NOT_RECOVERED_6W: _(
        "Uw rugpijn begon 6 weken geleden of langer, en uw pijn is nog 5 of hoger."
    ),
    CHRONIC_12W: _(
        "Uw rugpijn duurt nu 12 weken. Dit is een goed moment om uw plan met uw "
        "fysiotherapeut te bespreken."
    ),
    ACTIVITIES_FIRST_WEEK: _(
        "U kon een paar dagen achter elkaar uw dagelijkse activiteiten niet doen. In de "
        "eerste week komt dat vaak voor."
    ),
    NO_PROGRESS_2W: _("Na 2 weken is uw pijn niet minder dan aan het begin."),
    BED_REST: _("U heeft een paar dagen achter elkaar in bed gelegen door uw rug."),
    FEW_ENTRIES: _("U heeft de afgelopen 7 dagen minder dan 4 dagen ingevuld."),
}

RED_FLAG_LINES: dict[str, Lazy] = {
    "bladder_bowel": _("U heeft problemen met plassen of met de ontlasting."),
    "sexual_function": _("U heeft problemen bij seks, zoals minder gevoel."),
    "saddle_numbness": _("U voelt minder of niets rond uw geslachtsdelen of anus."),
    "leg_weakness": _("U heeft minder gevoel en minder kracht in uw benen."),
    "fever_unwell": _("U voelt zich ziek door uw rugpijn, bijvoorbeeld met koorts."),
    "cancer_history": _(
        "U bent ouder dan 50, u had eerder kanker, u voelt zich niet goed en u heeft pijn "
        "zonder duidelijke oorzaak."
    ),
    "accident": _("Uw pijn begon na een ongeluk of een val."),
}

# --- Patient: education after a "yes" to a risk-factor statement (yellow flags) ------

RISK_FACTOR_EDUCATION: dict[str, Lazy] = {
    "serious_cause_belief": _(
        "Bij lage rugpijn is er bijna nooit een beschadiging van de rug of een hernia. "
        "Bij 9 van de 10 mensen is er geen duidelijke oorzaak te vinden, ook niet op een "
        "foto of scan. Er is dus meestal niets ernstigs aan de hand."
    ),
    "movement_harmful_belief": _(
        "Bewegen is niet schadelijk voor uw rug, ook niet als het eerst pijn doet. Pijn "
        "betekent niet dat u uw rug beschadigt. Bewegen kan uw herstel juist sneller maken."
    ),
    "fear_avoidance": _(
        "Te weinig bewegen maakt uw rug stijf en uw spieren zwakker. Blijf daarom niet "
        "langer dan 2 dagen in bed. Begin klein, bijvoorbeeld met elke dag een stukje "
        "wandelen."
    ),
    "low_mood": _(
        "Hoe u zich voelt, heeft invloed op uw herstel. Praat erover met uw huisarts of "
        "fysiotherapeut. Zij kunnen u helpen."
    ),
    "heavy_work": _(
        "Bouw uw werk rustig weer op en til in het begin niet te zwaar. Bespreek met uw "
        "fysiotherapeut of bedrijfsarts wat u al kunt doen."
    ),
}

# --- Staff: short labels and the thresholds behind them --------------------------------

STAFF_LEVEL_LABELS: dict[str, Lazy] = {
    EMERGENCY: pgettext_lazy("staff level", "Spoed: nu naar de huisarts"),
    SEE_GP: pgettext_lazy("staff level", "Vandaag naar de huisarts"),
    SEE_PHYSIO: pgettext_lazy("staff level", "Contact met fysiotherapeut nodig"),
    KEEP_MOVING: pgettext_lazy("staff level", "Blijf bewegen"),
    TOO_FEW_ENTRIES: pgettext_lazy("staff level", "Te weinig gegevens"),
    ON_TRACK: pgettext_lazy("staff level", "Op koers"),
    SELF_MANAGE: pgettext_lazy("staff level", "Gaat zelf verder met het plan"),
    RECOVERED: pgettext_lazy("staff level", "Hersteld"),
}

STAFF_REASON_LABELS: dict[str, Lazy] = {
    WORSENING: pgettext_lazy("staff reason", "pijn neemt toe"),
    DAILY_ACTIVITIES: pgettext_lazy("staff reason", "kan dagelijkse activiteiten niet doen"),
    NOT_IMPROVING: pgettext_lazy("staff reason", "herstelt trager dan het trage verloop"),
    NOT_RECOVERED_6W: pgettext_lazy("staff reason", "heeft na 6 weken nog pijn 5 of meer"),
    CHRONIC_12W: pgettext_lazy("staff reason", "heeft 12 weken pijn: bespreek het plan"),
    ACTIVITIES_FIRST_WEEK: pgettext_lazy(
        "staff reason", "kan in de eerste week dagelijkse activiteiten niet doen"
    ),
    NO_PROGRESS_2W: pgettext_lazy("staff reason", "gaat na 2 weken niet vooruit"),
    BED_REST: pgettext_lazy("staff reason", "lag 3 dagen op rij in bed"),
    FEW_ENTRIES: pgettext_lazy("staff reason", "te weinig gegevens"),
}

STAFF_REASON_EXPLANATIONS: dict[str, Lazy] = {
    WORSENING: _(
        "Gemiddelde pijn laatste 7 dagen ≥ startwaarde + 2 (vanaf dag 7) of 3 dagen op rij "
        "≥ startwaarde + 2; of terugval: gemiddelde ≥ 4 en ≥ 2 boven het laagste 7-daagse "
        "gemiddelde van vóór deze week."
    ),
    DAILY_ACTIVITIES: _(
        "Vanaf dag 7 na het begin: 3 dagen op rij in de laatste 7 dagen dagelijkse "
        "activiteiten niet."
    ),
    NOT_IMPROVING: _(
        "Tot 12 weken, bij gemiddelde pijn 7 dagen > 2: gemiddelde pijn 14 dagen ≥ 0,35 "
        "boven het trage verloop geschaald naar de startwaarde (vanaf dag 18), of 3 dagen op "
        "rij ≥ 1,25 erboven."
    ),
    NOT_RECOVERED_6W: _(
        "Van week 6 tot week 12 na het begin: gemiddelde pijn laatste 7 dagen ≥ 5."
    ),
    CHRONIC_12W: _(
        "In de 12e week na het begin (dag 84 t/m 90): gemiddelde pijn laatste 7 dagen ≥ 3; "
        "daarna zelfmanagement."
    ),
    ACTIVITIES_FIRST_WEEK: _(
        "In de eerste week na het begin: 3 dagen op rij dagelijkse activiteiten niet. "
        "Advies om te blijven bewegen, geen melding."
    ),
    NO_PROGRESS_2W: _("Vanaf dag 14, bij gemiddelde pijn 7 dagen > 2: gemiddelde ≥ startwaarde."),
    BED_REST: _(
        "3 dagen op rij in de laatste 7 dagen (vrijwel) de hele dag in bed, bij gemiddelde "
        "pijn 7 dagen > 2."
    ),
    FEW_ENTRIES: _("Minder dan 4 registraties in de laatste 7 dagen: geen 7-daags gemiddelde."),
}

STAFF_RED_FLAG_EXPLANATIONS: dict[str, Lazy] = {
    EMERGENCY: _(
        "Door de patiënt gemeld alarmsignaal (folder Lage rugpijn: een overzicht). Advies: "
        "nu huisarts of huisartsenpost."
    ),
    SEE_GP: _(
        "Door de patiënt gemeld alarmsignaal (folder Lage rugpijn: een overzicht). Advies: "
        "vandaag huisarts."
    ),
}


def staff_reason_label(reason: str) -> str:
    """A short label for a reason code, for the clinic's caseload."""
    reason_level(reason)  # raises ValueError for an unknown reason
    if reason.startswith(RED_FLAG_PREFIX):
        label = _red_flag_label(reason.removeprefix(RED_FLAG_PREFIX))
        return gettext("alarmsignaal: %(label)s") % {"label": label[:1].lower() + label[1:]}
    return str(STAFF_REASON_LABELS[reason])


def staff_held_label(reason: str) -> str:
    """The label of a reason that holds the advice although it did not fire today."""
    return gettext("%(label)s (aangehouden)") % {"label": staff_reason_label(reason)}


def staff_reason_labels(reasons: Iterable[str], held: Iterable[str] = ()) -> list[str]:
    """The labels of an assessment's reasons, then of the reasons that hold it."""
    return [staff_reason_label(reason) for reason in reasons] + [
        staff_held_label(reason) for reason in held
    ]


def staff_reason_explanation(reason: str) -> str:
    """One line with the rule and threshold behind a reason code."""
    level = reason_level(reason)  # raises ValueError for an unknown reason
    if reason.startswith(RED_FLAG_PREFIX):
        return str(STAFF_RED_FLAG_EXPLANATIONS[level])
    return str(STAFF_REASON_EXPLANATIONS[reason])


def _red_flag_label(code: str) -> str:
    return str(RED_FLAG_LABELS[code])
