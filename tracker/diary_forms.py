"""The patient's diary forms: the check-in, red flags, risk factors, the first
visit, and closing or starting an episode. Like every form here they check what
was typed and name the field; the services enforce the rules.
"""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advice import engine, words
from tracker.formatting import format_day
from tracker.forms import ContactFields, DateInput, check_onset
from tracker.models import (
    DailyEntry,
    Function,
    Outcome,
    Resolution,
    RiskFactor,
    WorkStatus,
)

YES_NO = [("yes", _("Ja")), ("no", _("Nee"))]


def _yes_no_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=True,
        error_messages={"required": _("Kies ja of nee.")},
    )


class CheckinForm(forms.Form):
    """One day of the diary: one screen, done with a thumb. The day is the page's
    (its address): the questions name it, and the form cannot be turned into
    another day's."""

    pain = forms.TypedChoiceField(
        label=_("Hoeveel pijn had u gemiddeld in de afgelopen 24 uur?"),
        help_text=_("0 = geen pijn, 10 = de ergste pijn die u zich kunt voorstellen"),
        choices=[(str(n), str(n)) for n in range(DailyEntry.PAIN_MIN, DailyEntry.PAIN_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een getal van 0 tot 10."),
            "invalid_choice": _("Kies een getal van 0 tot 10."),
        },
    )
    function = forms.ChoiceField(
        label=_("Kon u vandaag uw gewone dagelijkse activiteiten doen?"),
        choices=Function.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies ja, gedeeltelijk of nee."),
            "invalid_choice": _("Kies ja, gedeeltelijk of nee."),
        },
    )
    bed_rest = forms.BooleanField(
        label=_("Ik heb vandaag (bijna) de hele dag in bed gelegen door mijn rug"), required=False
    )
    active_minutes = forms.IntegerField(
        label=_("Minuten actief (wandelen, fietsen, oefeningen)"),
        required=False,
        min_value=0,
        max_value=DailyEntry.MINUTES_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Vul een heel getal in, bijvoorbeeld 30."),
            "min_value": _("Vul 0 of meer minuten in."),
            "max_value": _("Een dag heeft 1440 minuten: vul 1440 of minder in."),
        },
    )
    work_status = forms.ChoiceField(
        label=_("Werk"),
        choices=WorkStatus.choices,
        initial=WorkStatus.NOT_APPLICABLE,
        error_messages={"invalid_choice": _("Kies een van de mogelijkheden.")},
    )
    painkillers = forms.BooleanField(label=_("Ik heb pijnstillers genomen"), required=False)
    note = forms.CharField(
        label=_("Notitie (mag leeg blijven)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Houd de notitie korter dan 500 tekens.")},
    )
    # The version of the day's entry when the form was opened; empty when the day
    # had no entry. tracker.checkins.entry_save compares it with what is stored.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, day: dt.date, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day
        self.today = today or timezone.localdate()
        if day != self.today:
            when = format_day(day, today=self.today)
            self.fields["pain"].label = _("Hoeveel pijn had u gemiddeld op %(day)s?") % {
                "day": when
            }
            self.fields["function"].label = _(
                "Kon u op %(day)s uw gewone dagelijkse activiteiten doen?"
            ) % {"day": when}
            self.fields["bed_rest"].label = _(
                "Ik heb op %(day)s (bijna) de hele dag in bed gelegen door mijn rug"
            ) % {"day": when}
        # Rendered by hand in templates/tracker/checkin.html, without crispy-forms.

    def clean_version(self) -> int | None:
        """The version as a number; anything else reads as 'there was no entry'
        (so a stored entry is never replaced without asking)."""
        raw = self.cleaned_data["version"]  # a CharField strips the spaces
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None

    def answers(self) -> dict:
        """The cleaned answers (DailyEntry.ANSWERS), as tracker.checkins.entry_save takes them."""
        return {name: self.cleaned_data[name] for name in DailyEntry.ANSWERS}


def _buttons(names) -> list[Field]:
    return [Field(name, template="tracker/fields/buttons.html") for name in names]


class RedFlagQuestions:
    """The seven red-flag questions as yes/no fields `red_flag_<code>`."""

    def add_red_flag_fields(self) -> list[str]:
        for code, question in words.RED_FLAG_QUESTIONS.items():
            self.fields[f"red_flag_{code}"] = _yes_no_field(question)
        return [f"red_flag_{code}" for code in engine.RED_FLAGS]

    def red_flags(self) -> list[str]:
        """The codes answered yes."""
        return [code for code in engine.RED_FLAGS if self.cleaned_data.get(f"red_flag_{code}")]


class RiskFactorStatements:
    """The five risk-factor statements as yes/no fields `risk_<code>`."""

    def add_risk_factor_fields(self) -> list[str]:
        for code, statement in RiskFactor.choices:
            self.fields[f"risk_{code}"] = _yes_no_field(statement)
        return [f"risk_{code}" for code in RiskFactor.values]

    def risk_factors(self) -> dict[str, bool]:
        return {code: self.cleaned_data[f"risk_{code}"] for code in RiskFactor.values}


class RedFlagForm(RedFlagQuestions, forms.Form):
    """The red-flag checklist: each question answered yes or no."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*_buttons(self.add_red_flag_fields()))


class RiskFactorForm(RiskFactorStatements, forms.Form):
    """The five risk-factor statements, each answered yes or no."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*_buttons(self.add_risk_factor_fields()))


class IntakeForm(RedFlagQuestions, RiskFactorStatements, ContactFields, forms.Form):
    """The first visit: the onset date, the red flags, the risk factors and how to
    reach the patient's GP and the patient."""

    onset = forms.DateField(
        label=_("Op welke dag begon uw rugpijn?"),
        widget=DateInput(),
        error_messages={
            "required": _("Vul de dag in waarop de rugpijn begon."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 14-11-2026."),
        },
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["onset"].widget.attrs["max"] = self.today.isoformat()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Het begin"), "onset"),
            Fieldset(
                _("Heeft u op dit moment een van deze klachten?"),
                *_buttons(self.add_red_flag_fields()),
            ),
            Fieldset(_("Wat past bij u?"), *_buttons(self.add_risk_factor_fields())),
            Fieldset(
                _("Uw huisarts en uw telefoonnummer (mag leeg blijven)"), *self.add_contact_fields()
            ),
        )

    def clean_onset(self) -> dt.date:
        return check_onset(self.cleaned_data["onset"], today=self.today)


class NewEpisodeForm(forms.Form):
    onset = forms.DateField(
        label=_("Op welke dag begon de rugpijn opnieuw?"),
        widget=DateInput(),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 14-11-2026.")},
    )

    def clean_onset(self) -> dt.date:
        return check_onset(self.cleaned_data["onset"], today=timezone.localdate())


PATIENT_OUTCOME_CHOICES = [
    (Outcome.RECOVERED, _("Mijn rug is hersteld")),
    (Outcome.IMPROVED, _("Het gaat beter, maar de pijn is nog niet weg")),
    (Outcome.STOPPED, _("Ik stop om een andere reden")),
]


class PatientCloseForm(forms.Form):
    """The patient closes the diary and says how it went; nothing is preselected."""

    outcome = forms.ChoiceField(
        label=_("Hoe gaat het met uw rug?"),
        choices=PATIENT_OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wat het beste past.")},
    )


class ResolveRedFlagForm(forms.Form):
    """Marking a red flag as over: what happened."""

    resolution = forms.ChoiceField(
        label=_("Wat is er gebeurd?"),
        choices=Resolution.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wat er is gebeurd.")},
    )
