"""account plans: the customer's business, goals, actions, opportunities, whitespace, team,
reviews, and the offering catalogue

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "offering",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "account_plan",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("strategic_goals", sa.Text(), nullable=False),
        sa.Column("initiatives", sa.Text(), nullable=False),
        sa.Column("financial_health", sa.String(), nullable=True),
        sa.Column("financial_note", sa.String(), nullable=True),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("weaknesses", sa.Text(), nullable=False),
        sa.Column("opportunities", sa.Text(), nullable=False),
        sa.Column("threats", sa.Text(), nullable=False),
        sa.Column("review_cadence", sa.String(), nullable=True),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=True),
        _account_fk(),
        sa.ForeignKeyConstraint(["sponsor_id"], ["manager.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "plan_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("horizon", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("measure", sa.String(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("current_value", sa.Float(), nullable=True),
        sa.Column("author", sa.String(), nullable=True),
        sa.CheckConstraint("due_on IS NULL OR start_on IS NULL OR due_on >= start_on",
                           name="ck_plan_goal_dates"),
        _account_fk(),
        sa.ForeignKeyConstraint(["owner_id"], ["manager.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_goal_account_id", "plan_goal", ["account_id"])
    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("gap", sa.String(), nullable=True),
        sa.Column("author", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["goal_id"], ["plan_goal.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["manager.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_action_goal_id", "plan_action", ["goal_id"])
    op.create_table(
        "opportunity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=True),
        sa.Column("buying_centre", sa.String(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("close_on", sa.Date(), nullable=True),
        sa.Column("lost_reason", sa.String(), nullable=True),
        sa.Column("author", sa.String(), nullable=True),
        sa.CheckConstraint("value >= 0", name="ck_opportunity_value"),
        sa.CheckConstraint("stage IN ('open', 'won', 'lost')", name="ck_opportunity_stage"),
        _account_fk(),
        sa.ForeignKeyConstraint(["offering_id"], ["offering.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_opportunity_account_id", "opportunity", ["account_id"])
    op.create_table(
        "whitespace_cell",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=False),
        sa.Column("buying_centre", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("estimated_value", sa.Float(), nullable=True),
        sa.CheckConstraint("estimated_value IS NULL OR estimated_value >= 0",
                           name="ck_whitespace_value"),
        _account_fk(),
        sa.ForeignKeyConstraint(["offering_id"], ["offering.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "offering_id", "buying_centre"),
    )
    op.create_table(
        "plan_team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        _account_fk(),
        sa.ForeignKeyConstraint(["manager_id"], ["manager.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "manager_id", name="uq_plan_team_member"),
    )
    op.create_index("ix_plan_team_member_account_id", "plan_team_member", ["account_id"])
    op.create_table(
        "plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("author", sa.String(), nullable=True),
        _account_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_review_account_held", "plan_review", ["account_id", "held_on"])


def downgrade() -> None:
    op.drop_index("ix_plan_review_account_held", table_name="plan_review")
    op.drop_table("plan_review")
    op.drop_index("ix_plan_team_member_account_id", table_name="plan_team_member")
    op.drop_table("plan_team_member")
    op.drop_table("whitespace_cell")
    op.drop_index("ix_opportunity_account_id", table_name="opportunity")
    op.drop_table("opportunity")
    op.drop_index("ix_plan_action_goal_id", table_name="plan_action")
    op.drop_table("plan_action")
    op.drop_index("ix_plan_goal_account_id", table_name="plan_goal")
    op.drop_table("plan_goal")
    op.drop_table("account_plan")
    op.drop_table("offering")
