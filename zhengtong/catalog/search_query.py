"""
Reading a search query: the vocabulary, the segmenter, the query plan.

The vocabulary is data (``search_terms.json``): everyday words → official
terms (synonyms), words that say what is wanted (modifiers), fillers, a
leading verb, generic words, false friends (not_within) and jieba's domain
words. ``query_plan`` turns what a person typed into the whole-query forms,
the official terms (with their name bonus) and the weighted keywords that
``search.SearchIndex`` ranks with.

中文：检索词解析
"""

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin

TERMS_PATH = Path(__file__).resolve().parent / "search_terms.json"
_TERMS = json.loads(TERMS_PATH.read_text(encoding="utf-8"))

# Everyday words → official catalogue terms, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    k.lower(): tuple(v) for k, v in _TERMS["synonyms"].items()
}
# What the person wants done → words of item names (keyword score only).
MODIFIERS: dict[str, tuple[str, ...]] = {
    k: tuple(v) for k, v in _TERMS["modifiers"].items()
}
# Stripped anywhere in a query, longest first.
FILLERS: tuple[str, ...] = tuple(sorted(_TERMS["fillers"], key=len, reverse=True))
# A leading verb (办/申请/开个 …) dropped for the whole-query name match.
LEADING: tuple[str, ...] = tuple(sorted(_TERMS["leading"], key=len, reverse=True))
# Too common in item names to make a hit on their own.
GENERIC: frozenset[str] = frozenset(_TERMS["generic"])
# A term does not count inside these longer words (身份证 in 身份证明).
NOT_WITHIN: dict[str, tuple[str, ...]] = {
    k: tuple(v) for k, v in _TERMS.get("not_within", {}).items()
}
# Domain terms jieba should keep whole.
USER_WORDS: tuple[str, ...] = tuple(_TERMS["user_words"])

SYNONYM_NAME_BONUS = 100.0  # an official term of the query inside the name
SYNONYM_RANK_STEP = 10.0  # each later term of the list weighs this much less
SYNONYM_MIN_BONUS = 40.0
COMBINED_BONUS = 150.0  # official term + rest of the query inside the name
GENERIC_WEIGHT = 0.3  # keyword weight of a generic word
BIGRAM_WEIGHT = 0.5  # keyword weight of a query bigram jieba did not cut

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
LATIN = re.compile(r"^[a-z]+$")

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
    return [tok for tok, _weight in tokens_weighted(text)]


def words(text: str) -> list[str]:
    """
    Return the search-mode tokens of ``text`` without bigrams.

    中文：分词（不含二元切分）
    """
    _jieba_init()
    out: list[str] = []
    for chunk in _PUNCT.split(text.lower()):
        for tok in jieba.lcut_for_search(chunk) if chunk else ():
            tok = tok.strip()
            if tok and tok not in _STOP:
                out.append(tok)
    return out


def tokens_weighted(text: str) -> list[tuple[str, float]]:
    """Tokens of ``text`` with their query weight (generic words and bigrams less)."""
    _jieba_init()
    out: list[tuple[str, float]] = []
    for chunk in _PUNCT.split(text.lower()):
        if not chunk:
            continue
        words = []
        for tok in jieba.lcut_for_search(chunk):
            tok = tok.strip()
            if tok and tok not in _STOP:
                words.append(tok)
                out.append((tok, GENERIC_WEIGHT if tok in GENERIC else 1.0))
        if len(chunk) > 2:
            seen = set(words)
            for i in range(len(chunk) - 1):
                bigram = chunk[i : i + 2]
                weight = 1.0 if bigram in seen else BIGRAM_WEIGHT
                if bigram in GENERIC:
                    weight = GENERIC_WEIGHT
                out.append((bigram, weight))
    return out


def initials(text: str) -> str:
    """
    Return the pinyin initials of the Chinese characters in ``text``.

    中文：拼音首字母
    """
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(s[0] for s in letters if s and s[0].isalpha()).lower()


def contains_term(name: str, term: str) -> bool:
    """Return True when ``term`` occurs in ``name`` outside its false friends."""
    if term not in name:
        return False
    blockers = NOT_WITHIN.get(term)
    if not blockers:
        return True
    masked = name
    for word in blockers:
        masked = masked.replace(word, "\0" * len(word))
    return term in masked


@dataclass
class QueryPlan:
    """A query read for search: its core, the official terms, the keywords."""

    compact: str
    core: str
    stem: str
    terms: list[tuple[str, float]]
    tokens: dict[str, float]
    partial: frozenset[str] = frozenset()


def query_plan(query: str) -> QueryPlan:
    """
    Read a query: strip fillers, map everyday words, weigh keywords.

    中文：查询解析
    """
    compact = _PUNCT.sub("", query.strip().lower())
    core = compact
    for word in FILLERS:
        if word in core and core != word:
            core = core.replace(word, "")
    core = core or compact
    stem = core
    for word in LEADING:
        if stem.startswith(word) and len(stem) > len(word) + 1:
            stem = stem[len(word) :]
            break
    matched = [w for w in SYNONYMS if w in core]
    matched = [w for w in matched if not any(w != o and w in o for o in matched)]
    terms: dict[str, float] = {}
    partial: set[str] = set()
    for word in matched:
        rest = core.replace(word, "")
        if stem.replace(word, ""):
            partial.update(SYNONYMS[word])
        for rank, target in enumerate(SYNONYMS[word]):
            bonus = max(
                SYNONYM_NAME_BONUS - SYNONYM_RANK_STEP * rank, SYNONYM_MIN_BONUS
            )
            terms[target] = max(terms.get(target, 0.0), bonus)
            if rest and len(rest) > 1:
                terms[target + rest] = COMBINED_BONUS
    tokens: dict[str, float] = {}

    def add(text: str, scale: float = 1.0, generic: bool = False) -> None:
        for tok, weight in tokens_weighted(text):
            w = GENERIC_WEIGHT if generic else weight * scale
            tokens[tok] = max(tokens.get(tok, 0.0), w)

    add(core)
    if stem != core:
        add(stem)
    for term in terms:
        add(term, 0.8)
    for word, targets in MODIFIERS.items():
        if word in core:
            for target in targets:
                add(target, generic=True)
    return QueryPlan(
        compact=compact,
        core=core,
        stem=stem,
        terms=sorted(terms.items(), key=lambda kv: -kv[1]),
        tokens=tokens,
        partial=frozenset(partial - {t for t in terms if terms[t] >= COMBINED_BONUS}),
    )
