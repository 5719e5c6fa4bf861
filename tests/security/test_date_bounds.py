"""Every date typed or uploaded is within the service's years (2000 to 2099), with a clear
message; a date outside them is never stored."""

import datetime

import pytest

from actions.forms import DueDateChangeForm
from formats.plans.services import plan_load
from formats.reader import PlanFileError
from kpis.parsing import CellError, parse_date
from tests.formats.plan_files import EXAMPLESHIRE, row_counts
from wsoa.dates import date_out_of_range

MESSAGE = "Enter a date between 1 January 2000 and 31 December 2099"


@pytest.mark.parametrize("year", [1, 1999, 2100, 9999])
def test_years_outside_the_range_are_refused_with_the_range(year):
    assert date_out_of_range(datetime.date(year, 1, 1)) == MESSAGE


def test_a_typed_due_date_outside_the_range_is_a_form_error():
    form = DueDateChangeForm(data={"new_date": "0001-01-01", "reason": "Typo"})
    assert not form.is_valid()
    assert form.errors["new_date"] == [MESSAGE]


def test_a_spreadsheet_date_outside_the_range_is_a_cell_error():
    with pytest.raises(CellError, match="enter a date between 1 January 2000"):
        parse_date("31/12/2150")


@pytest.mark.django_db
def test_a_plan_file_date_outside_the_range_is_a_problem_and_loads_nothing():
    raw = EXAMPLESHIRE.read_bytes().replace(
        b"published_on: 2023-09-01", b"published_on: 1923-09-01"
    )
    before = row_counts()
    with pytest.raises(PlanFileError) as refused:
        plan_load(user=None, raw=raw, name="exampleshire.yaml")
    assert "plan.published_on: enter a date between 1 January 2000" in str(refused.value)
    assert row_counts() == before
