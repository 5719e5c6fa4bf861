"""Generate a national-scale data set: N local areas, each with a plan, three years of
history, three boards with their meetings and packs, and a KPI dataset.

For benchmarks and load tests only (`manage.py generate_national_data`). Rows are built in
memory and written with bulk inserts, one transaction per area, bypassing the per-row write
services; but each row is the row the owning service would have written (a status update
with its author, `effective_on` and `recorded_at`; a proposal with its evidence, then a
sign-off or a send-back by a programme lead; a due-date change beside the moved date; a
meeting action with its "Raised" history row; a KPI correction that `corrects` the value it
supersedes; simple-history rows for the models that keep them). Board packs are issued
through `governance.services.board_pack_issue`, which computes the frozen snapshot.

Deterministic: everything is drawn from one `random.Random(seed)`, and every date is placed
relative to `until` (36 months back from it), so the same seed gives the same rows and counts
whatever day it runs.
"""

from __future__ import annotations

import datetime
import gc
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actions.models import Action, DueDateChange, Evidence, Milestone, StatusUpdate
from actions.status import UpdateKind
from governance.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    BoardMember,
    BoardPack,
    ForwardPlanItem,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    MeetingActionUpdate,
    MeetingStatus,
    Minute,
)
from governance.services import board_pack_issue
from kpis.models import (
    Kpi,
    KpiDirection,
    KpiSection,
    KpiTarget,
    KpiUnit,
    KpiValue,
    ValueStatus,
)
from kpis.rag import rate_value
from wsoa.models import (
    Board,
    Concern,
    LocalArea,
    Membership,
    Organisation,
    OrganisationKind,
    Outcome,
    Plan,
    Post,
    RatingLevel,
    RatingScheme,
    Role,
    User,
)

# Every generated account signs in with this password (the data is synthetic; never load it
# anywhere real). One hash is computed and shared, so creating thousands of users is quick.
PASSWORD = "national-bench-password"
MONTHS = 36
BATCH = 2000

PREFIXES = [
    "Ash", "Beck", "Bram", "Brook", "Calder", "Chester", "Crom", "Dal", "Elm", "Fair",
    "Fern", "Glen", "Hart", "Hazel", "Holm", "Kings", "Lang", "Lark", "Marsh", "Mill",
    "Nor", "Oak", "Pen", "Red", "Rye", "Shel", "Stan", "Thorn", "Wal", "Wester",
]  # fmt: skip
SUFFIXES = ["bridge", "by", "combe", "field", "ford", "ham", "ley", "mere", "shire", "wick"]
SCHEME = [
    ("RED", "Red", "#d4351c", False, True),
    ("AMBER", "Amber", "#f47738", False, True),
    ("LIGHT GREEN", "Light green", "#85994b", False, False),
    ("DARK GREEN", "Dark green", "#00703c", False, False),
    ("COMPLETED", "Completed", "#1d70b8", True, False),
]
CONCERNS = [
    "The quality and timeliness of EHC plans",
    "Joint commissioning of health services for children with SEND",
    "The local offer and communication with families",
    "Preparation for adulthood and transition",
    "Identification of needs in the early years",
]
POSTS = [
    "Head of SEND", "Designated Clinical Officer", "Principal Educational Psychologist",
    "SEND Commissioning Manager", "Local Offer Officer", "Early Years SEND Lead",
    "Preparing for Adulthood Lead", "EHC Plan Quality Lead", "Head of Inclusion",
    "Designated Social Care Officer", "Parent Carer Forum Chair", "Transition Co-ordinator",
    "Performance Analyst", "School Improvement Adviser", "Therapies Service Manager",
]  # fmt: skip
KPI_SECTIONS = ["EHC plans", "Annual reviews", "Health", "Families' feedback", "Outcomes"]


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def month_end(day: datetime.date) -> datetime.date:
    return add_months(day.replace(day=1), 1) - datetime.timedelta(days=1)


def aware(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def area_names(count: int, rng: random.Random) -> list[str]:
    names = [p + s for p, s in itertools.product(PREFIXES, SUFFIXES)]
    rng.shuffle(names)
    if count > len(names):
        names += [f"{name} North" for name in names[: count - len(names)]]
    return names[:count]


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, number: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + number


class NationalGenerator:
    def __init__(
        self,
        *,
        areas: int,
        seed: int,
        until: datetime.date,
        packs_per_board: int,
        write: Callable[[str], None] = print,
    ):
        self.n_areas = areas
        self.rng = random.Random(seed)
        self.until = until
        self.first_month = add_months(until.replace(day=1), -MONTHS)
        self.packs_per_board = packs_per_board
        self.write = write
        self.password = make_password(PASSWORD)
        self.pack_meetings: list[Meeting] = []

    # --- the whole run -----------------------------------------------------------------

    def run(self) -> dict[str, int]:
        started = time.monotonic()
        names = area_names(self.n_areas, self.rng)
        if LocalArea.objects.filter(name__in=names).exists():
            raise ValueError("Some of these areas exist already: generate into an empty database.")
        self._national_viewers()
        gc.disable()  # the rows are built in large lists; the cyclic collector only slows that
        try:
            for index, name in enumerate(names, start=1):
                t0 = time.monotonic()
                with transaction.atomic():
                    summary = self._area(index, name)
                self.write(
                    f"Area {index}/{self.n_areas} {name}: {summary} "
                    f"({time.monotonic() - t0:.1f} s; {time.monotonic() - started:.0f} s so far)"
                )
        finally:
            gc.enable()
        t0 = time.monotonic()
        if connection.vendor == "postgresql":
            # With the national tables full, PostgreSQL's JIT compiles the snapshot's queries
            # (their estimated cost passes jit_above_cost) and issuing one pack takes ~4.5 s
            # instead of ~0.2 s. Off for this connection only: the data is the same, the app's
            # own settings are untouched (docs/performance.md, "National scale").
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
        for n, meeting in enumerate(self.pack_meetings, start=1):
            board_pack_issue(user=None, meeting=meeting, now=meeting.starts_at)
            if n % 100 == 0 or n == len(self.pack_meetings):
                self.write(f"Issued {n}/{len(self.pack_meetings)} board packs")
        self.write(f"Board packs: {time.monotonic() - t0:.1f} s")
        self.write(f"Total: {time.monotonic() - started:.1f} s")
        return counts()

    def _national_viewers(self) -> None:
        users = [
            User(
                username=f"national.viewer{i}",
                first_name="National",
                last_name=f"Viewer {i}",
                email=f"national.viewer{i}@example.org",
                password=self.password,
                is_national_viewer=True,
            )
            for i in range(1, 4)
        ]
        User.objects.bulk_create(users)

    # --- one area ------------------------------------------------------------------------

    def _area(self, index: int, name: str) -> str:
        rng = self.rng
        area = LocalArea.objects.create(name=name)
        prefix = f"a{index:03d}"

        def user(role_name: str, first: str, last: str) -> User:
            return User(
                username=f"{prefix}.{role_name}",
                first_name=first,
                last_name=last,
                email=f"{prefix}.{role_name}@example.org",
                password=self.password,
            )

        admins = [user("admin", "Alex", f"Admin {name}")]
        leads = [user(f"pl{i}", "Pat", f"Lead {i} {name}") for i in (1, 2)]
        action_leads = [user(f"al{i}", "Sam", f"Officer {i} {name}") for i in range(1, 11)]
        board_users = [user(f"bm{i}", "Jo", f"Member {i} {name}") for i in range(1, 7)]
        User.objects.bulk_create(admins + leads + action_leads + board_users)
        memberships = (
            [Membership(user=u, area=area, role=Role.ADMINISTRATOR) for u in admins]
            + [Membership(user=u, area=area, role=Role.PROGRAMME_LEAD) for u in leads]
            + [Membership(user=u, area=area, role=Role.ACTION_LEAD) for u in action_leads]
            + [Membership(user=u, area=area, role=Role.BOARD_MEMBER) for u in board_users]
        )
        Membership.objects.bulk_create(memberships)

        organisations = Organisation.objects.bulk_create(
            [
                Organisation(area=area, name=f"{name} Council", kind=OrganisationKind.COUNCIL),
                Organisation(area=area, name=f"{name} ICB", kind=OrganisationKind.HEALTH_BODY),
                Organisation(
                    area=area,
                    name=f"{name} Parent Carer Forum",
                    kind=OrganisationKind.PARENT_CARER_FORUM,
                ),
            ]
        )
        posts = bulk_create_with_history(
            [
                Post(
                    area=area,
                    title=title,
                    organisation=organisations[1 if "Clinical" in title else 0],
                    holder=action_leads[i] if i < len(action_leads) else None,
                    holder_name="" if i < len(action_leads) else f"Vacant ({title})",
                )
                for i, title in enumerate(POSTS)
            ],
            Post,
            batch_size=BATCH,
        )
        posts = list(Post.objects.filter(area=area).order_by("pk"))
        users_by_id = {u.pk: u for u in admins + leads + action_leads + board_users}

        def holder(post: Post) -> User | None:
            return users_by_id.get(post.holder_id)

        scheme = RatingScheme.objects.create(name="RAG", area=area)
        levels = RatingLevel.objects.bulk_create(
            RatingLevel(
                scheme=scheme,
                rank=rank,
                code=code,
                label=label,
                colour=colour,
                meaning=f"{label}: as the plan defines it.",
                is_complete=complete,
                needs_attention=attention,
            )
            for rank, (code, label, colour, complete, attention) in enumerate(SCHEME, start=1)
        )
        complete_level = levels[-1]
        inspected = add_months(self.first_month, -3)
        plan = Plan.objects.create(
            area=area,
            title=f"{name} Written Statement of Action",
            status="published",
            inspection_start=inspected,
            inspection_end=inspected + datetime.timedelta(days=4),
            published_on=self.first_month,
            rating_scheme=scheme,
            introduction=f"How {name}'s partners will address the inspectors' findings.",
        )

        n_concerns = rng.choice((4, 5))
        concerns = Concern.objects.bulk_create(
            Concern(
                plan=plan,
                number=i + 1,
                title=CONCERNS[i],
                finding=f"Inspectors found weaknesses in {CONCERNS[i].lower()}.",
                aim=f"Improve {CONCERNS[i].lower()}.",
            )
            for i in range(n_concerns)
        )
        outcomes = []
        for concern in concerns:
            for position in range(rng.choice((2, 3))):
                outcomes.append(
                    Outcome(
                        concern=concern,
                        position=position,
                        ref=f"{concern.number}.{position + 1}",
                        statement=f"Children and families see outcome {concern.number}."
                        f"{position + 1} improve.",
                    )
                )
        outcomes = Outcome.objects.bulk_create(outcomes)

        # --- actions and milestones
        n_actions = rng.randint(56, 64)
        actions = []
        per_outcome: dict[int, int] = {}
        for i in range(n_actions):
            outcome = outcomes[i % len(outcomes)]
            position = per_outcome.get(id(outcome), 0)
            per_outcome[id(outcome)] = position + 1
            starts = add_months(self.first_month, rng.randrange(0, 6))
            due = add_months(starts, rng.randrange(9, 34))
            actions.append(
                Action(
                    plan=plan,
                    concern=outcome.concern,
                    outcome=outcome,
                    position=position,
                    ref=f"{outcome.ref}{chr(ord('a') + position)}",
                    description=f"Action {outcome.ref}{chr(ord('a') + position)}: deliver the "
                    f"improvement to {outcome.concern.title.lower()} agreed with partners.",
                    success_measures=["Audit shows 80% of plans good or better"],
                    timescale=f"{starts:%B %Y} to {due:%B %Y}",
                    starts_on=starts,
                    due_date=due,
                    original_due_date=due,
                )
            )
        Action.objects.bulk_create(actions, batch_size=BATCH)
        lead_of: dict[int, Post] = {}
        lead_rows = []
        for action in actions:
            lead = posts[rng.randrange(len(action_leads))]
            lead_of[action.pk] = lead
            lead_rows.append(Action.leads.through(action_id=action.pk, post_id=lead.pk))
            if rng.random() < 0.2:
                other = posts[rng.randrange(len(action_leads), len(posts))]
                lead_rows.append(Action.leads.through(action_id=action.pk, post_id=other.pk))
        Action.leads.through.objects.bulk_create(lead_rows, batch_size=BATCH)

        milestones = []
        for action in actions:
            for position in range(rng.randint(3, 5)):
                due = add_months(action.starts_on, 3 + position * rng.randint(3, 6))
                milestones.append(
                    Milestone(
                        action=action,
                        position=position,
                        description=f"Milestone {position + 1} of {action.ref}",
                        deadline=f"{due:%B %Y}",
                        due_date=due,
                        original_due_date=due,
                    )
                )

        # --- status history
        updates: list[StatusUpdate] = []
        proposals: list[StatusUpdate] = []
        changes: list[DueDateChange] = []
        today = self.until

        def recorded(day: datetime.date) -> datetime.datetime:
            moment = aware(day, rng.randint(8, 17), rng.randrange(60)) + datetime.timedelta(
                days=rng.randint(0, 3)
            )
            return min(moment, aware(today, 7))

        for action in actions:
            author = holder(lead_of[action.pk])
            rank = rng.randint(1, 2)
            month = (action.starts_on.year - self.first_month.year) * 12 + (
                action.starts_on.month - self.first_month.month
            )
            complete_month = rng.randrange(month + 12, MONTHS + 8)  # beyond MONTHS: not yet
            send_back = rng.random() < 0.25
            done = False
            previous_level = None
            while month < MONTHS and not done:
                day = add_months(self.first_month, month).replace(day=rng.randint(20, 28))
                if day > today:
                    break
                if month >= complete_month:
                    proposal = StatusUpdate(
                        action=action,
                        kind=UpdateKind.PROGRESS,
                        level=complete_level,
                        narrative="All milestones delivered; evidence attached.",
                        author=author,
                        effective_on=day,
                        recorded_at=recorded(day),
                    )
                    updates.append(proposal)
                    proposals.append(proposal)
                    decided = min(day + datetime.timedelta(days=rng.randint(5, 20)), today)
                    decider = leads[rng.randrange(2)]
                    if send_back:
                        updates.append(
                            StatusUpdate(
                                action=action,
                                kind=UpdateKind.COMPLETION_SENT_BACK,
                                level=previous_level,
                                narrative="The audit evidence does not yet show the impact.",
                                author=decider,
                                effective_on=decided,
                                recorded_at=min(aware(decided, 16), aware(today, 7)),
                            )
                        )
                        send_back = False
                        complete_month = month + 3
                    else:
                        updates.append(
                            StatusUpdate(
                                action=action,
                                kind=UpdateKind.COMPLETION_SIGNED_OFF,
                                level=complete_level,
                                narrative="Completion signed off.",
                                author=decider,
                                effective_on=decided,
                                recorded_at=min(aware(decided, 16), aware(today, 7)),
                            )
                        )
                        done = True
                else:
                    rank = max(1, min(4, rank + rng.choice((-1, 0, 0, 1, 1))))
                    level = levels[rank - 1]
                    skipped = rng.random() < 0.08  # a month without an update
                    if not skipped:
                        updates.append(
                            StatusUpdate(
                                action=action,
                                kind=UpdateKind.PROGRESS,
                                level=level,
                                narrative=f"{level.label}: progress reported for {day:%B %Y}."
                                if level.needs_attention or rng.random() < 0.6
                                else "",
                                author=author,
                                effective_on=day,
                                recorded_at=recorded(day),
                            )
                        )
                        previous_level = level
                month += 1
            if rng.random() < 0.25:
                moved = add_months(action.due_date, rng.randint(2, 6))
                changed = add_months(self.first_month, rng.randrange(6, MONTHS))
                changes.append(
                    DueDateChange(
                        action=action,
                        from_date=action.due_date,
                        to_date=moved,
                        reason="Re-phased with the board's agreement.",
                        changed_by=leads[0],
                        changed_at=min(aware(changed, 11), aware(today, 7)),
                    )
                )
                action.due_date = moved
        Action.objects.bulk_update(
            [a for a in actions if a.due_date != a.original_due_date], ["due_date"]
        )

        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        for milestone in milestones:
            author = holder(lead_of[milestone.action_id])
            if milestone.due_date <= today and rng.random() < 0.7:
                done_on = min(
                    milestone.due_date + datetime.timedelta(days=rng.randint(-20, 25)), today
                )
                milestone.completed_on = done_on
                updates.append(
                    StatusUpdate(
                        milestone=milestone,
                        kind=UpdateKind.PROGRESS,
                        level=complete_level,
                        narrative="Milestone completed.",
                        author=author,
                        effective_on=done_on,
                        recorded_at=recorded(done_on),
                    )
                )
            elif rng.random() < 0.1:
                moved = add_months(milestone.due_date, 2)
                changes.append(
                    DueDateChange(
                        milestone=milestone,
                        from_date=milestone.due_date,
                        to_date=moved,
                        reason="Waiting for recruitment.",
                        changed_by=author,
                        changed_at=min(aware(milestone.due_date, 9), aware(today, 7)),
                    )
                )
                milestone.due_date = moved
        Milestone.objects.bulk_update(milestones, ["completed_on", "due_date"], batch_size=BATCH)
        StatusUpdate.objects.bulk_create(updates, batch_size=BATCH)
        DueDateChange.objects.bulk_create(changes, batch_size=BATCH)
        Evidence.objects.bulk_create(
            [
                Evidence(
                    update=p,
                    link=f"https://example.org/{prefix}/evidence/{p.pk}",
                    description="Audit report",
                    added_by=p.author,
                    added_at=p.recorded_at,
                )
                for p in proposals
            ],
            batch_size=BATCH,
        )

        # --- boards, meetings, packs
        boards = Board.objects.bulk_create(
            [
                Board(area=area, name="SEND Partnership Board", frequency="Every two months"),
                Board(area=area, name="Health and Care Group", frequency="Every two months"),
                Board(
                    area=area, name="Education and Inclusion Group", frequency="Every two months"
                ),
            ]
        )
        remits = [concerns, concerns[:2], concerns[2:]]
        Board.concerns.through.objects.bulk_create(
            Board.concerns.through(board_id=b.pk, concern_id=c.pk)
            for b, remit in zip(boards, remits, strict=True)
            for c in remit
        )
        named = [
            Action.boards.through(action_id=a.pk, board_id=boards[1 + i % 2].pk)
            for i, a in enumerate(rng.sample(actions, 4))
        ]
        Action.boards.through.objects.bulk_create(named)

        members = []
        for b_index, board in enumerate(boards):
            for m in range(6):
                seat_user = board_users[(b_index * 2 + m) % len(board_users)] if m < 2 else None
                members.append(
                    BoardMember(
                        board=board,
                        name=f"Member {m + 1} of {board.name}",
                        initials=f"M{m + 1}",
                        post=POSTS[m],
                        organisation=organisations[m % 3],
                        user=seat_user,
                        is_chair=m == 0,
                        position=m,
                    )
                )
        bulk_create_with_history(members, BoardMember, batch_size=BATCH)
        members = list(BoardMember.objects.filter(board__area=area).order_by("pk"))
        members_of = {b.pk: [m for m in members if m.board_id == b.pk] for b in boards}

        meetings = []
        for b_index, board in enumerate(boards):
            for k in range(MONTHS // 2 + 1):
                day = add_months(self.first_month, 2 * k + 1).replace(day=10 + b_index * 4)
                starts = aware(day, 14)
                held = day < today
                meetings.append(
                    Meeting(
                        board=board,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=2),
                        location="Virtual" if k % 3 else "Civic Centre",
                        is_virtual=bool(k % 3),
                        status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                    )
                )
        bulk_create_with_history(meetings, Meeting, batch_size=BATCH)
        meetings = list(Meeting.objects.filter(board__area=area).order_by("board_id", "starts_at"))

        attendance, agenda = [], []
        for meeting in meetings:
            if meeting.status != MeetingStatus.HELD:
                continue
            for member in members_of[meeting.board_id]:
                attendance.append(
                    Attendance(
                        meeting=meeting,
                        member=member,
                        status=AttendanceStatus.PRESENT
                        if rng.random() < 0.8
                        else AttendanceStatus.APOLOGIES,
                    )
                )
            for number, title in enumerate(
                ("Welcome and minutes", "Action log", "Plan progress", "KPI dataset"), start=1
            ):
                agenda.append(
                    AgendaItem(meeting=meeting, number=number, title=title, presenter="M1")
                )
        Attendance.objects.bulk_create(attendance, batch_size=BATCH)
        bulk_create_with_history(agenda, AgendaItem, batch_size=BATCH)
        agenda = list(AgendaItem.objects.filter(meeting__board__area=area).order_by("pk"))
        board_of_meeting = {m.pk: m.board_id for m in meetings}
        remit_of = {b.pk: remit for b, remit in zip(boards, remits, strict=True)}
        bulk_create_with_history(
            [
                Minute(
                    agenda_item=item,
                    concern=rng.choice(remit_of[board_of_meeting[item.meeting_id]])
                    if item.number == 3
                    else None,
                    text=f"The board discussed item {item.number} and agreed the next steps.",
                )
                for item in agenda
            ],
            Minute,
            batch_size=BATCH,
        )

        meeting_actions, action_updates = [], []
        for board in boards:
            held = [
                m for m in meetings if m.board_id == board.pk and m.status == MeetingStatus.HELD
            ]
            overseen = [a for a in actions if a.concern in remit_of[board.pk]]
            number = 0
            for k, meeting in enumerate(held):
                for _ in range(2):
                    number += 1
                    closer = held[k + 2] if k + 2 < len(held) and rng.random() < 0.7 else None
                    owner = rng.choice(members_of[board.pk])
                    meeting_actions.append(
                        MeetingAction(
                            board=board,
                            number=number,
                            raised_at=meeting,
                            description=f"Report back on progress with item {number}.",
                            owner=owner.initials,
                            owner_member=owner,
                            due_date=meeting.local_date + datetime.timedelta(days=56),
                            status=MeetingActionStatus.DONE if closer else MeetingActionStatus.OPEN,
                            closed_on=closer.local_date if closer else None,
                            closed_at=closer,
                            plan_action=rng.choice(overseen)
                            if overseen and number % 3 == 0
                            else None,
                        )
                    )
        MeetingAction.objects.bulk_create(meeting_actions, batch_size=BATCH)
        for item in meeting_actions:
            action_updates.append(
                MeetingActionUpdate(
                    meeting_action=item,
                    meeting=item.raised_at,
                    to_status=MeetingActionStatus.OPEN,
                    to_due_date=item.due_date,
                    note="Raised",
                    changed_by=board_users[0],
                    changed_at=item.raised_at.starts_at + datetime.timedelta(hours=3),
                )
            )
            if item.closed_at:
                action_updates.append(
                    MeetingActionUpdate(
                        meeting_action=item,
                        meeting=item.closed_at,
                        from_status=MeetingActionStatus.OPEN,
                        to_status=MeetingActionStatus.DONE,
                        from_due_date=item.due_date,
                        to_due_date=item.due_date,
                        note="Reported at the meeting.",
                        changed_by=board_users[0],
                        changed_at=item.closed_at.starts_at + datetime.timedelta(hours=3),
                    )
                )
        MeetingActionUpdate.objects.bulk_create(action_updates, batch_size=BATCH)
        upcoming = [m for m in meetings if m.status == MeetingStatus.SCHEDULED]
        bulk_create_with_history(
            [
                ForwardPlanItem(
                    board_id=m.board_id,
                    title="Deep dive: annual reviews",
                    planned_for=m,
                    concern=remit_of[m.board_id][0],
                )
                for m in upcoming
            ],
            ForwardPlanItem,
            batch_size=BATCH,
        )
        for board in boards:
            held = [
                m for m in meetings if m.board_id == board.pk and m.status == MeetingStatus.HELD
            ]
            self.pack_meetings += held[-self.packs_per_board :] if self.packs_per_board else []

        # --- KPIs
        n_kpis = self._kpis(plan, concerns, actions, posts[0], holder(posts[0]), rng)
        return (
            f"{len(actions)} actions, {len(milestones)} milestones, {len(updates)} status "
            f"updates, {len(meetings)} meetings, {n_kpis} KPIs"
        )

    def _kpis(self, plan, concerns, actions, owner, owner_user, rng) -> int:
        sections = KpiSection.objects.bulk_create(
            KpiSection(plan=plan, name=name, position=i) for i, name in enumerate(KPI_SECTIONS)
        )
        kpis = []
        baseline_period = f"{self.first_month.year - 1}/{self.first_month.year % 100:02d}"
        for i in range(rng.randint(38, 42)):
            kind = rng.random()
            if kind < 0.6:
                unit, direction, amber = KpiUnit.PERCENTAGE, KpiDirection.HIGHER_IS_BETTER, 5
            elif kind < 0.8:
                unit, direction, amber = KpiUnit.DAYS, KpiDirection.LOWER_IS_BETTER, 2
            else:
                unit, direction, amber = KpiUnit.COUNT, KpiDirection.NEITHER, 0
            kpis.append(
                Kpi(
                    plan=plan,
                    section=sections[i % len(sections)],
                    position=i,
                    code=f"KPI {i + 1}",
                    title=f"Measure {i + 1}: {KPI_SECTIONS[i % len(KPI_SECTIONS)].lower()}",
                    data_owner=owner,
                    unit=unit,
                    direction=direction,
                    amber_threshold=Decimal(amber),
                    measurement="From the case management system, monthly.",
                    baseline=Decimal(rng.randint(20, 60)),
                    baseline_period=baseline_period,
                )
            )
        bulk_create_with_history(kpis, Kpi, batch_size=BATCH)
        kpis = list(Kpi.objects.filter(plan=plan).order_by("position"))
        Kpi.concerns.through.objects.bulk_create(
            Kpi.concerns.through(kpi_id=k.pk, concern_id=c.pk)
            for k in kpis
            for c in rng.sample(concerns, rng.choice((1, 2)))
        )
        Kpi.actions.through.objects.bulk_create(
            Kpi.actions.through(kpi_id=k.pk, action_id=a.pk)
            for k in kpis
            for a in rng.sample(actions, 2)
        )
        targets_of: dict[int, list[KpiTarget]] = {}
        targets = []
        for kpi in kpis:
            if kpi.direction == KpiDirection.NEITHER:
                continue
            for step in range(3):
                due = month_end(add_months(self.first_month, 12 * step + 11))
                value = (
                    Decimal(60 + 12 * step)
                    if kpi.unit == KpiUnit.PERCENTAGE
                    else Decimal(40 - 8 * step)
                )
                target = KpiTarget(
                    kpi=kpi, value=value, due_on=due, label=f"{value} by {due:%B %Y}"
                )
                targets.append(target)
                targets_of.setdefault(kpi.pk, []).append(target)
        bulk_create_with_history(targets, KpiTarget, batch_size=BATCH)

        values = []
        for kpi in kpis:
            quarterly = rng.random() < 0.4
            level = float(rng.randint(35, 65))
            step = 3 if quarterly else 1
            for month in range(0, MONTHS, step):
                start = add_months(self.first_month, month)
                end = month_end(add_months(start, step - 1))
                if end + datetime.timedelta(days=10) > self.until:
                    break
                level = max(0.0, min(100.0, level + rng.uniform(-3, 5)))
                if quarterly:
                    fy = start.year if start.month >= 4 else start.year - 1
                    quarter = ((start.month - 4) % 12) // 3 + 1
                    label = f"Q{quarter} {fy}/{(fy + 1) % 100:02d}"
                else:
                    label = f"{start:%b %Y}"
                figure = (
                    Decimal(f"{level:.1f}")
                    if kpi.unit == KpiUnit.PERCENTAGE
                    else Decimal(int(level if kpi.unit == KpiUnit.COUNT else 60 - level / 2))
                )
                no_data = rng.random() < 0.02
                value = KpiValue(
                    kpi=kpi,
                    period_label=label,
                    period_start=start,
                    period_end=end,
                    status=ValueStatus.NO_DATA if no_data else ValueStatus.RECORDED,
                    value=None if no_data else figure,
                    source="Case management system",
                    recorded_at=aware(end + datetime.timedelta(days=10), 9),
                    recorded_by=owner_user,
                    entered_by=owner_user,
                )
                rate_value(value, kpi=kpi, targets=targets_of.get(kpi.pk, []))
                values.append(value)
        bulk_create_with_history(values, KpiValue, batch_size=BATCH)
        # Corrections: a few values re-entered later; the original stays, superseded.
        stored = list(KpiValue.objects.filter(kpi__plan=plan).order_by("pk"))
        kpi_of = {k.pk: k for k in kpis}
        corrections = []
        for original in rng.sample(stored, max(1, len(stored) // 50)):
            if original.value is None:
                continue
            kpi = kpi_of[original.kpi_id]
            fixed = KpiValue(
                kpi=kpi,
                period_label=original.period_label,
                period_start=original.period_start,
                period_end=original.period_end,
                status=ValueStatus.RECORDED,
                value=original.value + Decimal(1) if original.value < 99 else original.value - 1,
                note="Corrected after data cleansing.",
                source=original.source,
                recorded_at=min(
                    original.recorded_at + datetime.timedelta(days=30), aware(self.until, 7)
                ),
                recorded_by=original.recorded_by,
                entered_by=original.entered_by,
                corrects=original,
            )
            rate_value(fixed, kpi=kpi, targets=targets_of.get(kpi.pk, []))
            corrections.append(fixed)
        bulk_create_with_history(corrections, KpiValue, batch_size=BATCH)
        return len(kpis)


COUNTED = [
    LocalArea, User, Membership, Post, Plan, Concern, Outcome, Action, Milestone, StatusUpdate,
    Evidence, DueDateChange, Board, BoardMember, Meeting, Attendance, AgendaItem, Minute,
    MeetingAction, MeetingActionUpdate, ForwardPlanItem, BoardPack, Kpi, KpiTarget, KpiValue,
]  # fmt: skip


def counts() -> dict[str, int]:
    result = {model.__name__: model.objects.count() for model in COUNTED}
    result["KpiValue corrections"] = KpiValue.objects.filter(corrects__isnull=False).count()
    result["StatusUpdate signed off"] = StatusUpdate.objects.filter(
        kind=UpdateKind.COMPLETION_SIGNED_OFF
    ).count()
    result["StatusUpdate sent back"] = StatusUpdate.objects.filter(
        kind=UpdateKind.COMPLETION_SENT_BACK
    ).count()
    result["National viewers"] = User.objects.filter(is_national_viewer=True).count()
    return result
