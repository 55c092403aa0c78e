"""Selection (what-if): weigh the criteria and see who would be a key account."""

import streamlit as st

from kamdash import charts, criteria, selection, selection_export, stability, store
from kamdash.formatting import percent
from kamdash.identity import Refused, UserRole
from kamdash.scoring import RATING_MAX, RATING_MIN
from kamdash.ui import data, rising_stars, selection_analyses, selection_data
from kamdash.ui.account_picker import account_link_column, account_links, plain
from kamdash.ui.columns import money_column
from kamdash.ui.decisions_selection import render_selection_hooks
from kamdash.ui.deltas import metric_delta
from kamdash.ui.identity import current_actor
from kamdash.ui.navigation import ensure_app_navigation
from kamdash.ui.writes import WRITE_ERRORS, write_failed

ensure_app_navigation()

st.title("Key-account selection (what-if)")
st.caption(
    "Choose the criteria that make a customer a key account and how much each one weighs. "
    "The ranking and the changes against today's key-account list update as you move a slider. "
    "The page address holds the scenario: copy it to share exactly what you see."
)
render_selection_hooks()

# Saved links name choices by key; the widgets show (and write) labels.
relabelled = selection.link_choices_as_labels(
    {k: st.query_params.get_all(k) for k in ("criteria", "missing", "rule")})
if relabelled:
    for name, values in relabelled.items():
        st.query_params[name] = values
    st.rerun()

accounts = data.accounts()
ratings = data.ratings()
link_problems = selection.validate_link(
    {k: st.query_params.get_all(k) for k in st.query_params}, max_key_accounts=len(accounts))
if link_problems:
    st.warning("This link was only partly understood:\n\n- "
               + "\n- ".join(plain(p) for p in link_problems))
if accounts.empty:
    st.info("No accounts yet. Import your accounts and ratings on the Import and export page, "
            "or run `python -m kamdash demo` for a demo portfolio.")
    st.stop()

SAVED_MESSAGE = "selection_saved_message"
ANALYSES = ["Ranking", "How stable", "Compare scenarios", "Rising stars",
            "Are our criteria right?"]
CHANGE_BADGES = {
    selection.PROMOTED: "▲ Promoted",
    selection.DEMOTED: "▼ Demoted",
    selection.STAYS_KEY: "● Stays key",
    selection.NOT_KEY: "",
}


@st.fragment
def scenario() -> None:
    controls, results = st.columns([1, 2.4], gap="large")
    with controls:
        st.subheader("Scenario")
        chosen = st.multiselect(
            "Criteria", criteria.KEYS, default=list(selection.DEFAULT_WEIGHTS),
            format_func=criteria.label, key="criteria", bind="query-params", wrap=True,
            help="The source material advises three to five criteria.",
        )
        advice = criteria.count_advice(len(chosen))
        if advice and chosen:
            st.warning(advice)
        weights = {
            key: st.slider(
                f"Weight of {criteria.label(key)}", selection.WEIGHT_MIN, selection.WEIGHT_MAX,
                selection.DEFAULT_WEIGHTS.get(key, 5), key=f"w_{key}", bind="query-params",
                help=criteria.BY_KEY[key].help,
            )
            for key in chosen
        }
        missing = st.radio(
            "Criteria an account has not been rated on", list(selection.MISSING_LABELS),
            format_func=selection.MISSING_LABELS.get, key="missing", bind="query-params",
        )
        rule_kind = st.radio(
            "Key accounts are", list(selection.RULE_LABELS), format_func=selection.RULE_LABELS.get,
            key="rule", bind="query-params",
        )
        if rule_kind == "top_n":
            n = st.number_input(
                "How many key accounts", min_value=1, max_value=len(accounts),
                value=max(1, int(accounts["is_key"].sum())), step=1, key="n", bind="query-params",
                help="Starts at the size of today's key-account list.",
            )
            rule = selection.Rule("top_n", n=int(n))
        elif rule_kind == "threshold":
            threshold = st.slider(
                "Minimum score", float(RATING_MIN), float(RATING_MAX), selection.DEFAULT_THRESHOLD,
                0.1, key="threshold",
                bind="query-params",
            )
            rule = selection.Rule("threshold", threshold=float(threshold))
        else:
            st.caption("Best first, each account is key while its KAM has room (their capacity "
                       "in the manager table). Accounts of account managers need a KAM first.")
            rule = selection.Rule("capacity")
        save_scenario_form(weights, missing, rule)

    with results:
        if not chosen:
            st.info("Choose at least one criterion to rank the accounts.")
            return
        if not any(weights.values()):
            st.warning("Every weight is zero. Give at least one criterion a weight above 0.")
            return
        capacity = None
        try:
            if rule.kind == "capacity":
                capacity = selection_data.capacity()
            outcome = selection.evaluate(ratings, accounts, weights, missing, rule, capacity)
        except ValueError as exc:
            st.error(f"The ranking could not be computed: {plain(exc)}")
            return
        headline(outcome, rule)
        tabs = st.tabs(ANALYSES, key="analysis", bind="query-params")
        with tabs[0]:
            if tabs[0].open is not False:
                ranking(outcome, weights, missing, rule)
        with tabs[1]:
            if tabs[1].open:
                selection_analyses.stability_tab(weights, missing, rule, outcome)
        with tabs[2]:
            if tabs[2].open:
                selection_analyses.compare_tab(weights, missing, rule, outcome, capacity)
        with tabs[3]:
            if tabs[3].open:
                rising_stars.render(weights, missing, key="selection_rising_stars",
                                    heading=False)
        with tabs[4]:
            if tabs[4].open:
                selection_analyses.backtest_tab()


def headline(outcome: selection.Outcome, rule: selection.Rule) -> None:
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Key accounts", outcome.key_count,
              **metric_delta(outcome.key_count - outcome.key_count_today,
                             "against today's list", muted=True),
              help=f"Under this scenario: {rule.describe()}.")
    m2.metric("Promoted", len(outcome.promoted), help="Not key today, key under this scenario")
    m3.metric("Demoted", len(outcome.demoted),
              help="Key today, not under this scenario. Demoting a key account is costly.")
    share_change = outcome.key_revenue_share - outcome.key_revenue_share_today
    m4.metric("Key-account revenue", percent(outcome.key_revenue_share),
              **metric_delta(share_change * 100, "points against today's key accounts",
                             muted=True),
              help="Share of the last 12 months' revenue from the accounts this scenario "
                   "makes key; the delta compares with today's key accounts.")
    if outcome.total_capacity is not None:
        st.info(f"**KAM capacity: {outcome.total_capacity} key accounts, "
                f"{outcome.key_count} taken.** "
                + (f"{len(outcome.blocked)} account(s) would be key on score alone but have "
                   "no KAM room: " + ", ".join(plain(n) for n in outcome.blocked["name"]) + "."
                   if len(outcome.blocked) else "Every account that scores high enough has a "
                   "KAM with room."), icon=":material/groups:")
    if len(outcome.demoted):
        st.warning(
            f"**{len(outcome.demoted)} of today's key accounts would be demoted.** Demoting "
            "a key account is painful for the relationship; check each one before you "
            "decide: " + ", ".join(plain(n) for n in outcome.demoted["name"]) + ".",
            icon=":material/warning:",
        )


def ranking(outcome: selection.Outcome, weights: dict[str, int], missing: str,
            rule: selection.Rule) -> None:
    with_stability = st.toggle(
        "Show each account's chance of being key", key="stability", bind="query-params",
        help="Shakes every weight 1,000 times by up to 25 % and counts how often each "
             "account comes out key (see How stable).")
    probability = (selection_data.key_probability(weights, missing, rule)
                   if with_stability else None)
    table = outcome.table
    if probability is not None:
        table = table.assign(stability=probability,
                             stability_label=stability.stability_label(probability))
    shown = table.head(max(50, outcome.key_count + 15)).assign(
        change=lambda t: t["change"].map(CHANGE_BADGES),
        account=lambda t: account_links(t.index.to_series(), t["name"]),
    )
    columns = ["rank", "account", "score", "change", "key_today", "industry", "manager",
               "annual_revenue"]
    if probability is not None:
        columns[3:3] = ["stability", "stability_label"]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=420,
        column_order=columns,
        column_config={
            "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
            "account": account_link_column("Account", help="Open the account"),
            "score": st.column_config.ProgressColumn(
                "Score", min_value=1, max_value=10, format="%.1f",
                help="Weighted mean of the chosen criteria, 1-10"),
            "stability": st.column_config.ProgressColumn(
                "Chance of being key", min_value=0, max_value=1, format="percent",
                help="Share of 1,000 rankings with shaken weights in which it is key"),
            "stability_label": st.column_config.TextColumn("Stability"),
            "change": st.column_config.TextColumn("Change", help="Against today's key list"),
            "key_today": st.column_config.CheckboxColumn("Key today"),
            "industry": "Industry",
            "manager": "Manager",
            "annual_revenue": money_column("Revenue, 12 months"),
        },
        key="selection_ranking",
    )
    st.caption(f"Top {len(shown)} of {len(outcome.table):,} accounts. Key accounts are "
               f"{rule.describe()}. The downloads hold every account.")
    downloads(outcome, weights, missing, rule, probability)
    st.plotly_chart(
        charts.contribution_bars(outcome.ranked, accounts["name"]), key="selection_contrib"
    )
    changes(outcome)


def downloads(outcome: selection.Outcome, weights: dict[str, int], missing: str,
              rule: selection.Rule, probability) -> None:
    # The files are built when someone clicks (a callable), not on every slider move: the
    # workbook of the whole ranking was 85 % of a rerun at 10,000 accounts.
    def sheets():
        return selection_export.lists(outcome.table, probability)

    stem = selection_export.file_stem(weights, missing, rule)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the whole ranking (CSV)",
        lambda: selection_export.to_csv(sheets()["Ranking"]),
        f"{stem}.csv", "text/csv", key="selection_download_csv", icon=":material/download:",
        on_click="ignore")
    c2.download_button(
        "Download ranking and lists (Excel)",
        lambda: selection_export.to_xlsx(sheets(),
                                         selection_export.describe(weights, missing, rule)),
        f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="selection_download_xlsx", icon=":material/download:", on_click="ignore")


def changes(outcome: selection.Outcome) -> None:
    """Against today's key list: who would be promoted, demoted, and who stays key."""
    stays = outcome.table[outcome.table["change"] == selection.STAYS_KEY]
    st.subheader("Against today's key accounts")
    lists = (
        ("Promoted", outcome.promoted, "Nobody new would become a key account."),
        ("Demoted", outcome.demoted, "No key account would lose its status."),
        ("Stays key", stays, "None of today's key accounts would stay key."),
    )
    # Only the open list runs and is sent (a slider move redrew all three: at 10,000
    # accounts some 650 rows that nobody saw). The labels stay the same from move to move, so
    # the open tab stays open; the counts are in the caption (and the metrics above).
    for tab, (title, frame, empty) in zip(
            st.tabs([title for title, _, _ in lists], key="selection_lists",
                    on_change="rerun"), lists, strict=True):
        with tab:
            if not tab.open:
                continue
            if frame.empty:
                st.caption(empty)
                continue
            st.caption(f"{len(frame):,} account{'s' if len(frame) != 1 else ''}.")
            slug = title.lower().replace(" ", "_")
            st.dataframe(
                frame[["rank", "name", "score", "industry", "manager", "annual_revenue"]].assign(
                    account=account_links(frame.index.to_series(), frame["name"])),
                hide_index=True, width="stretch",
                column_order=["rank", "account", "score", "industry", "manager",
                              "annual_revenue"],
                column_config={
                    "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
                    "account": account_link_column("Account"),
                    "score": st.column_config.NumberColumn("Score", format="%.1f"),
                    "industry": "Industry", "manager": "Manager",
                    "annual_revenue": money_column("Revenue, 12 months"),
                },
                key=f"selection_{slug}",
            )
            st.download_button(
                f"Download {title.lower()} (CSV)",
                lambda frame=frame: selection_export.to_csv(selection_export.shown(frame)),
                f"selection_{slug}.csv", "text/csv", key=f"selection_download_{slug}",
                on_click="ignore")


def save_scenario_form(weights: dict[str, int], missing: str, rule: selection.Rule) -> None:
    with st.expander("Save this scenario", icon=":material/bookmark_add:"):
        if store.read_only():
            st.caption("Read-only demo: saving is switched off.")
            return
        actor = current_actor()
        if not actor.at_least(UserRole.LEADERSHIP):
            st.caption("Only leadership can save scenarios.")
            return
        with st.form("selection_save", border=False):
            name = st.text_input("Name", key="selection_save_name", max_chars=80,
                                 placeholder="e.g. Growth focus 2027")
            st.caption(f"Saved as {plain(actor.name)}.")
            if not st.form_submit_button("Save scenario"):
                return
        problem = selection.scenario_name_problem(name)
        if problem:
            st.error(problem)
        elif not any(weights.values()):
            st.error("Every weight is zero; there is nothing to save.")
        else:
            try:
                store.save_scenario(data.engine(), actor, name.strip(), weights,
                                    {"kind": rule.kind, "n": rule.n, "threshold": rule.threshold,
                                     "missing": missing})
            except (store.ScenarioNameTaken, Refused) as exc:
                st.error(plain(exc), icon=":material/error:")
                return
            except WRITE_ERRORS as exc:
                st.error(plain(write_failed(exc)), icon=":material/error:")
                return
            # The list of saved scenarios is outside this fragment: rerun the whole page.
            st.session_state[SAVED_MESSAGE] = (f"Saved “{name.strip()}”. It is listed below "
                                               "with a link that reopens it.")
            st.rerun(scope="app")


def saved_scenarios() -> None:
    st.subheader("Saved scenarios")
    message = st.session_state.pop(SAVED_MESSAGE, None)
    if message:
        st.success(plain(message), icon=":material/bookmark_added:")
    saved = data.scenarios()
    if saved.empty:
        st.caption("None yet. Save a scenario to compare it later or share it by name.")
        return
    links = [f"/selection?{selection.saved_link_query(w, r)}"
             for w, r in zip(saved["weights"], saved["rule"], strict=True)]
    rules = [selection_analyses.rule_from_saved(r).describe() for r in saved["rule"]]
    unrated = [selection.MISSING_LABELS.get(str(r.get("missing", selection.DEFAULT_MISSING)),
                                            "") for r in saved["rule"]]
    st.dataframe(
        saved.assign(link=links, weights=saved["weights"].map(selection.describe_weights),
                     rule=rules, unrated=unrated)[
            ["name", "weights", "rule", "unrated", "author", "created_at", "link"]],
        hide_index=True,
        column_config={
            "name": "Scenario", "weights": "Weights", "rule": "Key accounts are",
            "unrated": "Criteria not rated", "author": "Saved by",
            "created_at": st.column_config.DatetimeColumn("Saved", format="D MMM YYYY, HH:mm"),
            "link": st.column_config.LinkColumn("Open", display_text="Open scenario"),
        },
        key="selection_saved",
    )
    manage_saved(saved["name"].tolist())


def manage_saved(names: list[str]) -> None:
    actor = current_actor()
    if store.read_only() or not actor.at_least(UserRole.LEADERSHIP):
        return
    with st.expander("Rename or delete a saved scenario", icon=":material/edit:"):
        with st.form("selection_manage", border=False):
            which = st.selectbox("Scenario", names, key="selection_manage_name")
            new_name = st.text_input("New name", key="selection_manage_new_name", max_chars=80)
            sure = st.checkbox("Yes, delete it", key="selection_manage_sure")
            rename, delete = st.columns(2)
            renaming = rename.form_submit_button("Rename")
            deleting = delete.form_submit_button("Delete", type="secondary")
        if not (renaming or deleting):
            return
        try:
            if renaming:
                problem = selection.scenario_name_problem(new_name)
                if problem:
                    st.error(problem)
                    return
                store.rename_scenario(data.engine(), actor, which, new_name.strip())
                st.session_state[SAVED_MESSAGE] = f"Renamed “{which}” to “{new_name.strip()}”."
            else:
                if not sure:
                    st.error("Tick “Yes, delete it” to delete the scenario.")
                    return
                store.delete_scenario(data.engine(), actor, which)
                st.session_state[SAVED_MESSAGE] = f"Deleted “{which}”."
        except (store.ScenarioNameTaken, store.ScenarioNotFound, Refused) as exc:
            st.error(plain(exc), icon=":material/error:")
            return
        except WRITE_ERRORS as exc:
            st.error(plain(write_failed(exc)), icon=":material/error:")
            return
        st.rerun()


scenario()
saved_scenarios()
