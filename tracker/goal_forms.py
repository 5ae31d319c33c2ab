"""Forms of the goals: they check what a person typed and name the field when it is
wrong. The writes are tracker.goals' functions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from advice import goals as psk
from tracker.models import GoalStatus

SCORE_CHOICES = [(str(n), str(n)) for n in range(psk.SCORE_MIN, psk.SCORE_MAX + 1)]
SCORE_ERRORS = {
    "required": _("Kies een getal van 0 tot 10."),
    "invalid_choice": _("Kies een getal van 0 tot 10."),
}


def score_field(label, *, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages=SCORE_ERRORS,
    )


def activity_field(label, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=psk.ACTIVITY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"list": "goal-suggestions", "autocomplete": "off"}),
        error_messages={
            "required": _("Beschrijf de activiteit."),
            "max_length": _("Houd de omschrijving korter dan 100 tekens."),
        },
    )


class GoalChoiceForm(forms.Form):
    """Up to three activities (as many as there are free places), each with how hard
    it is now. A row left empty is no goal; at least one row is filled in."""

    def __init__(self, *args, places: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.numbers = list(range(1, places + 1))
        for number in self.numbers:
            self.fields[f"activity_{number}"] = activity_field(
                _("Activiteit %(number)s") % {"number": number}
            )
            self.fields[f"score_{number}"] = score_field(
                _("Hoe moeilijk is activiteit %(number)s nu?") % {"number": number},
                required=False,
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(activity, score) of each row, for the template."""
        return [(self[f"activity_{n}"], self[f"score_{n}"]) for n in self.numbers]

    def clean(self):
        data = super().clean()
        filled = 0
        for number in self.numbers:
            activity = data.get(f"activity_{number}")
            score = data.get(f"score_{number}")
            if f"activity_{number}" in self.errors or f"score_{number}" in self.errors:
                filled += 1
                continue
            if activity and score is None:
                self.add_error(
                    f"score_{number}", _("Kies hoe moeilijk dit nu is: een getal van 0 tot 10.")
                )
            elif score is not None and not activity:
                self.add_error(f"activity_{number}", _("Beschrijf de activiteit."))
            if activity or score is not None:
                filled += 1
        if not filled and self.numbers:
            self.add_error("activity_1", _("Noem ten minste één activiteit."))
        return data

    def goals(self) -> list[tuple[str, int]]:
        """The filled-in rows, in order: (activity, score)."""
        return [
            (self.cleaned_data[f"activity_{n}"], self.cleaned_data[f"score_{n}"])
            for n in self.numbers
            if self.cleaned_data.get(f"activity_{n}")
        ]


class GoalRatingForm(forms.Form):
    """A score for each active goal, labelled with the patient's own words. On the
    weekly screen every goal is scored; the physiotherapist scores those at hand."""

    def __init__(self, *args, goals, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = score_field(goal.activity, required=required)

    def clean(self):
        data = super().clean()
        nothing = all(data.get(name) is None for name in self.fields)
        if self.goals and not self.errors and nothing:
            self.add_error(
                f"goal_{self.goals[0].pk}", _("Kies voor ten minste één doel een score.")
            )
        return data

    def scores(self) -> dict[int, int]:
        return {
            goal.pk: self.cleaned_data[f"goal_{goal.pk}"]
            for goal in self.goals
            if self.cleaned_data.get(f"goal_{goal.pk}") is not None
        }


class GoalCloseForm(forms.Form):
    """Marking a goal achieved or dropped: the button pressed says which."""

    status = forms.ChoiceField(
        label=_("Doel afsluiten"),
        choices=[(GoalStatus.ACHIEVED, _("Gelukt")), (GoalStatus.DROPPED, _("Gestopt"))],
        error_messages={
            "required": _("Kies gelukt of gestopt."),
            "invalid_choice": _("Kies gelukt of gestopt."),
        },
    )


REWORD = "reword"


class GoalChangeForm(forms.Form):
    """The physiotherapist, with the patient: a goal achieved, dropped, or worded
    anew (the old wording stays in the history)."""

    action = forms.ChoiceField(
        label=_("Wat verandert er?"),
        choices=[
            (GoalStatus.ACHIEVED, _("Gelukt")),
            (GoalStatus.DROPPED, _("Gestopt")),
            (REWORD, _("Anders omschrijven")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies wat er verandert."),
            "invalid_choice": _("Kies wat er verandert."),
        },
    )
    activity = activity_field(_("Nieuwe omschrijving"))
    score = score_field(_("Hoe moeilijk is dat nu?"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == REWORD:
            if not data.get("activity") and "activity" not in self.errors:
                self.add_error("activity", _("Beschrijf de activiteit."))
            if data.get("score") is None and "score" not in self.errors:
                self.add_error("score", _("Kies een getal van 0 tot 10."))
        return data
