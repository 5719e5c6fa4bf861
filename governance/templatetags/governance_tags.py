"""Tags for rendering dashboard data (live, or frozen in a board pack)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from wsoa.formatting import rating_tag

register = template.Library()


def _level(context, level_id):
    if level_id is None:
        return None
    return context.get("dash_levels", {}).get(str(level_id))


@register.simple_tag(takes_context=True)
def level_tag(context, level_id):
    """The rating tag (colour and words) of a level in the dashboard data; None = unrated."""
    return rating_tag(_level(context, level_id))


@register.simple_tag(takes_context=True)
def level_label(context, level_id):
    level = _level(context, level_id)
    return level.label if level else "Not yet rated"


@register.simple_tag
def register_url(plan_pk, concern_pk=None, level_id="", as_at=None):
    """The action register filtered by concern and rating (`rating=unrated` for None)."""
    params = {}
    if concern_pk:
        params["concern"] = concern_pk
    if level_id != "":
        params["rating"] = "unrated" if level_id is None else level_id
    url = reverse("action-register", kwargs={"plan_pk": plan_pk})
    return f"{url}?{urlencode(params)}" if params else url


@register.filter
def css_string(value):
    """Text safe inside a double-quoted CSS string in a <style> element (page headers)."""
    from django.utils.safestring import mark_safe  # noqa: PLC0415

    text = str(value)
    for char, escaped in (
        ("\\", "\\\\"),
        ('"', '\\"'),
        ("\n", " "),
        ("<", "\\3c "),
        (">", "\\3e "),
    ):
        text = text.replace(char, escaped)
    return mark_safe(text)
