"""The page language: chosen once, followed everywhere.

A patient's choice is stored on their profile (``Patient.language``), so pages,
exports and the emails sent to them (reminders, sign-in links) follow it on
every device. Everyone's choice is also kept in the session and the language
cookie, so a visitor and a member of staff keep theirs too.

Order of precedence for a page: the session (set at login from the profile, and
by the language switch), then Django's own (the cookie, then the browser's
Accept-Language), then Dutch.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from tracker.errors import DATABASE_UNAVAILABLE
from tracker.models import Language, Patient

SESSION_KEY = "herstelpad_language"


def known(language: str | None) -> bool:
    return language in Language.values


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the language kept in the session first."""

    def process_request(self, request):
        session = getattr(request, "session", None)
        try:
            language = session.get(SESSION_KEY) if session is not None else None
        except DATABASE_UNAVAILABLE:
            # Sessions are in the database: without it, the cookie and the browser
            # still choose the language of the "try again in a minute" page.
            language = None
        if not known(language):
            return super().process_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None


def remember(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """Keep the language for the rest of the session and in the cookie, and use it
    for the rest of this request."""
    request.session[SESSION_KEY] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    translation.activate(language)


@require_http_methods(["GET", "POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch in the footer: Django's view (which checks where it may
    send the visitor back to), and the choice kept in the session and, for a
    patient, on their profile."""
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if known(language):
        remember(request, response, language)
        if request.user.is_authenticated:
            Patient.objects.filter(user=request.user).update(language=language)
    return response


def stored(user) -> str | None:
    """A patient's stored language; None for staff (they have no profile)."""
    language = Patient.objects.filter(user=user).values_list("language", flat=True).first()
    return language if known(language) else None


def for_user(user) -> str:
    """The language of emails to this user: a patient's stored language, else the
    language of the page."""
    language = stored(user)
    if language:
        return language
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return active if known(active) else settings.LANGUAGE_CODE
