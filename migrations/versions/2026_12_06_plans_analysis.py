"""plans_analysis: the moderation of an answer (why hidden, when, by whom); two indexes
for the analysis (support per action from an index alone, comments newest first)

Revision ID: 2026_12_06_plans_analysis
Revises: 2026_12_06_plans_workshops
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import timestamp

revision = "2026_12_06_plans_analysis"
down_revision = "2026_12_06_plans_workshops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NOT NULL text columns with no default (as Tortoise declares them): existing rows get
    # "" through a temporary default, dropped again (SQLite needs batch mode's table copy).
    reason = sa.Column("moderation_reason", sa.Text(), nullable=False, server_default="")
    by = sa.Column("moderated_by", sa.String(254), nullable=False, server_default="")
    with op.batch_alter_table("plan_answer") as batch:
        batch.add_column(reason)
        batch.add_column(timestamp("moderated_at", nullable=True))
        batch.add_column(by)
    with op.batch_alter_table("plan_answer") as batch:
        batch.alter_column("moderation_reason", server_default=None)
        batch.alter_column("moderated_by", server_default=None)
    # Support per action counted from an index alone; the comment list newest first.
    op.create_index(
        "ix_plan_answer_plan_action_support",
        "plan_answer",
        ["plan_id", "action_id", "support", "respondent_id"],
    )
    op.create_index("ix_plan_answer_plan_updated", "plan_answer", ["plan_id", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_plan_answer_plan_updated", "plan_answer")
    op.drop_index("ix_plan_answer_plan_action_support", "plan_answer")
    with op.batch_alter_table("plan_answer") as batch:
        batch.drop_column("moderated_by")
        batch.drop_column("moderated_at")
        batch.drop_column("moderation_reason")
