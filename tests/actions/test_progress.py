"""Recording progress, completion sign-off, slippage, evidence and concurrent edits."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import AppendOnlyError, DueDateChange, Evidence, StatusUpdate
from actions.status import UpdateKind
from tests.actions.factories import ActionFactory, MilestoneFactory, StatusUpdateFactory
from tests.wsoa.factories import PlanFactory, PostFactory, level
from wsoa.models import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def action(plan):
    action = ActionFactory(outcome__concern__plan=plan, ref="1.1a")
    StatusUpdateFactory(
        action=action,
        level=level(plan, "LIGHT GREEN"),
        effective_on=TODAY - datetime.timedelta(days=30),
    )
    return action


@pytest.fixture
def lead(action, member_of):
    """An action lead who holds the action's lead post."""
    user = member_of(action.plan, Role.ACTION_LEAD, username="dco")
    post = PostFactory(area=action.plan.area, title="Designated Clinical Officer", holder=user)
    action.leads.add(post)
    return user


def url(name, action):
    return reverse(name, kwargs={"plan_pk": action.plan_id, "action_pk": action.pk})


def progress_data(action, **overrides):
    latest = services.latest_update(action)
    data = {
        "level": level(action.plan, "AMBER").pk,
        "narrative": "Recruitment is two months behind.",
        "effective_on": TODAY.isoformat(),
        "seen_update_id": latest.pk if latest else "",
    }
    data.update(overrides)
    return data


# --- who may do what: role × page × method ------------------------------------------------

PAGES = ["action-detail", "action-record-progress", "action-change-due-date"]


@pytest.mark.parametrize(
    ("who", "page", "method", "expected"),
    [
        ("board_member", "action-detail", "get", 200),
        ("board_member", "action-record-progress", "get", 403),
        ("board_member", "action-record-progress", "post", 403),
        ("board_member", "action-change-due-date", "post", 403),
        ("other_action_lead", "action-detail", "get", 200),
        ("other_action_lead", "action-record-progress", "get", 403),
        ("other_action_lead", "action-record-progress", "post", 403),
        ("lead", "action-record-progress", "get", 200),
        ("lead", "action-change-due-date", "get", 200),
        ("programme_lead", "action-record-progress", "get", 200),
        ("administrator", "action-record-progress", "get", 200),
        ("other_area_admin", "action-detail", "get", 404),
        ("other_area_admin", "action-record-progress", "post", 404),
        ("national_viewer", "action-detail", "get", 200),
        ("national_viewer", "action-record-progress", "post", 403),
    ],
)
def test_permissions_by_role_page_and_method(
    client, action, lead, member_of, who, page, method, expected
):
    from tests.wsoa.factories import UserFactory

    users = {
        "lead": lambda: lead,
        "board_member": lambda: member_of(action.plan, Role.BOARD_MEMBER),
        "other_action_lead": lambda: member_of(action.plan, Role.ACTION_LEAD),
        "programme_lead": lambda: member_of(action.plan, Role.PROGRAMME_LEAD),
        "administrator": lambda: member_of(action.plan, Role.ADMINISTRATOR),
        "other_area_admin": lambda: member_of(
            PlanFactory(area__name="Elsewhere"), Role.ADMINISTRATOR
        ),
        "national_viewer": lambda: UserFactory(is_national_viewer=True),
    }
    client.force_login(users[who]())
    response = getattr(client, method)(url(page, action), {})
    assert response.status_code == expected
    if expected == 403:
        assert "<form" not in response.text or "Sign out" in response.text


def test_anonymous_user_is_sent_to_sign_in_from_the_action_page(client, action):
    response = client.get(url("action-detail", action))
    assert response.status_code == 302 and "/sign-in/" in response.url


# --- recording progress ---------------------------------------------------------------------


def test_lead_records_an_amber_update_which_is_appended_not_overwritten(client, action, lead):
    before = list(StatusUpdate.objects.filter(action=action).values())
    client.force_login(lead)
    response = client.post(url("action-record-progress", action), progress_data(action))
    assert response.status_code == 302
    updates = StatusUpdate.objects.filter(action=action).order_by("pk")
    assert updates.count() == 2
    assert list(updates.values())[:1] == before  # the old update is untouched
    new = updates.last()
    assert (new.level.code, new.author, new.kind) == ("AMBER", lead, UpdateKind.PROGRESS)
    page = client.get(url("action-detail", action)).text
    assert page.index("Recruitment is two months behind.") < page.index("Timeline") + 5000
    assert "Progress on action 1.1a saved." in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"narrative": ""}, "narrative", "a narrative is required when the rating is worse than"),
        ({"level": "", "narrative": ""}, "level", "Choose a rating"),
        (
            {"effective_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "effective_on",
            "cannot be in the future",
        ),
        ({"effective_on": "31/02/2025"}, "effective_on", "Enter a real date"),
    ],
)
def test_bad_progress_is_refused_with_a_linked_error_and_nothing_saved(
    client, action, lead, overrides, field, message
):
    client.force_login(lead)
    response = client.post(
        url("action-record-progress", action), progress_data(action, **overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert 'class="govuk-error-summary"' in response.text
    assert f'href="#id_{field}' in response.text
    assert StatusUpdate.objects.filter(action=action).count() == 1


def test_narrative_is_required_when_the_rating_gets_worse(client, action, lead):
    # Light green → a worse non-attention level does not exist in RAG; use DARK GREEN first.
    StatusUpdateFactory(
        action=action,
        level=level(action.plan, "DARK GREEN"),
        effective_on=TODAY - datetime.timedelta(days=1),
    )
    client.force_login(lead)
    response = client.post(
        url("action-record-progress", action),
        progress_data(action, level=level(action.plan, "LIGHT GREEN").pk, narrative=""),
    )
    assert "worse than before" in response.text


def test_a_correction_says_what_it_corrects(client, action, lead):
    original = services.latest_update(action)
    client.force_login(lead)
    client.post(
        url("action-record-progress", action),
        progress_data(action, corrects=original.pk, narrative="Rating was wrong."),
    )
    correction = services.latest_update(action)
    assert correction.kind == UpdateKind.CORRECTION and correction.corrects == original
    assert "Corrects the update of" in client.get(url("action-detail", action)).text


def test_completing_milestones_with_an_update(client, action, lead):
    milestone = MilestoneFactory(action=action, description="Posts advertised")
    client.force_login(lead)
    client.post(
        url("action-record-progress", action), progress_data(action, milestones=[milestone.pk])
    )
    milestone.refresh_from_db()
    assert milestone.completed_on == TODAY
    assert milestone.status_updates.get().level.is_complete


def test_status_updates_are_append_only(action):
    update = services.latest_update(action)
    update.narrative = "rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()


# --- no lost updates ------------------------------------------------------------------------


def test_second_person_to_save_is_told_and_keeps_what_they_typed(client, action, lead, member_of):
    programme_lead = member_of(action.plan, Role.PROGRAMME_LEAD)
    first = progress_data(action, narrative="First person's words.")
    second = progress_data(
        action, narrative="Second person's words.", level=level(action.plan, "RED").pk
    )
    client.force_login(lead)
    assert client.post(url("action-record-progress", action), first).status_code == 302

    client.force_login(programme_lead)
    response = client.post(url("action-record-progress", action), second)
    assert response.status_code == 409
    assert "Someone else updated this action" in response.text
    assert "First person&#x27;s words." in response.text  # what changed
    assert "Second person&#x27;s words." in response.text  # what they typed, kept
    assert StatusUpdate.objects.filter(action=action).count() == 2

    # Saving again, having seen the change, works.
    seen = services.latest_update(action).pk
    response = client.post(
        url("action-record-progress", action), {**second, "seen_update_id": seen}
    )
    assert response.status_code == 302
    assert services.latest_update(action).narrative == "Second person's words."


# --- completion needs evidence and sign-off ---------------------------------------------------


def propose_completion(client, action, user):
    client.force_login(user)
    evidence = SimpleUploadedFile("QA audit.pdf", b"%PDF-1.4 audit", content_type="application/pdf")
    return client.post(
        url("action-record-progress", action),
        progress_data(
            action,
            level=level(action.plan, "COMPLETED").pk,
            narrative="All done.",
            evidence_file=evidence,
        ),
    )


def test_completion_without_evidence_is_refused(client, action, lead):
    client.force_login(lead)
    response = client.post(
        url("action-record-progress", action),
        progress_data(action, level=level(action.plan, "COMPLETED").pk),
    )
    assert "Add at least one piece of evidence" in response.text
    assert StatusUpdate.objects.filter(action=action).count() == 1


def test_completion_is_proposed_then_signed_off_by_another_programme_lead(
    client, action, lead, member_of
):
    assert propose_completion(client, action, lead).status_code == 302
    page = client.get(url("action-detail", action)).text
    assert "Completion proposed" in page

    programme_lead = member_of(action.plan, Role.PROGRAMME_LEAD)
    client.force_login(programme_lead)
    response = client.post(url("action-sign-off", action), {"decision": "approve"})
    assert response.status_code == 302
    latest = services.latest_update(action)
    assert latest.kind == UpdateKind.COMPLETION_SIGNED_OFF and latest.author == programme_lead
    page = client.get(url("action-detail", action)).text
    assert "Completion signed off" in page and "Completion proposed:" in page


def test_proposer_cannot_sign_off_their_own_completion(client, action, member_of):
    programme_lead = member_of(action.plan, Role.PROGRAMME_LEAD)
    propose_completion(client, action, programme_lead)
    response = client.post(url("action-sign-off", action), {"decision": "approve"})
    assert "another programme lead must sign it off" in response.text
    assert services.latest_update(action).kind == UpdateKind.PROGRESS


def test_sent_back_completion_needs_a_reason_and_restores_the_previous_rating(
    client, action, lead, member_of
):
    propose_completion(client, action, lead)
    client.force_login(member_of(action.plan, Role.PROGRAMME_LEAD))
    response = client.post(url("action-sign-off", action), {"decision": "send_back"})
    assert "Say why the completion is sent back" in response.text
    client.post(
        url("action-sign-off", action),
        {"decision": "send_back", "reason": "No evidence of impact yet."},
    )
    latest = services.latest_update(action)
    assert latest.kind == UpdateKind.COMPLETION_SENT_BACK
    assert latest.level.code == "LIGHT GREEN"
    assert "No evidence of impact yet." in client.get(url("action-detail", action)).text


def test_board_member_cannot_sign_off(client, action, lead, member_of):
    propose_completion(client, action, lead)
    client.force_login(member_of(action.plan, Role.BOARD_MEMBER))
    assert client.post(url("action-sign-off", action), {"decision": "approve"}).status_code == 403


# --- evidence -------------------------------------------------------------------------------


def test_evidence_of_a_disallowed_type_is_refused(client, action, lead):
    client.force_login(lead)
    bad = SimpleUploadedFile("script.exe", b"MZ...", content_type="application/octet-stream")
    response = client.post(
        url("action-record-progress", action), progress_data(action, evidence_file=bad)
    )
    assert "script.exe is not a type of file we accept" in response.text
    assert 'href="#id_evidence_file"' in response.text
    assert not Evidence.objects.exists()


def test_oversized_evidence_is_refused(client, action, lead, monkeypatch):
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 10)
    client.force_login(lead)
    big = SimpleUploadedFile("audit.pdf", b"x" * 11, content_type="application/pdf")
    response = client.post(
        url("action-record-progress", action), progress_data(action, evidence_file=big)
    )
    assert "audit.pdf is larger than 10" in response.text
    assert StatusUpdate.objects.filter(action=action).count() == 1


def test_evidence_is_served_only_to_readers_of_the_plan_with_its_name(
    client, action, lead, member_of
):
    propose_completion(client, action, lead)
    evidence = Evidence.objects.get()
    download = reverse("evidence-download", args=[evidence.pk])
    client.force_login(member_of(action.plan, Role.BOARD_MEMBER))
    response = client.get(download)
    assert response.status_code == 200
    assert 'filename="QA audit.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 audit"
    client.force_login(member_of(PlanFactory(area__name="Elsewhere"), Role.ADMINISTRATOR))
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302


# --- slippage -------------------------------------------------------------------------------


def test_moving_the_due_date_needs_a_reason_and_keeps_the_original(client, action, lead):
    client.force_login(lead)
    response = client.post(
        url("action-change-due-date", action), {"new_date": "2019-07-31", "reason": ""}
    )
    assert "Say why the due date is changing" in response.text
    response = client.post(
        url("action-change-due-date", action),
        {"new_date": "2019-07-31", "reason": "Recruitment delayed."},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_date == datetime.date(2019, 7, 31)
    assert action.original_due_date == datetime.date(2019, 4, 30)
    change = DueDateChange.objects.get()
    assert (change.from_date, change.changed_by) == (datetime.date(2019, 4, 30), lead)
    page = client.get(url("action-detail", action)).text
    assert "Slipped 92 days" in page and "Recruitment delayed." in page


# --- the action page ------------------------------------------------------------------------


@pytest.mark.parametrize("n_updates", [1, 25])
def test_action_page_query_count_does_not_grow_with_history(
    client, action, lead, n_updates, django_assert_num_queries
):
    for i in range(n_updates):
        StatusUpdateFactory(
            action=action,
            level=level(action.plan, "AMBER"),
            effective_on=TODAY - datetime.timedelta(days=i),
        )
        MilestoneFactory(action=action)
    client.force_login(lead)
    with django_assert_num_queries(14):
        response = client.get(url("action-detail", action))
    assert response.status_code == 200
