"""Two scenarios side by side: how far their rankings agree and who is key in only one.

Pure pandas (scipy for the rank correlations); the Selection page feeds it two
``score_accounts`` rankings and the key-account choice of each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Comparison:
    """Scenario A against scenario B."""

    spearman: float  # rank correlation of the two scores (NaN with fewer than two accounts)
    kendall: float  # Kendall's tau-b of the two scores
    overlap: float  # Jaccard index of the two key sets, 0..1 (1.0 when both are empty)
    only_a: pd.Index  # key under A only
    only_b: pd.Index  # key under B only
    both: pd.Index  # key under both
    moves: pd.DataFrame  # rank_a, rank_b, shift = rank_a - rank_b; biggest |shift| first


def compare_rankings(ranked_a: pd.DataFrame, ranked_b: pd.DataFrame, key_a: pd.Series,
                     key_b: pd.Series) -> Comparison:
    """Compare two rankings (``score_accounts`` frames: index account id, ``score``,
    ``rank``) and their key sets (boolean Series on the same ids).

    The correlations run over the accounts scored in both; ``moves`` covers the accounts
    ranked in both, sorted by |shift| descending, ties by account id. A positive shift means
    the account ranks better under B.
    """
    for name, frame in (("ranked_a", ranked_a), ("ranked_b", ranked_b)):
        missing = {"score", "rank"} - set(frame.columns)
        if missing:
            raise ValueError(f"{name} lacks the column(s) {', '.join(sorted(missing))}")
    common = ranked_a.index.intersection(ranked_b.index, sort=False).sort_values()
    score_a = ranked_a["score"].reindex(common).to_numpy(dtype=float)
    score_b = ranked_b["score"].reindex(common).to_numpy(dtype=float)
    scored = ~np.isnan(score_a) & ~np.isnan(score_b)
    spearman = kendall = float("nan")
    if scored.sum() >= 2:
        spearman = float(stats.spearmanr(score_a[scored], score_b[scored]).statistic)
        kendall = float(stats.kendalltau(score_a[scored], score_b[scored],
                                         variant="b").statistic)

    set_a = key_a.index[key_a.fillna(False).to_numpy(dtype=bool)]
    set_b = key_b.index[key_b.fillna(False).to_numpy(dtype=bool)]
    both = set_a.intersection(set_b).sort_values()
    union = set_a.union(set_b)
    overlap = 1.0 if len(union) == 0 else len(both) / len(union)

    rank_a = ranked_a["rank"].reindex(common).to_numpy()
    rank_b = ranked_b["rank"].reindex(common).to_numpy()
    shift = rank_a - rank_b
    order = np.lexsort((common.to_numpy(), -np.abs(shift)))
    moves = pd.DataFrame({"rank_a": rank_a[order], "rank_b": rank_b[order],
                          "shift": shift[order]}, index=common[order])
    return Comparison(
        spearman=spearman, kendall=kendall, overlap=overlap,
        only_a=set_a.difference(set_b).sort_values(),
        only_b=set_b.difference(set_a).sort_values(),
        both=both, moves=moves,
    )
