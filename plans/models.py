"""Plans: a partnership's delivery plan, its consultation, the response and the register.

Fields only, and the words the enums are shown with (``CAPACITY_LABELS``,
``SUPPORT_LABELS``); the rules live in the services (``plans.drafts``, ``plans.consultation``,
``plans.analysis``, ``plans.register``). Personal links (delegates', facilitators',
public respondents', lead agencies') are ``convenor.models.PersonalLink`` rows bound to
the row's id, never a token stored here.

Stable keys: priorities and actions carry ``ref``, a short random key that stays the
same through every edit and version, so versions are compared by it and an answer
recorded against version 1 still belongs to the same action in version 2. Once the draft
has been published, removing a priority or action sets ``removed_at`` (answers to it are
kept); before that it is deleted.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class PlanStatus(StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"  # published for consultation (open, or closed)
    ADOPTED = "adopted"
    ARCHIVED = "archived"


class PartnerRole(StrEnum):
    LEAD = "lead"
    SUPPORT = "support"


class VersionKind(StrEnum):
    CONSULTATION = "consultation"  # version 1: the draft consulted on
    ADOPTED = "adopted"  # the adopted plan
    REVISION = "revision"  # any other published version


class RespondentKind(StrEnum):
    DELEGATE = "delegate"  # from their personal link for a linked event
    PARTNER = "partner"  # staff of a partner organisation, by an emailed link
    PUBLIC = "public"  # a member of the public, email confirmed first


class Capacity(StrEnum):
    RESIDENT = "resident"
    COMMUNITY_GROUP = "community_group"
    PARTNER_AGENCY = "partner_agency"
    BUSINESS = "business"
    OTHER = "other"


# The words respondents and organisers see (the consultation form, the analysis, the
# exports and the report all use these).
CAPACITY_LABELS = {
    Capacity.RESIDENT: "Resident",
    Capacity.COMMUNITY_GROUP: "Community group",
    Capacity.PARTNER_AGENCY: "Partner agency",
    Capacity.BUSINESS: "Business",
    Capacity.OTHER: "Other",
}
SUPPORT_LABELS = {  # Answer.support: 5 strongly support .. 1 strongly oppose
    5: "Strongly support",
    4: "Support",
    3: "Neither support nor oppose",
    2: "Oppose",
    1: "Strongly oppose",
}


class Moderation(StrEnum):
    NOT_NEEDED = "not_needed"  # delegates' and partners' comments
    WAITING = "waiting"  # the public's, until a moderator decides
    APPROVED = "approved"
    HIDDEN = "hidden"


class Outcome(StrEnum):
    CHANGED = "changed"  # the action was changed
    ADDED = "added"  # an action was added
    NOT_CHANGED = "not_changed"  # and why not


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"
    DROPPED = "dropped"  # with a reason


class Plan(Model):
    id = fields.IntField(primary_key=True)
    uuid = fields.CharField(max_length=36, unique=True)  # in public addresses
    partnership = fields.CharField(max_length=200)  # "Southampton Safe City Partnership"
    title = fields.CharField(max_length=300)
    period = fields.CharField(max_length=40, default="")  # "2022-2027"
    summary = fields.TextField(default="")  # Markdown source; sanitised when shown
    status = fields.CharEnumField(PlanStatus, max_length=12, default=PlanStatus.DRAFT)
    contact_email = fields.CharField(max_length=254, default="")
    # The consultation
    opens_at = fields.DatetimeField(null=True)
    closes_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)  # set by the worker at (or after) closes_at
    public_may_respond = fields.BooleanField(default=False)
    partners_may_respond = fields.BooleanField(default=True)
    # Public responses are reduced to counts and published quotes this long after adoption
    keep_public_days = fields.IntField(default=365)
    public_reduced_at = fields.DatetimeField(null=True)
    report_published_at = fields.DatetimeField(null=True)
    # The register: lead agencies are asked for updates every this many days
    update_every_days = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "plan"


class PlanEvent(Model):
    """An event held (partly) to consult on the plan: its delegates may respond."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="event_links", on_delete=fields.CASCADE
    )
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Event", related_name=False, on_delete=fields.CASCADE
    )

    class Meta:
        table = "plan_event"
        unique_together = (("plan", "event"),)


class Priority(Model):
    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="priorities", on_delete=fields.CASCADE
    )
    ref = fields.CharField(max_length=12)  # stable through edits and versions
    position = fields.IntField(default=0)
    title = fields.CharField(max_length=300)
    why = fields.TextField(default="")  # why it matters
    removed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "plan_priority"
        unique_together = (("plan", "ref"),)


class Evidence(Model):
    """A figure behind a priority: "11,079 incidents", "Violent crime", "2018/19", source."""

    id = fields.IntField(primary_key=True)
    priority: fields.ForeignKeyRelation[Priority] = fields.ForeignKeyField(
        "models.Priority", related_name="evidence", on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)
    value = fields.CharField(max_length=100)
    label = fields.CharField(max_length=300)
    period = fields.CharField(max_length=60, default="")
    source = fields.CharField(max_length=300, default="")

    class Meta:
        table = "plan_evidence"


class Action(Model):
    """A key action under a priority, and (once adopted) its place in the register."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="actions", on_delete=fields.CASCADE
    )
    priority: fields.ForeignKeyRelation[Priority] = fields.ForeignKeyField(
        "models.Priority", related_name="actions", on_delete=fields.CASCADE
    )
    ref = fields.CharField(max_length=12)
    position = fields.IntField(default=0)
    text = fields.TextField()
    all_partners = fields.BooleanField(default=False)  # lead: "All partners"
    measure = fields.TextField(default="")  # measure of success
    target_date = fields.DateField(null=True)
    removed_at = fields.DatetimeField(null=True)
    # The register (issue 22)
    status = fields.CharEnumField(ActionStatus, max_length=12, default=ActionStatus.NOT_STARTED)
    status_reason = fields.TextField(default="")  # required when dropped
    progress = fields.IntField(null=True)  # percent, when a figure fits
    last_update_at = fields.DatetimeField(null=True)

    class Meta:
        table = "plan_action"
        unique_together = (("plan", "ref"),)


class ActionPartner(Model):
    """An organisation from the directory leading or supporting an action."""

    id = fields.IntField(primary_key=True)
    action: fields.ForeignKeyRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name="partners", on_delete=fields.CASCADE
    )
    entry: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Entry", related_name=False, on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(PartnerRole, max_length=8)
    position = fields.IntField(default=0)

    class Meta:
        table = "plan_action_partner"
        unique_together = (("action", "entry"),)


class PlanVersion(Model):
    """A frozen copy of the plan: version 1 is the draft consulted on."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    kind = fields.CharEnumField(VersionKind, max_length=12)
    snapshot = fields.JSONField()
    note = fields.TextField(default="")
    published_at = fields.DatetimeField()
    published_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "plan_version"
        unique_together = (("plan", "number"),)


class Respondent(Model):
    """One person's response to a consultation: saved, changed until the close.

    ``identity`` is unique per plan: ``registration:<id>`` for a delegate, ``email:<sha256
    of the normalised address>`` for partners and the public, so one person has one
    response however many times they start. Name and email are never published and are
    cleared when public responses are reduced.
    """

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="respondents", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(RespondentKind, max_length=8)
    identity = fields.CharField(max_length=80)
    registration: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Registration", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    event: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Event", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200, default="")
    email = fields.CharField(max_length=254, default="")
    email_confirmed_at = fields.DatetimeField(null=True)
    capacity = fields.CharEnumField(Capacity, max_length=16, null=True)
    organisation = fields.CharField(max_length=200, default="")
    organisation_entry: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Entry", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    may_quote = fields.BooleanField(default=False)  # agreed to be quoted (never named)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    submitted_at = fields.DatetimeField(null=True)  # last saved as sent (not a draft)
    reduced_at = fields.DatetimeField(null=True)  # personal details removed

    class Meta:
        table = "plan_respondent"
        unique_together = (("plan", "identity"),)


class Answer(Model):
    """What one respondent said of one priority or action.

    ``target`` is ``priority:<ref>`` or ``action:<ref>`` (unique per respondent). For an
    action: ``support`` 1 (strongly oppose) to 5 (strongly support) and a comment; for a
    priority: a comment and what is missing. A redacted text is shown instead of the
    original, which is kept for the record.
    """

    id = fields.IntField(primary_key=True)
    respondent: fields.ForeignKeyRelation[Respondent] = fields.ForeignKeyField(
        "models.Respondent", related_name="answers", on_delete=fields.CASCADE
    )
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name=False, on_delete=fields.CASCADE
    )
    target = fields.CharField(max_length=24)
    priority: fields.ForeignKeyRelation[Priority] = fields.ForeignKeyField(
        "models.Priority", related_name=False, on_delete=fields.CASCADE
    )
    action: fields.ForeignKeyNullableRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name=False, null=True, on_delete=fields.CASCADE
    )
    support = fields.SmallIntField(null=True)
    comment = fields.TextField(default="")
    missing = fields.TextField(default="")
    moderation = fields.CharEnumField(Moderation, max_length=12, default=Moderation.NOT_NEEDED)
    redacted_comment = fields.TextField(null=True)
    redacted_missing = fields.TextField(null=True)
    # Moderation (D1, plans.comments): why it was hidden, when and by whom (a staff
    # email, kept if the account goes) it was last decided.
    moderation_reason = fields.TextField(default="")
    moderated_at = fields.DatetimeField(null=True)
    moderated_by = fields.CharField(max_length=254, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "plan_answer"
        unique_together = (("respondent", "target"),)
        # (D1, plans.analysis) support per action is counted from the second index alone,
        # in its order (no sort of every answer); the comment list's newest first is read
        # from the third (benchmarks/plans_analysis.py).
        indexes = (
            ("plan", "action"),
            ("plan", "action", "support", "respondent"),
            ("plan", "updated_at"),
        )


class Facilitator(Model):
    """Records one workshop table's points during a session, from a personal link."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="facilitators", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Session", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254)
    table_label = fields.CharField(max_length=60, default="")  # "Table 3"
    created_at = fields.DatetimeField()
    # Added by the workshops (plans.workshops): removing a facilitator keeps the points
    # their table made (consultation input) and ends their links; set when removed.
    removed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "plan_facilitator"


class SessionPriority(Model):
    """A workshop session of a linked event discusses this priority."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Session", related_name=False, on_delete=fields.CASCADE
    )
    priority: fields.ForeignKeyRelation[Priority] = fields.ForeignKeyField(
        "models.Priority", related_name="sessions", on_delete=fields.CASCADE
    )

    class Meta:
        table = "plan_session_priority"
        unique_together = (("session", "priority"),)


class TablePoint(Model):
    """A point a workshop table made, recorded by its facilitator against an action."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name=False, on_delete=fields.CASCADE
    )
    facilitator: fields.ForeignKeyRelation[Facilitator] = fields.ForeignKeyField(
        "models.Facilitator", related_name="points", on_delete=fields.CASCADE
    )
    priority: fields.ForeignKeyRelation[Priority] = fields.ForeignKeyField(
        "models.Priority", related_name=False, on_delete=fields.CASCADE
    )
    action: fields.ForeignKeyNullableRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name=False, null=True, on_delete=fields.CASCADE
    )
    text = fields.TextField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "plan_table_point"


class CommentTheme(Model):
    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="themes", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120)

    class Meta:
        table = "plan_theme"
        unique_together = (("plan", "name"),)


class ThemeTag(Model):
    """A comment (an answer or a table point) tagged with a theme."""

    id = fields.IntField(primary_key=True)
    theme: fields.ForeignKeyRelation[CommentTheme] = fields.ForeignKeyField(
        "models.CommentTheme", related_name="tags", on_delete=fields.CASCADE
    )
    answer: fields.ForeignKeyNullableRelation[Answer] = fields.ForeignKeyField(
        "models.Answer", related_name="tags", null=True, on_delete=fields.CASCADE
    )
    point: fields.ForeignKeyNullableRelation[TablePoint] = fields.ForeignKeyField(
        "models.TablePoint", related_name="tags", null=True, on_delete=fields.CASCADE
    )

    class Meta:
        table = "plan_theme_tag"
        unique_together = (("theme", "answer"), ("theme", "point"))


class Reply(Model):
    """The organiser's "You said ... We did ..." for a theme or an action."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="replies", on_delete=fields.CASCADE
    )
    theme: fields.ForeignKeyNullableRelation[CommentTheme] = fields.ForeignKeyField(
        "models.CommentTheme", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    action: fields.ForeignKeyNullableRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    you_said = fields.TextField()
    we_did = fields.TextField()
    outcome = fields.CharEnumField(Outcome, max_length=12)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "plan_reply"


class CommentExport(Model):
    """Every export of responses with personal details: who, when, how many rows."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    user_email = fields.CharField(max_length=254)
    what = fields.CharField(max_length=40)  # "responses.xlsx", "workshop-notes.csv"
    with_personal_details = fields.BooleanField()
    row_count = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "plan_export"


# The register (issue 22)


class LeadContact(Model):
    """A named contact of a lead organisation, updating its actions from a personal link."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="lead_contacts", on_delete=fields.CASCADE
    )
    entry: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Entry", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254)
    invited_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)  # the last reminder
    last_update_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "plan_lead_contact"
        unique_together = (("plan", "entry", "email"),)


class ActionUpdate(Model):
    """One entry in an action's timeline: what happened, who said so, the status then."""

    id = fields.IntField(primary_key=True)
    action: fields.ForeignKeyRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name="updates", on_delete=fields.CASCADE
    )
    posted_at = fields.DatetimeField()
    text = fields.TextField()
    author_name = fields.CharField(max_length=200)  # shown: a person or "Organiser"
    author_organisation = fields.CharField(max_length=200, default="")
    contact: fields.ForeignKeyNullableRelation[LeadContact] = fields.ForeignKeyField(
        "models.LeadContact", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    evidence_url = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(ActionStatus, max_length=12)
    status_reason = fields.TextField(default="")
    progress = fields.IntField(null=True)

    class Meta:
        table = "plan_action_update"
        indexes = (("action", "posted_at"),)


class MeasureReading(Model):
    """A reading of an action's measure of success: "72%", 2021-03-31, "City Survey 2021"."""

    id = fields.IntField(primary_key=True)
    action: fields.ForeignKeyRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name="readings", on_delete=fields.CASCADE
    )
    value = fields.FloatField()
    unit = fields.CharField(max_length=20, default="")  # "%", "incidents"
    taken_on = fields.DateField()
    source = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "plan_measure_reading"


class Review(Model):
    """An annual review: the register's statuses and readings at a date, kept as taken."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="reviews", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    as_of = fields.DateField()
    snapshot = fields.JSONField()
    taken_at = fields.DatetimeField()
    taken_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "plan_review"
