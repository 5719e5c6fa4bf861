"""Entering values and overriding ratings in the browser, the import page, and who may do
what: anonymous users sign in, other areas' KPIs do not exist, read-only users are refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KpiRag, KpiValue, ValueStatus
from tests.kpis.factories import KpiFactory, KpiTargetFactory, KpiValueFactory
from tests.kpis.helpers import csv_bytes, snapshot
from tests.wsoa.factories import PlanFactory, UserFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db


def value_post(**fields):
    data = {"period_label": "Q3 2021/22", "status": ValueStatus.RECORDED, "value": ""}
    data.update(fields)
    return data


def test_data_owner_records_a_value_from_numerator_and_denominator(
    client, plan, owned_kpi, data_owner
):
    KpiTargetFactory(kpi=owned_kpi, value=95)
    client.force_login(data_owner)
    url = reverse("kpi-value-record", args=[plan.pk, owned_kpi.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url, value_post(numerator="18", denominator="24", note="Q3 return"), follow=True
    )

    value = KpiValue.objects.get()
    assert (value.value, value.numerator, value.denominator) == (Decimal("75.00"), 18, 24)
    assert (value.computed_rag, value.entered_by) == (KpiRag.RED, data_owner)
    assert "Saved DO1 for Q3 2021/22: 75% (18/24), rated Red." in response.text


def test_recording_the_same_period_again_records_a_correction(client, plan, owned_kpi, data_owner):
    client.force_login(data_owner)
    url = reverse("kpi-value-record", args=[plan.pk, owned_kpi.pk])
    client.post(url, value_post(value="70"))
    client.post(url, value_post(period_label="Oct-Dec 2021", value="72%"))
    value = KpiValue.objects.current().get()
    assert (value.period_label, value.value) == ("Oct-Dec 2021", Decimal("72"))
    assert (value.corrects.period_label, value.corrects.value) == ("Q3 2021/22", Decimal("70"))
    assert (value.recorded_by, KpiValue.objects.count()) == (data_owner, 2)


def test_value_form_errors_are_listed_and_nothing_is_saved(client, plan, owned_kpi, data_owner):
    client.force_login(data_owner)
    url = reverse("kpi-value-record", args=[plan.pk, owned_kpi.pk])
    response = client.post(url, value_post(period_label="Spring-ish", value="lots"))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Cannot tell the dates of the period" in response.text
    assert "&quot;lots&quot; is not a number" in response.text
    response = client.post(url, value_post(status=ValueStatus.NO_DATA, value="0"))
    assert "cannot also give a figure" in response.text
    assert not KpiValue.objects.exists()


def test_correcting_a_value_can_move_it_to_another_period(client, plan, owned_kpi, data_owner):
    value = KpiValueFactory(kpi=owned_kpi, period="Q3 2021/22", value=70)
    KpiValueFactory(kpi=owned_kpi, period="Q4 2021/22", value=71)
    client.force_login(data_owner)
    url = reverse("kpi-value-edit", args=[plan.pk, owned_kpi.pk, value.pk])
    assert 'value="Q3 2021/22"' in client.get(url).text
    response = client.post(url, value_post(period_label="Q4 2021/22", value="70"))
    assert "already has a value for Q4 2021/22" in response.text
    client.post(url, value_post(period_label="Q2 2021/22", value="69"))
    corrected = value.corrections.get()
    assert (corrected.period_label, corrected.value) == ("Q2 2021/22", Decimal("69"))
    value.refresh_from_db()
    assert (value.period_label, value.value) == ("Q3 2021/22", Decimal("70"))


def test_programme_lead_overrides_a_rating_with_a_reason(client, plan, member_of):
    lead = member_of(plan, Role.PROGRAMME_LEAD)
    kpi = KpiFactory(plan=plan)
    KpiTargetFactory(kpi=kpi, value=95)
    value = KpiValueFactory(kpi=kpi, value=93)
    client.force_login(lead)
    url = reverse("kpi-value-override", args=[plan.pk, kpi.pk, value.pk])
    assert "Say why the rating is overridden" in client.post(url, {"rag": KpiRag.RED}).text
    client.post(url, {"rag": KpiRag.RED, "reason": "Known data lag"})
    value.refresh_from_db()
    assert (value.rag, value.computed_rag, value.overridden_by) == (KpiRag.RED, KpiRag.AMBER, lead)
    client.post(url, {"rag": "", "reason": "Lag resolved"})
    value.refresh_from_db()
    assert (value.rag, value.rag_override) == (KpiRag.AMBER, "")
    reasons = list(value.history.values_list("history_change_reason", flat=True))
    assert "RAG override removed: Lag resolved" in reasons


def test_data_owner_imports_a_file_on_the_import_page(client, plan, owned_kpi, data_owner):
    client.force_login(data_owner)
    url = reverse("kpi-import", args=[plan.pk])
    page = client.get(url).text
    assert "DO1" in page and "kpi_code" in page
    upload = csv_bytes([[owned_kpi.code, "Apr 2019", "", "", "80", "", "", ""]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"file": SimpleUploadedFile("values.csv", upload)}, follow=True)
    assert (
        "Imported values.csv: 1 value (1 new, 0 updated, 0 unchanged) for 1 KPI." in response.text
    )
    assert KpiValue.objects.count() == 1


def test_a_bad_upload_lists_problems_by_row_and_column_and_changes_nothing(
    client, plan, owned_kpi, data_owner
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    KpiValueFactory(kpi=owned_kpi, period="Apr 2019", value=50)
    before = snapshot()
    client.force_login(data_owner)
    upload = csv_bytes(
        [
            [owned_kpi.code, "Apr 2019", "", "", "80", "", "", ""],
            ["NOPE", "Spring-ish", "", "", "x", "", "", ""],
        ]
    )
    response = client.post(
        reverse("kpi-import", args=[plan.pk]), {"file": SimpleUploadedFile("values.csv", upload)}
    )
    assert response.status_code == 200
    assert "3 problems in values.csv" in response.text
    assert "A (kpi_code)" in response.text and "E (value)" in response.text
    assert snapshot() == before


# --- Who may do what ---------------------------------------------------------------------


def kpi_urls(plan, kpi, value):
    return [
        reverse("kpi-dataset", args=[plan.pk]),
        reverse("kpi-detail", args=[plan.pk, kpi.pk]),
        reverse("kpi-value-record", args=[plan.pk, kpi.pk]),
        reverse("kpi-value-edit", args=[plan.pk, kpi.pk, value.pk]),
        reverse("kpi-value-override", args=[plan.pk, kpi.pk, value.pk]),
        reverse("kpi-import", args=[plan.pk]),
        reverse("kpi-dataset-export", args=[plan.pk, "csv"]),
    ]


def test_anonymous_users_are_sent_to_sign_in(client, plan):
    kpi = KpiFactory(plan=plan)
    for url in [*kpi_urls(plan, kpi, KpiValueFactory(kpi=kpi)), reverse("kpi-index")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_another_areas_kpis_do_not_exist_for_me(client, plan, member_of):
    other_plan = PlanFactory(area__name="Elsewhere")
    kpi = KpiFactory(plan=other_plan)
    value = KpiValueFactory(kpi=kpi)
    client.force_login(member_of(plan, Role.ADMINISTRATOR))
    for url in kpi_urls(other_plan, kpi, value):
        assert client.get(url).status_code == 404, url
    # A KPI of another plan is not reachable through my plan's URLs either.
    assert client.get(reverse("kpi-detail", args=[plan.pk, kpi.pk])).status_code == 404


def test_another_areas_board_dataset_does_not_exist_for_me(client, plan, member_of):
    from tests.kpis.factories import BoardFactory

    board = BoardFactory(area=PlanFactory(area__name="Elsewhere").area)
    client.force_login(member_of(plan))
    assert client.get(reverse("board-kpi-dataset", args=[board.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, None])
def test_read_only_users_read_but_may_not_post(client, plan, member_of, role):
    user = member_of(plan, role) if role else UserFactory(is_national_viewer=True)
    kpi = KpiFactory(plan=plan)
    value = KpiValueFactory(kpi=kpi)
    client.force_login(user)
    urls = kpi_urls(plan, kpi, value)
    for url in (urls[0], urls[1], urls[6]):
        assert client.get(url).status_code == 200, url
    for url in urls[2:6]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, value_post(value="1")).status_code == 403, url
    assert KpiValue.objects.get().value == value.value


def test_an_action_lead_who_is_not_the_data_owner_may_not_enter_values(
    client, plan, member_of, owned_kpi
):
    other_lead = member_of(plan, Role.ACTION_LEAD)
    client.force_login(other_lead)
    url = reverse("kpi-value-record", args=[plan.pk, owned_kpi.pk])
    assert client.post(url, value_post(value="80")).status_code == 403
    assert client.get(reverse("kpi-import", args=[plan.pk])).status_code == 403


def test_a_data_owner_may_not_override_ratings(client, plan, owned_kpi, data_owner):
    value = KpiValueFactory(kpi=owned_kpi)
    client.force_login(data_owner)
    url = reverse("kpi-value-override", args=[plan.pk, owned_kpi.pk, value.pk])
    assert client.post(url, {"rag": KpiRag.GREEN, "reason": "x"}).status_code == 403
    page = client.get(reverse("kpi-detail", args=[plan.pk, owned_kpi.pk])).text
    assert "Record a value" in page and "Override RAG" not in page
