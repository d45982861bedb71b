"""events: events and organisers, invitations, registrations, questions, nominations

Revision ID: 2026_11_21_events
Revises: 2026_11_21_directory
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean, fk, json, pk, timestamp

revision = "2026_11_21_events"
down_revision = "2026_11_21_directory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event",
        pk(),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organising_body", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column("venue_name", sa.String(200), nullable=False),
        sa.Column("venue_address", sa.Text(), nullable=False),
        sa.Column("venue_postcode", sa.String(10), nullable=False),
        sa.Column("venue_access", sa.Text(), nullable=False),
        timestamp("starts_at"),
        timestamp("ends_at"),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        timestamp("registration_opens_at", nullable=True),
        timestamp("registration_closes_at", nullable=True),
        sa.Column("visibility", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        boolean("substitutes_need_approval"),
        sa.Column("calendar_uid", sa.String(100), nullable=False, unique=True),
        sa.Column("calendar_sequence", sa.Integer(), nullable=False),
        sa.Column("purge_after_days", sa.Integer(), nullable=False),
        timestamp("sensitive_purged_at", nullable=True),
        sa.Column("dietary_count", sa.Integer(), nullable=True),
        sa.Column("access_needs_count", sa.Integer(), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        timestamp("published_at", nullable=True),
        timestamp("cancelled_at", nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "event_organiser",
        fk("event_id", "event.id"),
        fk("user_id", "staff_user.id"),
    )
    op.create_index(
        "ux_event_organiser_event_user", "event_organiser", ["event_id", "user_id"], unique=True
    )
    op.create_table(
        "event_invitation",
        pk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        timestamp("created_at"),
        timestamp("sent_at", nullable=True),
        timestamp("reminded_at", nullable=True),
        timestamp("responded_at", nullable=True),
        fk("event_id", "event.id"),
        fk("substitute_of_id", "event_invitation.id", nullable=True, ondelete="SET NULL"),
        sa.UniqueConstraint("event_id", "email", name="uq_event_invitation_event_email"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_invitation_event_status", "event_invitation", ["event_id", "status"])
    op.create_table(
        "event_registration",
        pk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("dietary", sa.Text(), nullable=False),
        sa.Column("access_needs", sa.Text(), nullable=False),
        boolean("consent_to_list"),
        json("answers"),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("check_in_code", sa.String(8), nullable=False),
        timestamp("created_at"),
        timestamp("updated_at"),
        timestamp("registered_at", nullable=True),
        timestamp("waitlisted_at", nullable=True),
        timestamp("cancelled_at", nullable=True),
        timestamp("checked_in_at", nullable=True),
        fk("event_id", "event.id"),
        fk("organisation_entry_id", "directory_entry.id", nullable=True, ondelete="SET NULL"),
        sa.Column(
            "invitation_id",
            sa.Integer(),
            sa.ForeignKey("event_invitation.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.UniqueConstraint(
            "event_id", "check_in_code", name="uq_event_registration_event_check_in_code"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_event_registration_event_status_waitlisted_at",
        "event_registration",
        ["event_id", "status", "waitlisted_at"],
    )
    op.create_table(
        "event_question",
        pk(),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("help_text", sa.Text(), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        boolean("required"),
        sa.Column("position", sa.Integer(), nullable=False),
        fk("event_id", "event.id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "event_nomination",
        pk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("what_they_do", sa.Text(), nullable=False),
        sa.Column("area", sa.String(200), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        timestamp("created_at"),
        fk("entry_id", "directory_entry.id", nullable=True, ondelete="SET NULL"),
        fk("event_id", "event.id"),
        fk("registration_id", "event_registration.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    for table in (
        "event_nomination",
        "event_question",
        "event_registration",
        "event_invitation",
        "event_organiser",
        "event",
    ):
        op.drop_table(table)
