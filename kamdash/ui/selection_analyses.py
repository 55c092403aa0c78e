"""The Selection page's deeper analyses, one function per tab: how stable each key account is,
two scenarios side by side, whether the criteria worked. Each reads the scenario on the
page and renders; the sums live in kamdash (stability, compare, momentum)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kamdash import compare, selection, stability
from kamdash.charts import selection as selection_charts
from kamdash.formatting import percent
from kamdash.ui import data, selection_data
from kamdash.ui.account_picker import account_link_column, account_links, plain

THIS_SCENARIO = "This scenario (on the left)"
SLOPE_ACCOUNTS = 20  # accounts in the slope chart: those that change status, then the movers


def rule_from_saved(rule: dict) -> selection.Rule:
    """A saved scenario's rule (as the page stores it)."""
    return selection.Rule(str(rule.get("kind", "top_n")), n=int(rule.get("n", 20)),
                          threshold=float(rule.get("threshold", selection.DEFAULT_THRESHOLD)))


def stability_tab(weights: dict[str, int], missing: str, rule: selection.Rule,
                  outcome: selection.Outcome) -> None:
    st.caption(
        "Weights are judgements, not facts. Here every weight is shaken 1,000 times by up to "
        f"{stability.DEFAULT_SPREAD:.0%} either way, and each time the accounts are ranked "
        "again. An account's chance of being key is the share of those rankings in which it "
        "is key: **solid key** from 90 %, **solid out** up to 10 %, **borderline** between.")
    probability = selection_data.key_probability(weights, missing, rule)
    labels = stability.stability_label(probability)
    table = outcome.table.assign(probability=probability, stability=labels)
    counts = labels.value_counts()
    c1, c2, c3 = st.columns(3)
    c1.metric("Solid key", int(counts.get("solid key", 0)),
              help="Key in at least 90 % of the shaken rankings")
    c2.metric("Borderline", int(counts.get("borderline", 0)),
              help="Key in some shaken rankings, not in others: decide these with care")
    c3.metric("Solid out", int(counts.get("solid out", 0)),
              help="Key in at most 10 % of the shaken rankings")
    cut = outcome.key_count
    around = table.iloc[max(0, cut - 15):cut + 15]
    st.plotly_chart(selection_charts.stability_around_cut(around, data.accounts()["name"], cut),
                    key="selection_stability_chart")

    st.markdown("**Tipping points:** the smallest change of one weight that moves an account "
                "near the cut across it")
    tips = selection_data.tipping_points(weights, missing, rule)
    if tips.empty:
        st.caption("No single weight between 0 and 10 moves any account near the cut across "
                   "it: the key list is robust to one weight at a time.")
    else:
        st.markdown("\n".join(f"- {plain(s)}" for s in tips["sentence"]))


def compare_tab(weights: dict[str, int], missing: str, rule: selection.Rule,
                outcome: selection.Outcome, capacity: selection.Capacity | None) -> None:
    saved = data.scenarios()
    st.caption("Pick two scenarios: see who is key in one and not the other, and how far "
               "their rankings agree.")
    if saved.empty:
        st.info("Save a scenario first (under Save this scenario, on the left): then compare "
                "it with what you see, or two saved ones with each other.")
        return
    names = saved["name"].tolist()
    c1, c2 = st.columns(2)
    a = c1.selectbox("Scenario A", [THIS_SCENARIO, *names], key="compare_a",
                     bind="query-params")
    b = c2.selectbox("Scenario B", names, key="compare_b", bind="query-params")
    outcomes = {}
    for label in (a, b):
        if label == THIS_SCENARIO:
            outcomes[label] = outcome
            continue
        row = saved[saved["name"] == label].iloc[0]
        saved_rule = rule_from_saved(row["rule"])
        try:
            cap = (selection_data.capacity() if saved_rule.kind == "capacity" else None)
            outcomes[label] = selection.evaluate(
                data.ratings(), data.accounts(), row["weights"],
                str(row["rule"].get("missing", selection.DEFAULT_MISSING)), saved_rule, cap)
        except ValueError as exc:
            st.error(f"“{plain(label)}” cannot be applied to today's data: {plain(exc)}")
            return
    out_a, out_b = outcomes[a], outcomes[b]
    result = compare.compare_rankings(out_a.ranked, out_b.ranked,
                                      out_a.table["would_be_key"], out_b.table["would_be_key"])
    m = st.columns(5)
    m[0].metric("Key accounts, A", out_a.key_count)
    m[1].metric("Key accounts, B", out_b.key_count)
    m[2].metric("Key in both", len(result.both),
                help="Jaccard overlap of the two key lists: in both, out of in either")
    m[2].caption(f"Overlap {percent(result.overlap)}")
    m[3].metric("Rankings agree", f"{result.spearman:.2f}" if pd.notna(result.spearman)
                else "–", help="Spearman rank correlation of the two scores: 1 = the same "
                               "order, 0 = unrelated, -1 = reversed")
    m[4].metric("Kendall's tau", f"{result.kendall:.2f}" if pd.notna(result.kendall) else "–",
                help="Share of account pairs both scenarios order the same way, minus the "
                     "share they order differently")
    names_ = data.accounts()["name"]
    l1, l2 = st.columns(2)
    for column, title, ids in ((l1, "Key under A only", result.only_a),
                               (l2, "Key under B only", result.only_b)):
        with column:
            st.markdown(f"**{title}** ({len(ids)})")
            if len(ids) == 0:
                st.caption("Nobody.")
                continue
            frame = result.moves.loc[ids].assign(name=names_.reindex(ids))
            st.dataframe(
                frame.assign(account=account_links(frame.index.to_series(), frame["name"])),
                hide_index=True, width="stretch",
                column_order=["account", "rank_a", "rank_b"],
                column_config={"account": account_link_column("Account"),
                               "rank_a": st.column_config.NumberColumn("Rank in A"),
                               "rank_b": st.column_config.NumberColumn("Rank in B")},
                key=f"compare_{title.split()[-2].lower()}_only",
            )
    changed = result.only_a.union(result.only_b)
    movers = result.moves.index[~result.moves.index.isin(changed)]
    shown = result.moves.loc[list(changed) + list(movers[:max(0, SLOPE_ACCOUNTS
                                                                  - len(changed))])]
    st.plotly_chart(selection_charts.rank_slopes(
        shown.head(SLOPE_ACCOUNTS), names_, "A", "B", out_a.table["would_be_key"],
        out_b.table["would_be_key"]), key="selection_slopes")


def backtest_tab() -> None:
    st.caption(
        "Are our criteria the right ones? Take the ratings as they stood on a past day and see "
        "whether the accounts rated higher on a criterion then have grown more since. A "
        "criterion that predicted growth earns its weight; one no better than chance is "
        "worth questioning.")
    today = data.today()
    default = (pd.Timestamp(today) - pd.DateOffset(months=12)).date()
    as_of = st.date_input("Ratings as of", value=default, max_value=today,
                          key="backtest_as_of", bind="query-params", format="YYYY-MM-DD",
                          help="Revenue growth is measured from this day to the last "
                               "complete month, against as many months before it.")
    if not isinstance(as_of, date) or as_of >= (pd.Timestamp(today) - pd.DateOffset(months=1)
                                                ).date():
        st.info("Choose a day at least a month ago: growth since needs time to show.")
        return
    result = selection_data.back_test(as_of)
    table = result.per_criterion
    st.dataframe(
        table.reset_index(), hide_index=True, width="stretch", key="selection_backtest",
        column_order=["label", "verdict", "correlation", "accounts"],
        column_config={
            "label": "Criterion",
            "verdict": st.column_config.TextColumn("Verdict", width="medium"),
            "correlation": st.column_config.NumberColumn(
                "Rank correlation with growth", format="%.2f",
                help="Spearman: 1 = higher ratings always grew more, 0 = no relation"),
            "accounts": st.column_config.NumberColumn("Accounts rated then", format="%d"),
        },
    )
    good = table.index[table["verdict"] == "predicted growth"]
    noise = table.index[table["verdict"] == "no better than chance"]
    words = []
    if len(good):
        words.append(f"**Predicted growth:** {', '.join(table.loc[good, 'label'])}.")
    if len(noise):
        words.append(f"**No better than chance:** {', '.join(table.loc[noise, 'label'])}.")
    if words:
        st.markdown(" ".join(words))
    if result.key_accounts and result.other_accounts:
        def moved(growth: float) -> str:
            return f"{'grew' if growth >= 0 else 'shrank'} by {percent(abs(growth))}"

        st.markdown(
            f"Accounts that were key on {as_of:%d %b %Y} {moved(result.key_growth)} "
            f"(median of {result.key_accounts}); the other {result.other_accounts} "
            f"{moved(result.rest_growth)}.")
