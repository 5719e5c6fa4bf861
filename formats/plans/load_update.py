"""Updating an existing plan in place from a validated plan document (`--update`).

Part of `formats.plans.load.PlanWriter`: what the plan holds is matched to the document
(concern number, outcome ref or position, action ref, a milestone's place in its action's
list); what differs is changed, what is new is added, and all history is kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from actions.models import Action, Milestone, StatusUpdate
from formats.plans.rows import create_or_change, read_links, read_milestones, set_fields
from wsoa.models import Concern, Outcome, Plan


class UpdateInPlace:
    """The `--update` half of PlanWriter, which provides `doc`, `report`, `posts`, `boards`,
    `_action_values`, `_milestone_values` and `_new_updates`."""

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
                    "transcriber_note": outcome_spec["note_from_transcriber"],
                }
                outcome = by_ref.get(outcome_spec["ref"]) if outcome_spec["ref"] else None
                outcome = create_or_change(
                    outcome or by_position.get(position),
                    Outcome,
                    {"concern": concern},
                    values,
                    self.report,
                    "outcomes",
                )
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
            set_fields(action, values, self.report, "actions")
        state.want_links("leads", action, [self.posts[title].pk for title in spec["leads"]])
        state.want_links("boards", action, [self.boards[name].pk for name in spec["boards"]])
        state.add_progress(
            self._new_updates(spec["progress"], action=action), state.action_updates[action.pk]
        )

        # Milestones are matched by their place in the action's list, as the file shows them.
        existing = state.milestones.get(action.pk, [])
        for index, m_spec in enumerate(spec["milestones"]):
            milestone = create_or_change(
                existing[index] if index < len(existing) else None,
                Milestone,
                {"action": action},
                {"position": index + 1, **self._milestone_values(m_spec)},
                self.report,
                "milestones",
            )
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
        links = {name: read_links(plan, *link) for name, link in _LINKS.items()}
        milestones = read_milestones(plan)
        action_updates: dict[int, Counter] = defaultdict(Counter)
        milestone_updates: dict[int, Counter] = defaultdict(Counter)
        for action_id, milestone_id, *key in StatusUpdate.objects.of_actions(
            Action.objects.filter(plan=plan)
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
