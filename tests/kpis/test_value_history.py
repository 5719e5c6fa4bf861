"""KPI values are history: a correction is a new row that says what it corrects, the
corrected row is kept, and "as at a meeting" shows the figures known then."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import AppendOnlyError
from kpis import services
from kpis.models import KpiValue
from kpis.periods import parse_period
from kpis.selectors import board_kpi_summary
from tests.kpis.factories import BoardFactory, KpiFactory, KpiTargetFactory, KpiValueFactory
from tests.wsoa.factories import ConcernFactory, UserFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date


def value_post(**fields):
    data = {"period_label": "Q3 2021/22", "status": "recorded", "value": ""}
    data.update(fields)
    return data


def test_correcting_a_value_keeps_the_old_row_and_the_kpi_page_shows_the_new_figure(
    client, plan, owned_kpi, data_owner
):
    original = KpiValueFactory(kpi=owned_kpi, period="Q3 2021/22", value=70)
    client.force_login(data_owner)
    client.post(
        reverse("kpi-value-edit", args=[plan.pk, owned_kpi.pk, original.pk]),
        value_post(value="74"),
    )

    original.refresh_from_db()
    correction = KpiValue.objects.current().get()
    assert original.value == Decimal("70")  # kept as it was
    assert (correction.corrects, correction.value) == (original, Decimal("74"))
    assert (correction.recorded_by, correction.entered_by) == (data_owner, data_owner)
    assert correction.recorded_at > original.recorded_at

    html = client.get(reverse("kpi-detail", args=[plan.pk, owned_kpi.pk])).text
    latest = html[html.index("Latest value") :]
    assert latest.index("74%") < latest.index("Q3 2021/22")
    corrections = html[html.index('id="corrections"') :]
    assert "70%" in corrections and "74%" in corrections
    # The superseded row is no longer offered for correction.
    superseded = reverse("kpi-value-edit", args=[plan.pk, owned_kpi.pk, original.pk])
    assert superseded not in html
    assert client.get(superseded).status_code == 404


def test_saving_the_same_figures_again_writes_nothing(plan, owned_kpi, data_owner):
    period = parse_period("Q3 2021/22")
    first = services.kpi_value_record(
        user=data_owner, kpi=owned_kpi, period=period, value=Decimal("70")
    )
    again = services.kpi_value_record(
        user=data_owner, kpi=owned_kpi, period=period, value=Decimal("70")
    )
    assert again.pk == first.pk
    assert KpiValue.objects.count() == 1


def test_a_value_cannot_be_edited_or_deleted_in_place(owned_kpi):
    value = KpiValueFactory(kpi=owned_kpi, value=70)
    value.value = Decimal("75")
    with pytest.raises(AppendOnlyError):
        value.save()
    with pytest.raises(AppendOnlyError):
        value.save(update_fields=["value"])
    with pytest.raises(AppendOnlyError):
        value.delete()
    value.refresh_from_db()
    assert value.value == Decimal("70")


def test_new_targets_still_re_rate_values_in_place(plan, owned_kpi):
    value = KpiValueFactory(kpi=owned_kpi, period="Q3 2021/22", value=90)
    KpiTargetFactory(kpi=owned_kpi, value=95)
    assert services.kpi_ratings_recalculate(user=None, kpi=owned_kpi) == 1
    value.refresh_from_db()
    assert (value.computed_rag, value.target_value) == ("amber", Decimal("95"))
    assert KpiValue.objects.count() == 1


def test_the_board_summary_as_at_a_date_shows_the_figures_known_then(plan, member_of):
    concern = ConcernFactory(plan=plan, number=1)
    board = BoardFactory(area=plan.area, concerns=[concern])
    kpi = KpiFactory(plan=plan, code="H1", concerns=[concern])
    KpiValueFactory(kpi=kpi, period="Q3 2021/22", value=70)  # recorded 31/12/2021
    lead = member_of(plan, Role.PROGRAMME_LEAD)
    services.kpi_value_record(
        user=lead, kpi=kpi, period=parse_period("Q3 2021/22"), value=Decimal("74")
    )
    today = timezone.localdate()

    def latest(**as_at):
        return board_kpi_summary(board, **as_at)[0].latest.value

    assert latest(as_at=D(2022, 1, 15)) == Decimal("70")  # a meeting before the correction
    assert latest(as_at=today) == Decimal("74")
    assert latest() == Decimal("74")
    # A pack issued before the correction keeps the old figure, whatever its as-at day.
    issued = KpiValue.objects.get(value=70).recorded_at + datetime.timedelta(days=1)
    assert latest(as_at=today, known_by=issued) == Decimal("70")
    assert latest(known_by=issued) == Decimal("70")


def test_the_admin_cannot_add_change_or_delete_a_value(client, owned_kpi):
    value = KpiValueFactory(kpi=owned_kpi, value=70)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    change_url = reverse("admin:kpis_kpivalue_change", args=[value.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="value"' not in page.text  # shown, not editable
    client.post(change_url, {"value": "99", "status": "recorded"})
    assert client.get(reverse("admin:kpis_kpivalue_delete", args=[value.pk])).status_code == 403
    assert client.get(reverse("admin:kpis_kpivalue_add")).status_code == 403
    value.refresh_from_db()
    assert value.value == Decimal("70")
    assert KpiValue.objects.count() == 1
