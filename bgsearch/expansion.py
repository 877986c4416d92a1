"""Prefix (``biên*``) and typo-tolerant (``tuần~2``) words: the index's terms they reach.

The closest terms first (the word as typed, then fewer edits before more), the most frequent
first among equally close ones, within the bounds of :class:`bgsearch.ranking.Ranking` ("th*"
reaches over a thousand words and millions of postings), each with how close it is to what was
typed, which weighs its score (see :mod:`bgsearch.retrieval`). A stem typed with accents is
also expanded among the exact terms ("biên*" reaches "biên", not "biển"), which score on top as
an accented word's exact form does.
"""

from __future__ import annotations

from bgsearch import store as ix
from bgsearch.plan import Alternative
from bgsearch.postings import Postings
from bgsearch.querylang import PREFIX
from bgsearch.ranking import Ranking
from bgsearch.text import edit_distance

__all__ = ["expand"]


def expand(
    reader: Postings, alternative: Alternative, ranking: Ranking, exact: bool = False
) -> tuple[list[tuple[str, float]], str | None]:
    """The folded terms a prefix or fuzzy word reaches, closest first and the most frequent
    first among equally close ones (at most ``max_expansions`` and
    ``max_expansion_postings``), each with its closeness to the stem (1.0 the stem itself);
    and a note for the user when some were left out. The stem itself always comes first: the
    most frequent words within two edits of "vàng" ("và", "văn", "vào") once filled the
    bounds and left "vàng" out. ``exact``: the exact terms the accented stem reaches."""
    stem = alternative.exact[0] if exact else alternative.folded[0]
    fuzzy = alternative.kind != PREFIX
    fields = ix.EXACT_FIELDS if exact else (ix.TITLE_FOLDED, ix.BODY_FOLDED)
    body = ix.BODY_EXACT if exact else ix.BODY_FOLDED
    if fuzzy:
        # the exact terms sharing the first two letters ("tu" of "tuần"): the folded ones
        # catch a typo in the second, and the lexicon's "t" terms cost 100 ms on the corpus
        prefix = 2 if exact else 1
        near = {t for f in fields for t in reader.terms_near(f, stem, alternative.distance, prefix)}
        closeness = {t: 1.0 / (1 + edit_distance(stem, t)) for t in near}
    else:
        closeness = {t: len(stem) / len(t) for f in fields for t in reader.terms_from(f, stem)}
    df = {t: reader.doc_frequency(body, t) for t in closeness}
    # the stem, then (typo-tolerant words) fewer edits before more, then the most frequent
    counted = sorted(closeness, key=lambda t: (t != stem, -closeness[t] * fuzzy, -df[t], t))
    frequent: list[str] = []
    postings = 0
    for term in counted:
        if frequent and (
            len(frequent) == ranking.max_expansions
            or postings + df[term] > ranking.max_expansion_postings
        ):
            break
        frequent.append(term)
        postings += df[term]
    note = None
    if len(frequent) < len(counted):
        typed = stem + ("*" if alternative.kind == PREFIX else f"~{alternative.distance}")
        note = f"{typed} reaches {len(counted):,} words; searching the {len(frequent)}"
        note += " closest" if fuzzy else " most frequent"
    return [(t, closeness[t]) for t in frequent], note
