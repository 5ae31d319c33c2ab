"""Education pages about low back pain: open to everyone, no login.

The texts live in the templates (``templates/education/``) and ``advice.content``; the
facts come from the FysioMaatwerk leaflet "Lage rugpijn" and "Lage rugpijn: een
overzicht". Only the clinics page reads the database.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from advice import content, words
from advice.engine import EMERGENCY, RED_FLAGS, YELLOW_FLAGS
from tracker.models import Clinic, RiskFactor

# The topics in reading order: URL name, title, one-line summary (for the index).
TOPICS: tuple[tuple[str, object, object], ...] = (
    (
        "education:what_is",
        _("Wat is lage rugpijn?"),
        _("Waar de pijn zit, hoe vaak het voorkomt en wat de oorzaak is."),
    ),
    (
        "education:course",
        _("Hoe verloopt lage rugpijn?"),
        _("Hoe snel het meestal beter gaat, en waarom het soms langer duurt."),
    ),
    (
        "education:what_helps",
        _("Wat helpt bij lage rugpijn?"),
        _("Blijf bewegen, niet te lang in bed, en wat fysiotherapie kan doen."),
    ),
    (
        "education:xray",
        _("Is een röntgenfoto nodig?"),
        _("Waarom een foto of scan meestal niet zinvol is."),
    ),
    (
        "education:seek_help",
        _("Wanneer zoekt u hulp?"),
        _("Wanneer u uw fysiotherapeut belt, en wanneer meteen een arts."),
    ),
    (
        "education:prevention",
        _("Hoe voorkomt u nieuwe rugpijn?"),
        _("Wat u kunt doen om de kans op nieuwe rugpijn kleiner te maken."),
    ),
    (
        "education:clinics",
        _("Praktijken van FysioMaatwerk"),
        _("De 8 praktijken met hun telefoonnummer."),
    ),
)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "education/index.html", {"topics": TOPICS, "about": content.ABOUT_THE_APP}
    )


@require_GET
def what_is(request: HttpRequest) -> HttpResponse:
    return render(request, "education/what_is.html")


@require_GET
def course(request: HttpRequest) -> HttpResponse:
    """The usual course, and the five risk factors for a slow recovery (leaflet 000),
    each with its short education text."""
    risk_factors = [
        (RiskFactor(code).label, words.RISK_FACTOR_EDUCATION[code]) for code in YELLOW_FLAGS
    ]
    return render(request, "education/course.html", {"risk_factors": risk_factors})


@require_GET
def what_helps(request: HttpRequest) -> HttpResponse:
    return render(request, "education/what_helps.html")


@require_GET
def xray(request: HttpRequest) -> HttpResponse:
    return render(request, "education/xray.html")


@require_GET
def seek_help(request: HttpRequest) -> HttpResponse:
    """When to call the physiotherapist or GP; every red flag of leaflet 002, split
    into "call your GP or the out-of-hours post now" and "call your GP today"."""
    questions = words.RED_FLAG_QUESTIONS
    return render(
        request,
        "education/seek_help.html",
        {
            "red_flags_now": [
                questions[code] for code, lvl in RED_FLAGS.items() if lvl == EMERGENCY
            ],
            "red_flags_today": [
                questions[code] for code, lvl in RED_FLAGS.items() if lvl != EMERGENCY
            ],
        },
    )


@require_GET
def prevention(request: HttpRequest) -> HttpResponse:
    return render(request, "education/prevention.html")


@require_GET
def clinics(request: HttpRequest) -> HttpResponse:
    return render(
        request, "education/clinics.html", {"clinics": list(Clinic.objects.filter(active=True))}
    )
