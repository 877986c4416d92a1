"""Articles like a given one ("more like this"): its most telling terms, as one weighted query.

The article's most telling folded syllables and word pairs (many times in it, in few other
articles: tf-idf) are weighted by how telling they are, and documents are ranked by the
weighted sum of their BM25 scores for them (:meth:`bgsearch.retrieval.Retrieval.weighted`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from itertools import islice

from bgsearch import store as ix
from bgsearch.postings import Postings
from bgsearch.text import PAIR_JOINER, Analysis

__all__ = ["SIMILAR_TERMS", "spelled", "telling_terms"]

# Terms of an article that find the articles like it, in bodies only (titles too doubled the
# time for no gain). `python bench/similar.py` on the corpus (80 dantri.com.vn articles): the
# share of similar articles from the article's own section, and ms per article: 15 terms
# 0.696, 212 ms; 20 terms 0.724, 322 ms; 30 terms 0.736, 633 ms.
SIMILAR_TERMS = 20
SIMILAR_SHOWN = 8  # of which a similar hit's ``query`` names the best

Term = tuple[str, bool, float]  # folded term, whether it is a word pair, weight


def telling_terms(
    reader: Postings, title: Analysis, body: Analysis, is_word: Callable[[str], bool]
) -> list[Term]:
    """An article's ``SIMILAR_TERMS`` most telling terms, weighted 1.0 for the best. Title
    terms count twice; word pairs only where they make a word ("biên giới", not "giới tỉnh")."""
    counts: Counter[tuple[str, bool]] = Counter()
    for analysis, times in ((title, 2), (body, 1)):
        for term in analysis.folded:
            counts[term, False] += times
        for term in analysis.pairs:
            counts[term, True] += times
    weights = []
    for (term, is_pair), tf in counts.items():
        df = reader.doc_frequency(ix.BODY_PAIRS if is_pair else ix.BODY_FOLDED, term)
        if df < 2 or not any(c.isalpha() for c in term):
            continue  # in this article alone (a typo, a name) or a number: finds nothing
        weights.append((math.log1p(tf) * math.log(reader.doc_count / df), term, is_pair))
    weights.sort(reverse=True)
    telling = list(
        islice(((w, t, p) for w, t, p in weights if not p or _a_word(t, is_word)), SIMILAR_TERMS)
    )
    best = telling[0][0] if telling else 1.0
    return [(term, is_pair, w / best) for w, term, is_pair in telling]


def _a_word(pair: str, is_word: Callable[[str], bool]) -> bool:
    """Whether a pair of syllables is a word: both of letters ("vào 5h27" is not), and
    usually side by side in the index."""
    return all(s.isalpha() for s in pair.split(PAIR_JOINER)) and is_word(pair)


def spelled(terms: list[Term], analyses: tuple[Analysis, ...]) -> str:
    """The best terms as the article spells them most often ("biên giới", not "bien_gioi"),
    each once, and none repeated inside a pair already named."""
    spelled_as: Counter[tuple[str, str]] = Counter()
    for analysis in analyses:
        spelled_as.update(zip(analysis.folded, analysis.exact, strict=True))
    usual: dict[str, str] = {}
    for (folded, exact), _ in spelled_as.most_common():
        usual.setdefault(folded, exact)
    shown: list[str] = []
    for term, _, _ in terms:
        words = " ".join(usual.get(s, s) for s in term.split(PAIR_JOINER))
        if any(f" {words} " in f" {other} " for other in shown):
            continue  # named already, alone or in a pair
        # a pair takes the place of a word of it named before ("5h27", then "vào 5h27")
        inside = [i for i, other in enumerate(shown) if f" {other} " in f" {words} "]
        if inside:
            shown[inside[0]] = words
            shown = [x for i, x in enumerate(shown) if i not in inside[1:]]
        else:
            shown.append(words)
        if len(shown) == SIMILAR_SHOWN:
            break
    return ", ".join(shown)
