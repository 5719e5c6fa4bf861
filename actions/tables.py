"""The action register table: what a plan's actions look like on screen and in a download."""

from __future__ import annotations

import datetime

import django_tables2 as tables
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from actions import status
from actions.models import Action
from actions.selectors import attach_shown_ratings
from wsoa.formatting import rating_tag
from wsoa.models import Plan, RatingLevel

LINE_BREAK = mark_safe("<br>")
DOCUMENT_ORDER = ("concern__number", "outcome__position", "position", "pk")


def _ordered(queryset: QuerySet, expression, is_descending: bool, *, nulls_last: bool = True):
    """Order by one expression, then the plan's own order, so pages are stable."""
    if isinstance(expression, str):
        expression = F(expression)
    nulls = {"nulls_last": True} if nulls_last else {"nulls_first": True}
    term = expression.desc(**nulls) if is_descending else expression.asc(**nulls)
    return queryset.order_by(term, *DOCUMENT_ORDER), True


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


class ActionRegisterTable(tables.Table):
    ref = tables.Column("Ref", order_by=DOCUMENT_ORDER)
    description = tables.Column("Action", orderable=False)
    concern = tables.Column("Concern", accessor="concern__number", order_by=DOCUMENT_ORDER)
    outcome = tables.Column("Outcome", orderable=False, default="")
    leads = tables.Column("Leads", orderable=False, empty_values=())
    boards = tables.Column("Board", orderable=False, empty_values=())
    due_date = tables.Column("Due", default="")
    # The rating shown: the action's own, else derived from its milestones (marked so).
    rating = tables.Column("Current rating", accessor="current_shown_level_id", empty_values=())
    last_updated = tables.Column("Last updated", accessor="last_update_at", empty_values=())

    # In downloads only: what a spreadsheet user filters on.
    original_due_date = tables.Column("Original due date", visible=False, default="")
    slippage = tables.Column("Slippage (days)", visible=False, empty_values=())
    completion_proposed = tables.Column("Completion proposed", visible=False, empty_values=())

    class Meta:
        model = Action
        fields = ()  # the columns above, in this order
        # Nine columns in GOV.UK's 960px: the smaller body size keeps them readable.
        attrs = {"class": "govuk-table wsoa-register", "td": {"class": "govuk-body-s"}}
        empty_text = "No actions match these filters."

    def __init__(self, *args, plan: Plan, levels: dict[int, RatingLevel], today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.levels = levels
        self.today = today or timezone.localdate()
        self.columns["concern"].column.verbose_name = plan.concern_label
        self.caption = f"Actions in {plan.title}"
        self.caption_class = "govuk-visually-hidden"

    # --- helpers -----------------------------------------------------------------------------

    def _level(self, record: Action) -> RatingLevel | None:
        """The rating shown (`attach_shown_ratings`), so "overdue" and "complete" follow it."""
        if not hasattr(record, "is_rating_derived"):
            attach_shown_ratings([record], self.levels)
        return record.current_level

    # --- on screen ---------------------------------------------------------------------------

    def render_ref(self, record: Action, value: str):
        url = reverse("action-detail", args=[record.plan_id, record.pk])
        return format_html(
            '<a class="govuk-link" href="{}"><span class="govuk-visually-hidden">Action </span>'
            "{}</a>",
            url,
            value,
        )

    def render_description(self, value: str) -> str:
        return truncatechars(value, 100)

    def render_outcome(self, value) -> str:
        return value.ref or truncatechars(value.statement, 50)

    def render_leads(self, record: Action):
        return format_html_join(LINE_BREAK, "{}", ((post.title,) for post in record.leads.all()))

    def render_boards(self, record: Action):
        boards = record.boards.all()
        return format_html_join(LINE_BREAK, "{}", ((b.short_name or b.name,) for b in boards))

    def render_due_date(self, record: Action, value: datetime.date):
        parts = [date_filter(value, "j M Y")]
        slippage = record.slippage_days
        if slippage:
            if slippage > 0:
                moved = f"Slipped {_days(slippage)}"
            else:
                moved = f"Brought forward {_days(-slippage)}"
            parts.append(
                format_html(
                    '<br><span class="govuk-body-s">{} (was {})</span>',
                    moved,
                    date_filter(record.original_due_date, "j M Y"),
                )
            )
        self._level(record)
        if record.is_overdue(today=self.today):
            parts.append(mark_safe('<br><strong class="govuk-tag govuk-tag--red">Overdue</strong>'))
        return format_html_join("", "{}", ((part,) for part in parts))

    def render_rating(self, record: Action):
        level = self._level(record)
        tag = rating_tag(level)
        if record.is_rating_derived:
            tag = format_html('{} <span class="wsoa-derived">{}</span>', tag, status.DERIVED_MARK)
        if record.is_completion_proposed:
            return format_html(
                '{}<br><strong class="govuk-tag govuk-tag--yellow">Completion proposed</strong>',
                tag,
            )
        return tag

    def render_last_updated(self, value: datetime.datetime | None) -> str:
        if value is None:
            return "Never"
        return date_filter(timezone.localtime(value), "j M Y")

    # --- in downloads ------------------------------------------------------------------------

    def value_ref(self, value: str) -> str:
        return value

    def value_description(self, value: str) -> str:
        return value

    def value_outcome(self, value) -> str:
        return str(value) if value else ""

    def value_leads(self, record: Action) -> str:
        return "; ".join(post.title for post in record.leads.all())

    def value_boards(self, record: Action) -> str:
        return "; ".join(board.name for board in record.boards.all())

    def value_due_date(self, value) -> str:
        return value.isoformat() if value else ""

    def value_original_due_date(self, value) -> str:
        return value.isoformat() if value else ""

    def value_slippage(self, record: Action):
        return record.slippage_days or ""

    def value_rating(self, record: Action) -> str:
        level = self._level(record)
        return status.rating_text(level, is_derived=record.is_rating_derived, export=True)

    def value_completion_proposed(self, record: Action) -> str:
        self._level(record)
        return "Yes" if record.is_completion_proposed else ""

    def value_last_updated(self, value) -> str:
        return timezone.localtime(value).date().isoformat() if value else ""

    # --- sorting -----------------------------------------------------------------------------

    def order_due_date(self, queryset: QuerySet, is_descending: bool):
        return _ordered(queryset, "due_date", is_descending)

    def order_rating(self, queryset: QuerySet, is_descending: bool):
        """By the scheme's rank (worst first), unrated last either way."""
        if not self.levels:
            return queryset.order_by(*DOCUMENT_ORDER), True
        ranks = [
            When(current_shown_level_id=pk, then=Value(lvl.rank)) for pk, lvl in self.levels.items()
        ]
        rank = Case(*ranks, default=None, output_field=IntegerField())
        return _ordered(queryset, rank, is_descending)

    def order_last_updated(self, queryset: QuerySet, is_descending: bool):
        """Oldest first, never-updated before everything else (descending: newest first)."""
        return _ordered(queryset, "last_update_at", is_descending, nulls_last=is_descending)
