"""plans: delivery plans, their consultation and response, the actions register

Revision ID: 2026_12_06_plans
Revises: 2026_12_05_directory_nominations
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.columns import boolean, fk, json, pk, timestamp

revision = "2026_12_06_plans"
down_revision = "2026_12_05_directory_nominations"
branch_labels = None
depends_on = None

FLOAT = sa.REAL().with_variant(postgresql.DOUBLE_PRECISION(), "postgresql")


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _string(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _int(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{table}_{'_'.join(columns)}")


def upgrade() -> None:
    op.create_table(
        "plan",
        pk(),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        _string("partnership", 200),
        _string("title", 300),
        _string("period", 40),
        _text("summary"),
        _string("status", 12),
        _string("contact_email", 254),
        timestamp("opens_at", nullable=True),
        timestamp("closes_at", nullable=True),
        timestamp("closed_at", nullable=True),
        boolean("public_may_respond"),
        boolean("partners_may_respond"),
        _int("keep_public_days"),
        timestamp("public_reduced_at", nullable=True),
        timestamp("report_published_at", nullable=True),
        _int("update_every_days", nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_event",
        pk(),
        fk("plan_id", "plan.id"),
        fk("event_id", "event.id"),
        _unique("plan_event", "plan_id", "event_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_priority",
        pk(),
        _string("ref", 12),
        _int("position"),
        _string("title", 300),
        _text("why"),
        timestamp("removed_at", nullable=True),
        fk("plan_id", "plan.id"),
        _unique("plan_priority", "plan_id", "ref"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_evidence",
        pk(),
        _int("position"),
        _string("value", 100),
        _string("label", 300),
        _string("period", 60),
        _string("source", 300),
        fk("priority_id", "plan_priority.id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_action",
        pk(),
        _string("ref", 12),
        _int("position"),
        _text("text"),
        boolean("all_partners"),
        _text("measure"),
        sa.Column("target_date", sa.Date(), nullable=True),
        timestamp("removed_at", nullable=True),
        _string("status", 12),
        _text("status_reason"),
        _int("progress", nullable=True),
        timestamp("last_update_at", nullable=True),
        fk("plan_id", "plan.id"),
        fk("priority_id", "plan_priority.id"),
        _unique("plan_action", "plan_id", "ref"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_action_partner",
        pk(),
        _string("role", 8),
        _int("position"),
        fk("action_id", "plan_action.id"),
        fk("entry_id", "directory_entry.id"),
        _unique("plan_action_partner", "action_id", "entry_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_version",
        pk(),
        _int("number"),
        _string("kind", 12),
        json("snapshot"),
        _text("note"),
        timestamp("published_at"),
        fk("plan_id", "plan.id"),
        fk("published_by_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        _unique("plan_version", "plan_id", "number"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_respondent",
        pk(),
        _string("kind", 8),
        _string("identity", 80),
        _string("name", 200),
        _string("email", 254),
        timestamp("email_confirmed_at", nullable=True),
        _string("capacity", 16, nullable=True),
        _string("organisation", 200),
        boolean("may_quote"),
        timestamp("created_at"),
        timestamp("updated_at"),
        timestamp("submitted_at", nullable=True),
        timestamp("reduced_at", nullable=True),
        fk("plan_id", "plan.id"),
        fk("registration_id", "event_registration.id", nullable=True, ondelete="SET NULL"),
        fk("event_id", "event.id", nullable=True, ondelete="SET NULL"),
        fk("organisation_entry_id", "directory_entry.id", nullable=True, ondelete="SET NULL"),
        _unique("plan_respondent", "plan_id", "identity"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_answer",
        pk(),
        _string("target", 24),
        sa.Column("support", sa.SmallInteger(), nullable=True),
        _text("comment"),
        _text("missing"),
        _string("moderation", 12),
        _text("redacted_comment", nullable=True),
        _text("redacted_missing", nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        fk("respondent_id", "plan_respondent.id"),
        fk("plan_id", "plan.id"),
        fk("priority_id", "plan_priority.id"),
        fk("action_id", "plan_action.id", nullable=True),
        _unique("plan_answer", "respondent_id", "target"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_plan_answer_plan_action", "plan_answer", ["plan_id", "action_id"])
    op.create_table(
        "plan_facilitator",
        pk(),
        _string("name", 200),
        _string("email", 254),
        _string("table_label", 60),
        timestamp("created_at"),
        fk("plan_id", "plan.id"),
        fk("session_id", "programme_session.id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_session_priority",
        pk(),
        fk("session_id", "programme_session.id"),
        fk("priority_id", "plan_priority.id"),
        _unique("plan_session_priority", "session_id", "priority_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_table_point",
        pk(),
        _text("text"),
        timestamp("created_at"),
        timestamp("updated_at"),
        fk("plan_id", "plan.id"),
        fk("facilitator_id", "plan_facilitator.id"),
        fk("priority_id", "plan_priority.id"),
        fk("action_id", "plan_action.id", nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_theme",
        pk(),
        _string("name", 120),
        fk("plan_id", "plan.id"),
        _unique("plan_theme", "plan_id", "name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_theme_tag",
        pk(),
        fk("theme_id", "plan_theme.id"),
        fk("answer_id", "plan_answer.id", nullable=True),
        fk("point_id", "plan_table_point.id", nullable=True),
        _unique("plan_theme_tag", "theme_id", "answer_id"),
        _unique("plan_theme_tag", "theme_id", "point_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_reply",
        pk(),
        _text("you_said"),
        _text("we_did"),
        _string("outcome", 12),
        _int("position"),
        timestamp("created_at"),
        timestamp("updated_at"),
        fk("plan_id", "plan.id"),
        fk("theme_id", "plan_theme.id", nullable=True, ondelete="SET NULL"),
        fk("action_id", "plan_action.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_export",
        pk(),
        _string("user_email", 254),
        _string("what", 40),
        boolean("with_personal_details"),
        _int("row_count"),
        timestamp("created_at"),
        fk("plan_id", "plan.id"),
        fk("user_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_lead_contact",
        pk(),
        _string("name", 200),
        _string("email", 254),
        timestamp("invited_at", nullable=True),
        timestamp("reminded_at", nullable=True),
        timestamp("last_update_at", nullable=True),
        timestamp("revoked_at", nullable=True),
        timestamp("created_at"),
        fk("plan_id", "plan.id"),
        fk("entry_id", "directory_entry.id"),
        _unique("plan_lead_contact", "plan_id", "entry_id", "email"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_action_update",
        pk(),
        timestamp("posted_at"),
        _text("text"),
        _string("author_name", 200),
        _string("author_organisation", 200),
        _string("evidence_url", 500),
        _string("status", 12),
        _text("status_reason"),
        _int("progress", nullable=True),
        fk("action_id", "plan_action.id"),
        fk("contact_id", "plan_lead_contact.id", nullable=True, ondelete="SET NULL"),
        fk("user_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_plan_action_update_action_posted", "plan_action_update", ["action_id", "posted_at"]
    )
    op.create_table(
        "plan_measure_reading",
        pk(),
        sa.Column("value", FLOAT, nullable=False),
        _string("unit", 20),
        sa.Column("taken_on", sa.Date(), nullable=False),
        _string("source", 300),
        timestamp("created_at"),
        fk("action_id", "plan_action.id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_review",
        pk(),
        _string("title", 200),
        sa.Column("as_of", sa.Date(), nullable=False),
        json("snapshot"),
        timestamp("taken_at"),
        fk("plan_id", "plan.id"),
        fk("taken_by_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )


TABLES = (
    "plan_review",
    "plan_measure_reading",
    "plan_action_update",
    "plan_lead_contact",
    "plan_export",
    "plan_reply",
    "plan_theme_tag",
    "plan_theme",
    "plan_table_point",
    "plan_session_priority",
    "plan_facilitator",
    "plan_answer",
    "plan_respondent",
    "plan_version",
    "plan_action_partner",
    "plan_action",
    "plan_evidence",
    "plan_priority",
    "plan_event",
    "plan",
)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
