"""The demo portfolio: deterministic, believable, and every story account tells its story."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, text

from kamdash import criteria, db, demo, store
from kamdash.models import (
    Account,
    AccountMonth,
    Designation,
    Engagement,
    EngagementKind,
    Manager,
    ManagerRole,
    Rating,
    Role,
    Stakeholder,
)
from kamdash.scoring import score_accounts
from kamdash.selection import DEFAULT_WEIGHTS

TODAY = date(2026, 11, 15)
SMALL = 60  # the size the app's tests use


def seeded(path, n=SMALL, seed=7, today=TODAY):
    engine = db.make_engine(f"sqlite:///{path}")
    demo.seed_demo(engine, n_accounts=n, seed=seed, today=today)
    return engine


@pytest.fixture(scope="module")
def default_portfolio():
    """The default 300-account portfolio as rows (pure, no database), built once."""
    return demo.build_portfolio(300, seed=7, today=TODAY)


@pytest.fixture(scope="module", params=[20, 40, 300], ids=lambda n: f"{n}_accounts")
def story_db(request, tmp_path_factory):
    """A seeded SQLite file per portfolio size; the story tests only read it."""
    engine = seeded(tmp_path_factory.mktemp("demo") / "demo.db", n=request.param)
    yield engine
    engine.dispose()


def frame(rows, table) -> pd.DataFrame:
    return pd.DataFrame(rows[table])


def key_today(rows) -> pd.Series:
    """Key status today per account id: the latest designation row, False without one."""
    des = frame(rows, Designation).sort_values(["changed_on", "id"])
    latest = des.groupby("account_id")["is_key"].last()
    ids = frame(rows, Account)["id"]
    return latest.reindex(ids).fillna(False).astype(bool)


def account_id(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(Account.id).where(Account.name == name)).scalar_one()


def engagements(engine) -> pd.DataFrame:
    df = store.read_frame(engine, select(Engagement))
    df["date"] = pd.to_datetime(df["date"]).dt.date
    return df


def touches_between(eng: pd.DataFrame, acc: int, newest_days_ago: int, oldest_days_ago: int):
    """Engagements of ``acc`` dated in (today - oldest_days_ago, today - newest_days_ago]."""
    d = eng.loc[eng["account_id"] == acc, "date"]
    return int(((d > TODAY - timedelta(days=oldest_days_ago))
                & (d <= TODAY - timedelta(days=newest_days_ago))).sum())


def default_ranking(engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    accounts = store.load_accounts(engine)
    ratings = store.load_ratings(engine).reindex(accounts.index)
    ranked = score_accounts(ratings, DEFAULT_WEIGHTS, missing="floor")
    return accounts, ranked


# --- determinism -------------------------------------------------------------------------


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by primary key."""
    out = {}
    with engine.connect() as conn:
        for table in store.TABLES_IN_FK_ORDER:
            t = table.__table__
            out[t.name] = conn.execute(select(t).order_by(*t.primary_key.columns)).all()
    return out


def test_same_seed_twice_writes_identical_rows_in_every_table(tmp_path):
    first = dump(seeded(tmp_path / "a.db", n=40))
    second = dump(seeded(tmp_path / "b.db", n=40))
    assert first == second
    assert all(first[t.__tablename__] for t in demo.build_portfolio(40, today=TODAY))


def test_a_different_seed_gives_a_different_portfolio():
    a = demo.build_portfolio(SMALL, seed=7, today=TODAY)
    b = demo.build_portfolio(SMALL, seed=8, today=TODAY)
    assert {r["name"] for r in a[Account]} != {r["name"] for r in b[Account]}
    assert a[Rating] != b[Rating]
    assert a[Engagement] != b[Engagement]
    # The story accounts exist whatever the seed.
    assert set(demo.STORY_ACCOUNTS) <= {r["name"] for r in b[Account]}


def test_build_portfolio_is_deterministic_for_a_fixed_today(default_portfolio):
    assert demo.build_portfolio(300, seed=7, today=TODAY) == default_portfolio


def test_dates_follow_the_given_today():
    later = TODAY + timedelta(days=45)
    rows = demo.build_portfolio(SMALL, today=later)
    assert max(r["date"] for r in rows[Engagement]) <= later
    assert max(r["date"] for r in rows[Engagement]) > TODAY


def test_seed_demo_reports_the_rows_it_wrote_per_table(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    counts = demo.seed_demo(engine, n_accounts=SMALL, today=TODAY)
    with engine.connect() as conn:
        for table, n in counts.items():
            assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == n
    assert counts["account"] == SMALL
    assert counts["account_month"] == SMALL * 24


def test_demo_seeds_and_reads_back_on_every_supported_database(engine):
    counts = demo.seed_demo(engine, n_accounts=demo.MIN_ACCOUNTS, today=TODAY)
    accounts = store.load_accounts(engine)
    assert len(accounts) == counts["account"] == demo.MIN_ACCOUNTS
    assert set(demo.STORY_ACCOUNTS) <= set(accounts["name"])
    assert accounts["is_key"].sum() >= 3
    assert len(store.load_ratings(engine)) == demo.MIN_ACCOUNTS


def test_seed_demo_replaces_what_was_there(tmp_path):
    engine = seeded(tmp_path / "demo.db", n=40)
    demo.seed_demo(engine, n_accounts=SMALL, seed=3, today=TODAY)
    assert len(store.load_accounts(engine)) == SMALL


def test_fewer_than_20_accounts_is_refused():
    with pytest.raises(ValueError, match="at least 20 accounts"):
        demo.build_portfolio(19)
    with pytest.raises(ValueError):
        demo.build_portfolio(0)


def test_rows_hold_plain_python_values_not_numpy_scalars():
    rows = demo.build_portfolio(demo.MIN_ACCOUNTS, today=TODAY)
    allowed = (int, float, str, bool, date, type(None))
    for table, batch in rows.items():
        for row in batch:
            bad = {k: type(v) for k, v in row.items() if not isinstance(v, allowed)}
            assert not bad, (table.__name__, bad)
            assert not any(isinstance(v, np.generic) for v in row.values())


# --- accounts, managers, key list ---------------------------------------------------------


def test_default_portfolio_makes_5_to_8_percent_of_accounts_key(default_portfolio):
    share = key_today(default_portfolio).mean()
    assert 0.05 <= share <= 0.08


def test_small_portfolios_still_have_a_handful_of_key_accounts():
    assert key_today(demo.build_portfolio(40, today=TODAY)).sum() >= 3


def test_revenue_is_pareto_shaped_top_fifth_brings_70_percent_or_more(default_portfolio):
    revenue = frame(default_portfolio, Account)["annual_revenue"].sort_values(ascending=False)
    top = revenue.head(len(revenue) // 5).sum() / revenue.sum()
    assert top >= 0.70
    assert revenue.min() >= 5_000 and revenue.max() <= 3_000_000


def test_account_names_are_unique_and_read_like_companies(default_portfolio):
    names = frame(default_portfolio, Account)["name"]
    assert names.is_unique
    assert not names.str.contains(r"\d").any()
    assert set(demo.STORY_ACCOUNTS) <= set(names)


def test_accounts_have_industry_location_size_and_tenure(default_portfolio):
    accounts = frame(default_portfolio, Account)
    assert 8 <= accounts["industry"].nunique() <= 10
    assert accounts[["country", "city", "employees"]].notna().all().all()
    assert accounts["country"].value_counts().get("United States", 0) < len(accounts) * 0.1
    years = (TODAY - accounts["customer_since"]).map(lambda d: d.days / 365.25)
    assert years.between(0.99, 20.01).all()


def test_managers_are_kams_and_account_managers_with_company_emails(default_portfolio):
    managers = frame(default_portfolio, Manager)
    kams = managers[managers["role"] == ManagerRole.kam.value]
    ams = managers[managers["role"] == ManagerRole.account_manager.value]
    assert 6 <= len(kams) <= 8 and kams["capacity"].between(4, 7).all()
    assert 3 <= len(ams) <= 4 and ams["capacity"].between(15, 20).all()
    assert managers["email"].str.fullmatch(r"[a-z]+\.[a-z]+@kamdash\.example").all()


def test_key_accounts_belong_to_kams_and_one_kam_is_overloaded(default_portfolio):
    accounts = frame(default_portfolio, Account).set_index("id")
    managers = frame(default_portfolio, Manager).set_index("id")
    key = accounts[key_today(default_portfolio)]
    assert (managers.loc[key["manager_id"], "role"] == ManagerRole.kam.value).all()
    key_load = key.groupby("manager_id").size()
    overloaded = key_load[key_load > managers.loc[key_load.index, "capacity"]]
    assert managers.loc[overloaded.index, "name"].tolist() == [demo.OVERLOADED_KAM]


def test_key_accounts_were_designated_one_to_six_years_ago(default_portfolio):
    des = frame(default_portfolio, Designation)
    key_ids = key_today(default_portfolio)[lambda s: s].index
    since = des[des["account_id"].isin(key_ids)].groupby("account_id")["changed_on"].max()
    days = since.map(lambda d: (TODAY - d).days)
    assert days.between(365, 6 * 366).all()
    assert des["changed_by"].notna().all() and des["reason"].notna().all()


def test_some_accounts_were_demoted_in_an_earlier_review(default_portfolio):
    des = frame(default_portfolio, Designation).sort_values(["changed_on", "id"])
    history = des.groupby("account_id")["is_key"].agg(list)
    assert sum(h[:2] == [True, False] for h in history) >= 2


# --- ratings -----------------------------------------------------------------------------


def test_ratings_are_1_to_10_with_some_criteria_unrated_and_some_history(default_portfolio):
    ratings = frame(default_portfolio, Rating)
    assert ratings["value"].between(1, 10).all()
    assert set(ratings["criterion"]) == set(criteria.KEYS)
    rated = ratings.groupby("account_id")["criterion"].nunique()
    missing = len(criteria.KEYS) - rated.reindex(frame(default_portfolio, Account)["id"])
    assert (missing > 0).mean() > 0.5
    assert 0.03 <= (missing > 3).mean() <= 0.2
    repeated = ratings.groupby(["account_id", "criterion"]).size()
    assert 0.1 <= (repeated > 1).mean() <= 0.6
    assert ratings["rated_by"].isin(frame(default_portfolio, Manager)["name"]).all()


def test_most_key_accounts_rank_in_the_top_n_under_default_weights(story_db):
    accounts, ranked = default_ranking(story_db)
    n_key = int(accounts["is_key"].sum())
    top = ranked.index[:n_key]
    stays = accounts.loc[top, "is_key"].sum()
    assert n_key / 2 < stays < n_key


# --- stakeholders and engagement ---------------------------------------------------------


def test_every_account_has_2_to_12_stakeholders_key_accounts_6_or_more(default_portfolio):
    per_account = frame(default_portfolio, Stakeholder).groupby("account_id").size()
    per_account = per_account.reindex(frame(default_portfolio, Account)["id"], fill_value=0)
    assert per_account.between(2, 12).all()
    key = key_today(default_portfolio)
    assert per_account[key.to_numpy()].min() >= 6


def test_stakeholders_form_one_reporting_tree_per_account(default_portfolio):
    people = frame(default_portfolio, Stakeholder).set_index("id")
    roots = people[people["reports_to_id"].isna()].groupby("account_id").size()
    assert (roots == 1).all() and len(roots) == people["account_id"].nunique()
    managed = people.dropna(subset=["reports_to_id"])
    bosses = people.loc[managed["reports_to_id"].astype(int)]
    assert (bosses["account_id"].to_numpy() == managed["account_id"].to_numpy()).all()
    assert (managed["reports_to_id"] < managed.index).all()  # no cycles


def test_stakeholder_roles_stances_and_influence_are_canonical(default_portfolio):
    people = frame(default_portfolio, Stakeholder)
    roles = people["roles"].str.split(";").explode()
    assert set(roles[roles != ""]) == {r.value for r in Role}
    assert people["stance"].between(-2, 2).all() and (people["stance"] < 0).any()
    assert (people["stance"] >= 0).mean() > 0.8
    assert set(people["influence"]) == {"low", "medium", "high"}
    assert people["name"].str.fullmatch(r"\S+ .+").all()
    assert not people["active"].all()
    ambassador = people["roles"].str.contains(Role.ambassador.value)
    lacking = 1 - people[ambassador]["account_id"].nunique() / people["account_id"].nunique()
    assert 0.25 <= lacking <= 0.6


def test_a_key_account_has_a_hostile_decision_maker(default_portfolio):
    people = frame(default_portfolio, Stakeholder)
    key_ids = key_today(default_portfolio)[lambda s: s].index
    hostile = people[people["account_id"].isin(key_ids)
                     & people["roles"].str.contains(Role.decision_maker.value)
                     & (people["stance"] < 0)]
    assert len(hostile) >= 1


def test_engagements_cover_24_months_and_none_lies_after_today(default_portfolio):
    eng = frame(default_portfolio, Engagement)
    assert eng["date"].max() <= TODAY
    assert eng["date"].min() >= TODAY - timedelta(days=730)
    assert set(eng["kind"]) == {k.value for k in EngagementKind}
    assert eng["sentiment"].between(-2, 2).all() and eng["summary"].str.len().gt(10).all()
    assert eng["logged_by"].isin(frame(default_portfolio, Manager)["name"]).all()


def test_no_date_anywhere_lies_after_today(default_portfolio):
    for table, column in ((Account, "customer_since"), (Rating, "rated_on"),
                          (Designation, "changed_on"), (AccountMonth, "month")):
        assert max(r[column] for r in default_portfolio[table]) <= TODAY, table.__name__


def test_key_accounts_are_touched_far_more_often_than_the_rest(default_portfolio):
    eng = frame(default_portfolio, Engagement)
    per_month = eng.groupby("account_id").size().reindex(
        frame(default_portfolio, Account)["id"], fill_value=0) / 24
    key = key_today(default_portfolio).to_numpy()
    assert 3 <= per_month[key].median() <= 6.5
    assert 0.2 <= per_month[~key].median() <= 1.3
    qbrs = eng[eng["kind"] == EngagementKind.qbr.value]
    assert set(qbrs["account_id"]) <= set(key_today(default_portfolio)[lambda s: s].index)


def test_engagements_name_people_of_their_own_account(default_portfolio):
    eng = frame(default_portfolio, Engagement).dropna(subset=["stakeholder_id"])
    owner = frame(default_portfolio, Stakeholder).set_index("id")["account_id"]
    assert (owner.loc[eng["stakeholder_id"].astype(int)].to_numpy()
            == eng["account_id"].to_numpy()).all()
    assert 0.8 < len(eng) / len(default_portfolio[Engagement]) < 1


def test_a_handful_of_key_accounts_are_behind_cadence(default_portfolio):
    eng = frame(default_portfolio, Engagement)
    recent = eng[eng["date"] > TODAY - timedelta(days=90)].groupby("account_id").size()
    key_ids = key_today(default_portfolio)[lambda s: s].index
    quiet = recent.reindex(key_ids, fill_value=0) <= 3
    assert 2 <= quiet.sum() <= 5


def test_every_account_has_24_months_with_surveyed_satisfaction(default_portfolio):
    months = frame(default_portfolio, AccountMonth)
    assert (months.groupby("account_id").size() == 24).all()
    assert (months["month"].map(lambda d: d.day) == 1).all()
    assert months["revenue"].gt(0).all()
    sat = months["satisfaction"].dropna()
    assert sat.between(0, 10).all() and (sat.round(1) == sat).all()
    key_ids = key_today(default_portfolio)[lambda s: s].index
    per_key = months[months["account_id"].isin(key_ids)].groupby("account_id")["satisfaction"]
    assert (per_key.count() >= 8).all()  # at least quarterly
    accounts = frame(default_portfolio, Account).set_index("id")
    last12 = months.sort_values("month").groupby("account_id")["revenue"].apply(
        lambda r: r.tail(12).sum())
    assert np.allclose(last12, accounts.loc[last12.index, "annual_revenue"], atol=1)


# --- the four stories --------------------------------------------------------------------


def test_single_threaded_story_talks_to_one_stakeholder_only_in_the_last_120_days(story_db):
    acc = account_id(story_db, demo.STORY_SINGLE_THREADED)
    accounts = store.load_accounts(story_db)
    assert accounts.loc[acc, "is_key"]
    people = store.read_frame(story_db, select(Stakeholder).where(Stakeholder.account_id == acc))
    assert len(people) >= 6
    assert people["roles"].str.split(";").explode().nunique() >= 4
    eng = engagements(story_db)
    recent_cut = TODAY - timedelta(days=120)
    recent = eng[(eng["account_id"] == acc) & (eng["date"] > recent_cut)]
    assert len(recent) >= 5
    assert recent["stakeholder_id"].notna().all() and recent["stakeholder_id"].nunique() == 1
    last_touch = eng[eng["account_id"] == acc].groupby("stakeholder_id")["date"].max()
    others = last_touch.drop(int(recent["stakeholder_id"].iloc[0]))
    assert (others <= recent_cut).all()
    # The worst coverage among key accounts: nobody else talks to just one person lately.
    key_ids = accounts.index[accounts["is_key"]]
    lately = eng[eng["account_id"].isin(key_ids) & (eng["date"] > recent_cut)]
    reach = lately.groupby("account_id")["stakeholder_id"].nunique()
    reach = reach.reindex(key_ids, fill_value=0)
    assert reach.idxmin() == acc and (reach.drop(acc) >= 2).all()


def test_rising_story_is_not_key_and_ranks_top_5_under_default_weights(story_db):
    accounts, ranked = default_ranking(story_db)
    acc = account_id(story_db, demo.STORY_RISING)
    assert not accounts.loc[acc, "is_key"]
    assert ranked.loc[acc, "rank"] <= 5
    months = store.read_frame(
        story_db, select(AccountMonth).where(AccountMonth.account_id == acc)
    ).sort_values("month")
    revenue = months["revenue"].to_numpy()
    assert revenue[-3:].sum() > 1.7 * revenue[:3].sum()  # roughly doubled in two years
    eng = engagements(story_db)
    assert touches_between(eng, acc, 0, 180) > 2 * touches_between(eng, acc, 540, 730)


def test_declining_story_engagement_falls_by_over_a_third_each_quarter(story_db):
    acc = account_id(story_db, demo.STORY_DECLINING)
    assert store.load_accounts(story_db).loc[acc, "is_key"]
    eng = engagements(story_db)
    q = [touches_between(eng, acc, 90 * k, 90 * (k + 1)) for k in range(3)]  # newest first
    assert q[0] < 2 / 3 * q[1]
    assert q[1] < 2 / 3 * q[2]
    months = store.read_frame(
        story_db, select(AccountMonth).where(AccountMonth.account_id == acc)
    ).sort_values("month")
    sat = months["satisfaction"].dropna().to_numpy()  # surveyed monthly: a key account
    assert len(sat) == 24
    assert sat[-10] >= 8.0 and sat[-1] <= 6.0  # slid over the last nine months
    revenue = months["revenue"].to_numpy()
    assert revenue[-3:].sum() < revenue[-6:-3].sum()


def test_demotion_story_is_a_big_old_key_account_outside_the_top_n(story_db):
    accounts, ranked = default_ranking(story_db)
    acc = account_id(story_db, demo.STORY_DEMOTION)
    n_key = int(accounts["is_key"].sum())
    assert accounts.loc[acc, "is_key"]
    assert ranked.loc[acc, "rank"] > n_key
    revenue_rank = accounts["annual_revenue"].rank(ascending=False)
    assert revenue_rank[acc] <= 3
    assert accounts.loc[acc, "status_since"] <= pd.Timestamp(TODAY - timedelta(days=4 * 365))


def _dump(url: str) -> dict[str, list[tuple]]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        return {t.__tablename__: [tuple(r) for r in conn.execute(
                    select(t.__table__).order_by(*t.__table__.primary_key.columns))]
                for t in (Manager, Account, Rating, Stakeholder, Engagement, AccountMonth,
                          Designation)}


def test_the_demo_command_with_the_same_seed_and_day_writes_identical_databases(
        tmp_path, monkeypatch, capsys):
    from kamdash.__main__ import main

    dumps = []
    for name in ("a.db", "b.db"):
        url = f"sqlite:///{tmp_path / name}"
        monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
        assert main(["demo", "--accounts", "25", "--seed", "3", "--today", "2026-06-30"]) == 0
        dumps.append(_dump(url))
    assert dumps[0] == dumps[1]
    days = store.export_rows(db.make_engine(f"sqlite:///{tmp_path / 'a.db'}"), "engagements")
    assert pd.to_datetime(days["date"]).max() <= pd.Timestamp("2026-06-30")


def test_the_demo_day_defaults_to_kamdash_today(tmp_path, monkeypatch):
    from kamdash.__main__ import main

    url = f"sqlite:///{tmp_path / 'fixed.db'}"
    monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
    monkeypatch.setenv("KAMDASH_TODAY", "2025-03-31")
    assert main(["demo", "--accounts", "25"]) == 0
    days = store.export_rows(db.make_engine(url), "engagements")["date"]
    assert pd.to_datetime(days).max() <= pd.Timestamp("2025-03-31")
    assert pd.to_datetime(days).max() >= pd.Timestamp("2025-03-01")


def test_a_demo_day_that_is_not_a_date_is_a_usage_error(monkeypatch, capsys):
    from kamdash.__main__ import main

    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--today", "31/03/2025"])
    assert exit_.value.code == 2
    assert "'31/03/2025' is not a date; write YYYY-MM-DD" in capsys.readouterr().err
