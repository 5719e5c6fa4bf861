"""The plan format guide in the tracker: kept in step with docs/plan-format.md, with the example
plan and a blank template to download, linked from the upload page."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import reverse

from formats.plans.validate import SPECS
from tests.formats.plan_files import EXAMPLESHIRE, FIXTURES, FORMAT_GUIDE
from tests.wsoa.factories import UserFactory

pytestmark = pytest.mark.django_db

DOCS = FORMAT_GUIDE.read_text(encoding="utf-8")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def documented_top_level_keys() -> list[str]:
    table = DOCS[DOCS.index("### Top level") : DOCS.index("### `plan`")]
    return re.findall(r"^\| `(\w+)`", table, re.M)


def test_the_guide_shows_every_top_level_key_and_every_section_of_the_docs(admin_client):
    page = admin_client.get(reverse("plan-guide")).content.decode()

    keys = documented_top_level_keys()
    assert set(keys) == set(SPECS["document"])
    for key in keys:
        assert f"<code>{key}</code>" in page, key
    for heading in re.findall(r"^#{2,3} (.+)$", DOCS, re.M):
        if heading != "Exporting":
            assert heading.replace("`", "").split(":")[0] in re.sub(r"<[^>]+>", "", page), heading


def test_the_guide_shows_the_docs_complete_example(admin_client):
    page = admin_client.get(reverse("plan-guide")).content.decode()
    example = re.search(r"```yaml\n(.*?)```", DOCS, re.S).group(1)

    for line in example.splitlines():
        text = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert text.replace('"', "&quot;") in page or text in page, line


def test_the_example_plan_downloads_as_a_file(admin_client):
    response = admin_client.get(reverse("plan-guide-example"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == EXAMPLESHIRE.read_bytes()


def test_the_blank_template_downloads_with_every_key_commented(admin_client):
    response = admin_client.get(reverse("plan-guide-template"))
    text = b"".join(response.streaming_content).decode()

    assert response["Content-Disposition"].startswith("attachment")
    assert text == (FIXTURES / "plan-template.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["format"] == "wsoa-plan/1"
    written = set(re.findall(r"^\s*(?:- )?(\w+):", text, re.M))
    every_key = {key for spec in SPECS.values() for key in spec}
    assert every_key <= written
    for line in text.splitlines():
        if re.match(r"^\s*(?:- )?\w+:", line):
            assert "#" in line, f"no comment on: {line}"


def test_the_upload_page_links_the_guide_and_names_no_repository_paths_or_flags(admin_client):
    page = admin_client.get(reverse("plan-upload")).content.decode()

    assert reverse("plan-guide") in page
    assert reverse("plan-guide-example") in page
    assert reverse("plan-guide-template") in page
    main = page[page.index("<main") : page.index("</main>")]
    for leak in ("docs/", "fixtures/", "manage.py", "--update", "--dry-run", ".md"):
        assert leak not in main, leak


def test_people_who_may_not_load_plans_do_not_see_the_guide(client):
    client.force_login(UserFactory())

    for name in ("plan-guide", "plan-guide-example", "plan-guide-template"):
        assert client.get(reverse(name)).status_code == 403
