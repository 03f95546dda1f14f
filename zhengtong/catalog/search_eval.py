"""
Search quality: precision@5 and recall@10 over a set of citizen queries.

The set (``search_queries.json``) holds colloquial queries as people type
them (办营业执照, 生孩子要办什么, 退休手续 …), each with the item names a hall
clerk would point to first (``expected``) and the items that are fine to
show beside them (``related``, e.g. the other 社会保障卡 items for 社保卡丢了).
Names are those of the demo catalogue (广安区 + 灵山县 guides).

Metrics, per query, then averaged over the set:

- **precision@5**: the share of the results shown in the first five places
  (five, or fewer when search returns fewer) that are expected or related.
  A query with no result scores 0.
- **recall@10**: the share of the expected items found in the first ten.
- **MRR**: 1 / rank of the first expected item (0 when not in the first ten).

``evaluate`` takes the ranking function, so a test can score a deliberately
wrong ranking (the catalogue in reverse order of relevance) and check that
the metric notices.

中文：检索质量评测（前5准确率、前10召回率）
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import ServiceItem
from .search import index_get

QUERIES_PATH = Path(__file__).resolve().parent / "search_queries.json"
PRECISION_K = 5
RECALL_K = 10

Ranking = Callable[[str], Sequence[str]]


@dataclass
class QueryResult:
    """One query's results and scores."""

    q: str
    split: str
    shown: list[str]
    precision: float
    recall: float
    rr: float
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Averaged scores over the query set."""

    results: list[QueryResult]

    @property
    def precision_at_5(self) -> float:
        return _mean([r.precision for r in self.results])

    @property
    def recall_at_10(self) -> float:
        return _mean([r.recall for r in self.results])

    @property
    def mrr(self) -> float:
        return _mean([r.rr for r in self.results])

    @property
    def empty(self) -> int:
        return sum(1 for r in self.results if not r.shown)

    @property
    def clean(self) -> int:
        """Queries whose first five results hold nothing irrelevant."""
        return sum(1 for r in self.results if r.shown and not r.wrong)

    def part(self, split: str) -> "Report":
        """Return the report of one split (``tune`` or ``holdout``)."""
        return Report([r for r in self.results if r.split == split])

    def summary(self) -> str:
        n = len(self.results)
        return (
            f"{n} 个查询：precision@5 {self.precision_at_5:.3f}，"
            f"recall@10 {self.recall_at_10:.3f}，MRR {self.mrr:.3f}，"
            f"前5条全部相关 {self.clean}/{n}，无结果 {self.empty}"
        )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def queries_load(path: Path = QUERIES_PATH) -> list[dict[str, Any]]:
    """
    Return the query set (list of ``{q, expected, related}``).

    中文：读取评测查询集
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["queries"]


def score_query(query: dict[str, Any], ranked: Sequence[str]) -> QueryResult:
    """Score one ranked list of item names against a query's judgements."""
    expected = set(query["expected"])
    relevant = expected | set(query.get("related", ()))
    shown = list(ranked[:PRECISION_K])
    good = [n for n in shown if n in relevant]
    top = list(ranked[:RECALL_K])
    rr = 0.0
    for rank, name in enumerate(top, start=1):
        if name in expected:
            rr = 1.0 / rank
            break
    return QueryResult(
        q=query["q"],
        split=query.get("split", "tune"),
        shown=shown,
        precision=len(good) / len(shown) if shown else 0.0,
        recall=len(expected & set(top)) / len(expected) if expected else 1.0,
        rr=rr,
        wrong=[n for n in shown if n not in relevant],
        missed=sorted(expected - set(top)),
    )


def evaluate(ranking: Ranking, queries: list[dict[str, Any]] | None = None) -> Report:
    """
    Score ``ranking`` (query → item names, best first) over the set.

    中文：评测检索排序
    """
    queries = queries if queries is not None else queries_load()
    return Report([score_query(q, ranking(q["q"])) for q in queries])


def _names() -> dict[int, str]:
    return dict(ServiceItem.objects.values_list("id", "name"))


def site_ranking() -> Ranking:
    """
    Return the ranking the portal uses (``search.item_search``), as names.

    中文：门户检索排序
    """
    index = index_get()
    names = _names()

    def rank(q: str) -> list[str]:
        return [names[i] for i in index.search(q) if i in names]

    return rank


def reversed_ranking() -> Ranking:
    """
    Return the portal's ranking of the whole catalogue turned upside down.

    The catalogue is ranked as the portal would rank it (its hits first,
    then every other item), and the order is reversed: the least relevant
    items come first. A sound metric scores this far below the real one.

    中文：倒序排序（检验指标的敏感性）
    """
    index = index_get()
    names = _names()
    everything = sorted(names)

    def rank(q: str) -> list[str]:
        hits = [i for i in index.search(q) if i in names]
        seen = set(hits)
        full = hits + [i for i in everything if i not in seen]
        return [names[i] for i in reversed(full)]

    return rank
