"""plans_workshops: a removed facilitator is kept (with the points their table made)

Revision ID: 2026_12_06_plans_workshops
Revises: 2026_12_06_plans
"""

from alembic import op

from migrations.columns import timestamp

revision = "2026_12_06_plans_workshops"
down_revision = "2026_12_06_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plan_facilitator", timestamp("removed_at", nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_facilitator") as batch:
        batch.drop_column("removed_at")
