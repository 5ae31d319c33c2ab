"""Forms: they check what a person typed and name the field when it is wrong.

They hold no domain logic: views hand the cleaned data to the services
(``tracker.checkins``, ``tracker.lifecycle``, ``tracker.invitations``), which
enforce the rules once.
"""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advice import engine, words
from tracker.formatting import format_day
from tracker.models import (
    Clinic,
    ContactAction,
    DailyEntry,
    Function,
    Language,
    Outcome,
    Patient,
    Resolution,
    RiskFactor,
    User,
    WorkStatus,
)
from tracker.phones import validate_phone

YES_NO = [("yes", _("Ja")), ("no", _("Nee"))]


ONSET_MAX_YEARS = 5


def check_onset(onset: dt.date, *, today: dt.date) -> dt.date:
    """The day the back pain started: not in the future, not years ago."""
    if onset > today:
        raise ValidationError(_("Deze datum ligt in de toekomst."))
    if onset < today - dt.timedelta(days=365 * ONSET_MAX_YEARS):
        raise ValidationError(_("Deze datum ligt meer dan 5 jaar terug. Klopt de datum?"))
    return onset


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _yes_no_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=True,
        error_messages={"required": _("Kies ja of nee.")},
    )


class UsernameChecks:
    """For a login form: the username's length is checked before anyone looks it
    up (Django sets that maximum on the widget only, and the lockout log refuses
    a username over 255 characters on PostgreSQL), and an email address (an
    invited patient's username, stored in lower case) is matched in any case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        return username.lower() if "@" in username else username


class LoginForm(UsernameChecks, AuthenticationForm):
    """The login page's form."""


class AdminLoginForm(UsernameChecks, AdminAuthenticationForm):
    """The Django admin's own login page, with the same checks."""


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


def _phone_field(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class ContactFields:
    """The patient's own phone number and GP practice: optional, so the advice can
    offer the number to call and the clinic can call back."""

    def add_contact_fields(self) -> list[str]:
        self.fields["gp_name"] = forms.CharField(
            label=_("Naam van uw huisartspraktijk"), max_length=100, required=False
        )
        self.fields["gp_phone"] = _phone_field(
            _("Telefoonnummer van uw huisarts"),
            _("Dan staat het klaar om te bellen als u een arts nodig heeft."),
        )
        self.fields["phone"] = _phone_field(
            _("Uw eigen telefoonnummer"),
            _("Zo kan uw fysiotherapeut u bellen als dat nodig is."),
        )
        return ["gp_name", "gp_phone", "phone"]

    def contacts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name].strip() for name in ("gp_name", "gp_phone", "phone")}


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


class InvitationForm(forms.Form):
    """Staff create a patient; the patient gets a link to choose a password."""

    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"), max_length=150)  # the username too
    clinic = forms.ModelChoiceField(label=_("Praktijk"), queryset=Clinic.objects.none())
    onset = forms.DateField(
        label=_("Begin van de rugpijn"),
        widget=DateInput(),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 14-11-2026.")},
    )
    year_of_birth = forms.IntegerField(
        label=_("Geboortejaar"),
        error_messages={"invalid": _("Vul een jaartal in, bijvoorbeeld 1975.")},
    )
    language = forms.ChoiceField(label=_("Taal"), choices=Language.choices, initial=Language.NL)

    def __init__(self, *args, clinics, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["clinic"].queryset = clinics
        self.fields["onset"].widget.attrs["max"] = self.today.isoformat()
        self.fields["year_of_birth"].widget.attrs.update(
            {"min": 1900, "max": self.today.year, "inputmode": "numeric"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div("first_name", css_class="col-sm-6"),
                Div("last_name", css_class="col-sm-6"),
                css_class="row",
            ),
            "email",
            "clinic",
            "onset",
            "year_of_birth",
            "language",
        )

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        # It becomes the username (150 characters at most); lower() can make it longer.
        MaxLengthValidator(User._meta.get_field("username").max_length)(email)
        return email  # an address already in use is handled by the view (see there)

    def clean_onset(self) -> dt.date:
        return check_onset(self.cleaned_data["onset"], today=self.today)

    def clean_year_of_birth(self) -> int:
        year = self.cleaned_data["year_of_birth"]
        if not 1900 <= year <= self.today.year:
            raise ValidationError(
                _("Vul een geboortejaar in tussen 1900 en %(year)s.") % {"year": self.today.year}
            )
        return year


class NewEpisodeForm(forms.Form):
    onset = forms.DateField(
        label=_("Op welke dag begon de rugpijn opnieuw?"),
        widget=DateInput(),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 14-11-2026.")},
    )

    def clean_onset(self) -> dt.date:
        return check_onset(self.cleaned_data["onset"], today=timezone.localdate())


class CloseEpisodeForm(forms.Form):
    """Staff close an episode: an outcome chosen on purpose (none preselected) and a
    confirmation."""

    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een uitkomst.")},
    )
    confirm = forms.BooleanField(
        label=_("Ja, sluit deze periode af"),
        error_messages={"required": _("Vink dit aan om te bevestigen dat u wilt afsluiten.")},
    )


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


class ContactForm(forms.Form):
    """Acknowledging an alert: what the physiotherapist did, and a short note."""

    action = forms.ChoiceField(
        label=_("Wat heeft u gedaan?"),
        choices=ContactAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wat u heeft gedaan.")},
    )
    note = forms.CharField(
        label=_("Notitie (mag leeg blijven)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kort, zonder medische details; ten hoogste 300 tekens."),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["reminders", "language", "gp_name", "gp_phone", "phone"]
        labels = {
            "reminders": _("Stuur mij een e-mail als ik vandaag nog niets heb ingevuld"),
            "language": _("Taal"),
            "gp_name": _("Naam van uw huisartspraktijk"),
            "gp_phone": _("Telefoonnummer van uw huisarts"),
            "phone": _("Uw eigen telefoonnummer"),
        }
        help_texts = {
            "gp_phone": _("Dan staat het klaar om te bellen als u een arts nodig heeft."),
            "phone": _("Zo kan uw fysiotherapeut u bellen als dat nodig is."),
        }
        widgets = {
            "gp_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }


class StaffSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["digest"]


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, verwijder mijn account en al mijn gegevens"),
        error_messages={"required": _("Vink dit aan om te bevestigen.")},
    )
    password = forms.CharField(label=_("Uw wachtwoord"), widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Dit wachtwoord klopt niet."))
        return password


class AccessPeriodForm(forms.Form):
    """A period to look back over; the last 90 days when left empty or wrong."""

    start = forms.DateField(label=_("Van"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Tot en met"), required=False, widget=DateInput())

    DEFAULT_DAYS = 90

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("De einddatum ligt vóór de begindatum."))
        return data

    def period(self, *, today: dt.date) -> tuple[dt.date, dt.date]:
        start, end = today - dt.timedelta(days=self.DEFAULT_DAYS), today
        if self.is_bound and self.is_valid():
            start = self.cleaned_data.get("start") or start
            end = self.cleaned_data.get("end") or end
        return start, end
