"""The Selection page's decision hooks: the flag for old ratings, and "Propose as the new
key-account list", which snapshots the scenario on screen into a proposal for sign-off.

The page calls ``render_selection_hooks()`` once, right after its intro. Its sliders live in
a fragment further down, so the scenario is read from their widget state (or, on a first
visit, from the address they are bound to) by ``scenario_from_state``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from kamdash import criteria, decisions, ratings_matrix, selection
from kamdash.decisions import Change
from kamdash.identity import UserRole
from kamdash.models import ChangeKind
from kamdash.scoring import MISSING_POLICIES
from kamdash.store import DecisionRejected, create_proposal
from kamdash.ui import data
from kamdash.ui.account_picker import plain
from kamdash.ui.decisions_data import latest_ratings
from kamdash.ui.identity import current_actor
from kamdash.ui.read_only import writes_disabled
from kamdash.ui.writes import WRITE_ERRORS, problems_text, write_failed

__all__ = ["render_selection_hooks", "scenario_from_state"]

DRAFT_KEY = "decisions_draft"
MESSAGE_KEY = "decisions_proposed_message"
WATCH_CHOICES = {ChangeKind.demote.value: "Demote now",
                 ChangeKind.watch.value: "Keep on watch"}


def _first(value: object) -> object:
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _number(value: object, default: float) -> float:
    try:
        return float(_first(value))
    except (TypeError, ValueError):
        return default


def scenario_from_state(state: Mapping[str, object], params: Mapping[str, object],
                        key_count: int) -> tuple[dict[str, float], str, selection.Rule]:
    """The Selection page's scenario (weights, missing policy, rule) from its widget state
    ``state`` (session state: keys ``criteria``, ``w_<key>``, ``missing``, ``rule``, ``n``,
    ``threshold``), else its address ``params``, else the page's defaults (``key_count``:
    today's key accounts, the default N). Criteria may be named by key or label."""
    def value(key: str) -> object:
        return state[key] if key in state else params.get(key)

    by_label = {c.label: c.key for c in criteria.CRITERIA}
    chosen = value("criteria")
    if chosen is None or (isinstance(chosen, list | tuple) and not chosen and
                          "criteria" not in state):
        keys = list(selection.DEFAULT_WEIGHTS)
    else:
        chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        keys = [k for k in (by_label.get(c, c) for c in chosen) if k in criteria.BY_KEY]
    weights = {k: _number(value(f"w_{k}"), selection.DEFAULT_WEIGHTS.get(k, 5)) for k in keys}
    missing = _first(value("missing"))
    missing = missing if missing in MISSING_POLICIES else selection.DEFAULT_MISSING
    kind = _first(value("rule"))
    if kind == "threshold":
        threshold = _number(value("threshold"), selection.DEFAULT_THRESHOLD)
        try:
            rule = selection.Rule("threshold", threshold=threshold)
        except ValueError:
            rule = selection.Rule("threshold")
    else:
        n = int(_number(value("n"), max(1, key_count)))
        rule = selection.Rule("top_n", n=max(1, n))
    return weights, missing, rule


def _rating_age_flag(accounts: pd.DataFrame) -> None:
    age = ratings_matrix.rating_age(latest_ratings(), accounts.index, data.today())
    parts = []
    if age["stale"]:
        parts.append(f"**{age['stale']:,} account{'s' if age['stale'] != 1 else ''} rated "
                     "more than 12 months ago**")
    if age["never"]:
        parts.append(f"**{age['never']:,} never rated**")
    if parts:
        st.warning(" and ".join(parts) + ": their scores may no longer describe them. Rate "
                   "them on the Ratings page before you decide.", icon=":material/history:")


def _outcome(snapshot: Mapping[str, object]) -> selection.Outcome:
    rule = selection.Rule(snapshot["kind"], n=snapshot["n"], threshold=snapshot["threshold"])
    return selection.evaluate(data.ratings(), data.accounts(), snapshot["weights"],
                              snapshot["missing"], rule)


def _start_draft(accounts: pd.DataFrame) -> None:
    weights, missing, rule = scenario_from_state(
        st.session_state, {k: st.query_params.get_all(k) for k in st.query_params},
        int(accounts["is_key"].sum()))
    if not any(weights.values()):
        st.error("Every weight is zero: there is no ranking to propose.")
        return
    st.session_state[DRAFT_KEY] = {"weights": weights, "missing": missing, "kind": rule.kind,
                                   "n": rule.n, "threshold": rule.threshold}


def _draft_form(snapshot: dict) -> None:
    rule = selection.Rule(snapshot["kind"], n=snapshot["n"], threshold=snapshot["threshold"])
    try:
        outcome = _outcome(snapshot)
    except ValueError as exc:
        st.error(f"The ranking could not be computed: {exc}")
        st.session_state.pop(DRAFT_KEY, None)
        return
    draft = decisions.draft_from_outcome(outcome, snapshot["weights"], snapshot["missing"], rule)
    names = outcome.table["name"]
    with st.container(border=True, key="decisions_draft_box"):
        st.subheader("Propose as the new key-account list")
        st.caption(f"Scenario: {selection.describe_weights(snapshot['weights'])}; key accounts "
                   f"are {rule.describe()}. {len(draft.promotions)} promoted, "
                   f"{len(draft.demotions)} demoted against today's list. Leadership signs it "
                   "off on the Decisions page; nothing changes until then.")
        with st.form("decisions_propose_form", border=False):
            title = st.text_input("Title", value=decisions.default_title(rule, data.today()),
                                  max_chars=decisions.TITLE_MAX, key="decisions_title")
            if not draft.promotions and not draft.demotions:
                st.info("This scenario keeps today's list: submitting records that the list "
                        "was reviewed and stays as it is.")
            if draft.demotions:
                st.markdown("**Demotions**: each needs a reason. Be conservative: an account "
                            "kept on watch stays key until the watch ends.")
            for account_id in draft.demotions:
                name = plain(names.at[account_id])
                c1, c2, c3 = st.columns([2, 1, 3])
                c1.radio(name, list(WATCH_CHOICES), format_func=WATCH_CHOICES.get,
                         key=f"decisions_kind_{account_id}")
                c2.number_input("Months on watch", 1, decisions.WATCH_MONTHS_MAX,
                                decisions.WATCH_MONTHS_DEFAULT,
                                key=f"decisions_months_{account_id}",
                                help="Only used when kept on watch")
                c3.text_input("Reason", key=f"decisions_reason_{account_id}",
                              max_chars=decisions.REASON_MAX,
                              placeholder="e.g. volumes moved to a competitor")
            if draft.promotions:
                st.markdown("**Promotions**: a note is optional.")
            for account_id in draft.promotions:
                st.text_input(f"Note on {names.at[account_id]}", key=f"decisions_note_{account_id}",
                              max_chars=decisions.REASON_MAX)
            submitted = st.form_submit_button("Submit for sign-off", type="primary",
                                              icon=":material/gavel:")
        if st.button("Cancel", key="decisions_cancel"):
            st.session_state.pop(DRAFT_KEY, None)
            st.rerun()
    if not submitted:
        return
    state = st.session_state
    changes = [Change(a, ChangeKind.promote.value, state.get(f"decisions_note_{a}"))
               for a in draft.promotions]
    changes += [Change(a, state.get(f"decisions_kind_{a}", ChangeKind.demote.value),
                       state.get(f"decisions_reason_{a}"), state.get(f"decisions_months_{a}"))
                for a in draft.demotions]
    try:
        proposal_id = create_proposal(data.engine(), current_actor(), draft, changes, title)
    except DecisionRejected as exc:
        st.error(problems_text("Nothing was proposed:", exc.problems), icon=":material/error:")
        return
    except (*WRITE_ERRORS, PermissionError) as exc:
        st.error(plain(write_failed(exc) if isinstance(exc, WRITE_ERRORS) else str(exc)),
                 icon=":material/error:")
        return
    st.session_state.pop(DRAFT_KEY, None)
    st.session_state[MESSAGE_KEY] = (f"Proposal {proposal_id} is waiting for sign-off on the "
                                     "Decisions page.")
    st.rerun()


def render_selection_hooks() -> None:
    """The old-ratings flag and the proposal control, for the top of the Selection page."""
    accounts = data.accounts()
    if accounts.empty:
        return
    _rating_age_flag(accounts)
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.success(message, icon=":material/gavel:")
    if writes_disabled() or not current_actor().at_least(UserRole.LEADERSHIP):
        return
    if DRAFT_KEY in st.session_state:
        _draft_form(st.session_state[DRAFT_KEY])
    elif st.button("Propose as the new key-account list", icon=":material/gavel:",
                   key="decisions_propose",
                   help="Snapshot the scenario below (weights, rule, ranking) as a proposal "
                        "for leadership to sign off"):
        _start_draft(accounts)
        if DRAFT_KEY in st.session_state:
            st.rerun()
