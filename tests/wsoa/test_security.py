"""Sign-in throttling, sessions, password change and the Content-Security-Policy header
(docs/security.md says which threat each pins)."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.wsoa.factories import UserFactory
from wsoa.settings import base as base_settings

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKOUT = "You cannot sign in at the moment"

axes_on = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
# Renew on every request, so a test sees the renewal without waiting a minute.
renew_sessions = override_settings(SESSION_RENEW_AFTER_SECONDS=0)


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


# --- Password guessing ------------------------------------------------------------------


def test_defaults_lock_out_after_five_failures_for_fifteen_minutes_per_username_and_ip():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@axes_on
def test_wrong_password_four_times_still_lets_the_right_one_in(client):
    UserFactory(username="lead")
    for _ in range(4):
        assert sign_in(client, "lead", "wrong password").status_code == 200
    response = sign_in(client, "lead", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)
    # A success starts the count again.
    assert not AccessAttempt.objects.filter(username="lead", failures_since_start__gt=0).exists()


@axes_on
def test_fifth_wrong_password_locks_out_and_then_the_right_one_is_refused(client):
    UserFactory(username="lead")
    for _ in range(4):
        sign_in(client, "lead", "wrong password")
    fifth = sign_in(client, "lead", "wrong password")
    assert fifth.status_code == 429
    assert LOCKOUT in fifth.text

    response = sign_in(client, "lead", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    text = re.sub(r"\s+", " ", response.text)
    assert "locked for 15 minutes" in text
    assert "Wait 15 minutes and try again" in text
    assert "Contact your area’s administrator" in text


@axes_on
def test_lockout_is_per_username_so_other_users_can_still_sign_in(client):
    UserFactory(username="lead")
    UserFactory(username="colleague")
    for _ in range(5):
        sign_in(client, "lead", "wrong password")
    assert sign_in(client, "colleague", PASSWORD).status_code == 302


@axes_on
def test_sign_in_works_again_after_the_cool_off(client):
    UserFactory(username="lead")
    for _ in range(5):
        sign_in(client, "lead", "wrong password")
    assert sign_in(client, "lead", PASSWORD).status_code == 429

    # Sixteen minutes later: the last failure is older than the cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(client, "lead", PASSWORD).status_code == 302
    assert signed_in(client)


@axes_on
def test_administrator_unlock_lets_the_user_sign_in_at_once(client):
    UserFactory(username="lead")
    for _ in range(5):
        sign_in(client, "lead", "wrong password")
    assert sign_in(client, "lead", PASSWORD).status_code == 429

    assert reset(username="lead") == 1
    assert sign_in(client, "lead", PASSWORD).status_code == 302


@axes_on
def test_axes_reset_username_command_unlocks(client):
    UserFactory(username="lead")
    for _ in range(5):
        sign_in(client, "lead", "wrong password")
    call_command("axes_reset_username", "lead")
    assert sign_in(client, "lead", PASSWORD).status_code == 302


@axes_on
def test_administrator_sees_lockouts_in_the_admin(client):
    for _ in range(5):
        sign_in(client, "lead", "wrong password")
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert "lead" in response.text


# --- Passwords --------------------------------------------------------------------------


def test_password_validators_are_strong():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] == 12


def test_header_links_signed_in_users_to_change_password(client):
    client.force_login(UserFactory(username="lead"))
    response = client.get(reverse("home"))
    assert f'href="{reverse("password_change")}"' in response.text


def test_password_change_works_and_keeps_the_user_signed_in(client):
    user = UserFactory(username="lead")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "ferry lantern pebble orchard",
            "new_password2": "ferry lantern pebble orchard",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("ferry lantern pebble orchard")
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Password changed" in done.text


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("283749501837", "entirely numeric"),
        ("leadleadlead1", "too similar"),
    ],
)
def test_password_change_enforces_the_validators(client, new_password, message):
    user = UserFactory(username="leadleadlead")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_the_current_password(client):
    user = UserFactory(username="lead")
    client.force_login(user)
    new = "ferry lantern pebble orchard"
    response = client.post(
        reverse("password_change"),
        {"old_password": "not it", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.text


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Sessions ---------------------------------------------------------------------------


def test_every_environment_renews_idle_sessions_at_most_once_a_minute():
    assert "wsoa.sessions.RenewIdleSessionMiddleware" in base_settings.MIDDLEWARE
    assert base_settings.SESSION_RENEW_AFTER_SECONDS == 60
    assert base_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert base_settings.SESSION_COOKIE_AGE == 30 * 60


@renew_sessions
def test_session_ends_at_browser_close_and_after_thirty_idle_minutes(client):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60

    client.force_login(UserFactory(username="lead"))
    response = client.get(reverse("home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # No Expires/Max-Age: a browser-session cookie, gone when the browser closes.
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    # The server side ends the session after 30 idle minutes, renewed by each request.
    assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60


@renew_sessions
def test_each_request_pushes_the_idle_timeout_back(client):
    client.force_login(UserFactory(username="lead"))
    key = client.session.session_key
    # As if 29 minutes had passed since the last request: one minute left.
    one_minute_left = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=key).update(expire_date=one_minute_left)
    assert client.get(reverse("home")).status_code == 200
    left = Session.objects.get(pk=key).expire_date - timezone.now()
    assert left > datetime.timedelta(minutes=29)


def test_a_page_within_a_minute_of_the_last_renewal_writes_no_session(client):
    client.force_login(UserFactory(username="lead"))  # signing in renews the session
    key = client.session.session_key
    before = Session.objects.get(pk=key).expire_date
    client.get(reverse("home"))
    assert Session.objects.get(pk=key).expire_date == before


@renew_sessions
def test_idle_session_is_signed_out(client):
    client.force_login(UserFactory(username="lead"))
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session.set_expiry(timezone.now() - datetime.timedelta(seconds=1))
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Content-Security-Policy ------------------------------------------------------------


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}, header


def test_every_page_has_a_strict_content_security_policy_with_a_nonce(client):
    client.force_login(UserFactory(username="lead"))
    response = client.get(reverse("home"))
    directives, header = csp_directives(response)
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    nonce = re.search(r"'nonce-([^']+)'", " ".join(directives["script-src"]))[1]
    assert f"'nonce-{nonce}'" in directives["style-src"]
    # The page's inline script carries the nonce the header names.
    assert f'<script nonce="{nonce}">' in response.text


def test_sign_in_page_and_errors_have_the_policy_too(client):
    assert "Content-Security-Policy" in client.get(reverse("login"))
    assert "Content-Security-Policy" in client.get("/no-such-page/")


def test_rating_colours_style_block_carries_the_nonce(client, plan, member_of):
    from wsoa.models import Role

    client.force_login(member_of(plan, Role.PROGRAMME_LEAD))
    response = client.get(reverse("action-register", args=[plan.pk]))
    directives, _ = csp_directives(response)
    nonce = re.search(r"'nonce-([^']+)'", " ".join(directives["style-src"]))[1]
    assert f'<style nonce="{nonce}">' in response.text
    assert "<style>" not in response.text


# --- Password reset by email ------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_a_single_use_emailed_link(client):
    import re

    from django.core import mail

    user = UserFactory(username="dana", email="dana@example.org")
    assert "Forgotten your password?" in client.get(reverse("login")).text
    response = client.post(reverse("password_reset"), {"email": "dana@example.org"})
    assert response.status_code == 302
    [email] = mail.outbox
    assert email.to == ["dana@example.org"]
    link = re.search(r"https?://[^/]+(/account/password/reset/[^\s]+/)", email.body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    new = "a sturdy new passphrase"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.text


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    from django.core import mail

    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.text
    assert mail.outbox == []
