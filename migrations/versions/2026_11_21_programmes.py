"""programmes: rooms, sessions, speakers, published versions, agenda picks and feeds

Revision ID: 2026_11_21_programmes
Revises: 2026_11_21_events_exports
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean, fk, json, pk, timestamp

revision = "2026_11_21_programmes"
# The brief named 2026_11_21_events; events_exports already follows it, and two heads
# would stop `upgrade head`, so this follows the current head.
down_revision = "2026_11_21_events_exports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_room",
        pk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("access_notes", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        fk("event_id", "event.id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "programme_session",
        pk(),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        timestamp("starts_at"),
        timestamp("ends_at"),
        sa.Column("track", sa.String(100), nullable=False),
        boolean("not_for_publication"),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("places_taken", sa.Integer(), nullable=False),
        timestamp("cancelled_at", nullable=True),
        sa.Column("calendar_uid", sa.String(100), nullable=False, unique=True),
        sa.Column("calendar_sequence", sa.Integer(), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        fk("event_id", "event.id"),
        fk("room_id", "programme_room.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_programme_session_event_starts", "programme_session", ["event_id", "starts_at"]
    )
    op.create_table(
        "programme_speaker",
        pk(),
        sa.Column("honorific", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("photo_path", sa.String(300), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        timestamp("invited_at", nullable=True),
        timestamp("responded_at", nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        fk("event_id", "event.id"),
        fk("organisation_entry_id", "directory_entry.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "programme_session_speaker",
        pk(),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        fk("session_id", "programme_session.id"),
        fk("speaker_id", "programme_speaker.id"),
        sa.UniqueConstraint(
            "session_id", "speaker_id", name="uq_programme_session_speaker_session_speaker"
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "programme_version",
        pk(),
        sa.Column("number", sa.Integer(), nullable=False),
        json("snapshot"),
        json("changelog"),
        timestamp("published_at"),
        fk("event_id", "event.id"),
        fk("published_by_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        sa.UniqueConstraint("event_id", "number", name="uq_programme_version_event_number"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "programme_agenda_pick",
        pk(),
        boolean("has_place"),
        timestamp("created_at"),
        fk("registration_id", "event_registration.id"),
        fk("session_id", "programme_session.id"),
        sa.UniqueConstraint(
            "registration_id", "session_id", name="uq_programme_agenda_pick_registration_session"
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "programme_agenda_feed",
        pk(),
        sa.Column("salt", sa.String(64), nullable=False),
        timestamp("created_at"),
        sa.Column(
            "registration_id",
            sa.Integer(),
            sa.ForeignKey("event_registration.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    for table in (
        "programme_agenda_feed",
        "programme_agenda_pick",
        "programme_version",
        "programme_session_speaker",
        "programme_speaker",
        "programme_session",
        "programme_room",
    ):
        op.drop_table(table)
