"""Reads for KPI screens, the board dashboard and the board pack. Each returns everything
its page needs in a fixed number of queries, whatever the number of KPIs or periods."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet

from actions.models import Action
from actions.status import known_as_at
from kpis.comparison import (
    NOT_COMPARABLE,
    Change,
    Trend,
    change_between,
    changes_in_series,
    comparable_earlier,
)
from kpis.models import Kpi, KpiRag, KpiSection, KpiTarget, KpiValue
from kpis.rag import target_in_force
from wsoa.models import Plan
from wsoa.selectors import attach_current_levels, levels_by_id

# Worst first: the order a board reads its KPIs in.
RAG_SEVERITY = {
    KpiRag.RED: 0,
    KpiRag.AMBER: 1,
    KpiRag.UNRELIABLE: 2,
    KpiRag.NO_DATA: 3,
    KpiRag.NO_TARGET: 4,
    KpiRag.GREEN: 5,
}


@dataclass
class KpiRow:
    """One KPI as a dataset, dashboard or board pack shows it.

    - `kpi`: the Kpi, with `section`, `data_owner`, `plan` loaded and `concerns` prefetched.
    - `series`: its KpiValues up to the as-at date, oldest period first.
    - `latest`: the last value of the series (None if there are none); `previous`: the value
      of the latest's comparable earlier period (`kpis.comparison`: the same kind and length
      of period before it), None when the series has none.
    - `rag`: the latest value's rating, override first (a KpiRag value); "no_data" when the
      KPI has no values; `is_overridden` says whether it is a manual override.
    - `target`: the target in force for the latest period (or for the as-at date when there
      are no values), a KpiTarget or None.
    - `change`: a `kpis.comparison.Change` — `amount` (latest minus previous, a Decimal, or
      None when there is no previous or either is missing or unreliable), `trend` (improved,
      worsened, no_change, up, down, not_comparable, no_earlier_period) and `arrow` (▲, ▼
      or ""). Never "worsened" against a period of another kind or length.
    """

    kpi: Kpi
    series: list[KpiValue]
    latest: KpiValue | None
    previous: KpiValue | None
    rag: str
    is_overridden: bool
    target: KpiTarget | None
    change: Change = NOT_COMPARABLE

    @property
    def rag_label(self) -> str:
        return KpiRag(self.rag).label

    @property
    def is_red(self) -> bool:
        return self.rag == KpiRag.RED

    @property
    def is_worsened(self) -> bool:
        return self.change.trend == Trend.WORSENED

    @property
    def needs_attention(self) -> bool:
        """Red or worsened: what a board looks at first."""
        return self.is_red or self.is_worsened


def build_row(kpi: Kpi, *, as_at: date | None = None) -> KpiRow:
    """A row from a KPI loaded with `Kpi.objects.with_dataset_data()` (no queries)."""
    series = list(getattr(kpi, "series", None) or [])
    latest = series[-1] if series else None
    previous = comparable_earlier(latest, series)
    targets = list(kpi.targets.all())
    if latest is not None:
        rag = latest.rag
        target = target_in_force(targets, latest.period_end)
    else:
        rag = KpiRag.NO_DATA
        target = target_in_force(targets, as_at or date.today())
    for value in series:
        value.kpi = kpi  # already loaded: no query when a template reads value.kpi
    return KpiRow(
        kpi=kpi,
        series=series,
        latest=latest,
        previous=previous,
        rag=rag,
        is_overridden=bool(latest and latest.is_overridden),
        target=target,
        change=change_between(latest, previous, direction=kpi.direction),
    )


def kpi_rows(
    kpis: QuerySet[Kpi], *, as_at: date | None = None, known_at: datetime | None = None
) -> list[KpiRow]:
    """Rows of the KPIs' current values up to `as_at`, as known at the moment `known_at`
    (None: as known now)."""
    loaded = kpis.with_dataset_data(as_at=as_at, known_at=known_at)
    return [build_row(kpi, as_at=as_at) for kpi in loaded]


# --- The dataset page --------------------------------------------------------------------


@dataclass
class SectionRows:
    section: KpiSection | None
    rows: list[KpiRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.section.name if self.section else "Other KPIs"


def group_by_section(rows: list[KpiRow]) -> list[SectionRows]:
    groups: dict[int | None, SectionRows] = {}
    for row in rows:
        key = row.kpi.section_id
        if key not in groups:
            groups[key] = SectionRows(section=row.kpi.section)
        groups[key].rows.append(row)
    return list(groups.values())


def rag_counts(rows: list[KpiRow]) -> list[tuple[str, str, int]]:
    """[(rag, label, count)] worst first, for the dataset's summary line."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.rag] += 1
    return [(rag, KpiRag(rag).label, counts[rag]) for rag in RAG_SEVERITY if counts[rag]]


def plan_dataset(kpis: QuerySet[Kpi]) -> list[KpiRow]:
    """Rows of a (filtered) plan or board dataset, in dataset order."""
    return kpi_rows(kpis.active().in_dataset_order())


# --- The board dashboard and board pack --------------------------------------------------


def board_kpi_summary(
    board, *, as_at: date | None = None, known_by: datetime | None = None
) -> list[KpiRow]:
    """The board's KPIs — those evidencing a concern the board oversees — as they stood at
    `as_at` (values for periods ending on or before it; all values if None), red or worsened
    first.

    The figures are those known at the end of the as-at day, or at `known_by` if earlier (a
    board pack's issue moment): a correction recorded later does not change them
    (`actions.status.known_as_at`). With neither, the current figures.

    Returns a list of `KpiRow` (see its docstring), each with:
      row.kpi (code, title, unit, direction, section, plan, data_owner, concerns),
      row.latest (KpiValue or None: period_label, value, numerator, denominator, status,
      note, source, rag, is_overridden, override_reason), row.previous,
      row.rag (a KpiRag value: red, amber, green, no_data, unreliable, no_target) and
      row.rag_label ("Red"), row.is_overridden, row.target (KpiTarget or None),
      row.change (amount, trend, arrow, previous_label: against the comparable earlier
      period only, `kpis.comparison`), row.needs_attention, and
      row.series (every value to the as-at date, oldest first, for a sparkline:
      `kpis.charts.sparkline_svg(row)`).

    Order: red or worsened first; then by rating, worst first (red, amber, unreliable,
    no data, no target, green); then in dataset order. Runs a fixed number of queries (4).
    """
    kpis = Kpi.objects.for_board(board).active().in_dataset_order()
    moment = known_as_at(as_at, known_by) if as_at is not None else known_by
    rows = kpi_rows(kpis, as_at=as_at, known_at=moment)
    order = {id(row): index for index, row in enumerate(rows)}
    return sorted(
        rows,
        key=lambda row: (not row.needs_attention, RAG_SEVERITY[row.rag], order[id(row)]),
    )


# --- The KPI page ------------------------------------------------------------------------


@dataclass
class ValueChange:
    """One recorded change to a value: what it was, what it became, who, when and why."""

    when: object
    who: str
    period_label: str
    before: str
    after: str
    reason: str


def kpi_page_data(kpi: Kpi, plan: Plan) -> dict:
    """The KPI page: its full series, each value with its change from its comparable earlier
    period (`kpis.comparison`), the linked actions with their current
    ratings, and the history of corrections."""
    row = kpi_rows(Kpi.objects.filter(pk=kpi.pk))[0]
    changes = [change for _, change in changes_in_series(row.series, direction=kpi.direction)]
    levels = levels_by_id(plan)
    actions = list(
        Action.objects.filter(kpis=kpi)
        .with_current_status()
        .select_related("concern")
        .order_by("concern__number", "position", "ref")
    )
    attach_current_levels(actions, levels)
    return {
        "row": row,
        "series_with_changes": list(zip(row.series, changes, strict=True)),
        "targets": list(row.kpi.targets.all()),
        "linked_actions": actions,
        "levels": list(levels.values()),
        "corrections": value_corrections(kpi),
    }


def value_corrections(kpi: Kpi) -> list[ValueChange]:
    """Every change to an already-recorded value of the KPI, newest first, from the values'
    history: one query. A correction of its figure or status is a new row saying which row
    it `corrects` (compared with that row as it then stood); a change of its rating (an
    override, new targets) is a change of the row itself."""
    records = list(
        KpiValue.history.filter(kpi_id=kpi.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    out = []
    last: dict[int, object] = {}
    for record in records:
        before = last.get(record.id)
        last[record.id] = record
        if record.history_type == "+" and record.corrects_id is not None:
            before = last.get(record.corrects_id)
        elif record.history_type != "~":
            continue
        if before is None:
            continue
        record.kpi = kpi
        before.kpi = kpi
        old, new = _figure(before, kpi), _figure(record, kpi)
        old_rag = before.rag_override or before.computed_rag
        new_rag = record.rag_override or record.computed_rag
        if old == new and old_rag == new_rag:
            continue
        if old_rag != new_rag:
            old += f" ({KpiRag(old_rag).label})"
            new += f" ({KpiRag(new_rag).label})"
        out.append(
            ValueChange(
                when=record.history_date,
                who=str(record.history_user) if record.history_user_id else "System",
                period_label=record.period_label,
                before=old,
                after=new,
                reason=record.history_change_reason or "",
            )
        )
    out.sort(key=lambda change: change.when, reverse=True)
    return out


def _figure(record, kpi) -> str:
    from kpis.formatting import value_text

    return value_text(record, kpi=kpi)
