"""The Account page's health and engagement sections, and the form to log an engagement.

- ``render_health``: the health badge with the reason in words, the 12-month trend and the
  per-measure breakdown (missing measures shown as missing).
- ``render_engagement``: the agreed cadence (which the KAM can change), the engagement
  timeline, the monthly trend, satisfaction and revenue.
- ``render_log_engagement``: the form; bad input gets a message naming what is wrong and
  nothing is written.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kamdash import engagement, health, store
from kamdash.charts import engagement as charts
from kamdash.formatting import money
from kamdash.ui import data
from kamdash.ui.account_picker import plain
from kamdash.ui.deltas import metric_delta
from kamdash.ui.identity import current_actor, edit_refusal
from kamdash.ui.writes import WRITE_ERRORS, write_failed

__all__ = ["render_engagement", "render_health", "render_log_engagement"]

BADGE_COLOURS = {"red": "red", "yellow": "orange", "green": "green"}
SENTIMENT_CHOICES = {-2: "Very negative", -1: "Negative", 0: "Neutral", 1: "Positive",
                     2: "Very positive"}
TIMELINE_MONTHS = 12
FORM_KEY = "account_log_engagement"
_FIELDS = ("date", "kind", "stakeholder", "summary", "sentiment")
_LOGGED = "account_log_done"  # the confirmation shown once after the rerun
_CADENCE_SAVED = "account_cadence_done"


def _key(field: str) -> str:
    return f"account_log_{field}"


def _month_name(month: date | pd.Timestamp) -> str:
    return f"{pd.Timestamp(month):%B %Y}"


# --- health ----------------------------------------------------------------------------------


def _health_section(account_id: int, account: pd.Series) -> None:
    month = data.health_month()
    history = data.account_health(account_id, month)
    now = history.set_index("month").loc[pd.Timestamp(month)]
    change = health.score_change(history, month).iloc[0]

    st.caption(f"As of the end of {_month_name(month)}, the last complete month. The score is "
               "the weighted mean of five measures (0-100); a measure without data is left "
               "out and shown as missing. Red below "
               f"{health.RED_BELOW:.0f}, green from {health.GREEN_FROM:.0f}.")
    if pd.isna(now["score"]):
        st.info("No health score yet: none of the five measures has data for this account.",
                icon=":material/info:")
        return
    band = now["band"]
    # Declining as on the Portfolio and Engagement pages (health falling two months running,
    # or engagements down by a third on the quarter before): a rise since last month is then
    # shown grey, never green beside "declining".
    down = engagement.declining(
        data.accounts().loc[[account_id]], engagement.health_falling(history, month),
        engagement.engagement_drop(data.touches(data.today(), engagement.CADENCE_WINDOW_DAYS)))
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    before = pd.Timestamp(month) - pd.DateOffset(months=1)
    c1.metric("Health score", f"{health.points(now['score']):.0f} / 100",
              help="Weighted mean of the measures on the right",
              **metric_delta(change["change"], f"since {before:%B}", muted=not down.empty))
    c1.badge(health.BAND_LABELS[band], color=BADGE_COLOURS[band],
             icon={"red": ":material/error:", "yellow": ":material/warning:",
                   "green": ":material/check_circle:"}[band])
    c2.markdown(plain(health.explain(now)))
    if not down.empty:
        c2.warning(plain(f"Declining: {down['reason'].iloc[0]}."), icon=":material/trending_down:")
    if change["moved_by"]:
        c2.caption(plain(f"Moved since last month by: {change['moved_by']}."))
    left, right = st.columns(2)
    left.plotly_chart(charts.health_trend(history),
                      width="stretch", key="account_health_trend")
    right.plotly_chart(charts.measure_breakdown(now, f"Measures, {pd.Timestamp(month):%b %Y}"),
                       width="stretch", key="account_health_measures")


# --- engagement ------------------------------------------------------------------------------


def cadence_key(account_id: int) -> str:
    """The key of the cadence input: per account, so another account never shows its value."""
    return f"account_cadence_{int(account_id)}"


def _cadence_line(account_id: int, account: pd.Series) -> None:
    as_of = data.today()
    window = engagement.CADENCE_WINDOW_DAYS
    row = engagement.cadence_compliance(
        data.accounts().loc[[account_id]], data.touches(as_of, window), as_of).iloc[0]
    own = pd.notna(account.get("cadence_per_quarter"))
    source = "agreed for this account" if own else (
        "key-account default" if account["is_key"] else "default for other accounts")
    touches = int(row["touches"])
    text = (f"**Cadence:** {touches} touch{'es' if touches != 1 else ''} in the last {window} "
            f"days against {row['target']:g} per quarter ({source}).")
    if pd.notna(row["days_since_touch"]):
        days = int(row["days_since_touch"])
        text += " Last touch " + ("today." if days == 0 else "yesterday." if days == 1 else
                                  f"{days} days ago.")
    done = st.session_state.pop(_CADENCE_SAVED, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    if row["target"] <= 0:
        st.markdown(text.replace(f"against {row['target']:g} per quarter", "with no cadence"))
    elif row["behind"]:
        st.warning(text + f" Behind by {row['touches_short']}.", icon=":material/schedule:")
    else:
        st.markdown(text + " On track.")
    st.caption(f"A touch is a {engagement.cadence_kinds_text()}; e-mails do not count.")
    _cadence_control(account_id, account)


def _cadence_control(account_id: int, account: pd.Series) -> None:
    """The agreed cadence, and a small form to change it (disabled in read-only mode, and
    for a user who may not edit this account)."""
    refused = edit_refusal(account_id)
    locked = store.read_only() or refused is not None
    tier = data.accounts().loc[[account_id]].drop(columns="cadence_per_quarter")
    default = int(engagement.cadence_targets(tier).iloc[0])  # the tier's, not the account's
    own = account.get("cadence_per_quarter")
    current = None if pd.isna(own) else int(own)
    with st.popover("Change the agreed cadence", icon=":material/edit_calendar:",
                    disabled=locked, key="account_cadence_popover",
                    help=refused or ("Switched off: this is a read-only demo, nothing can be "
                                     "saved." if locked else None)):
        with st.form("account_cadence_form", border=False, enter_to_submit=False):
            # No bounds on the field: Streamlit would quietly reset a value outside them to
            # the default (and save that); the store's check says what is wrong instead.
            value = st.number_input(
                "Touches per quarter", value=current, step=1, key=cadence_key(account_id),
                disabled=locked,
                placeholder=f"tier default: {default}",
                help=f"Touches ({engagement.cadence_kinds_text()}) agreed per quarter, 0 "
                     f"to {store.MAX_CADENCE_PER_QUARTER}. 0: no cadence agreed; empty: the "
                     f"tier default ({default}).")
            saved = st.form_submit_button("Save cadence", type="primary", disabled=locked)
            # A field with a number cannot be emptied again: going back has its own button.
            reset = current is not None and st.form_submit_button(
                f"Back to the default ({default})", disabled=locked)
        if not (saved or reset) or locked:
            return
        value = None if reset else value
        try:
            store.set_cadence(data.engine(), account_id, value, actor=current_actor())
        except store.CadenceRejected as exc:
            st.error(plain(str(exc)), icon=":material/error:")
            return
        except WRITE_ERRORS as exc:
            st.error(plain(write_failed(exc)), icon=":material/error:")
            return
    agreed = (f"back to the default of {default} touches per quarter" if value is None else
              "no cadence agreed" if value == 0 else f"{value} touches per quarter agreed")
    st.session_state[_CADENCE_SAVED] = plain(f"Cadence saved: {agreed}.")
    st.session_state.pop(cadence_key(account_id), None)  # the field shows what was saved
    st.rerun()


def _engagement_section(account_id: int, account: pd.Series) -> None:
    name = str(account["name"])
    _cadence_line(account_id, account)
    today = data.today()
    start = (pd.Timestamp(today) - pd.DateOffset(months=TIMELINE_MONTHS - 1)).to_period(
        "M").to_timestamp()
    events = data.account_engagements(account_id)
    recent = events[events["date"] >= start]
    if recent.empty:
        st.info(f"No engagements logged in the last {TIMELINE_MONTHS} months. Log the next "
                "visit, meeting or call below.", icon=":material/event_busy:")
    else:
        st.plotly_chart(charts.engagement_timeline(
            recent, f"Engagements with {name}, last {TIMELINE_MONTHS} months"),
            width="stretch", key="account_timeline")
    counts = data.monthly_engagement(account_id, start.date())
    touched = data.stakeholders_touched(account_id=account_id, since=start.date())
    am = data.account_months()
    trend = engagement.monthly_trend(counts, touched, am[am["account_id"] == account_id],
                                     start, today)
    st.plotly_chart(charts.monthly_trend(trend, "Engagements per month and people met",
                                         partial_month=True),
                    width="stretch", key="account_monthly_trend")
    st.caption(charts.PARTIAL_MONTH_NOTE)
    left, right = st.columns(2)
    left.plotly_chart(charts.satisfaction_line(trend, partial_month=True), width="stretch",
                      key="account_satisfaction")
    right.plotly_chart(charts.revenue_line(trend, partial_month=True), width="stretch",
                       key="account_revenue")
    last_revenue = trend["revenue"].dropna()
    if last_revenue.empty:
        right.caption("No revenue recorded in these months.")
    else:
        right.caption(f"Latest month ({last_revenue.index[-1]:%B %Y}): "
                      f"{money(last_revenue.iloc[-1])}.")
    if not recent.empty:
        with st.expander(f"All {len(recent):,} engagements of the last {TIMELINE_MONTHS} "
                         "months"):
            st.dataframe(
                recent.assign(kind=recent["kind"].map(engagement.KIND_LABELS),
                              sentiment=recent["sentiment"].map(SENTIMENT_CHOICES)),
                hide_index=True, width="stretch", key="account_engagements",
                column_order=["date", "kind", "stakeholder", "summary", "sentiment",
                              "logged_by"],
                column_config={
                    "date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
                    "kind": "Kind", "stakeholder": "With", "summary": "Summary",
                    "sentiment": "How it went", "logged_by": "Logged by",
                },
            )


def _account(account_id: int) -> pd.Series | None:
    accounts = data.accounts()
    if account_id not in accounts.index:
        st.warning(f"There is no account with id {int(account_id)}.")
        return None
    return accounts.loc[account_id]


def render_health(account_id: int) -> None:
    """Health of one account: badge, reason, 12-month trend, the measures behind it."""
    account = _account(account_id)
    if account is not None:
        _health_section(account_id, account)


def render_engagement(account_id: int) -> None:
    """Engagement with one account: cadence (changeable), timeline, monthly trend,
    satisfaction and revenue."""
    account = _account(account_id)
    if account is not None:
        _engagement_section(account_id, account)


# --- logging an engagement -------------------------------------------------------------------


def _people(account_id: int) -> pd.Series:
    """The account's stakeholders for the picker: id -> 'Name (title)', former ones last."""
    all_people = data.stakeholders()
    people = all_people[all_people["account_id"] == account_id].sort_values(
        ["active", "name"], ascending=[False, True])
    title = people["title"].fillna("").astype(str)
    label = people["name"].astype(str) + title.map(lambda t: f" ({t})" if t else "")
    label = label.where(people["active"], label + " (former)")
    return pd.Series(label.to_numpy(), index=people["stakeholder_id"].astype(int).to_numpy())


def _clear_form() -> None:
    for field in _FIELDS:
        st.session_state.pop(_key(field), None)


def render_log_engagement(account_id: int) -> None:
    """A form to log a visit, meeting, call, QBR, workshop or e-mail with this account.
    Disabled, with the reason, in read-only mode."""
    st.subheader("Log an engagement")
    done = st.session_state.pop(_LOGGED, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    refused = edit_refusal(account_id)
    locked = store.read_only() or refused is not None
    if store.read_only():
        st.info("Logging is switched off: this is a read-only demo, nothing can be saved.",
                icon=":material/lock:")
    elif refused:
        st.info(plain(refused), icon=":material/lock:")
        return
    accounts = data.accounts()
    if account_id not in accounts.index:
        st.warning(f"There is no account with id {int(account_id)}.")
        return
    people = _people(account_id)
    today = data.today()
    with st.form(FORM_KEY, clear_on_submit=False, enter_to_submit=False):
        c1, c2, c3 = st.columns([1, 1, 2])
        day = c1.date_input("Date", value=today, key=_key("date"), disabled=locked,
                            help="When it happened (not in the future)")
        kind = c2.selectbox("Kind", list(engagement.KINDS), key=_key("kind"),
                            format_func=engagement.KIND_LABELS.get, disabled=locked)
        person = c3.selectbox(
            "With (optional)", [None, *people.index.tolist()], key=_key("stakeholder"),
            format_func=lambda i: "Nobody in particular" if i is None else people.get(i, i),
            disabled=locked)
        summary = st.text_area(
            "Summary", key=_key("summary"), max_chars=store.MAX_SUMMARY, disabled=locked,
            placeholder="What happened, what was agreed, the next step")
        c4, c5 = st.columns([2, 1])
        sentiment = c4.select_slider(
            "How did it go?", options=list(SENTIMENT_CHOICES), value=0, key=_key("sentiment"),
            format_func=SENTIMENT_CHOICES.get, disabled=locked)
        c5.caption(plain(f"Logged by {current_actor().name}"))
        submitted = st.form_submit_button("Log engagement", type="primary", disabled=locked,
                                          icon=":material/add:")
    if not submitted or locked:
        return
    try:
        store.log_engagement(data.engine(), account_id, day, kind, summary, sentiment,
                             stakeholder_id=person, actor=current_actor(), today=today)
    except store.EngagementRejected as exc:
        st.error("Nothing was saved. Please fix: " + "; ".join(plain(p) for p in exc.problems)
                 + ".", icon=":material/error:")
        return
    except WRITE_ERRORS as exc:
        st.error(plain(write_failed(exc)), icon=":material/error:")
        return
    who = "" if person is None else f" with {people.get(person, '')}"
    st.session_state[_LOGGED] = plain(
        f"Logged: {engagement.KIND_LABELS[kind].lower()}{who} on {day:%d %b %Y}.")
    _clear_form()
    st.rerun()
