"""
Chinese keyword search over the public catalogue.

jieba (search mode) segments item names, categories, department names,
conditions and material names; Okapi BM25 (rank_bm25) scores them, with the
name weighted highest. On top of the keyword score, the item *name* decides
the order:

- the whole query (without filler words such as 怎么办/手续) in the name
  ranks first;
- everyday words are mapped to official terms (社保卡 → 社会保障卡, 开饭店 →
  个体工商户设立登记 + 食品经营许可, 良民证 → 无犯罪记录证明 …); an official
  term found in the name ranks the item next, earlier terms higher;
- words that say what the person wants done (丢了 → 补办/挂失, 到期 → 延续)
  only add to the keyword score;
- words too common in item names (登记, 注册, 许可, 证 …) never make an item a
  hit on their own, so 营业执照 does not list 拖拉机注册登记;
- keyword-only hits must hold a word the person typed (not only one of the
  official terms it was mapped to) and come close to the best keyword
  score; when a name matched, the rest must come closer still.

Reading the query is ``search_query.query_plan``; the vocabulary is data
(``search_terms.json``), measured with the citizen
query set (``search_queries.json``, ``manage.py search_quality``). A query
made only of Latin letters is also matched against pinyin initials (kiosk
keyboards: ``shbzk`` → 社会保障卡).

The index is built once per process from published current versions and
cached; a cheap signature query (item/version counts and latest
``updated_at``) tells when the catalogue changed and the index must be
rebuilt. No index work happens per request otherwise.
"""

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Max

from rank_bm25 import BM25Okapi

from .constants import VersionStatus
from .models import Material, ServiceItem, ServiceItemVersion
from .search_query import (
    GENERIC,
    GENERIC_WEIGHT,
    LATIN,
    NOT_WITHIN,
    contains_term,
    initials,
    query_plan,
    tokenize,
    tokens_weighted,
    words,
)

NAME_WEIGHT = 3  # name tokens are repeated this many times in a document
CATEGORY_WEIGHT = 2
EXACT_NAME_BONUS = 1000.0  # whole query inside the name
INITIALS_BONUS = 500.0  # Latin query matching the name's pinyin initials
MIN_RELATIVE_SCORE = 0.35  # keyword-only hits below this share of the best drop
MIN_RELATIVE_BESIDE_NAME = 0.6  # same, when some item matched by name
MIN_RELATIVE_BESIDE_EXACT = 0.8  # same, when some name holds the whole query


@dataclass
class _Doc:
    item_id: int
    name: str
    department_id: int
    item_type: str
    online: bool
    initials: str


@dataclass
class SearchIndex:
    """An in-memory BM25 index of the published catalogue."""

    signature: tuple
    docs: list[_Doc] = field(default_factory=list)
    bm25: BM25Okapi | None = None
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def search(
        self,
        query: str,
        *,
        department_id: int | None = None,
        item_type: str | None = None,
        online: bool | None = None,
    ) -> list[int]:
        """Return matching item ids, best first, filters applied."""
        plan = query_plan(query)
        if not plan.compact or not self.docs or self.bm25 is None:
            return []
        scores, content = self._scores(plan.tokens)
        if not content:
            content = set(scores)  # only generic words in the query
        latin = bool(LATIN.match(plan.compact)) and len(plan.compact) >= 2
        names = {n for n in (plan.compact, plan.core, plan.stem) if n not in GENERIC}
        bonuses: dict[int, float] = {}
        blocked: set[int] = set()
        checked = [n for n in names if n in NOT_WITHIN]
        checked += [t for t, _w in plan.terms if t in NOT_WITHIN]
        terms = plan.terms
        if any(
            contains_term(d.name, n) for d in self.docs for n in names if len(n) > 1
        ):
            # The query is in some name: official terms of a part of it
            # (医保 of 医保电子凭证) no longer rank other items.
            terms = [(t, w) for t, w in terms if t not in plan.partial]
        for pos, doc in enumerate(self.docs):
            bonus = 0.0
            if any(t in doc.name and not contains_term(doc.name, t) for t in checked):
                blocked.add(pos)  # the name has the term only in a false friend
            if any(len(n) > 1 and contains_term(doc.name, n) for n in names):
                bonus = EXACT_NAME_BONUS
            else:
                for term, weight in terms:
                    if contains_term(doc.name, term):
                        bonus = weight
                        break
            if latin and doc.initials.startswith(plan.compact):
                bonus += INITIALS_BONUS + 1
            elif latin and plan.compact in doc.initials:
                bonus += INITIALS_BONUS
            if bonus:
                bonuses[pos] = bonus
        best = max(scores.values(), default=0.0)
        share = MIN_RELATIVE_SCORE
        if bonuses:
            exact = max(bonuses.values()) >= EXACT_NAME_BONUS
            share = MIN_RELATIVE_BESIDE_EXACT if exact else MIN_RELATIVE_BESIDE_NAME
        floor = best * share
        own = self._matching(plan.core + " " + plan.stem)
        keyword = {
            p
            for p in content
            if scores[p] >= floor and p not in blocked and (own is None or p in own)
        }
        hits: list[tuple[float, int, str, int]] = []
        for pos in set(bonuses) | keyword:
            doc = self.docs[pos]
            if department_id is not None and doc.department_id != department_id:
                continue
            if item_type is not None and doc.item_type != item_type:
                continue
            if online is not None and doc.online != online:
                continue
            total = bonuses.get(pos, 0.0) + scores.get(pos, 0.0)
            if total <= 0.0:
                continue
            hits.append((-total, len(doc.name), doc.name, doc.item_id))
        hits.sort()
        return [item_id for *_, item_id in hits]

    def _matching(self, text: str) -> set[int] | None:
        """
        Documents holding a token of ``text`` that is not generic (None when
        ``text`` has only generic words).
        """
        found: set[int] | None = None
        for tok, weight in tokens_weighted(text):
            if weight > GENERIC_WEIGHT:
                found = found if found is not None else set()
                found.update(pos for pos, _freq in self.postings.get(tok, ()))
        return found

    def _scores(self, tokens: dict[str, float]) -> tuple[dict[int, float], set[int]]:
        """
        Okapi BM25 over the postings of ``tokens`` only (rank_bm25 stats),
        each token scaled by its weight; also the documents that matched a
        token that is not generic.
        """
        bm25 = self.bm25
        if bm25 is None:
            return {}, set()
        k1, b, avgdl = bm25.k1, bm25.b, bm25.avgdl
        scores: dict[int, float] = {}
        content: set[int] = set()
        for tok, weight in tokens.items():
            idf = bm25.idf.get(tok)
            if not idf:
                continue
            strong = weight > GENERIC_WEIGHT
            for pos, freq in self.postings.get(tok, ()):
                dl = bm25.doc_len[pos]
                part = idf * freq * (k1 + 1) / (freq + k1 * (1 - b + b * dl / avgdl))
                scores[pos] = scores.get(pos, 0.0) + part * weight
                if strong:
                    content.add(pos)
        return scores, content


def _weighted(tokens: Iterable[str], weight: int) -> list[str]:
    tokens = list(tokens)
    return tokens * weight


def catalogue_signature() -> tuple:
    """
    Return a cheap fingerprint of the public catalogue.

    中文：目录指纹
    """
    items = ServiceItem.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    versions = ServiceItemVersion.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return (items["n"], items["t"], versions["n"], versions["t"])


def index_build(*, signature: tuple | None = None) -> SearchIndex:
    """
    Build the index from published current versions.

    中文：建立检索索引
    """
    signature = signature if signature is not None else catalogue_signature()
    versions = list(
        ServiceItemVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            item__current_version_id=F("id"),
        )
        .select_related("item", "department")
        .only(
            "id",
            "name",
            "category",
            "conditions",
            "item__id",
            "item__online_available",
            "item__item_type",
            "item__department_id",
            "department__name",
            "department__short_name",
        )
        .order_by("item_id")
    )
    materials: dict[int, list[str]] = {}
    for version_id, name in Material.objects.filter(
        version_id__in=[v.id for v in versions]
    ).values_list("version_id", "name"):
        materials.setdefault(version_id, []).append(name)

    docs: list[_Doc] = []
    corpus: list[list[str]] = []
    heads: list[int] = []
    for v in versions:
        tokens = _weighted(tokenize(v.name), NAME_WEIGHT)
        tokens += _weighted(tokenize(v.category), CATEGORY_WEIGHT)
        heads.append(len(tokens) or 1)
        # Other fields without bigrams: 政审 is not in 行政审批局.
        tokens += words(v.department.name + " " + v.department.short_name)
        tokens += words(v.conditions[:2000])
        tokens += words(" ".join(materials.get(v.id, [])))
        corpus.append(tokens or ["∅"])
        docs.append(
            _Doc(
                item_id=v.item.id,
                name=v.name.lower(),
                department_id=v.item.department_id,
                item_type=v.item.item_type,
                online=v.item.online_available,
                initials=initials(v.name),
            )
        )
    bm25 = BM25Okapi(corpus) if corpus else None
    if bm25 is not None:
        # Length normalisation by name and category only: a full guide (many
        # materials, long conditions) must not push its item below a bare
        # catalogue row of the same name.
        bm25.doc_len = heads
        bm25.avgdl = sum(heads) / len(heads)
    postings: dict[str, list[tuple[int, int]]] = {}
    if bm25 is not None:
        for pos, freqs in enumerate(bm25.doc_freqs):
            for tok, freq in freqs.items():
                postings.setdefault(tok, []).append((pos, freq))
    return SearchIndex(signature=signature, docs=docs, bm25=bm25, postings=postings)


_index: SearchIndex | None = None
_signature_checked_at = 0.0
_index_lock = threading.Lock()


def recheck_seconds() -> float:
    """
    Return how long a checked index is trusted without asking the database.

    ``CATALOG_SEARCH_RECHECK_SECONDS`` (default 1 s; 0 in tests): catalogue
    changes, also from other processes such as ``import_catalog``, show up
    in search within this time.
    """
    return float(getattr(settings, "CATALOG_SEARCH_RECHECK_SECONDS", 1.0))


_signature: tuple | None = None


def catalogue_signature_current() -> tuple:
    """
    Return the catalogue signature, asking the database at most once per
    ``recheck_seconds()`` in this process.

    Anything cached per catalogue state (the index, facets, rendered rows,
    public pages) keys on this value, so a change shows up everywhere within
    the re-check time.

    中文：当前目录指纹
    """
    global _signature, _signature_checked_at
    now = time.monotonic()
    current = _signature
    if current is not None and now - _signature_checked_at < recheck_seconds():
        return current
    _signature = catalogue_signature()
    _signature_checked_at = now
    return _signature


def index_get() -> SearchIndex:
    """
    Return the process-wide index, rebuilding it if the catalogue changed.

    中文：获取检索索引
    """
    global _index
    signature = catalogue_signature_current()
    current = _index
    if current is not None and current.signature == signature:
        return current
    with _index_lock:
        if _index is None or _index.signature != signature:
            _index = index_build(signature=signature)
        return _index


def index_clear() -> None:
    """Drop the cached index (tests; the signature check normally suffices)."""
    global _index, _signature_checked_at, _signature
    _index = None
    _signature = None
    _signature_checked_at = 0.0


def item_search(
    *,
    q: str,
    department_id: int | None = None,
    item_type: str | None = None,
    online: bool | None = None,
) -> list[int]:
    """
    Return ids of published items matching ``q``, best first.

    中文：事项检索
    """
    return index_get().search(
        q, department_id=department_id, item_type=item_type, online=online
    )
