"""decisions and the key-account programme: proposals, their changes, watch periods on
designations, the service catalogue and each key account's agreement

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("weights", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("ranking", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_proposal_status", "proposal", ["status"])
    op.create_table(
        "proposal_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("watch_months", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('promote', 'demote', 'watch')",
                           name="ck_proposal_change_kind"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "account_id", name="uq_proposal_change_account"),
    )
    op.create_index("ix_proposal_change_proposal_id", "proposal_change", ["proposal_id"])
    op.create_table(
        "programme_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "programme_agreement",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("services", sa.String(), nullable=False),
        sa.Column("customer_commits", sa.Text(), nullable=False),
        sa.Column("document_url", sa.String(), nullable=True),
        sa.Column("updated_by", sa.String(), nullable=True),
        sa.Column("updated_on", sa.Date(), nullable=True),
        sa.CheckConstraint("status IN ('not_offered', 'offered', 'agreed', 'declined')",
                           name="ck_programme_agreement_status"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id"),
    )
    with op.batch_alter_table("designation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("watch_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("proposal_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_designation_proposal", "proposal", ["proposal_id"],
                                    ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("designation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_designation_proposal", type_="foreignkey")
        batch_op.drop_column("proposal_id")
        batch_op.drop_column("watch_until")
    op.drop_table("programme_agreement")
    op.drop_table("programme_service")
    op.drop_index("ix_proposal_change_proposal_id", table_name="proposal_change")
    op.drop_table("proposal_change")
    op.drop_index("ix_proposal_status", table_name="proposal")
    op.drop_table("proposal")
