"""Problems in a plan file say where they are in the plan's own terms, counting from 1, and a
block that looks mis-indented is reported once, not as a cascade of follow-on messages."""

from __future__ import annotations

import re

import pytest

from formats.plans.services import plan_load
from formats.reader import PlanFileError
from tests.formats.plan_files import FORMAT_GUIDE, line_of

pytestmark = pytest.mark.django_db

EXAMPLE = re.search(r"```yaml\n(.*?)```", FORMAT_GUIDE.read_text(encoding="utf-8"), re.S).group(1)


def problems_of(text: str) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        plan_load(user=None, raw=text.encode("utf-8"))
    return [str(problem) for problem in caught.value.problems]


def shift(text: str, first: str, last: str, by: int) -> str:
    """The lines from the one containing `first` to the one containing `last`, moved `by`
    spaces right (or left, if negative), as a slip in an editor would."""
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if first in line)
    end = next(n for n, line in enumerate(lines) if last in line and n >= start)
    for n in range(start, end + 1):
        lines[n] = " " * by + lines[n] if by > 0 else lines[n][-by:]
    return "".join(lines)


def test_a_milestone_without_a_ref_is_named_by_its_position_in_its_action():
    text = EXAMPLE.replace(
        "deadline: Nov 2023", "deadline: Nov 2023\n                due_date: soon"
    )

    assert problems_of(text) == [
        f"line {line_of(text, 'due_date: soon')}, concern 1, outcome 1.1, the 1st milestone of "
        'action 1.1a, due_date: must be a date written YYYY-MM-DD, not "soon"'
    ]


def test_an_action_without_a_ref_is_named_by_its_position_in_its_outcome():
    text = EXAMPLE.replace("- ref: 1.1a\n            description:", "- description:").replace(
        "leads: [Director of Education]", "leads: [Nobody]"
    )

    (problem,) = problems_of(text)
    assert problem.startswith(
        f"line {line_of(text, 'leads: [Nobody]')}, concern 1, the 1st lead of the 1st action of "
        'outcome 1.1: unknown post "Nobody"'
    )


def test_no_problem_counts_from_zero():
    text = EXAMPLE.replace("rating: A", "rating: AMBER").replace("rating: B", "rating: BLUE")

    problems = problems_of(text)

    assert len(problems) == 2
    assert not any("[0]" in problem for problem in problems)


def test_action_fields_at_the_outcomes_level_are_one_hint_not_a_cascade():
    text = shift(EXAMPLE, "description: Recruit four", "date: 2023-11-30", -4)

    assert problems_of(text) == [
        f"line {line_of(text, 'description: Recruit four')}: this looks mis-indented: "
        "`description`, `success_measures`, `leads`, `boards`, `resource`, `timescale`, "
        "`progress` and `milestones` are indented like fields of concern 1, outcome 1.1; "
        "indent them under action 1.1a"
    ]


def test_milestone_fields_at_the_actions_level_are_pointed_back_to_the_milestone():
    text = shift(EXAMPLE, "deadline: Nov 2023", "date: 2023-11-30", -4)
    text = re.sub(
        r"            progress:\n.*?narrative: Two of four posts filled.\n", "", text, flags=re.S
    )

    assert problems_of(text) == [
        f"line {line_of(text, 'deadline: Nov 2023')}: this looks mis-indented: `deadline` and "
        "`completed_on` are indented like fields of concern 1, outcome 1.1, action 1.1a; "
        "indent them under the 1st milestone of action 1.1a"
    ]


def test_milestones_indented_into_a_progress_entry_are_pointed_back_to_the_action():
    text = shift(EXAMPLE, "milestones:", "date: 2023-11-30", 4)

    assert problems_of(text) == [
        f"line {line_of(text, 'milestones:')}: this looks mis-indented: `milestones` is "
        "indented like a field of concern 1, outcome 1.1, the 1st progress entry of action "
        "1.1a; indent it under action 1.1a, lined up with its other fields"
    ]


def test_milestones_indented_under_a_field_of_the_action_are_lined_up_with_it():
    text = re.sub(
        r"            timescale: Spring term 2024\n            progress:\n.*?narrative: Two of "
        r"four posts filled.\n",
        "            timescale:\n",
        EXAMPLE,
        flags=re.S,
    )
    text = shift(text, "milestones:", "date: 2023-11-30", 2)

    assert problems_of(text) == [
        f"line {line_of(text, 'milestones:')}: this looks mis-indented: `milestones` is "
        "indented under `timescale` of concern 1, outcome 1.1, action 1.1a; line it up with "
        "`timescale`"
    ]


def test_a_misspelt_field_is_still_an_unknown_field_not_a_mis_indentation():
    text = EXAMPLE.replace("success_measures:", "sucess_measures:")

    (problem,) = problems_of(text)
    assert 'unknown field "sucess_measures" (did you mean "success_measures"?)' in problem
    assert "mis-indented" not in problem
