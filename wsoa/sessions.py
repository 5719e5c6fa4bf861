"""Idle sessions end: a signed-in session's expiry is pushed back as it is used.

Django's SESSION_SAVE_EVERY_REQUEST would write the session on every request (three queries
each: savepoint, UPDATE, release). This renews it at most once a minute instead: the idle
timeout (SESSION_COOKIE_AGE, from SESSION_IDLE_MINUTES) is then kept to within a minute, and
a page costs no extra query in the minute after the last renewal.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

RENEWED_AT = "_renewed_at"


def _renew(session) -> None:
    session[RENEWED_AT] = int(time.time())  # marks the session modified: it is saved


@receiver(user_logged_in)
def _renewed_on_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        _renew(request.session)


class RenewIdleSessionMiddleware:
    """After SessionMiddleware and AuthenticationMiddleware: renews a signed-in session's
    expiry when it was last renewed SESSION_RENEW_AFTER_SECONDS or more ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            renewed = session.get(RENEWED_AT)
            every = getattr(settings, "SESSION_RENEW_AFTER_SECONDS", 60)
            if renewed is None or time.time() - renewed >= every:
                _renew(session)
        return response
