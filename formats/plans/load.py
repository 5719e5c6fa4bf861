"""Write a validated plan document to the database (new plan, or `update` in place).

Called only from `formats.plans.services.plan_load`, inside its transaction. A new plan is written
with bulk inserts, so a plan of 1,000 actions and 5,000 milestones loads in seconds. Updating an
existing plan in place is `formats.plans.load_update`.
"""

from __future__ import annotations

import datetime
import gc
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils import timezone

from actions.models import Action, Milestone, StatusUpdate
from actions.status import UpdateKind
from formats.plans.load_update import UpdateInPlace
from formats.plans.rows import create_or_change, set_fields
from wsoa.models import (
    Board,
    Concern,
    DeliveryPartner,
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


class PlanWriter(UpdateInPlace):
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
            set_fields(
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
            set_fields(instance, values, self.report, what)
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
        # The rank each level should have: the file's levels in its order, then the levels it
        # leaves out (kept, in their order), after them.
        wanted = {level["code"]: rank for rank, level in enumerate(spec["levels"], start=1)}
        for code in existing:
            wanted.setdefault(code, len(wanted) + 1)
        # Ranks are unique per scheme: when any must change, move the existing levels out of the
        # way first (in the database and in memory alike, so each one moved is saved again at
        # its new rank). A file whose ranks are unchanged moves nothing and updates nothing.
        if any(level.rank != wanted[code] for code, level in existing.items()):
            for level in existing.values():
                level.rank += 1000
            RatingLevel.objects.bulk_update(existing.values(), ["rank"])
        levels = {}
        for spec_level in spec["levels"]:
            values = {
                "rank": wanted[spec_level["code"]],
                "label": spec_level["label"],
                "colour": spec_level["colour"],
                "meaning": spec_level["meaning"],
                "is_complete": spec_level["is_complete"],
                "needs_attention": spec_level["needs_attention"],
            }
            level = create_or_change(
                existing.pop(spec_level["code"], None),
                RatingLevel,
                {"scheme": scheme, "code": spec_level["code"]},
                values,
                self.report,
                "rating levels",
            )
            levels[level.code] = level
        for code, level in existing.items():
            # Kept, not deleted: status updates may use it. Ranked after the file's levels.
            if level.rank != wanted[code]:
                level.rank = wanted[code]
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
            "inspection_framework": spec["inspection_framework"],
            "inspectors": [
                {key: value for key, value in inspector.items() if value}
                for inspector in spec["inspectors"]
            ],
            "report_published_on": spec["report_published_on"],
            "plan_due_on": spec["plan_due_on"],
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
                "transcriber_note": spec["note_from_transcriber"],
            }
            concern = create_or_change(
                existing_concerns.get(spec["number"]),
                Concern,
                {"plan": plan, "number": spec["number"]},
                values,
                self.report,
                "concerns",
            )
            self._write_sponsors(concern, [self.posts[title].pk for title in spec["sponsors"]])
            self._write_partners(concern, spec["delivery_partners"])
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

    def _write_sponsors(self, concern: Concern, post_ids: list[int]) -> None:
        """The sponsors in the file's order: through rows are written in that order (a
        `set()` would not keep it) and rewritten only when the list changed."""
        through = Concern.sponsors.through
        existing = list(
            through.objects.filter(concern=concern).order_by("pk").values_list("post_id", flat=True)
        )
        if existing == post_ids:
            return
        through.objects.filter(concern=concern).delete()
        through.objects.bulk_create(
            [through(concern_id=concern.pk, post_id=post_id) for post_id in post_ids]
        )
        if existing:
            self.report.updated["concern sponsors"] += 1

    def _write_partners(self, concern: Concern, partners: list[dict]) -> None:
        """Delivery partners (organisations and people) in the file's order; the concern's
        `delivery_partners` are kept in step with the organisations among them."""
        wanted = [
            (
                self.organisations[p["organisation"]].pk if p["organisation"] else None,
                p["name"],
                p["post"],
            )
            for p in partners
        ]
        existing = list(
            DeliveryPartner.objects.filter(concern=concern)
            .order_by("position", "pk")
            .values_list("organisation_id", "person_name", "person_post")
        )
        if existing != wanted:
            DeliveryPartner.objects.filter(concern=concern).delete()
            rows = [
                DeliveryPartner(
                    concern=concern,
                    position=position,
                    organisation_id=organisation_id,
                    person_name=name,
                    person_post=post,
                )
                for position, (organisation_id, name, post) in enumerate(wanted, start=1)
            ]
            for row in rows:
                row.full_clean(exclude=["concern"])
            DeliveryPartner.objects.bulk_create(rows)
            if existing:
                self.report.updated["delivery partners"] += 1
        concern.delivery_partners.set(
            [pk for pk in dict.fromkeys(pk for pk, _, _ in wanted) if pk is not None]
        )

    def _action_values(self, spec: dict) -> dict:
        return {
            "description": spec["description"],
            "success_measures": spec["success_measures"],
            "resource": spec["resource"],
            "timescale": spec["timescale"],
            "starts_on": spec["starts_on"],
            "due_date": spec["due_date"],
            "due_date_precision": spec["due_date_precision"],
            "due_date_as_written": spec["due_date_as_written"],
            "transcriber_note": spec["note_from_transcriber"],
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
            "due_date_precision": spec["due_date_precision"],
            "due_date_as_written": spec["due_date_as_written"],
            "completed_on": spec["completed_on"],
            "transcriber_note": spec["note_from_transcriber"],
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
                    transcriber_note=outcome_spec["note_from_transcriber"],
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
