"""The action register of a plan: columns, filters, sorting, paging, downloads, query counts
and who may see it."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from actions.status import UpdateKind
from tests.actions.factories import ActionFactory, StatusUpdateFactory
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    OutcomeFactory,
    PlanFactory,
    PostFactory,
    UserFactory,
    level,
)
from wsoa.models import Board, Role

pytestmark = pytest.mark.django_db


def register_url(plan, **params):
    url = reverse("action-register", args=[plan.pk])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def refs_on_page(response) -> list[str]:
    return [row.record.ref for row in response.context["table"].paginated_rows]


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def reader(client, member_of, plan):
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    return client


@pytest.fixture
def concern(plan):
    return ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")


@pytest.fixture
def outcome(concern):
    return OutcomeFactory(concern=concern, ref="1A", statement="Plans are fit for purpose")


def make_action(outcome, ref, **fields):
    return ActionFactory(outcome=outcome, ref=ref, **fields)


def make_board(plan, name, short_name=""):
    return Board.objects.create(area=plan.area, name=name, short_name=short_name)


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


# --- What each row shows -----------------------------------------------------------------------


def test_register_shows_every_column_of_an_action(reader, plan, outcome):
    post = PostFactory(area=plan.area, title="Designated Clinical Officer")
    board = make_board(plan, "SEND Partnership Board", short_name="SEND PB")
    action = make_action(
        outcome, "1.1a", description="Train all SENCOs in writing outcomes", leads=[post]
    )
    action.boards.add(board)
    StatusUpdateFactory(action=action, level=level(plan, "AMBER"), effective_on=days_ago(3))

    response = reader.get(register_url(plan))

    assert response.status_code == 200
    html = response.text
    detail_url = reverse("action-detail", args=[plan.pk, action.pk])
    assert f'href="{detail_url}"' in html
    assert "Train all SENCOs in writing outcomes" in html
    assert "1A" in html
    assert "Designated Clinical Officer" in html
    assert "SEND PB" in html
    assert "30 Apr 2019" in html
    assert "wsoa-rating" in html and ">Amber</strong>" in html
    assert dateformat.format(timezone.localdate(), "j M Y") in html  # last updated: today
    assert "Significant concern" in html  # the plan's own word for a concern heads the column


def test_long_action_description_is_truncated_on_screen(reader, plan, outcome):
    make_action(outcome, "1.1a", description="word " * 100)
    response = reader.get(register_url(plan))
    assert "word " * 100 not in response.text
    assert "…" in response.text


def test_slipped_due_date_shows_by_how_much_and_the_original_date(reader, plan, outcome):
    action = make_action(outcome, "1.1a", due_date=datetime.date(2019, 4, 30))
    action.due_date = datetime.date(2019, 5, 14)
    action.save()

    response = reader.get(register_url(plan))

    assert "14 May 2019" in response.text
    assert "Slipped 14 days (was 30 Apr 2019)" in response.text


def test_action_past_its_due_date_is_tagged_overdue_but_a_completed_one_is_not(
    reader, plan, outcome
):
    make_action(outcome, "1.1a", due_date=days_ago(5))
    done = make_action(outcome, "1.1b", due_date=days_ago(5))
    StatusUpdateFactory(
        action=done, level=level(plan, "COMPLETED"), kind=UpdateKind.COMPLETION_SIGNED_OFF
    )
    response = reader.get(register_url(plan))
    assert response.text.count(">Overdue</strong>") == 1


def test_completion_proposed_is_shown_beside_the_rating(reader, plan, outcome):
    proposed = make_action(outcome, "1.1a")
    StatusUpdateFactory(action=proposed, level=level(plan, "COMPLETED"), kind=UpdateKind.PROGRESS)
    signed_off = make_action(outcome, "1.1b")
    StatusUpdateFactory(
        action=signed_off, level=level(plan, "COMPLETED"), kind=UpdateKind.COMPLETION_SIGNED_OFF
    )

    response = reader.get(register_url(plan))

    assert response.text.count("Completion proposed") == 1


def test_action_never_updated_shows_not_yet_rated_and_never(reader, plan, outcome):
    make_action(outcome, "1.1a")
    response = reader.get(register_url(plan))
    assert "Not yet rated" in response.text
    assert ">Never<" in response.text


def test_register_lists_only_this_plans_actions(reader, plan, outcome):
    make_action(outcome, "1.1a")
    other_plan = PlanFactory(area=plan.area, title="Accelerated progress plan")
    ActionFactory(outcome=OutcomeFactory(concern=ConcernFactory(plan=other_plan)), ref="9.9z")
    response = reader.get(register_url(plan))
    assert refs_on_page(response) == ["1.1a"]


# --- Filters -----------------------------------------------------------------------------------


def test_filter_by_concern(reader, plan, outcome):
    make_action(outcome, "1.1a")
    second = ConcernFactory(plan=plan, number=2, title="Joint commissioning")
    ActionFactory(outcome=OutcomeFactory(concern=second), ref="2.1a")
    response = reader.get(register_url(plan, concern=second.pk))
    assert refs_on_page(response) == ["2.1a"]


def test_filter_by_lead_post(reader, plan, outcome):
    officer = PostFactory(area=plan.area, title="Designated Clinical Officer")
    head = PostFactory(area=plan.area, title="Head of SEND")
    make_action(outcome, "1.1a", leads=[officer])
    make_action(outcome, "1.1b", leads=[head, officer])
    make_action(outcome, "1.1c", leads=[head])
    response = reader.get(register_url(plan, lead=officer.pk))
    assert refs_on_page(response) == ["1.1a", "1.1b"]


def test_filter_by_board(reader, plan, outcome):
    board = make_board(plan, "SEND Partnership Board")
    other = make_board(plan, "Health Executive")
    make_action(outcome, "1.1a").boards.add(board, other)
    make_action(outcome, "1.1b").boards.add(other)
    response = reader.get(register_url(plan, board=board.pk))
    assert refs_on_page(response) == ["1.1a"]


def test_filter_by_current_rating_uses_the_latest_update(reader, plan, outcome):
    was_red = make_action(outcome, "1.1a")
    StatusUpdateFactory(action=was_red, level=level(plan, "RED"), effective_on=days_ago(30))
    StatusUpdateFactory(action=was_red, level=level(plan, "AMBER"), effective_on=days_ago(1))
    is_red = make_action(outcome, "1.1b")
    StatusUpdateFactory(action=is_red, level=level(plan, "RED"))
    make_action(outcome, "1.1c")

    red = register_url(plan, rating=level(plan, "RED").pk)
    amber = register_url(plan, rating=level(plan, "AMBER").pk)
    assert refs_on_page(reader.get(red)) == ["1.1b"]
    assert refs_on_page(reader.get(amber)) == ["1.1a"]
    assert refs_on_page(reader.get(register_url(plan, rating="unrated"))) == ["1.1c"]


def test_dashboard_link_with_concern_and_rating_filters_both(reader, plan, outcome):
    red_here = make_action(outcome, "1.1a")
    StatusUpdateFactory(action=red_here, level=level(plan, "RED"))
    make_action(outcome, "1.1b")
    second = ConcernFactory(plan=plan, number=2)
    red_there = ActionFactory(outcome=OutcomeFactory(concern=second), ref="2.1a")
    StatusUpdateFactory(action=red_there, level=level(plan, "RED"))

    red = level(plan, "RED").pk
    concern = outcome.concern.pk
    assert refs_on_page(reader.get(register_url(plan, concern=concern, rating=red))) == ["1.1a"]
    assert refs_on_page(reader.get(register_url(plan, concern=concern, rating="unrated"))) == [
        "1.1b"
    ]


def test_overdue_filter_keeps_actions_past_due_and_not_complete(reader, plan, outcome):
    make_action(outcome, "1.1a", due_date=days_ago(1))
    make_action(outcome, "1.1b", due_date=timezone.localdate())
    make_action(outcome, "1.1c", due_date=None)
    done = make_action(outcome, "1.1d", due_date=days_ago(10))
    StatusUpdateFactory(
        action=done, level=level(plan, "COMPLETED"), kind=UpdateKind.COMPLETION_SIGNED_OFF
    )
    amber = make_action(outcome, "1.1e", due_date=days_ago(10))
    StatusUpdateFactory(action=amber, level=level(plan, "AMBER"))

    response = reader.get(register_url(plan, overdue=1))

    assert refs_on_page(response) == ["1.1a", "1.1e"]
    assert re.search(
        r'<input type="checkbox" name="overdue"[^>]* value="1"[^>]* checked', response.text
    )


def test_no_update_for_n_days_keeps_stale_and_never_updated_actions(reader, plan, outcome):
    stale = make_action(outcome, "1.1a")
    StatusUpdateFactory(
        action=stale, recorded_at=timezone.now() - datetime.timedelta(days=40), level=None
    )
    fresh = make_action(outcome, "1.1b")
    StatusUpdateFactory(
        action=fresh, recorded_at=timezone.now() - datetime.timedelta(days=5), level=None
    )
    make_action(outcome, "1.1c")
    # A back-dated correction recorded today is an update today.
    corrected = make_action(outcome, "1.1d")
    StatusUpdateFactory(
        action=corrected,
        effective_on=days_ago(60),
        recorded_at=timezone.now() - datetime.timedelta(days=60),
    )
    StatusUpdateFactory(action=corrected, effective_on=days_ago(90), kind=UpdateKind.CORRECTION)

    response = reader.get(register_url(plan, stale_days=30))

    assert refs_on_page(response) == ["1.1a", "1.1c"]


def test_free_text_searches_ref_description_and_success_measures(reader, plan, outcome):
    make_action(outcome, "1.1a", description="Train all SENCOs")
    make_action(outcome, "1.2b", description="Audit EHC plans")
    make_action(
        outcome,
        "1.3c",
        description="Co-produce the local offer",
        success_measures=["Parents’ survey shows 80% satisfaction"],
    )
    assert refs_on_page(reader.get(register_url(plan, q="sencos"))) == ["1.1a"]
    assert refs_on_page(reader.get(register_url(plan, q="1.2"))) == ["1.2b"]
    assert refs_on_page(reader.get(register_url(plan, q="SATISFACTION"))) == ["1.3c"]
    assert refs_on_page(reader.get(register_url(plan, q="Parents’ survey"))) == ["1.3c"]


def test_invalid_filter_value_shows_a_linked_error_and_no_rows(reader, plan, outcome):
    make_action(outcome, "1.1a")
    response = reader.get(register_url(plan, stale_days="soon"))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_stale_days"' in response.text
    assert 'id="id_stale_days-error"' in response.text
    assert 'aria-describedby="id_stale_days-error"' in response.text
    assert refs_on_page(response) == []


def test_filter_form_is_a_get_form_with_labelled_controls(reader, plan, outcome):
    make_action(outcome, "1.1a")
    html = reader.get(register_url(plan)).text
    assert '<form method="get"' in html
    for name in ["q", "stale_days", "overdue", "concern", "lead", "board", "rating"]:
        assert f'for="id_{name}"' in html and f'id="id_{name}"' in html
    assert ">Apply filters</button>" in html
    assert 'class="govuk-checkboxes__item"' in html
    assert 'class="govuk-select govuk-!-width-full" id="id_rating"' in html


def test_no_matching_actions_says_so(reader, plan, outcome):
    make_action(outcome, "1.1a")
    response = reader.get(register_url(plan, q="nothing like this"))
    assert "No actions match these filters." in response.text
    assert "0 actions" in response.text


# --- Sorting and paging ------------------------------------------------------------------------


def test_sort_by_due_date_both_ways_with_undated_actions_last(reader, plan, outcome):
    make_action(outcome, "1.1a", due_date=datetime.date(2019, 9, 1))
    make_action(outcome, "1.1b", due_date=None)
    make_action(outcome, "1.1c", due_date=datetime.date(2019, 3, 1))
    assert refs_on_page(reader.get(register_url(plan, sort="due_date"))) == [
        "1.1c",
        "1.1a",
        "1.1b",
    ]
    assert refs_on_page(reader.get(register_url(plan, sort="-due_date"))) == [
        "1.1a",
        "1.1c",
        "1.1b",
    ]


def test_sort_by_rating_goes_worst_first_by_the_schemes_rank(reader, plan, outcome):
    for ref, code in [("1.1a", "LIGHT GREEN"), ("1.1b", "RED"), ("1.1c", None), ("1.1d", "AMBER")]:
        action = make_action(outcome, ref)
        if code:
            StatusUpdateFactory(action=action, level=level(plan, code))
    assert refs_on_page(reader.get(register_url(plan, sort="rating"))) == [
        "1.1b",
        "1.1d",
        "1.1a",
        "1.1c",
    ]


def test_sort_by_last_updated_puts_never_updated_actions_first(reader, plan, outcome):
    recent = make_action(outcome, "1.1a")
    StatusUpdateFactory(action=recent, recorded_at=timezone.now() - datetime.timedelta(days=1))
    old = make_action(outcome, "1.1b")
    StatusUpdateFactory(action=old, recorded_at=timezone.now() - datetime.timedelta(days=90))
    make_action(outcome, "1.1c")
    oldest_first = reader.get(register_url(plan, sort="last_updated"))
    newest_first = reader.get(register_url(plan, sort="-last_updated"))
    assert refs_on_page(oldest_first) == ["1.1c", "1.1b", "1.1a"]
    assert refs_on_page(newest_first) == ["1.1a", "1.1b", "1.1c"]


def test_sorted_column_header_says_so_with_aria_sort(reader, plan, outcome):
    make_action(outcome, "1.1a")
    html = reader.get(register_url(plan, sort="-due_date", page=2)).text
    assert 'aria-sort="descending"' in html
    assert 'aria-sort="none"' in html
    # Following a header sorts the other way and goes back to the first page.
    assert 'href="?sort=due_date"' in html


def test_register_shows_25_actions_a_page_with_govuk_pagination(reader, plan, outcome):
    for number in range(1, 31):
        make_action(outcome, f"1.{number:02d}")

    first = reader.get(register_url(plan))
    second = reader.get(register_url(plan, page=2))

    assert len(refs_on_page(first)) == 25
    assert refs_on_page(second) == [f"1.{n:02d}" for n in range(26, 31)]
    assert 'class="govuk-pagination"' in first.text
    assert 'rel="next"' in first.text and 'aria-current="page"' in first.text
    assert "30 actions" in first.text and "Showing 1 to 25" in first.text


# --- Downloads ---------------------------------------------------------------------------------


def test_csv_download_holds_exactly_the_filtered_rows_of_every_page(reader, plan, outcome):
    post = PostFactory(area=plan.area, title="Head of SEND")
    for number in range(1, 31):
        action = make_action(outcome, f"1.{number:02d}", leads=[post])
        StatusUpdateFactory(action=action, level=level(plan, "RED"))
    make_action(outcome, "1.99")  # unrated: filtered out

    response = reader.get(register_url(plan, rating=level(plan, "RED").pk, _export="csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["Ref"] for row in rows] == [f"1.{n:02d}" for n in range(1, 31)]
    assert rows[0]["Current rating"] == "Red"
    assert rows[0]["Leads"] == "Head of SEND"
    assert rows[0]["Due"] == "2019-04-30"


def test_csv_download_gives_full_descriptions_and_slippage(reader, plan, outcome):
    action = make_action(outcome, "1.1a", description="word " * 60)
    action.due_date = datetime.date(2019, 5, 30)
    action.save()
    StatusUpdateFactory(action=action, level=level(plan, "COMPLETED"))

    [row] = csv_rows(reader.get(register_url(plan, _export="csv")))

    assert row["Action"] == ("word " * 60)
    assert row["Original due date"] == "2019-04-30"
    assert row["Slippage (days)"] == "30"
    assert row["Completion proposed"] == "Yes"
    assert row["Current rating"] == "Completed"


def test_xlsx_download_holds_the_filtered_rows(reader, plan, outcome):
    make_action(outcome, "1.1a", description="Train all SENCOs")
    make_action(outcome, "1.1b", description="Audit plans")

    response = reader.get(register_url(plan, q="SENCO", _export="xlsx"))

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Ref"
    assert [row[0] for row in rows[1:]] == ["1.1a"]


def test_download_links_keep_the_filters(reader, plan, outcome):
    make_action(outcome, "1.1a")
    html = reader.get(register_url(plan, overdue=1)).text
    assert "overdue=1&amp;_export=csv" in html
    assert "overdue=1&amp;_export=xlsx" in html


# --- Query counts ------------------------------------------------------------------------------


def fill_plan(plan, outcome, count):
    posts = [PostFactory(area=plan.area, title=f"Lead {n}") for n in range(3)]
    boards = [make_board(plan, f"Board {n}") for n in range(2)]
    red = level(plan, "RED")
    for number in range(count):
        action = make_action(outcome, f"1.{number:03d}", leads=posts[: 1 + number % 3])
        action.boards.set(boards[: 1 + number % 2])
        StatusUpdateFactory(action=action, level=red)


# Session, user, plan, the user's role in its area, rating levels, the concern, lead post and
# board choices, the count, the page of actions, their leads, their boards.
REGISTER_QUERIES = 12
EXPORT_QUERIES = 8


@pytest.mark.parametrize("count", [1, 40])
def test_register_query_count_does_not_grow_with_actions(
    client, member_of, plan, outcome, count, django_assert_num_queries
):
    fill_plan(plan, outcome, count)
    client.force_login(member_of(plan))
    with django_assert_num_queries(REGISTER_QUERIES):
        response = client.get(register_url(plan))
    assert len(refs_on_page(response)) == min(count, 25)


@pytest.mark.parametrize("count", [1, 40])
def test_filtered_register_query_count_does_not_grow_with_actions(
    client, member_of, plan, outcome, count, django_assert_num_queries
):
    fill_plan(plan, outcome, count)
    client.force_login(member_of(plan))
    board = Board.objects.get(name="Board 0")
    red = level(plan, "RED").pk
    url = register_url(
        plan,
        concern=outcome.concern.pk,
        board=board.pk,
        rating=red,
        overdue=1,
        q="1.",
        sort="rating",
    )
    with django_assert_num_queries(REGISTER_QUERIES + 2):  # + checking the concern and board
        response = client.get(url)
    assert len(refs_on_page(response)) == min(count, 25)


@pytest.mark.parametrize("count", [1, 40])
def test_export_query_count_does_not_grow_with_actions(
    client, member_of, plan, outcome, count, django_assert_num_queries
):
    fill_plan(plan, outcome, count)
    client.force_login(member_of(plan))
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(register_url(plan, _export="csv"))
    assert len(csv_rows(response)) == count


# --- Who may see it: role × method -------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "method", "expected"),
    [
        ("anonymous", "get", 302),
        ("administrator", "get", 200),
        ("programme_lead", "get", 200),
        ("action_lead", "get", 200),
        ("board_member", "get", 200),
        ("national_viewer", "get", 200),
        ("member_of_another_area", "get", 404),
        ("anonymous", "post", 302),
        ("board_member", "post", 403),
        ("national_viewer", "post", 403),
        ("member_of_another_area", "post", 404),
        # Writers pass the area rule; the register itself takes no form.
        ("administrator", "post", 405),
        ("programme_lead", "post", 405),
        ("action_lead", "post", 405),
    ],
)
def test_register_access_by_role_and_method(client, plan, outcome, who, method, expected):
    make_action(outcome, "1.1a")
    if who == "national_viewer":
        client.force_login(UserFactory(is_national_viewer=True))
    elif who == "member_of_another_area":
        elsewhere = PlanFactory(area__name="Elsewhere")
        client.force_login(MembershipFactory(area=elsewhere.area, role=Role.ADMINISTRATOR).user)
    elif who != "anonymous":
        client.force_login(MembershipFactory(area=plan.area, role=Role(who)).user)

    url = register_url(plan)
    response = getattr(client, method)(url)

    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("login"))
    if expected == 200:
        assert "1.1a" in response.text


def test_export_of_another_areas_plan_is_not_found(client, plan, outcome):
    make_action(outcome, "1.1a")
    elsewhere = PlanFactory(area__name="Elsewhere")
    client.force_login(MembershipFactory(area=elsewhere.area, role=Role.ADMINISTRATOR).user)
    assert client.get(register_url(plan, _export="csv")).status_code == 404
