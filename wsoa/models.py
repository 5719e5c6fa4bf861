"""The plan structure: areas, organisations, posts, rating schemes, plans, concerns, outcomes.

Actions, milestones and their status history live in `actions`; boards and meetings in
`governance`; KPIs in `kpis`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.safestring import SafeString
from simple_history.models import HistoricalRecords

from wsoa.formatting import text_as_html


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# --- People and places -------------------------------------------------------------------


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their memberships."""

    is_national_viewer = models.BooleanField(
        "national read-only viewer",
        default=False,
        help_text="May read every area's plans (e.g. DfE or NHS England advisers); writes nothing.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class LocalAreaQuerySet(models.QuerySet):
    def visible_to(self, user) -> LocalAreaQuerySet:
        if user.is_superuser or user.is_national_viewer:
            return self.all()
        return self.filter(memberships__user=user).distinct()


class LocalArea(TimeStampedModel):
    """A local area inspected as one: a council and its health partners."""

    name = models.CharField(max_length=200, unique=True)
    health_body_label = models.CharField(
        max_length=20,
        default="ICB",
        help_text="What this area calls its NHS commissioning body (CCG before July 2022, "
        "ICB since).",
    )

    objects = LocalAreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    PROGRAMME_LEAD = "programme_lead", "Programme lead"
    ACTION_LEAD = "action_lead", "Action lead"
    BOARD_MEMBER = "board_member", "Board member"


class Membership(TimeStampedModel):
    """A user's role in one local area. A user may belong to several areas."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["area__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "area"], name="membership_one_role_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.area}"


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    CHILDRENS_SERVICES = "childrens_services", "Children's services provider"
    HEALTH_BODY = "health_body", "NHS commissioning body (CCG/ICB)"
    PARENT_CARER_FORUM = "parent_carer_forum", "Parent carer forum"
    VOLUNTARY = "voluntary", "Voluntary or community body"
    SCHOOL = "school", "School or college"
    PROVIDER = "provider", "Health or care provider"
    NATIONAL = "national", "National body"
    OTHER = "other", "Other"


class Organisation(TimeStampedModel):
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50, blank=True)
    kind = models.CharField(
        max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="organisation_unique_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


class Post(TimeStampedModel):
    """A role title that leads actions ("Designated Clinical Officer").

    Holders change; the post, and so the actions it leads, stays. The history of who held a
    post is kept by django-simple-history.
    """

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    holder_name = models.CharField(max_length=200, blank=True)
    holder = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        help_text="The user account of the current holder: they may record progress on the "
        "actions this post leads.",
    )
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["area", "title"], name="post_unique_in_area"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def holder_display(self) -> str:
        if self.holder_id:
            return str(self.holder)
        return self.holder_name


# --- Rating schemes ----------------------------------------------------------------------

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")


class RatingScheme(TimeStampedModel):
    """An ordered set of rating levels (RAG, BRAG…) in a plan's own words."""

    name = models.CharField(max_length=100)
    area = models.ForeignKey(
        LocalArea, null=True, blank=True, on_delete=models.CASCADE, related_name="rating_schemes"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="rating_scheme_unique_in_area"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def complete_level(self) -> RatingLevel | None:
        return next((level for level in self.levels.all() if level.is_complete), None)


class RatingLevel(models.Model):
    """One level of a scheme. `rank` orders levels worst (1) to best."""

    scheme = models.ForeignKey(RatingScheme, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(help_text="1 is the worst level; higher is better.")
    code = models.CharField(max_length=30, help_text="As the plan writes it: RED, A, LIGHT GREEN.")
    label = models.CharField(max_length=50)
    colour = models.CharField(max_length=7, validators=[hex_colour])
    meaning = models.TextField(blank=True, help_text="The plan's own definition, verbatim.")
    is_complete = models.BooleanField(default=False, help_text="This level means done.")
    needs_attention = models.BooleanField(
        default=False, help_text="Red/amber-like: a narrative is required with this rating."
    )

    class Meta:
        ordering = ["scheme", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="rating_level_code_unique"),
            models.UniqueConstraint(fields=["scheme", "rank"], name="rating_level_rank_unique"),
            models.UniqueConstraint(
                fields=["scheme"],
                condition=Q(is_complete=True),
                name="rating_level_one_complete_level",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def text_colour(self) -> str:
        """Black or white, whichever contrasts more with the background (WCAG 2.2)."""
        return readable_text_colour(self.colour)

    @property
    def css_class(self) -> str:
        return f"wsoa-rating--{self.pk}"


def _relative_luminance(hex_value: str) -> float:
    channels = [int(hex_value[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted(
        (_relative_luminance(first), _relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: str) -> str:
    black, white = "#0b0c0c", "#ffffff"
    if contrast_ratio(background, black) >= contrast_ratio(background, white):
        return black
    return white


# --- Plans -------------------------------------------------------------------------------


class PlanKind(models.TextChoices):
    WSOA = "wsoa", "Written Statement of Action"
    ACCELERATED_PROGRESS_PLAN = "accelerated_progress_plan", "Accelerated Progress Plan"
    PRIORITY_ACTION_PLAN = "priority_action_plan", "Priority action plan"
    OTHER = "other", "Other plan"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class InspectionFramework(models.TextChoices):
    """The inspection regime a plan answers (its words and deadlines differ)."""

    WSOA_2016 = "wsoa_2016", "Local area SEND inspection, 2016 framework (WSOA)"
    AREA_SEND_2023 = "area_send_2023", "Area SEND inspection, 2023 framework"


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.is_national_viewer:
            return self.all()
        return self.filter(area__memberships__user=user).distinct()

    def with_list_related_data(self) -> PlanQuerySet:
        return self.select_related("area", "rating_scheme").annotate(
            concern_count=models.Count("concerns", distinct=True),
            action_count=models.Count("actions", distinct=True),
        )


class Plan(TimeStampedModel):
    area = models.ForeignKey(LocalArea, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=PlanKind.choices, default=PlanKind.WSOA)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    inspection_start = models.DateField(null=True, blank=True)
    inspection_end = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    rating_scheme = models.ForeignKey(RatingScheme, on_delete=models.PROTECT, related_name="plans")
    concern_label = models.CharField(
        max_length=50,
        default="Significant concern",
        help_text="What this plan calls a concern: significant concern, area of weakness, "
        "workstream…",
    )
    introduction = models.TextField(blank=True)
    # The inspection the plan answers: its dates above, and these.
    inspection_framework = models.CharField(
        max_length=20, choices=InspectionFramework.choices, blank=True
    )
    inspectors = models.JSONField(
        default=list,
        blank=True,
        help_text='The inspection team as the report lists it: [{"name": …, "role": …}].',
    )
    report_published_on = models.DateField("inspection report published on", null=True, blank=True)
    plan_due_on = models.DateField(
        "plan due on", null=True, blank=True, help_text="When the plan had to be submitted."
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["area__name", "-published_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["area", "title"], name="plan_title_unique_in_area"),
            models.CheckConstraint(
                condition=Q(inspection_end__gte=models.F("inspection_start"))
                | Q(inspection_end__isnull=True)
                | Q(inspection_start__isnull=True),
                name="plan_inspection_dates_in_order",
                violation_error_message="The inspection cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(report_published_on__gte=models.F("inspection_start"))
                | Q(report_published_on__isnull=True)
                | Q(inspection_start__isnull=True),
                name="plan_report_after_inspection_start",
                violation_error_message="The report cannot be published before the "
                "inspection starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def introduction_html(self) -> SafeString:
        return text_as_html(self.introduction)

    @property
    def has_inspection_record(self) -> bool:
        return bool(
            self.inspection_framework
            or self.inspection_start
            or self.inspection_end
            or self.inspectors
            or self.report_published_on
            or self.plan_due_on
        )

    def clean(self) -> None:
        if self.rating_scheme_id and self.area_id:
            scheme_area = self.rating_scheme.area_id
            if scheme_area is not None and scheme_area != self.area_id:
                raise ValidationError(
                    {"rating_scheme": "This rating scheme belongs to another local area."}
                )


class Concern(TimeStampedModel):
    """A significant concern (area of weakness, workstream) the plan answers."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="concerns")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    finding = models.TextField(blank=True, help_text="The inspectors' words, verbatim.")
    aim = models.TextField(blank=True)
    kpis = models.JSONField(
        "KPIs / targets", default=list, blank=True, help_text="Overall KPIs and targets (a list)."
    )
    # In the plan's order: through rows in insertion order (read them ordered by their pk).
    sponsors = models.ManyToManyField(
        Post,
        blank=True,
        related_name="sponsored_concerns",
        verbose_name="senior accountable sponsors",
    )
    # The organisations among the delivery partners (kept in step by the plan loader). The
    # partners as the plan lists them, people included and in its order, are `partners`.
    delivery_partners = models.ManyToManyField(
        Organisation, blank=True, related_name="concerns_delivered"
    )
    transcriber_note = models.TextField(
        blank=True,
        help_text="A remark by whoever transcribed the plan (e.g. the source lost a cell): "
        "shown to administrators, never as the plan's text.",
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="concern_number_unique_in_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def sponsor(self) -> Post | None:
        """The first senior accountable sponsor (most plans name one)."""
        return next(iter(self.sponsors.all()), None)

    @property
    def finding_html(self) -> SafeString:
        return text_as_html(self.finding)

    @property
    def aim_html(self) -> SafeString:
        return text_as_html(self.aim)


class DeliveryPartner(models.Model):
    """One entry of a concern's delivery partners, in the plan's order: an organisation, or a
    person (their name, post and organisation as the plan gives them)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="partners")
    position = models.PositiveSmallIntegerField(default=0)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_entries",
    )
    person_name = models.CharField(max_length=200, blank=True)
    person_post = models.CharField(
        max_length=200, blank=True, help_text="The person's post, as written."
    )

    class Meta:
        ordering = ["concern", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(person_name=""),
                name="delivery_partner_is_an_organisation_or_a_person",
                violation_error_message="A delivery partner is an organisation or a person.",
            ),
        ]

    def __str__(self) -> str:
        if not self.person_name:
            return str(self.organisation)
        details = [part for part in (self.person_post, str(self.organisation or "")) if part]
        return f"{self.person_name} ({', '.join(details)})" if details else self.person_name

    @property
    def is_person(self) -> bool:
        return bool(self.person_name)


class Outcome(TimeStampedModel):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=0)
    ref = models.CharField(max_length=20, blank=True)
    statement = models.TextField(
        blank=True, help_text="As written; empty where the source does not give it."
    )
    impact_statements = models.JSONField(default=list, blank=True)
    transcriber_note = models.TextField(
        blank=True,
        help_text="A remark by whoever transcribed the plan (e.g. the source lost this cell): "
        "shown to administrators, never as the plan's text.",
    )

    class Meta:
        ordering = ["concern", "position", "pk"]

    def __str__(self) -> str:
        text = self.statement if len(self.statement) < 80 else self.statement[:77] + "…"
        return f"{self.ref} {text}".strip()

    @property
    def statement_html(self) -> SafeString:
        return text_as_html(self.statement)

    @property
    def impact_statements_html(self) -> list[SafeString]:
        return [text_as_html(text) for text in self.impact_statements]


# --- Boards: who owns the work (their meetings, packs and members live in governance) ---


class BoardQuerySet(models.QuerySet):
    def for_area(self, area: LocalArea) -> BoardQuerySet:
        return self.filter(area=area)

    def matching_name(self, name: str) -> BoardQuerySet:
        return self.filter(Q(name__iexact=name) | Q(short_name__iexact=name))

    def visible_to(self, user) -> BoardQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.is_national_viewer:
            return self.all()
        return self.filter(area__memberships__user=user)


class Board(TimeStampedModel):
    """A governance body: SEND Partnership Board, a CCG governing body, a performance board…"""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=100, blank=True, help_text="How plans abbreviate it, e.g. AfC PQI Board."
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="boards"
    )
    activity = models.TextField("remit", blank=True, help_text="What it does, as written.")
    frequency = models.CharField(
        max_length=100, blank=True, help_text="How often it meets, as written: Monthly, Termly…"
    )
    concerns = models.ManyToManyField(Concern, blank=True, related_name="boards")
    is_active = models.BooleanField(default=True)

    objects = BoardQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when boards lived in governance (see
        # wsoa/migrations/0002_board.py): moving the model moved no data.
        db_table = "governance_board"
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="board_name_unique_in_area"),
        ]

    def __str__(self) -> str:
        return self.name
