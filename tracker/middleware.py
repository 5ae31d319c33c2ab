"""Session rules for staff, and no caching of pages with health data."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tracker.access import STAFF_ROLES, role_of

ROLE_KEY = "herstelpad_role"
STARTED_KEY = "herstelpad_started"
SEEN_KEY = "herstelpad_seen"
SEEN_RESOLUTION = 60  # seconds: the last-seen time is written at most once a minute


class StaffSessionMiddleware:
    """For physiotherapists and admins: a confirmed TOTP code (two-factor) before
    any page, and the end of the session after 30 minutes idle or 12 hours."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            role = request.session.get(ROLE_KEY)
            # The role is kept in the session (no query per page), but never
            # trusted to spare a check: a user without a role is looked up
            # again (staff rights may have been given since), and a patient
            # made admin is admin at once (is_staff costs no query).
            if not role or (role == "patient" and user.is_staff):
                role = request.session[ROLE_KEY] = role_of(user)
            if role in STAFF_ROLES:
                response = self._staff(request)
                if response is not None:
                    return response
        return self.get_response(request)

    def _staff(self, request):
        now = timezone.now().timestamp()
        session = request.session
        started = session.setdefault(STARTED_KEY, now)
        seen = session.get(SEEN_KEY, now)
        if (
            now - seen > settings.STAFF_IDLE_SECONDS
            or now - started > settings.STAFF_MAX_SESSION_SECONDS
        ):
            logout(request)
            messages.info(
                request, _("U bent uitgelogd omdat uw sessie is verlopen. Log opnieuw in.")
            )
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        if now - seen >= SEEN_RESOLUTION or SEEN_KEY not in session:
            session[SEEN_KEY] = now
        if not request.user.is_verified() and not _open_without_two_factor(request.path):
            return redirect(
                f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        return None


def _open_without_two_factor(path: str) -> bool:
    return path in (reverse("two_factor"), reverse("logout")) or path.startswith(
        ("/i18n/", "/" + settings.STATIC_URL.lstrip("/"))
    )


class NoStoreMiddleware:
    """Pages seen by a logged-in user hold health data: no browser or proxy keeps them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
