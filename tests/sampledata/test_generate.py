import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from actions.models import Action, StatusUpdate
from actions.status import UpdateKind
from governance.models import BoardPack, Meeting
from kpis.models import Kpi, KpiValue
from sampledata.national import counts
from wsoa.models import LocalArea, Membership, Role, User

UNTIL = "2026-11-30"


class RolledBack(Exception):
    pass


def generate(seed: int) -> tuple[dict[str, int], list[str]]:
    """Run the generator for 2 areas, read what it wrote, and roll it all back."""
    result = {}
    try:
        with transaction.atomic():
            call_command(
                "generate_national_data",
                "--areas=2",
                f"--seed={seed}",
                f"--until={UNTIL}",
                "--packs-per-board=1",
                "--i-know-this-is-not-production",
                stdout=io.StringIO(),
            )
            result["counts"] = counts()
            result["refs"] = list(
                Action.objects.order_by("plan__area__name", "pk").values_list("ref", flat=True)[:10]
            )
            result["areas"] = list(LocalArea.objects.values_list("name", flat=True))
            raise RolledBack
    except RolledBack:
        pass
    return result["counts"], result["refs"], result["areas"]


@pytest.mark.django_db
def test_generating_two_areas_writes_a_plan_boards_and_kpis_for_each():
    numbers, refs, areas = generate(seed=7)
    assert numbers["LocalArea"] == 2
    assert 2 * 56 <= numbers["Action"] <= 2 * 64
    assert numbers["Plan"] == 2
    assert numbers["Board"] == 6
    assert numbers["Meeting"] == 6 * 19
    assert numbers["BoardPack"] == 6  # one per board with --packs-per-board=1
    assert 2 * 38 <= numbers["Kpi"] <= 2 * 42
    assert numbers["StatusUpdate"] > numbers["Action"] * 20  # about monthly for three years
    assert numbers["KpiValue corrections"] >= 2
    assert numbers["StatusUpdate signed off"] > 0
    assert numbers["StatusUpdate sent back"] > 0
    assert numbers["National viewers"] == 3
    assert numbers["Evidence"] >= numbers["StatusUpdate signed off"]  # every proposal has some


@pytest.mark.django_db
def test_generated_rows_are_what_the_services_would_write():
    try:
        with transaction.atomic():
            call_command(
                "generate_national_data",
                "--areas=1",
                "--seed=3",
                f"--until={UNTIL}",
                "--packs-per-board=1",
                "--i-know-this-is-not-production",
                stdout=io.StringIO(),
            )
            until = datetime.date.fromisoformat(UNTIL)
            assert not StatusUpdate.objects.filter(effective_on__gt=until).exists()
            assert not StatusUpdate.objects.filter(author__isnull=True).exists()
            # A sign-off is always by a programme lead, never by whoever proposed it.
            for update in StatusUpdate.objects.filter(kind=UpdateKind.COMPLETION_SIGNED_OFF):
                assert Membership.objects.get(user=update.author).role == Role.PROGRAMME_LEAD
            # A correction supersedes a value of the same KPI and period.
            for value in KpiValue.objects.filter(corrects__isnull=False).select_related("corrects"):
                assert value.corrects.kpi_id == value.kpi_id
                assert value.corrects.period_end == value.period_end
                assert value.recorded_at > value.corrects.recorded_at
            assert Kpi.history.count() == Kpi.objects.count()
            pack = BoardPack.objects.select_related("meeting").first()
            assert pack.meeting.status == "held"
            assert pack.snapshot
            assert Meeting.objects.filter(status="scheduled").count() == 3
            assert User.objects.filter(username="a001.pl1").exists()
            raise RolledBack
    except RolledBack:
        pass


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    first = generate(seed=11)
    second = generate(seed=11)
    assert first == second
    assert generate(seed=12)[2] != first[2]  # another seed: other areas


@pytest.mark.django_db
def test_it_refuses_to_run_without_debug_or_the_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="not-production"):
        call_command("generate_national_data", "--areas=1")
    assert not LocalArea.objects.exists()
