"""Forms: they check what a person typed and name the field when it is wrong.

They hold no domain logic: views hand the cleaned data to the services
(``tracker.checkins``, ``tracker.lifecycle``, ``tracker.invitations``), which
enforce the rules once.
"""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    Clinic,
    ContactAction,
    Language,
    Outcome,
    Patient,
    User,
)
from tracker.phones import validate_phone

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


def _phone_field(label, help_text="", *, autocomplete: str = "tel") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": autocomplete}),
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
            autocomplete="off",  # not the patient's own number
        )
        self.fields["phone"] = _phone_field(
            _("Uw eigen telefoonnummer"),
            _("Zo kan uw fysiotherapeut u bellen als dat nodig is."),
        )
        return ["gp_name", "gp_phone", "phone"]

    def contacts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name].strip() for name in ("gp_name", "gp_phone", "phone")}


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


class SettingsForm(ContactFields, forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["reminders", "language", "gp_name", "gp_phone", "phone"]
        labels = {
            "reminders": _("Stuur mij een e-mail als ik vandaag nog niets heb ingevuld"),
            "language": _("Taal"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_contact_fields()  # the same fields as at the first visit


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


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: under the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
