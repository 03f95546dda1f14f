"""
Chinese keyword search over the public catalogue.

jieba (search mode) segments item names, categories, department names,
conditions and material names; Okapi BM25 (rank_bm25) ranks them, with the
name weighted highest. A small synonym table maps everyday words to the
official terms (社保 → 社会保险/社会保障, 驾照 → 驾驶证 …); an exact
substring match of the whole query in the name ranks first; a query made
only of Latin letters is also matched against pinyin initials (kiosk
keyboards: ``shbzk`` → 社会保障卡).

The index is built once per process from published current versions and
cached; a cheap signature query (item/version counts and latest
``updated_at``) tells when the catalogue changed and the index must be
rebuilt. No index work happens per request otherwise.
"""

import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Max

import jieba
from pypinyin import Style, lazy_pinyin
from rank_bm25 import BM25Okapi

from .constants import VersionStatus
from .models import Material, ServiceItem, ServiceItemVersion

# Everyday words → official catalogue terms. Each expansion is searched as
# well as the word itself; expansions weigh a little less than the word.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "社保": ("社会保险", "社会保障", "社保"),
    "社保卡": ("社会保障卡",),
    "医保": ("医疗保障", "医疗保险", "医保"),
    "医保卡": ("社会保障卡", "医疗保障"),
    "驾照": ("驾驶证",),
    "行驶本": ("行驶证",),
    "营业执照": ("营业执照", "设立登记", "企业登记", "个体工商户", "注册登记"),
    "开公司": ("企业登记", "设立登记", "营业执照"),
    "办执照": ("营业执照", "设立登记"),
    "身份证": ("居民身份证", "身份证"),
    "公积金": ("住房公积金",),
    "户口": ("户籍", "户口"),
    "落户": ("户口登记", "户籍", "迁入"),
    "结婚": ("婚姻登记", "结婚登记"),
    "离婚": ("婚姻登记", "离婚登记"),
    "退休": ("养老保险", "退休"),
    "养老金": ("养老保险", "养老金"),
    "失业金": ("失业保险",),
    "低保": ("最低生活保障",),
    "残疾证": ("残疾人证",),
    "准生证": ("生育登记",),
    "出生证": ("出生医学证明",),
    "房产证": ("不动产权证书", "不动产登记"),
    "过户": ("转移登记", "过户"),
    "健康证": ("健康证明",),
    "施工许可": ("施工许可证",),
}

# Domain terms jieba should keep whole.
USER_WORDS = (
    "营业执照",
    "社会保障卡",
    "社保卡",
    "居民身份证",
    "住房公积金",
    "公积金",
    "驾驶证",
    "行驶证",
    "不动产登记",
    "户口登记",
    "婚姻登记",
    "医疗保障",
    "医保",
    "社保",
    "养老保险",
    "失业保险",
    "工伤保险",
    "个体工商户",
    "设立登记",
    "可行性研究报告",
    "节能审查",
    "民族成份",
    "道路运输证",
    "出租汽车",
    "最低生活保障",
)

NAME_WEIGHT = 3  # name tokens are repeated this many times in a document
CATEGORY_WEIGHT = 2
EXACT_NAME_BONUS = 1000.0  # whole query inside the name
SYNONYM_NAME_BONUS = 100.0  # an expansion of the query inside the name
INITIALS_BONUS = 500.0  # Latin query matching the name's pinyin initials
MIN_RELATIVE_SCORE = 0.25  # BM25-only hits below this share of the best drop

_STOP = frozenset(
    [
        "的",
        "和",
        "与",
        "及",
        "或",
        "等",
        "之",
        "在",
        "对",
        "为",
        "了",
        "是",
        "有",
        "由",
        "其",
        "中",
        "向",
        "按",
    ]
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_LATIN = re.compile(r"^[a-z]+$")

_jieba_ready = False
_jieba_lock = threading.Lock()


def _jieba_init() -> None:
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(60)
            for word in (*USER_WORDS, *SYNONYMS):
                jieba.add_word(word, freq=200000)
            jieba.initialize()
            _jieba_ready = True


def tokenize(text: str) -> list[str]:
    """
    Return search-mode tokens of ``text``, plus character bigrams.

    Bigrams make partial words match (``社保`` inside ``高校毕业生社保补贴``)
    even where the segmenter cut differently.

    中文：分词
    """
    _jieba_init()
    tokens: list[str] = []
    for chunk in _PUNCT.split(text.lower()):
        if not chunk:
            continue
        for tok in jieba.lcut_for_search(chunk):
            tok = tok.strip()
            if tok and tok not in _STOP:
                tokens.append(tok)
        if len(chunk) > 2:
            tokens.extend(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return tokens


def initials(text: str) -> str:
    """
    Return the pinyin initials of the Chinese characters in ``text``.

    中文：拼音首字母
    """
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(s[0] for s in letters if s and s[0].isalpha()).lower()


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
        query = query.strip().lower()
        if not query or not self.docs or self.bm25 is None:
            return []
        compact = _PUNCT.sub("", query)
        expansions = _expansions(compact)
        q_tokens = tokenize(query)
        for exp in expansions:
            q_tokens.extend(tokenize(exp))
        scores = self._scores(q_tokens)
        floor = max(scores.values(), default=0.0) * MIN_RELATIVE_SCORE
        latin = bool(_LATIN.match(compact)) and len(compact) >= 2
        hits: list[tuple[float, int, str, int]] = []
        for pos, doc in enumerate(self.docs):
            score = scores.get(pos, 0.0)
            if score < floor:
                score = 0.0
            if department_id is not None and doc.department_id != department_id:
                continue
            if item_type is not None and doc.item_type != item_type:
                continue
            if online is not None and doc.online != online:
                continue
            bonus = 0.0
            if compact and compact in doc.name:
                bonus += EXACT_NAME_BONUS
            elif any(exp in doc.name for exp in expansions):
                bonus += SYNONYM_NAME_BONUS
            if latin and doc.initials.startswith(compact):
                bonus += INITIALS_BONUS + 1
            elif latin and compact in doc.initials:
                bonus += INITIALS_BONUS
            total = float(score) + bonus
            if total <= 0.0:
                continue
            hits.append((-total, len(doc.name), doc.name, doc.item_id))
        hits.sort()
        return [item_id for *_, item_id in hits]

    def _scores(self, tokens: list[str]) -> dict[int, float]:
        """Okapi BM25 over the postings of ``tokens`` only (rank_bm25 stats)."""
        bm25 = self.bm25
        if bm25 is None:
            return {}
        k1, b, avgdl = bm25.k1, bm25.b, bm25.avgdl
        scores: dict[int, float] = {}
        for tok in dict.fromkeys(tokens):
            idf = bm25.idf.get(tok)
            if not idf:
                continue
            for pos, freq in self.postings.get(tok, ()):
                dl = bm25.doc_len[pos]
                part = idf * freq * (k1 + 1) / (freq + k1 * (1 - b + b * dl / avgdl))
                scores[pos] = scores.get(pos, 0.0) + part
        return scores


def _expansions(compact: str) -> list[str]:
    found: list[str] = []
    for word, targets in SYNONYMS.items():
        if word in compact:
            found.extend(t for t in targets if t not in found)
            # keep the rest of the query with the official term substituted
            rest = compact.replace(word, "")
            if rest:
                found.extend(t + rest for t in targets if t + rest not in found)
    return [f for f in found if f and f != compact]


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
    for v in versions:
        tokens = _weighted(tokenize(v.name), NAME_WEIGHT)
        tokens += _weighted(tokenize(v.category), CATEGORY_WEIGHT)
        tokens += tokenize(v.department.name + " " + v.department.short_name)
        tokens += tokenize(v.conditions[:2000])
        tokens += tokenize(" ".join(materials.get(v.id, [])))
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
