"""Two scenarios side by side: rank agreement, key-set overlap and who moves most."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamdash.compare import compare_rankings
from kamdash.scoring import score_accounts


def ranked(scores: dict[int, float]) -> pd.DataFrame:
    frame = pd.DataFrame({"score": list(scores.values())}, index=pd.Index(scores, name="id"))
    frame = frame.sort_values("score", ascending=False, kind="stable")
    return frame.assign(rank=np.arange(1, len(frame) + 1))


def top(frame: pd.DataFrame, n: int) -> pd.Series:
    return pd.Series(np.arange(len(frame)) < n, index=frame.index)


def test_two_rankings_are_compared_with_known_answers():
    a = ranked({1: 9.0, 2: 8.0, 3: 7.0, 4: 6.0})
    b = ranked({1: 6.0, 2: 9.0, 3: 8.0, 4: 7.0})
    result = compare_rankings(a, b, top(a, 2), top(b, 2))
    assert result.spearman == pytest.approx(-0.2)  # 1 - 6 * 12 / (4 * 15)
    assert result.kendall == pytest.approx(0.0)  # three concordant pairs, three discordant
    assert result.overlap == pytest.approx(1 / 3)
    assert list(result.only_a) == [1] and list(result.only_b) == [3]
    assert list(result.both) == [2]
    assert result.moves.to_dict("index") == {
        1: {"rank_a": 1, "rank_b": 4, "shift": -3},
        2: {"rank_a": 2, "rank_b": 1, "shift": 1},
        3: {"rank_a": 3, "rank_b": 2, "shift": 1},
        4: {"rank_a": 4, "rank_b": 3, "shift": 1},
    }
    assert list(result.moves.index) == [1, 2, 3, 4]  # |shift| descending, ties by id


def test_identical_rankings_agree_fully():
    a = ranked({3: 9.0, 1: 7.0, 2: 5.0})
    result = compare_rankings(a, a, top(a, 1), top(a, 1))
    assert (result.spearman, result.kendall, result.overlap) == (1.0, 1.0, 1.0)
    assert result.moves["shift"].tolist() == [0, 0, 0]
    assert list(result.moves.index) == [1, 2, 3]


def test_kendall_is_tau_b_with_ties_as_scipy_computes_it():
    a = ranked({1: 9.0, 2: 9.0, 3: 7.0, 4: 6.0})
    b = ranked({1: 8.0, 2: 7.0, 3: 7.0, 4: 6.0})
    result = compare_rankings(a, b, top(a, 0), top(b, 0))
    # concordant 4, discordant 0; ties in a only: 1, in b only: 1 -> 4 / sqrt(5 * 5)
    assert result.kendall == pytest.approx(0.8)
    assert result.overlap == 1.0  # both key sets empty


def test_accounts_scored_in_only_one_ranking_are_left_out_of_the_correlation():
    a = ranked({1: 9.0, 2: 8.0, 3: 7.0, 4: np.nan})
    b = ranked({1: 9.0, 2: 8.0, 3: 7.0, 4: 5.0, 5: 1.0})
    result = compare_rankings(a, b, top(a, 1), top(b, 1))
    assert result.spearman == 1.0 and result.kendall == 1.0
    assert sorted(result.moves.index) == [1, 2, 3, 4]  # 5 is not ranked under A


def test_it_reads_score_accounts_output():
    ratings = pd.DataFrame({"solvency": [9.0, 2.0, 5.0], "tenure": [1.0, 9.0, 5.0]},
                           index=[10, 20, 30])
    a = score_accounts(ratings, {"solvency": 1})
    b = score_accounts(ratings, {"tenure": 1})
    result = compare_rankings(a, b, top(a, 1), top(b, 1))
    assert result.spearman == pytest.approx(-1.0)
    assert list(result.only_a) == [10] and list(result.only_b) == [20]
    assert result.moves.loc[10, "shift"] == 1 - 3


def test_a_frame_without_ranks_is_refused_with_the_column_named():
    with pytest.raises(ValueError, match="ranked_b lacks the column"):
        compare_rankings(ranked({1: 1.0}), pd.DataFrame({"score": [1.0]}),
                         pd.Series([True], index=[1]), pd.Series([True], index=[1]))
