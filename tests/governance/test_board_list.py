"""The Boards page: the user's own boards first, a page at a time, searchable."""

import pytest
from django.urls import reverse

from governance.views.boards import BOARDS_PER_PAGE
from tests.governance.factories import BoardFactory, BoardMemberFactory
from tests.wsoa.factories import LocalAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(db):
    areas = [LocalAreaFactory(name=f"Area {n:03d}") for n in range(15)]
    for area in areas:
        for name in ("SEND Partnership Board", "Health Executive"):
            BoardFactory(area=area, name=name)
    return areas


def names(response):
    return [(b.area.name, b.name) for b in response.context["boards"]]


def test_a_national_viewer_sees_the_boards_a_page_at_a_time(client, country):
    client.force_login(UserFactory(is_national_viewer=True))
    first = client.get(reverse("board-list"))
    assert len(first.context["boards"]) == BOARDS_PER_PAGE
    assert first.context["page"].paginator.count == 30
    assert "Page 1 of 2" in first.text and 'rel="next"' in first.text
    second = client.get(reverse("board-list"), {"page": 2})
    assert len(second.context["boards"]) == 10
    assert not set(names(first)) & set(names(second))


def test_the_boards_a_user_sits_on_come_first(client, country):
    user = UserFactory(is_national_viewer=True)
    mine = country[12].boards.get(name="Health Executive")
    BoardMemberFactory(board=mine, user=user)
    client.force_login(user)
    response = client.get(reverse("board-list"))
    assert names(response)[0] == ("Area 012", "Health Executive")
    assert "You sit on this board" in response.text


def test_boards_can_be_found_by_board_or_area_name(client, country):
    client.force_login(UserFactory(is_national_viewer=True))
    by_area = client.get(reverse("board-list"), {"q": "area 007"})
    assert sorted(names(by_area)) == [
        ("Area 007", "Health Executive"),
        ("Area 007", "SEND Partnership Board"),
    ]
    by_board = client.get(reverse("board-list"), {"q": "health", "page": 1})
    assert by_board.context["page"].paginator.count == 15
    assert "15 boards matching" in by_board.text
