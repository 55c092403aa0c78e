"""The schema, in one place: every SQLModel table and the enums its columns take.

Nobody defines a table anywhere else; reads and writes live in ``kamdash.store``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Role(StrEnum):
    """The five buying roles of the source material (a stakeholder may hold several)."""

    buyer = "buyer"
    user = "user"
    decision_maker = "decision_maker"
    influencer = "influencer"
    ambassador = "ambassador"


class Influence(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class EngagementKind(StrEnum):
    visit = "visit"
    meeting = "meeting"
    call = "call"
    qbr = "qbr"
    workshop = "workshop"
    email = "email"


# The kinds that count as a touch for cadence: contact where the customer talks with us. Calls
# count (a scheduled call is a real conversation, and how remote accounts are met); e-mails do
# not: one can be sent without anyone answering, so they would flatter the cadence. Here,
# beside the kinds, because the store counts touches in SQL and the domain explains them.
CADENCE_KINDS: tuple[str, ...] = ("visit", "meeting", "call", "qbr", "workshop")


# The most touches per quarter an agreed cadence may ask: about one a day (a quarter has 90-92
# days); more is a typo, not a plan.
MAX_CADENCE_PER_QUARTER = 90


class ManagerRole(StrEnum):
    kam = "kam"  # key account manager: a handful of key accounts
    account_manager = "account_manager"  # 10-20 ordinary accounts


# Stance of a stakeholder towards us, -2..+2 (enemy .. mentor).
STANCES: dict[int, str] = {
    -2: "enemy",
    -1: "non-supporter",
    0: "neutral",
    1: "supporter",
    2: "mentor",
}


class Manager(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str = Field(unique=True)
    role: str = Field(default=ManagerRole.kam.value)
    capacity: int = Field(default=6, description="accounts this person can serve well")


class Account(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("employees IS NULL OR employees >= 0", name="ck_account_employees"),
        CheckConstraint(
            "annual_revenue IS NULL OR annual_revenue >= 0", name="ck_account_revenue"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    industry: str | None = None
    country: str | None = None
    city: str | None = None
    employees: int | None = None
    annual_revenue: float | None = Field(default=None, description="our revenue, last 12 months")
    customer_since: date | None = None
    manager_id: int | None = Field(default=None, foreign_key="manager.id", index=True)
    # Agreed engagement cadence override (touches per quarter, 0..MAX_CADENCE_PER_QUARTER);
    # None -> the tier default.
    cadence_per_quarter: int | None = None


class Rating(SQLModel, table=True):
    """One rating of one account on one criterion; history is kept, the latest wins."""

    __table_args__ = (
        CheckConstraint("value BETWEEN 1 AND 10", name="ck_rating_value"),
        Index("ix_rating_account_criterion", "account_id", "criterion", "rated_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    criterion: str
    value: int
    rated_on: date
    rated_by: str | None = None


class Stakeholder(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("account_id", "name", name="uq_stakeholder_account_name"),
        CheckConstraint("stance BETWEEN -2 AND 2", name="ck_stakeholder_stance"),
        CheckConstraint("influence IN ('low', 'medium', 'high')", name="ck_stakeholder_influence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    name: str
    title: str | None = None
    department: str | None = Field(default=None, description="buying centre")
    roles: str = Field(default="", description="canonical role keys joined by ';'")
    influence: str = Field(default=Influence.medium.value)
    stance: int = Field(default=0)
    reports_to_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", ondelete="SET NULL"
    )
    email: str | None = None
    active: bool = Field(default=True)


class Engagement(SQLModel, table=True):
    # Covering indexes for the monthly trends (see migration 0002): one account's, a
    # manager's or the key accounts' by the first, the portfolio's by the second.
    __table_args__ = (
        Index("ix_engagement_account_date_kind", "account_id", "date", "kind"),
        Index("ix_engagement_date_kind_stakeholder", "date", "kind", "stakeholder_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    stakeholder_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", index=True, ondelete="SET NULL"
    )
    date: date
    kind: str
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sentiment: int = Field(default=0, description="-2 (very negative) .. +2 (very positive)")
    logged_by: str | None = None


class AccountMonth(SQLModel, table=True):
    """Revenue and surveyed satisfaction (0-10) of one account in one month."""

    __tablename__ = "account_month"
    __table_args__ = (
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 0 AND 10", name="ck_month_satisfaction"
        ),
    )

    account_id: int = Field(foreign_key="account.id", primary_key=True, ondelete="CASCADE")
    month: date = Field(primary_key=True, description="first day of the month")
    revenue: float = 0.0
    satisfaction: float | None = None


class Scenario(SQLModel, table=True):
    """A saved what-if: criterion weights and the selection rule, shareable by name."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    weights: str = Field(sa_column=Column(Text, nullable=False), description="JSON object")
    rule: str = Field(sa_column=Column(Text, nullable=False), description="JSON object")
    author: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Designation(SQLModel, table=True):
    """Key-account status changes; an account's latest row is its status today."""

    __table_args__ = (Index("ix_designation_account_changed", "account_id", "changed_on"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    is_key: bool
    changed_on: date
    reason: str | None = None
    changed_by: str | None = None
    # Key but on watch until this day (a conservative demotion); set by an approved proposal.
    watch_until: date | None = None
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id",
                                    ondelete="SET NULL")


class Meta(SQLModel, table=True):
    """Small key/value facts about the database, e.g. the data version every write bumps."""

    key: str = Field(primary_key=True)
    value: int = 0


# --- audit trail ---------------------------------------------------------------------------


class AuditEntry(SQLModel, table=True):
    """One change, append-only, written in the same transaction as the change itself: who,
    when, what (entity and its id, the account it belongs to) and the values before and
    after (JSON objects; ``None`` for a row that was created or deleted)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_account_at", "account_id", "at"),
                      Index("ix_audit_entry_at", "at"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    actor: str = Field(description="e-mail of who made the change ('local' in local mode)")
    action: str = Field(description="create, update or delete")
    entity: str = Field(description="table of the changed row, e.g. stakeholder")
    entity_id: str = Field(description="its key, e.g. 42 or 'Castellan Steel'")
    account_id: int | None = Field(default=None, description="the account it belongs to")
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


# --- users and sign-in ---------------------------------------------------------------------


class User(SQLModel, table=True):
    """Someone who may sign in: their e-mail (stored lower-case, so unique whatever the case
    the provider sends), display name, role (``kamdash.identity.UserRole``), the manager
    record they are (a KAM's accounts are that manager's) and whether they may still sign in.
    """

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (
        CheckConstraint("role IN ('viewer', 'kam', 'leadership', 'admin')",
                        name="ck_app_user_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, description="lower-case")
    name: str
    role: str = Field(default="viewer")
    manager_id: int | None = Field(default=None, foreign_key="manager.id", ondelete="SET NULL")
    active: bool = Field(default=True)


# --- decisions and the key-account programme -----------------------------------------------


class ProposalStatus(StrEnum):
    open = "open"  # waiting for leadership's sign-off
    approved = "approved"  # its designations were written
    rejected = "rejected"  # nothing changed


class ChangeKind(StrEnum):
    promote = "promote"  # becomes a key account
    demote = "demote"  # loses key status on the effective date
    watch = "watch"  # stays key for N months on watch, then is reviewed again (conservative)


class Proposal(SQLModel, table=True):
    """A proposed key-account list: the Selection scenario it came from (weights, rule and the
    ranking as it stood), who proposed it, and leadership's decision."""

    id: int | None = Field(default=None, primary_key=True)
    title: str
    status: str = Field(default=ProposalStatus.open.value, index=True)
    weights: str = Field(sa_column=Column(Text, nullable=False), description="JSON object")
    rule: str = Field(sa_column=Column(Text, nullable=False), description="JSON object")
    ranking: str = Field(sa_column=Column(Text, nullable=False),
                         description="JSON list of [account_id, rank, score, would_be_key]")
    proposed_by: str
    proposed_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    effective_on: date | None = Field(default=None, description="when approved designations "
                                                                "take effect")


class ProposalChange(SQLModel, table=True):
    """One promotion or demotion of a proposal, with its reason (required for a demotion)
    and, for a watch, how many months the account keeps key status on watch."""

    __tablename__ = "proposal_change"
    __table_args__ = (
        UniqueConstraint("proposal_id", "account_id", name="uq_proposal_change_account"),
        CheckConstraint("kind IN ('promote', 'demote', 'watch')", name="ck_proposal_change_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    kind: str
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    watch_months: int | None = None


class ProgrammeService(SQLModel, table=True):
    """A value-added service of the key-account programme (the editable catalogue). Never
    deleted, only retired, so agreements that include it keep their meaning."""

    __tablename__ = "programme_service"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    active: bool = Field(default=True)


class ProgrammeAgreement(SQLModel, table=True):
    """The customer's side of a key account: have they been offered the programme, have they
    agreed, what is included, what they commit to, and the signed document."""

    __tablename__ = "programme_agreement"
    __table_args__ = (
        CheckConstraint("status IN ('not_offered', 'offered', 'agreed', 'declined')",
                        name="ck_programme_agreement_status"),
    )

    account_id: int = Field(foreign_key="account.id", primary_key=True, ondelete="CASCADE")
    status: str = Field(default="not_offered")
    agreed_on: date | None = None
    next_review: date | None = None
    services: str = Field(default="", description="programme_service ids joined by ';'")
    customer_commits: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    document_url: str | None = None
    updated_by: str | None = None
    updated_on: date | None = None
# --- account plans ---------------------------------------------------------------------------
# The rules of these fields (lengths, enums, dates) live in kamdash.plans; the tables only hold
# what the rules let through, plus the constraints a database can check cheaply.


class AccountPlan(SQLModel, table=True):
    """One key account's plan: the customer's business (goals, initiatives, financial health,
    a SWOT, each list one item per line), the review cadence and the executive sponsor."""

    __tablename__ = "account_plan"

    account_id: int = Field(foreign_key="account.id", primary_key=True, ondelete="CASCADE")
    strategic_goals: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    initiatives: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    financial_health: str | None = Field(default=None, description="strong .. weak")
    financial_note: str | None = None
    strengths: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    weaknesses: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    opportunities: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    threats: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    review_cadence: str | None = Field(default=None, description="None: from account value")
    sponsor_id: int | None = Field(default=None, foreign_key="manager.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_by: str | None = None


class PlanGoal(SQLModel, table=True):
    """Our goal for an account: horizon, owner (one of our people), start and due date,
    status, and optionally a measurable target with its current value."""

    __tablename__ = "plan_goal"
    __table_args__ = (
        CheckConstraint("due_on IS NULL OR start_on IS NULL OR due_on >= start_on",
                        name="ck_plan_goal_dates"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    title: str
    horizon: str = Field(default="short")
    owner_id: int | None = Field(default=None, foreign_key="manager.id", ondelete="SET NULL")
    start_on: date | None = None
    due_on: date | None = None
    status: str = Field(default="not_started")
    measure: str | None = Field(default=None, description="what the target counts, e.g. Revenue")
    target_value: float | None = None
    current_value: float | None = None
    author: str | None = None


class PlanAction(SQLModel, table=True):
    """A concrete step towards a goal: what, owner, due date, status; optionally the coverage
    gap it closes (the gap's words, as kamdash.coverage names it)."""

    __tablename__ = "plan_action"

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="plan_goal.id", index=True, ondelete="CASCADE")
    what: str
    owner_id: int | None = Field(default=None, foreign_key="manager.id", ondelete="SET NULL")
    due_on: date | None = None
    status: str = Field(default="open")
    gap: str | None = None
    author: str | None = None


class Offering(SQLModel, table=True):
    """One line of our catalogue (the rows of every whitespace grid), kept by an admin."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str | None = None
    active: bool = Field(default=True)


class Opportunity(SQLModel, table=True):
    """A deal in an account: what (an offering), for which buying centre, its value, stage and
    (expected or actual) close date, and the reason when it was lost."""

    __table_args__ = (
        CheckConstraint("value >= 0", name="ck_opportunity_value"),
        CheckConstraint("stage IN ('open', 'won', 'lost')", name="ck_opportunity_stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    name: str
    offering_id: int | None = Field(default=None, foreign_key="offering.id",
                                    ondelete="SET NULL")
    buying_centre: str | None = None
    value: float = 0.0
    stage: str = Field(default="open")
    close_on: date | None = Field(default=None, description="expected (open) or actual")
    lost_reason: str | None = None
    author: str | None = None


class WhitespaceCell(SQLModel, table=True):
    """One cell of an account's whitespace grid: an offering in a buying centre and where it
    stands (we sell it, open opportunity, potential with a value, competitor, not relevant)."""

    __tablename__ = "whitespace_cell"
    __table_args__ = (
        CheckConstraint("estimated_value IS NULL OR estimated_value >= 0",
                        name="ck_whitespace_value"),
    )

    account_id: int = Field(foreign_key="account.id", primary_key=True, ondelete="CASCADE")
    offering_id: int = Field(foreign_key="offering.id", primary_key=True, ondelete="CASCADE")
    buying_centre: str = Field(primary_key=True)
    status: str
    estimated_value: float | None = None


class PlanTeamMember(SQLModel, table=True):
    """One of our people on an account's team and their role on it."""

    __tablename__ = "plan_team_member"
    __table_args__ = (UniqueConstraint("account_id", "manager_id", name="uq_plan_team_member"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    manager_id: int = Field(foreign_key="manager.id", ondelete="CASCADE")
    role: str


class PlanReview(SQLModel, table=True):
    """An internal review of an account's plan: when, who was there, what was agreed."""

    __tablename__ = "plan_review"
    __table_args__ = (Index("ix_plan_review_account_held", "account_id", "held_on"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    held_on: date
    attendees: str = Field(default="")
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    author: str | None = None
