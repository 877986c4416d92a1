"""bgsearch: full-text search for Vietnamese news articles, with or without diacritics.

The package is a typed core with a thin command line on top:

    files ─▶ documents ─▶ index          (bgsearch.documents, bgsearch.index)
    query ─▶ querylang ─▶ search ─▶ Hit ─▶ render   (bgsearch.search, bgsearch.render)
    text: pure Vietnamese text functions used by both sides (bgsearch.text)
"""
