"""Write a validated plan document to the database (new plan, or `update` in place).

Called only from `formats.plans.services.plan_load`, inside its transaction. A new plan is written
with bulk inserts, so a plan of 1,000 actions and 5,000 milestones loads in seconds.
"""

from __future__ import annotations

import datetime
import gc
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from actions.models import Action, Milestone, StatusUpdate
from actions.status import UpdateKind
from wsoa.models import (
    Board,
    Concern,
    LocalArea,
    Organisation,
    Outcome,
    Plan,
    Post,
    RatingLevel,
    RatingScheme,
)

Progress = Callable[[str], None]


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while tens of thousands of model instances are
    built: it would rescan them again and again (about a third of the writing time for a plan
    of 1,000 actions; docs/performance.md). They are freed as usual afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass
class LoadReport:
    plan: Plan | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        def describe(counter: Counter) -> str:
            return ", ".join(f"{n} {what}" for what, n in counter.items() if n) or "nothing"

        text = f"created {describe(self.created)}; updated {describe(self.updated)}"
        return text


def _as_of(day: datetime.date | None) -> datetime.datetime:
    """A recording time for an update taken from a document: noon on the day it was given."""
    moment = datetime.datetime.combine(day, datetime.time(12, 0))
    return timezone.make_aware(moment)


def _set_fields(instance, values: dict, report: LoadReport, what: str) -> bool:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.full_clean()
        stamp = ["modified_at"] if hasattr(instance, "modified_at") else []
        instance.save(update_fields=[*changed, *stamp])
        report.updated[what] += 1
    return bool(changed)


class PlanWriter:
    def __init__(self, doc: dict, *, user, update: bool, progress: Progress | None):
        self.doc = doc
        self.user = user
        self.update = update
        self.progress = progress or (lambda message: None)
        self.report = LoadReport()

    # --- reference data -------------------------------------------------------------------

    def write(self) -> LoadReport:
        doc = self.doc
        area, created = LocalArea.objects.get_or_create(
            name=doc["area"]["name"],
            defaults={"health_body_label": doc["area"]["health_body_label"]},
        )
        if created:
            self.report.created["local areas"] += 1
        elif "health_body_label" in doc["area"]:
            _set_fields(
                area,
                {"health_body_label": doc["area"]["health_body_label"]},
                self.report,
                "local areas",
            )
        self.area = area
        self.organisations = self._upsert_organisations()
        self.posts = self._upsert_posts()
        self.scheme, self.levels = self._upsert_scheme()
        plan = self._upsert_plan()
        self.report.plan = plan
        self.boards = self._upsert_boards()
        self._write_concerns(plan)
        return self.report

    def _upsert(self, model, lookup: dict, values: dict, what: str):
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            instance = model(**lookup, **values)
            instance.full_clean()
            instance.save()
            self.report.created[what] += 1
        else:
            _set_fields(instance, values, self.report, what)
        return instance

    def _upsert_organisations(self) -> dict[str, Organisation]:
        for org in self.doc["organisations"]:
            self._upsert(
                Organisation,
                {"area": self.area, "name": org["name"]},
                {"short_name": org["short_name"], "kind": org["kind"]},
                "organisations",
            )
        return {o.name: o for o in Organisation.objects.filter(area=self.area)}

    def _upsert_posts(self) -> dict[str, Post]:
        for post in self.doc["posts"]:
            values = {"organisation": self.organisations.get(post["organisation"])}
            # Only what the file says: a holder recorded in the admin is not wiped by a file
            # that does not name one.
            if post["holder"]:
                values["holder_name"] = post["holder"]
            if post["email"]:
                values["email"] = post["email"]
            self._upsert(Post, {"area": self.area, "title": post["title"]}, values, "posts")
        return {p.title: p for p in Post.objects.filter(area=self.area)}

    def _upsert_scheme(self) -> tuple[RatingScheme, dict[str, RatingLevel]]:
        spec = self.doc["rating_scheme"]
        scheme = self._upsert(
            RatingScheme, {"area": self.area, "name": spec["name"]}, {}, "rating schemes"
        )
        existing = {level.code: level for level in scheme.levels.all()}
        # Ranks are unique per scheme: move existing levels out of the way before re-ranking.
        if existing:
            for level in existing.values():
                level.rank += 1000
            RatingLevel.objects.bulk_update(existing.values(), ["rank"])
        levels = {}
        for rank, spec_level in enumerate(spec["levels"], start=1):
            values = {
                "rank": rank,
                "label": spec_level["label"],
                "colour": spec_level["colour"],
                "meaning": spec_level["meaning"],
                "is_complete": spec_level["is_complete"],
                "needs_attention": spec_level["needs_attention"],
            }
            level = existing.pop(spec_level["code"], None)
            if level is None:
                level = RatingLevel(scheme=scheme, code=spec_level["code"], **values)
                level.save()
                self.report.created["rating levels"] += 1
            else:
                level.rank -= 1000
                _set_fields(level, values, self.report, "rating levels")
            levels[level.code] = level
        next_rank = len(levels) + 1
        for code, level in existing.items():
            # Kept, not deleted: status updates may use it. Ranked after the file's levels.
            level.rank = next_rank
            next_rank += 1
            level.save(update_fields=["rank"])
            self.report.notes.append(
                f'rating level "{code}" is not in the file; it was kept so that history '
                "using it is not lost"
            )
        return scheme, levels

    def _upsert_plan(self) -> Plan:
        spec = self.doc["plan"]
        values = {
            "kind": spec["kind"],
            "status": spec["status"],
            "inspection_start": spec["inspection_start"],
            "inspection_end": spec["inspection_end"],
            "published_on": spec["published_on"],
            "concern_label": spec["concern_label"],
            "introduction": spec["introduction"],
            "rating_scheme": self.scheme,
        }
        return self._upsert(Plan, {"area": self.area, "title": spec["title"]}, values, "plans")

    def _upsert_boards(self) -> dict[str, Board]:
        for board in self.doc["boards"]:
            self._upsert(
                Board,
                {"area": self.area, "name": board["name"]},
                {
                    "short_name": board["short_name"],
                    "organisation": self.organisations.get(board["organisation"]),
                    "activity": board["activity"],
                    "frequency": board["frequency"],
                },
                "boards",
            )
        return {b.name: b for b in Board.objects.filter(area=self.area)}

    # --- the plan's content ---------------------------------------------------------------

    def _write_concerns(self, plan: Plan) -> None:
        existing_concerns = {c.number: c for c in plan.concerns.all()}
        concerns = {}
        for spec in self.doc["concerns"]:
            values = {
                "title": spec["title"],
                "finding": spec["finding"],
                "aim": spec["aim"],
                "kpis": spec["kpis"],
                "sponsor_id": sponsor.pk if (sponsor := self.posts.get(spec["sponsor"])) else None,
            }
            concern = existing_concerns.get(spec["number"])
            if concern is None:
                concern = Concern(plan=plan, number=spec["number"], **values)
                concern.save()
                self.report.created["concerns"] += 1
            else:
                _set_fields(concern, values, self.report, "concerns")
            concern.delivery_partners.set(
                [self.organisations[name] for name in spec["delivery_partners"]]
            )
            concerns[spec["number"]] = concern

        for board_spec in self.doc["boards"]:
            board = self.boards[board_spec["name"]]
            remit = [concerns[n] for n in board_spec["concerns"]]
            others = board.concerns.exclude(plan=plan)
            board.concerns.set([*others, *remit])

        total_actions = sum(len(o["actions"]) for c in self.doc["concerns"] for o in c["outcomes"])
        self.progress(f"Writing {len(concerns)} concerns and {total_actions} actions")
        with _collector_paused():
            if not existing_concerns and not plan.actions.exists():
                self._insert_content(plan, concerns)
            else:
                self._update_content(plan, concerns)

    def _action_values(self, spec: dict) -> dict:
        return {
            "description": spec["description"],
            "success_measures": spec["success_measures"],
            "resource": spec["resource"],
            "timescale": spec["timescale"],
            "starts_on": spec["starts_on"],
            "due_date": spec["due_date"],
        }

    @staticmethod
    def _with_baseline(values: dict) -> dict:
        """New rows start with their due date as the agreed baseline (bulk inserts skip save)."""
        return {**values, "original_due_date": values["due_date"]}

    def _milestone_values(self, spec: dict) -> dict:
        return {
            "description": spec["description"],
            "deadline": spec["deadline"],
            "due_date": spec["due_date"],
            "completed_on": spec["completed_on"],
        }

    def _new_updates(self, entries: list[dict], **subject) -> list[StatusUpdate]:
        return [
            StatusUpdate(
                **subject,
                kind=UpdateKind.IMPORTED,
                level=self.levels.get(entry["rating"]) if entry["rating"] else None,
                narrative=entry["narrative"],
                author_name=entry["author"],
                effective_on=entry["date"],
                recorded_at=_as_of(entry["date"]),
            )
            for entry in entries
        ]

    def _insert_content(self, plan: Plan, concerns: dict[int, Concern]) -> None:
        """A new plan: bulk inserts, a handful of queries whatever its size."""
        outcome_rows, action_specs = [], []
        for spec in self.doc["concerns"]:
            concern = concerns[spec["number"]]
            for position, outcome_spec in enumerate(spec["outcomes"], start=1):
                outcome = Outcome(
                    concern=concern,
                    position=position,
                    ref=outcome_spec["ref"],
                    statement=outcome_spec["statement"],
                    impact_statements=outcome_spec["impact_statements"],
                )
                outcome_rows.append(outcome)
                action_specs.extend(
                    (concern, outcome, position, action_spec)
                    for position, action_spec in enumerate(outcome_spec["actions"], start=1)
                )
        Outcome.objects.bulk_create(outcome_rows)
        self.report.created["outcomes"] += len(outcome_rows)

        actions = [
            Action(
                plan=plan,
                concern=concern,
                outcome=outcome,
                position=position,
                ref=spec["ref"],
                **self._with_baseline(self._action_values(spec)),
            )
            for concern, outcome, position, spec in action_specs
        ]
        for action in actions:
            action.clean_fields(exclude=["plan", "concern", "outcome"])
        Action.objects.bulk_create(actions, batch_size=500)
        self.report.created["actions"] += len(actions)
        self.progress(f"Wrote {len(actions)} actions")

        lead_links, board_links, milestones, updates = [], [], [], []
        milestone_specs = []
        for action, (_, _, _, spec) in zip(actions, action_specs, strict=True):
            lead_links.extend(
                Action.leads.through(action_id=action.pk, post_id=self.posts[title].pk)
                for title in spec["leads"]
            )
            board_links.extend(
                Action.boards.through(action_id=action.pk, board_id=self.boards[name].pk)
                for name in spec["boards"]
            )
            updates.extend(self._new_updates(spec["progress"], action=action))
            for position, milestone_spec in enumerate(spec["milestones"], start=1):
                milestones.append(
                    Milestone(
                        action=action,
                        position=position,
                        **self._with_baseline(self._milestone_values(milestone_spec)),
                    )
                )
                milestone_specs.append(milestone_spec)
        Action.leads.through.objects.bulk_create(lead_links, batch_size=1000)
        Action.boards.through.objects.bulk_create(board_links, batch_size=1000)
        Milestone.objects.bulk_create(milestones, batch_size=1000)
        self.report.created["milestones"] += len(milestones)
        self.progress(f"Wrote {len(milestones)} milestones")
        for milestone, spec in zip(milestones, milestone_specs, strict=True):
            updates.extend(self._new_updates(spec["progress"], milestone=milestone))
        StatusUpdate.objects.bulk_create(updates, batch_size=1000)
        self.report.created["status updates"] += len(updates)

    def _update_content(self, plan: Plan, concerns: dict[int, Concern]) -> None:
        """An existing plan: match by concern number, outcome ref or position, action ref and
        a milestone's place in its action's list; change what differs, add what is new, keep
        all history.

        What the plan holds is read up front in a fixed number of queries, so an update that
        changes little costs little, whatever the size of the plan."""
        state = _PlanState.read(plan)
        seen_refs = set()
        for spec in self.doc["concerns"]:
            concern = concerns[spec["number"]]
            outcomes = list(concern.outcomes.all())
            by_ref = {o.ref: o for o in outcomes if o.ref}
            by_position = {o.position: o for o in outcomes}
            for position, outcome_spec in enumerate(spec["outcomes"], start=1):
                values = {
                    "position": position,
                    "ref": outcome_spec["ref"],
                    "statement": outcome_spec["statement"],
                    "impact_statements": outcome_spec["impact_statements"],
                }
                outcome = by_ref.get(outcome_spec["ref"]) if outcome_spec["ref"] else None
                outcome = outcome or by_position.get(position)
                if outcome is None:
                    outcome = Outcome(concern=concern, **values)
                    outcome.save()
                    self.report.created["outcomes"] += 1
                else:
                    _set_fields(outcome, values, self.report, "outcomes")
                for action_position, action_spec in enumerate(outcome_spec["actions"], start=1):
                    seen_refs.add(action_spec["ref"].casefold())
                    self._update_action(plan, state, concern, outcome, action_position, action_spec)
        self._write_links(state)
        StatusUpdate.objects.bulk_create(state.new_updates, batch_size=1000)
        self.report.created["status updates"] += len(state.new_updates)
        missing = sorted(a.ref for key, a in state.actions.items() if key not in seen_refs)
        if missing:
            self.report.notes.append(
                f"{len(missing)} action(s) in the database are not in the file and were kept: "
                + ", ".join(missing)
            )

    def _update_action(self, plan, state: _PlanState, concern, outcome, position, spec) -> None:
        values = {
            "concern_id": concern.pk,
            "outcome_id": outcome.pk,
            "position": position,
            **self._action_values(spec),
        }
        action = state.actions.get(spec["ref"].casefold())
        if action is None:
            action = Action(plan=plan, ref=spec["ref"], **values)
            action.full_clean()
            action.save()
            self.report.created["actions"] += 1
        else:
            _set_fields(action, values, self.report, "actions")
        state.want_links("leads", action, [self.posts[title].pk for title in spec["leads"]])
        state.want_links("boards", action, [self.boards[name].pk for name in spec["boards"]])
        state.add_progress(
            self._new_updates(spec["progress"], action=action), state.action_updates[action.pk]
        )

        # Milestones are matched by their place in the action's list, as the file shows them.
        existing = state.milestones.get(action.pk, [])
        for index, m_spec in enumerate(spec["milestones"]):
            values = {"position": index + 1, **self._milestone_values(m_spec)}
            if index < len(existing):
                milestone = existing[index]
                _set_fields(milestone, values, self.report, "milestones")
            else:
                milestone = Milestone(action=action, **values)
                milestone.save()
                self.report.created["milestones"] += 1
            state.add_progress(
                self._new_updates(m_spec["progress"], milestone=milestone),
                state.milestone_updates[milestone.pk],
            )

    def _write_links(self, state: _PlanState) -> None:
        """Leads and boards whose list changed are rewritten in the file's order (the order
        is kept: the first lead named is the one a reader sees first)."""
        for name, what in (("leads", "action leads"), ("boards", "action boards")):
            through, column = _LINKS[name]
            changed = state.changed_links[name]
            if not changed:
                continue
            through.objects.filter(action_id__in=changed).delete()
            through.objects.bulk_create(
                [
                    through(action_id=action_id, **{column: target})
                    for action_id, targets in changed.items()
                    for target in targets
                ],
                batch_size=1000,
            )
            self.report.updated[what] += len(changed)


_LINKS = {
    "leads": (Action.leads.through, "post_id"),
    "boards": (Action.boards.through, "board_id"),
}


def _update_key(update: StatusUpdate) -> tuple:
    """What makes a progress entry the same entry: its date, rating and text."""
    return (update.effective_on, update.level_id, update.narrative)


@dataclass
class _PlanState:
    """What an existing plan holds, read in a fixed number of queries for an update."""

    actions: dict[str, Action]
    links: dict[str, dict[int, list[int]]]
    milestones: dict[int, list[Milestone]]
    action_updates: dict[int, Counter]
    milestone_updates: dict[int, Counter]
    changed_links: dict[str, dict[int, list[int]]] = field(
        default_factory=lambda: {"leads": {}, "boards": {}}
    )
    new_updates: list[StatusUpdate] = field(default_factory=list)

    @classmethod
    def read(cls, plan: Plan) -> _PlanState:
        links: dict[str, dict[int, list[int]]] = {}
        for name, (through, column) in _LINKS.items():
            links[name] = defaultdict(list)
            for action_id, target in (
                through.objects.filter(action__plan=plan)
                .order_by("pk")
                .values_list("action_id", column)
            ):
                links[name][action_id].append(target)
        milestones: dict[int, list[Milestone]] = defaultdict(list)
        for milestone in Milestone.objects.filter(action__plan=plan).order_by("position", "pk"):
            milestones[milestone.action_id].append(milestone)
        action_updates: dict[int, Counter] = defaultdict(Counter)
        milestone_updates: dict[int, Counter] = defaultdict(Counter)
        for action_id, milestone_id, *key in StatusUpdate.objects.filter(
            Q(action__plan=plan) | Q(milestone__action__plan=plan)
        ).values_list("action_id", "milestone_id", "effective_on", "level_id", "narrative"):
            if action_id:
                action_updates[action_id][tuple(key)] += 1
            else:
                milestone_updates[milestone_id][tuple(key)] += 1
        return cls(
            actions={a.ref.casefold(): a for a in plan.actions.all()},
            links=links,
            milestones=milestones,
            action_updates=action_updates,
            milestone_updates=milestone_updates,
        )

    def want_links(self, name: str, action: Action, targets: list[int]) -> None:
        if self.links[name].get(action.pk, []) != targets:
            self.changed_links[name][action.pk] = targets

    def add_progress(self, updates: list[StatusUpdate], known: Counter) -> None:
        """Keep the file's progress entries that are not already in the history. Entries are
        counted, not just compared: an entry the file gives twice is in the history twice."""
        for update in updates:
            key = _update_key(update)
            if known[key]:
                known[key] -= 1
            else:
                self.new_updates.append(update)
