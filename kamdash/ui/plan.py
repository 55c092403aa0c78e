"""The Account page's Plan tab: the account plan a KAM keeps, and its one-page PDF.

``render_plan(account_id)`` shows the header (whitespace potential, pipeline, win rate, won
value, next review, "Download the plan") and six parts: the customer's business, our goals
and their actions, opportunities, the whitespace grid, our team, and reviews. The account's
KAM and leadership edit (forms add, tables edit in place, every row checked by the store,
nothing saved when anything is wrong); everyone else reads.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from kamdash import coverage, health, plans, store
from kamdash.formatting import money, percent
from kamdash.identity import Refused, UserRole, can_edit_account
from kamdash.plan_pdf import PlanSheet, plan_pdf
from kamdash.ui import data
from kamdash.ui.account_picker import plain
from kamdash.ui.columns import money_column
from kamdash.ui.identity import current_actor
from kamdash.ui.plan_data import plan_tables
from kamdash.ui.writes import WRITE_ERRORS, problems_text, write_failed

__all__ = ["plan_sheet", "render_plan"]

_DONE = "plan_done"  # the confirmation shown once after the rerun
WHITESPACE_COLOURS = {"We sell it": "#dcfce7", "Open opportunity": "#dbeafe",
                      "Potential": "#fef0c7", "Competitor has it": "#fee4e2",
                      "Not relevant": "#f3f4f6"}


# --- writing ---------------------------------------------------------------------------------


def _write(call: Callable[[], object], done: Callable[[object], str]) -> None:
    """Run one store write; on success remember ``done(result)`` and rerun, else say why
    nothing was saved."""
    try:
        result = call()
    except plans.PlanEditRejected as exc:
        count = len(exc.problems)
        st.error(problems_text(f"Nothing was saved: {count} problem{'s' if count != 1 else ''} "
                               "to fix.", exc.problems), icon=":material/error:")
        return
    except Refused as exc:
        st.error(plain(str(exc)), icon=":material/lock:")
        return
    except WRITE_ERRORS as exc:
        st.error(plain(write_failed(exc)), icon=":material/error:")
        return
    st.session_state[_DONE] = done(result)
    st.rerun()


def _saved(what: str) -> Callable[[object], str]:
    def say(result: object) -> str:
        if isinstance(result, store.PlanSaveResult):
            return f"{what} saved: {result}." if result.changed else \
                f"Nothing to save: the {what.lower()} are unchanged."
        return f"{what} saved."
    return say


# --- editor tables ---------------------------------------------------------------------------


def _labelled(values: pd.Series, choices: dict[str, str]) -> pd.Series:
    return pd.Series([choices.get(v, v) if isinstance(v, str) else None for v in values],
                     index=values.index, dtype=object)


def _as_dates(values: pd.Series) -> pd.Series:
    return pd.Series([None if pd.isna(v) else pd.Timestamp(v).date() for v in values],
                     index=values.index, dtype=object)


def _as_text(values: pd.Series) -> pd.Series:
    return pd.Series([None if plans.blank(v) else str(v) for v in values],
                     index=values.index, dtype=object)


def editor_frame(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Saved rows of ``kind`` as the editor shows them: choices as words, people, goals and
    offerings by name, dates as dates; the saved id first (hidden)."""
    id_column = plans.ID_COLUMNS.get(kind)
    out = pd.DataFrame(index=frame.index)
    if id_column:
        out[id_column] = frame[id_column].astype("Int64")
    for f in plans.FIELDS[kind]:
        source = frame[f.name] if f.name in frame else pd.Series(None, index=frame.index,
                                                                   dtype=object)
        if f.kind == "choice":
            out[f.name] = _labelled(source, dict(f.choices or {}))
        elif f.kind == "date":
            out[f.name] = _as_dates(source)
        elif f.kind == "number":
            out[f.name] = pd.to_numeric(source, errors="coerce").astype(float)
        elif f.kind == "flag":
            out[f.name] = source.fillna(True).astype(bool)
        else:
            out[f.name] = _as_text(source)
    return out.reset_index(drop=True)


def column_config(kind: str, people: list[str], goals: list[str] = (),
                  offerings: list[str] = (), gaps: list[str] = ()) -> dict:
    """The editor's columns for ``kind``, from ``plans.FIELDS``."""
    config: dict[str, object] = {plans.ID_COLUMNS.get(kind, "_"): None}
    for f in plans.FIELDS[kind]:
        label, required, help_ = f.label, f.required, f.help or None
        if f.name == "gap":
            config[f.name] = st.column_config.SelectboxColumn(
                label, options=list(gaps), help="The coverage gap this action closes")
        elif f.kind == "choice":
            config[f.name] = st.column_config.SelectboxColumn(
                label, options=list((f.choices or {}).values()), required=required,
                default=(f.choices or {}).get(f.default) if f.default else None, help=help_)
        elif f.kind == "date":
            config[f.name] = st.column_config.DateColumn(label, format="YYYY-MM-DD",
                                                         required=required, help=help_)
        elif f.kind == "number":
            config[f.name] = (money_column(label, help=help_)
                              if f.name in ("value", "estimated_value")
                              else st.column_config.NumberColumn(label, help=help_,
                                                                 format="localized"))
        elif f.kind in ("person", "goal", "offering"):
            options = {"person": people, "goal": goals, "offering": offerings}[f.kind]
            config[f.name] = st.column_config.SelectboxColumn(
                label, options=list(options), required=required, help=help_)
        elif f.kind == "flag":
            config[f.name] = st.column_config.CheckboxColumn(label, default=True)
        else:
            config[f.name] = st.column_config.TextColumn(
                label, required=required, help=help_,
                max_chars=plans.MAX_NOTE if f.kind == "note" else plans.MAX_TEXT)
    return config


def _editor(kind: str, account_id: int, table: pd.DataFrame, config: dict, editable: bool,
            save: Callable[[pd.DataFrame], object], what: str, extra: dict | None = None
            ) -> None:
    """A table of ``kind`` rows: read-only for a reader, else editable with a Save button."""
    order = [f.name for f in plans.FIELDS[kind]]
    shown = table if extra is None else table.assign(**extra)
    full_config = dict(config)
    if extra:
        order = [*order, *extra]
        for column in extra:
            full_config[column] = st.column_config.TextColumn(column, disabled=True)
    key = f"plan_{kind}_editor_{account_id}_{data.version()}"
    if not editable:
        st.dataframe(shown, column_config=full_config, column_order=order, hide_index=True,
                     width="stretch", key=key)
        return
    with st.form(f"plan_{kind}_table_form", border=False):
        edited = st.data_editor(shown, column_config=full_config, column_order=order,
                                hide_index=True, num_rows="dynamic", width="stretch", key=key)
        st.caption("Edit in place, add or delete rows, then save. Every row is checked "
                   "first; if anything is wrong nothing is saved.")
        submitted = st.form_submit_button(f"Save {what.lower()}", icon=":material/save:",
                                          key=f"plan_{kind}_save")
    if submitted:
        _write(lambda: save(edited.drop(columns=list(extra or {}), errors="ignore")),
               _saved(what))


# --- the parts -------------------------------------------------------------------------------


def _lines(text: object) -> list[str]:
    return plans.split_list(text)


def _business(account_id: int, plan: pd.Series | None, editable: bool, people: list[str]
              ) -> None:
    st.caption("What the customer wants and where they stand: their goals, what they are "
               "working on, their financial health and a SWOT.")
    get = (lambda k: plan[k]) if plan is not None else (lambda k: None)  # noqa: E731
    if not editable:
        if plan is None:
            st.info("Nothing recorded about the customer's business yet.",
                    icon=":material/info:")
            return
        health_word = plans.FINANCIAL_HEALTH.get(get("financial_health"), "not rated")
        st.markdown(f"**Financial health:** {plain(health_word)}"
                    + (f" ({plain(get('financial_note'))})" if get("financial_note") else ""))
        for label, key in (("Their strategic goals", "strategic_goals"),
                           ("Current initiatives", "initiatives")):
            items = _lines(get(key))
            st.markdown(f"**{label}**\n\n" + ("\n".join(f"- {plain(i)}" for i in items)
                                              if items else "–"))
        _swot_view(plan)
        return
    with st.form("plan_business_form", enter_to_submit=False):
        left, right = st.columns(2)
        goals = left.text_area("Their strategic goals", value="\n".join(_lines(get(
            "strategic_goals"))), help="One per line", key="plan_strategic_goals")
        initiatives = right.text_area("Current initiatives", value="\n".join(_lines(get(
            "initiatives"))), help="One per line", key="plan_initiatives")
        choices = [None, *plans.FINANCIAL_HEALTH]
        current = get("financial_health")
        rating = left.selectbox("Financial health", choices,
                                index=choices.index(current) if current in choices else 0,
                                format_func=lambda k: "Not rated" if k is None else
                                plans.FINANCIAL_HEALTH[k], key="plan_financial_health")
        note = right.text_input("Financial health note", value=get("financial_note") or "",
                                key="plan_financial_note",
                                placeholder="e.g. Pays on time; margins under pressure")
        st.markdown("**SWOT** (one item per line)")
        quadrants = {}
        cols = st.columns(4)
        for col, (name, label) in zip(cols, (("strengths", "Strengths"),
                                             ("weaknesses", "Weaknesses"),
                                             ("opportunities", "Opportunities"),
                                             ("threats", "Threats")), strict=True):
            quadrants[name] = col.text_area(label, value="\n".join(_lines(get(name))),
                                            key=f"plan_{name}", height=130)
        saved = st.form_submit_button("Save the customer's business", icon=":material/save:",
                                      key="plan_business_save")
    if saved:
        values = {"strategic_goals": goals, "initiatives": initiatives,
                  "financial_health": rating, "financial_note": note, **quadrants}
        _write(lambda: store.save_plan_profile(data.engine(), current_actor(), account_id,
                                               values),
               lambda changed: "Customer's business saved." if changed else
               "Nothing to save: the customer's business is unchanged.")


def _swot_view(plan: pd.Series) -> None:
    cols = st.columns(4)
    for col, (name, label) in zip(cols, (("strengths", "Strengths"),
                                         ("weaknesses", "Weaknesses"),
                                         ("opportunities", "Opportunities"),
                                         ("threats", "Threats")), strict=True):
        items = _lines(plan[name])
        col.markdown(f"**{label}**\n\n" + ("\n".join(f"- {plain(i)}" for i in items)
                                           if items else "–"))


def _goals(account_id: int, tables: plans.PlanTables, editable: bool, people: list[str],
           gaps: list[str]) -> None:
    today = data.today()
    goals, actions = tables.goals, tables.actions
    st.caption("Our goals for the account, each with an owner and a due date, and the "
               "concrete actions that reach them.")
    risky = plans.goals_at_risk(goals, today)
    late = plans.overdue_actions(actions, today)
    if len(risky):
        st.warning(f"**{len(risky)} goal{'s' if len(risky) != 1 else ''} at risk:** "
                   + "; ".join(plain(f"{t} ({w})") for t, w in zip(risky["title"],
                                                                   risky["why"], strict=True)),
                   icon=":material/flag:")
    if len(late):
        st.error(f"**{len(late)} overdue action{'s' if len(late) != 1 else ''}:** "
                 + "; ".join(plain(f"{w} ({o or 'nobody'}, {d} days late)") for w, o, d in zip(
                     late["what"], late["owner"], late["days_overdue"], strict=True)),
                 icon=":material/schedule:")
    if goals.empty:
        st.info("No goals yet." + (" Add the first one below: what we want to reach in this "
                                   "account, who owns it and by when." if editable else ""),
                icon=":material/flag:")
    else:
        progress = plans.target_progress(goals)
        table = editor_frame("goal", goals)
        progress_text = [("–" if pd.isna(p) else percent(p)) for p in progress]
        _editor("goal", account_id, table, column_config("goal", people), editable,
                lambda t: store.save_goals(data.engine(), current_actor(), account_id, t),
                "Goals", extra={"Progress": progress_text})
    if editable:
        _add_goal_form(account_id, people)

    st.markdown("#### Actions")
    titles = list(goals["title"])
    if goals.empty:
        st.caption("Actions hang under a goal: add a goal first.")
        return
    if actions.empty:
        st.info("No actions yet: what will we do next to reach each goal?",
                icon=":material/checklist:")
    else:
        table = editor_frame("action", actions)
        flag = plans.is_overdue(actions, today).to_numpy()
        days = (pd.Timestamp(today) - pd.to_datetime(actions["due_on"])).dt.days.to_numpy()
        overdue = [f"⚠ {d} days late" if f else "" for f, d in zip(flag, days, strict=True)]
        _editor("action", account_id, table,
                column_config("action", people, goals=titles,
                              gaps=sorted({*gaps, *actions["gap"].dropna()})),
                editable,
                lambda t: store.save_actions(data.engine(), current_actor(), account_id, t),
                "Actions", extra={"Overdue": overdue})
    if editable:
        _add_action_form(account_id, people, titles, gaps)


def _pick_person(label: str, people: list[str], key: str, default: str | None = None):
    index = people.index(default) if default in people else None
    return st.selectbox(label, people, index=index, key=key, placeholder="Choose a person")


def _add_goal_form(account_id: int, people: list[str]) -> None:
    owner = data.accounts().loc[account_id, "manager"]
    with (st.expander("Add a goal", icon=":material/add:"),
          st.form("plan_add_goal", enter_to_submit=False)):
        title = st.text_input("Goal", key="plan_goal_title",
                              placeholder="e.g. Multi-thread the account")
        c1, c2, c3 = st.columns(3)
        horizon = c1.selectbox("Horizon", list(plans.HORIZONS), key="plan_goal_horizon",
                               format_func=plans.HORIZONS.get)
        with c2:
            who = _pick_person("Owner", people, "plan_goal_owner",
                               owner if isinstance(owner, str) else None)
        status = c3.selectbox("Status", list(plans.GOAL_STATUSES), key="plan_goal_status",
                              format_func=plans.GOAL_STATUSES.get)
        d1, d2 = st.columns(2)
        start = d1.date_input("Start", value=data.today(), key="plan_goal_start")
        due = d2.date_input("Due", value=None, key="plan_goal_due")
        t1, t2, t3 = st.columns(3)
        measure = t1.text_input("Target measure (optional)", key="plan_goal_measure",
                                placeholder="e.g. Revenue")
        target = t2.number_input("Target", value=None, key="plan_goal_target")
        current = t3.number_input("Current value", value=None, key="plan_goal_current")
        added = st.form_submit_button("Add goal", type="primary", icon=":material/add:",
                                      key="plan_goal_add")
    if added:
        values = {"title": title, "horizon": horizon, "owner": who, "status": status,
                  "start_on": start, "due_on": due, "measure": measure,
                  "target_value": target, "current_value": current}
        _write(lambda: store.add_goal(data.engine(), current_actor(), account_id, values),
               lambda _: f"Goal added: {plain(title.strip())}.")


def _add_action_form(account_id: int, people: list[str], goals: list[str],
                     gaps: list[str]) -> None:
    with (st.expander("Add an action", icon=":material/add:"),
          st.form("plan_add_action", enter_to_submit=False)):
        goal = st.selectbox("Goal", goals, index=0, key="plan_action_goal")
        what = st.text_input("Action", key="plan_action_what",
                             placeholder="e.g. Meet the CFO with our sales director")
        c1, c2, c3 = st.columns(3)
        with c1:
            who = _pick_person("Owner", people, "plan_action_owner")
        due = c2.date_input("Due", value=None, key="plan_action_due")
        status = c3.selectbox("Status", list(plans.ACTION_STATUSES),
                              key="plan_action_status",
                              format_func=plans.ACTION_STATUSES.get)
        gap = st.selectbox("Closes a coverage gap (optional)", [None, *gaps],
                           key="plan_action_gap",
                           format_func=lambda g: "None" if g is None else g,
                           help="The account's gaps from the Buying roles tab")
        added = st.form_submit_button("Add action", type="primary",
                                      icon=":material/add:", key="plan_action_add")
    if added:
        values = {"goal": goal, "what": what, "owner": who, "due_on": due, "status": status,
                  "gap": gap}
        _write(lambda: store.add_action(data.engine(), current_actor(), account_id, values),
               lambda _: f"Action added: {plain(what.strip())}.")


def _opportunities(account_id: int, tables: plans.PlanTables, editable: bool,
                   centres: list[str]) -> None:
    today = data.today()
    opps = tables.opportunities
    summary = plans.opportunity_summary(opps, today)
    st.caption(f"Pipeline {money(summary.pipeline)} in {summary.open_count} open "
               f"opportunit{'ies' if summary.open_count != 1 else 'y'}; won {summary.won} of "
               f"{summary.won + summary.lost} closed in the last {plans.WIN_RATE_MONTHS} months "
               f"({money(summary.won_value)}). Each has a product or service, the buying "
               "centre it is for, a value and a stage; a lost one says why.")
    offerings = list(tables.offerings["name"])
    if opps.empty:
        st.info("No opportunities recorded yet.", icon=":material/handshake:")
    else:
        _editor("opportunity", account_id, editor_frame("opportunity", opps),
                column_config("opportunity", [], offerings=offerings), editable,
                lambda t: store.save_opportunities(data.engine(), current_actor(),
                                                   account_id, t), "Opportunities")
    if not editable:
        return
    with (st.expander("Add an opportunity", icon=":material/add:"),
          st.form("plan_add_opportunity", enter_to_submit=False)):
        name = st.text_input("Opportunity", key="plan_opp_name",
                             placeholder="e.g. Maintenance for the new plant")
        c1, c2 = st.columns(2)
        offering = c1.selectbox("Product or service", [None, *offerings],
                                key="plan_opp_offering",
                                format_func=lambda o: "–" if o is None else o)
        centre = c2.selectbox("Buying centre", [None, *centres], key="plan_opp_centre",
                              format_func=lambda c: "–" if c is None else c,
                              accept_new_options=True)
        v1, v2, v3 = st.columns(3)
        value = v1.number_input("Value (€)", value=None, step=1000.0, key="plan_opp_value")
        stage = v2.selectbox("Stage", list(plans.STAGES), key="plan_opp_stage",
                             format_func=plans.STAGES.get)
        close = v3.date_input("Close date (expected or actual)", value=None,
                              key="plan_opp_close")
        reason = st.text_input("Reason lost (when lost)", key="plan_opp_reason")
        added = st.form_submit_button("Add opportunity", type="primary",
                                      icon=":material/add:", key="plan_opp_add")
    if added:
        values = {"name": name, "offering": offering, "buying_centre": centre, "value": value,
                  "stage": stage, "close_on": close, "lost_reason": reason}
        _write(lambda: store.add_opportunity(data.engine(), current_actor(), account_id,
                                             values),
               lambda _: f"Opportunity added: {plain(name.strip())}.")


def _whitespace(account_id: int, tables: plans.PlanTables, editable: bool,
                centres: list[str]) -> None:
    cells = tables.whitespace
    offerings = tables.offerings[tables.offerings["active"]]
    st.caption("Our offerings against the account's buying centres (the departments of its "
               "stakeholders): where we sell already, where a deal is open, and where the "
               "growth is.")
    if offerings.empty:
        st.info("The offering catalogue is empty: an admin adds offerings below.",
                icon=":material/inventory_2:")
    elif not centres:
        st.info("No buying centres known yet: give the account's stakeholders a department "
                "on the Stakeholders tab.", icon=":material/domain:")
    else:
        grid = plans.whitespace_grid(cells, list(offerings["name"]), centres)
        styled = grid.style.map(lambda s: "background-color: " + next(
            (c for k, c in WHITESPACE_COLOURS.items() if str(s).startswith(k)), "white"))
        st.dataframe(styled, width="stretch", key="plan_whitespace_grid",
                     column_config={"offering": st.column_config.TextColumn("Offering",
                                                                            pinned=True)})
        st.caption(f"Total potential: **{money(plans.whitespace_total(cells))}** (the "
                   "estimated value of every cell marked Potential).")
        if editable:
            _whitespace_editor(account_id, cells, list(offerings["name"]), centres)
    if current_actor().at_least(UserRole.ADMIN):
        _catalogue_editor(tables.offerings)


def _whitespace_editor(account_id: int, cells: pd.DataFrame, offerings: list[str],
                       centres: list[str]) -> None:
    every = pd.MultiIndex.from_product([offerings, centres],
                                       names=["offering", "buying_centre"]).to_frame(
        index=False)
    table = every.merge(cells[["offering", "buying_centre", "status", "estimated_value"]],
                        on=["offering", "buying_centre"], how="left")
    table = editor_frame("whitespace", table)
    config = column_config("whitespace", [], offerings=offerings)
    config["offering"] = st.column_config.TextColumn("Offering", disabled=True)
    config["buying_centre"] = st.column_config.TextColumn("Buying centre", disabled=True)
    with (st.expander("Edit the grid", icon=":material/edit:"),
          st.form("plan_whitespace_form", border=False)):
        edited = st.data_editor(table, column_config=config, hide_index=True,
                                width="stretch",
                                key=f"plan_whitespace_editor_{data.version()}")
        st.caption("A status per cell; a potential needs its estimated value. Leave the "
                   "status empty where you do not know.")
        saved = st.form_submit_button("Save the grid", icon=":material/save:",
                                      key="plan_whitespace_save")
    if saved:
        _write(lambda: store.save_whitespace(data.engine(), current_actor(), account_id,
                                             edited), _saved("Whitespace"))


def _catalogue_editor(offerings: pd.DataFrame) -> None:
    with st.expander("Offering catalogue (admins)", icon=":material/inventory_2:"):
        st.caption("The rows of every account's whitespace grid. Untick Active to hide an "
                   "offering and keep its cells; deleting it removes its cells everywhere.")
        with st.form("plan_catalogue_form", border=False):
            edited = st.data_editor(editor_frame("offering", offerings),
                                    column_config=column_config("offering", []),
                                    hide_index=True, num_rows="dynamic", width="stretch",
                                    key=f"plan_catalogue_editor_{data.version()}")
            saved = st.form_submit_button("Save the catalogue", icon=":material/save:",
                                          key="plan_catalogue_save")
    if saved:
        _write(lambda: store.save_offerings(data.engine(), current_actor(), edited),
               _saved("Offerings"))


def _team(account_id: int, plan: pd.Series | None, tables: plans.PlanTables, editable: bool,
          people: list[str]) -> None:
    sponsor = None if plan is None or pd.isna(plan["sponsor"]) else str(plan["sponsor"])
    st.markdown(f"**Executive sponsor:** {plain(sponsor) if sponsor else 'none named'}")
    st.caption("Our people on the account and what each does for it.")
    _editor("team", account_id, editor_frame("team", tables.team),
            column_config("team", people), editable,
            lambda t: store.save_team(data.engine(), current_actor(), account_id, t),
            "Team")
    if not editable:
        return
    with st.form("plan_sponsor_form", enter_to_submit=False, border=False):
        chosen = st.selectbox("Executive sponsor", [None, *people],
                              index=([None, *people].index(sponsor) if sponsor in people
                                     else 0),
                              format_func=lambda p: "None" if p is None else p,
                              key="plan_sponsor")
        saved = st.form_submit_button("Save sponsor", key="plan_sponsor_save")
    if saved:
        _write(lambda: store.save_plan_profile(data.engine(), current_actor(), account_id,
                                               {"sponsor": chosen}),
               lambda _: "Executive sponsor saved.")


def _reviews(account_id: int, plan: pd.Series | None, tables: plans.PlanTables,
             editable: bool, status: pd.Series | None) -> None:
    today = data.today()
    if status is not None:
        text = plans.next_review_text(status, today)
        (st.warning if status["overdue"] else st.markdown)(plain(text))
    st.caption(f"Internal reviews of the plan. {plans.cadence_help()}")
    reviews = tables.reviews
    if reviews.empty:
        st.info("No reviews recorded yet.", icon=":material/event_note:")
    else:
        st.dataframe(reviews, hide_index=True, width="stretch", key="plan_reviews",
                     column_order=["held_on", "attendees", "notes", "author"],
                     column_config={
                         "held_on": st.column_config.DateColumn("Date", format="D MMM YYYY"),
                         "attendees": "Attendees", "notes": st.column_config.TextColumn(
                             "Notes", width="large"), "author": "Recorded by"})
    if not editable:
        return
    left, right = st.columns(2)
    with left.form("plan_cadence_form", enter_to_submit=False):
        own = None if plan is None else plan["review_cadence"]
        options = [None, *plans.CADENCES]
        revenue = data.accounts().loc[account_id, "annual_revenue"]
        default = plans.CADENCES[plans.default_cadence(revenue)]
        cadence = st.selectbox("Review cadence", options,
                               index=options.index(own) if own in options else 0,
                               format_func=lambda c: f"Default from revenue ({default})"
                               if c is None else plans.CADENCES[c], key="plan_cadence")
        saved = st.form_submit_button("Save cadence", key="plan_cadence_save")
    if saved:
        _write(lambda: store.save_plan_profile(data.engine(), current_actor(), account_id,
                                               {"review_cadence": cadence}),
               lambda _: "Review cadence saved.")
    with right.form("plan_add_review", enter_to_submit=False):
        held = st.date_input("Date", value=today, key="plan_review_date")
        attendees = st.text_input("Attendees", key="plan_review_attendees",
                                  placeholder="e.g. Jonas Weber, Elena Rossi")
        notes = st.text_area("Notes", key="plan_review_notes",
                             placeholder="What we agreed, what changed")
        added = st.form_submit_button("Add review note", type="primary",
                                      key="plan_review_add")
    if added:
        values = {"held_on": held, "attendees": attendees, "notes": notes}
        _write(lambda: store.add_review(data.engine(), current_actor(), account_id, values),
               lambda _: "Review note added.")


# --- the sheet -------------------------------------------------------------------------------


def _account_gaps(account_id: int) -> list[str]:
    report = data.coverage_report(data.today(), coverage.STALE_DAYS)
    return sorted(set(report.gaps.loc[report.gaps["account_id"] == account_id, "gap"]))


def _health_now(account_id: int) -> tuple[str, str | None, str]:
    month = data.health_month()
    history = data.account_health(account_id, month)
    now = history.set_index("month").loc[pd.Timestamp(month)]
    if pd.isna(now["score"]):
        return "not scored", None, "None of the health measures has data for this account."
    band = now["band"]
    return (f"{health.points(now['score']):.0f} / 100, {health.BAND_LABELS[band]}", band,
            health.explain(now))


def _target(measure: object, current: float, target: float) -> str:
    """'Revenue: €1.1M of €1.4M', 'Plants live: 1 of 2'; blank without a target."""
    if pd.isna(target):
        return ""
    shown = money if measure == "Revenue" else (lambda v: "–" if pd.isna(v) else f"{v:g}")
    return f"{measure or 'Target'}: {shown(current)} of {shown(target)}"


def _day(value) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


def plan_sheet(account_id: int) -> PlanSheet:
    """Everything the one-page PDF shows for one account, gathered from the loaders."""
    today = data.today()
    account = data.accounts().loc[account_id]
    tables = plan_tables().of(account_id)
    plan = tables.plans.loc[account_id] if account_id in tables.plans.index else None
    report = data.coverage_report(today, coverage.STALE_DAYS)
    people = data.stakeholders()
    people = people[people["account_id"] == account_id]
    roles = coverage.role_matrix(people, report.roles[report.roles["account_id"] == account_id])
    roles = roles[["role", "status", "covered_by"]].set_axis(
        ["Role", "Status", "Covered by"], axis=1)
    score, band, reason = _health_now(account_id)
    goals = tables.goals.assign(Target=[_target(m, c, t) for m, c, t in zip(
        tables.goals["measure"], tables.goals["current_value"], tables.goals["target_value"],
        strict=True)])
    goals = goals[~goals["status"].isin(plans.CLOSED_GOAL)]
    goals = pd.DataFrame({
        "Goal": goals["title"], "Horizon": goals["horizon"].map(plans.HORIZONS),
        "Owner": goals["owner"].fillna(""), "Due": goals["due_on"].map(_day),
        "Status": goals["status"].map(plans.GOAL_STATUSES), "Target": goals["Target"]})
    actions = tables.actions[tables.actions["status"].isin(plans.OPEN_ACTION)]
    late = plans.is_overdue(actions, today)
    actions = pd.DataFrame({
        "Action": actions["what"], "Goal": actions["goal"],
        "Owner": actions["owner"].fillna(""), "Due": actions["due_on"].map(_day),
        "Status": [("OVERDUE" if x else plans.ACTION_STATUSES[s])
                   for x, s in zip(late, actions["status"], strict=True)],
    }).assign(_late=late.to_numpy()).sort_values("_late", ascending=False,
                                                 kind="stable").drop(columns="_late")
    opps = tables.opportunities[tables.opportunities["stage"] == "open"].sort_values(
        "value", ascending=False)
    opps = pd.DataFrame({
        "Opportunity": opps["name"], "Buying centre": opps["buying_centre"].fillna(""),
        "Value": opps["value"].map(money), "Stage": opps["stage"].map(plans.STAGES),
        "Close": opps["close_on"].map(_day)})
    cells = tables.whitespace.assign(potential=plans.potential(tables.whitespace))
    cells = cells[cells["potential"] > 0]
    space = cells.groupby("offering").agg(
        potential=("potential", "sum"),
        centres=("buying_centre", lambda c: ", ".join(sorted(c)))).sort_values(
        "potential", ascending=False)
    space = pd.DataFrame({"Offering": space.index, "Potential": space["potential"].map(money),
                          "Buying centres": space["centres"]})
    summary = plans.opportunity_summary(tables.opportunities, today)
    status = plans.review_status(tables.plans, data.accounts(), tables.reviews, today)
    where = ", ".join(str(v) for v in (account["city"], account["country"]) if pd.notna(v))
    facts = [("Industry", account["industry"] or "–"), ("Location", where or "–"),
             ("KAM", account["manager"] if pd.notna(account["manager"]) else "unassigned"),
             ("Revenue, 12 months", money(account["annual_revenue"])),
             ("Key account", "yes" if account["is_key"] else "no")]
    if plan is not None and pd.notna(plan["sponsor"]):
        facts.append(("Sponsor", plan["sponsor"]))
    business = []
    if plan is not None:
        for label, key in (("Their goals", "strategic_goals"),
                           ("Initiatives", "initiatives"), ("Strengths", "strengths"),
                           ("Weaknesses", "weaknesses"), ("Opportunities", "opportunities"),
                           ("Threats", "threats")):
            items = _lines(plan[key])
            if items:
                business.append((label, "; ".join(items)))
        if plan["financial_health"]:
            business.insert(0, ("Financial health", plans.FINANCIAL_HEALTH.get(
                plan["financial_health"], "") + (f" ({plan['financial_note']})"
                                                  if plan["financial_note"] else "")))
    return PlanSheet(
        account=str(account["name"]), facts=facts, health=score, health_band=band,
        health_reason=reason,
        figures=[("Whitespace potential", money(plans.whitespace_total(tables.whitespace))),
                 ("Pipeline", money(summary.pipeline)),
                 ("Win rate, 12 months", "–" if summary.win_rate is None
                  else percent(summary.win_rate)),
                 ("Won, 12 months", money(summary.won_value))],
        roles=roles, goals=goals, actions=actions, opportunities=opps, whitespace=space,
        review=(plans.next_review_text(status.loc[account_id], today)
                if account_id in status.index else "No plan reviews yet."),
        as_of=today, business=business)


def _file_name(name: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in name).strip("-")
    return f"account-plan-{safe or 'account'}.pdf"


# --- the tab ---------------------------------------------------------------------------------


def render_plan(account_id: int) -> None:
    """The Plan tab of one account."""
    actor = current_actor()
    accounts = data.accounts()
    account = accounts.loc[account_id]
    manager = account["manager_id"]
    editable = (not store.read_only()) and can_edit_account(
        actor, None if pd.isna(manager) else int(manager))
    tables = plan_tables().of(account_id)
    plan = tables.plans.loc[account_id] if account_id in tables.plans.index else None
    today = data.today()
    people = sorted(data.managers()["name"].astype(str), key=str.casefold)
    all_people = data.stakeholders()
    centres = plans.buying_centres(all_people[all_people["account_id"] == account_id])

    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    summary = plans.opportunity_summary(tables.opportunities, today)
    status = plans.review_status(tables.plans, accounts, tables.reviews, today)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Whitespace potential", money(plans.whitespace_total(tables.whitespace)),
              help="Estimated value of every offering x buying centre marked Potential")
    m2.metric("Pipeline", money(summary.pipeline), help="Value of the open opportunities")
    m3.metric(f"Win rate, {plans.WIN_RATE_MONTHS} months",
              "–" if summary.win_rate is None else percent(summary.win_rate))
    m4.metric(f"Won, {plans.WIN_RATE_MONTHS} months", money(summary.won_value))
    left, right = st.columns([3, 1], vertical_alignment="center")
    if plan is None:
        left.info(("This key account has no plan yet. " if account["is_key"] else
                   "No plan for this account yet. ")
                  + ("Start with a goal or the customer's business below." if editable
                     else ""), icon=":material/map:")
    else:
        line = plans.next_review_text(status.loc[account_id], today)
        (left.warning if status.loc[account_id, "overdue"] else left.caption)(plain(line))
    right.download_button(
        "Download the plan", data=lambda: plan_pdf(plan_sheet(account_id)),
        file_name=_file_name(str(account["name"])), mime="application/pdf",
        icon=":material/picture_as_pdf:", key="plan_download", on_click="ignore",
        help="One page for the QBR: profile, health, buying roles, goals and open actions, "
             "top opportunities and whitespace")
    if not editable and not store.read_only():
        st.caption("You can read this plan; only the account's KAM and leadership change it.")

    tab_names = ["Customer's business", "Goals and actions", "Opportunities", "Whitespace",
                 "Our team", "Reviews"]
    business, goals, opps, space, team, reviews = st.tabs(tab_names)
    with business:
        _business(account_id, plan, editable, people)
    with goals:
        _goals(account_id, tables, editable, people, _account_gaps(account_id))
    with opps:
        _opportunities(account_id, tables, editable, centres)
    with space:
        _whitespace(account_id, tables, editable, centres)
    with team:
        _team(account_id, plan, tables, editable, people)
    with reviews:
        _reviews(account_id, plan, tables, editable,
                 status.loc[account_id] if account_id in status.index else None)
