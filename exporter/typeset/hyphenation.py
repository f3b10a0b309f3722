"""The hyphenation patterns the print layout has: Pyphen's, and the exporter's own for
languages Pyphen lacks (``exporter/data/hyphenation``: Armenian, Georgian, Turkish,
converted from TeX's hyph-utf8).

WeasyPrint finds a language's patterns through ``pyphen.language_fallback`` and loads
them from ``pyphen.LANGUAGES``; ``register`` adds the exporter's files to both, so that
they are used wherever WeasyPrint hyphenates ``hyphens: auto`` text.

A language is set justified when it has patterns that break its words often enough to
keep justified lines within the word-spacing bound (``breaks.MAX_WORD_GAP``); the others
are set ragged (hyphenated where they have patterns at all).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from pathlib import Path

_keep = contextlib.ExitStack()
atexit.register(_keep.close)


def _own() -> dict[str, Path]:
    """Language -> ``hyph_<language>.dic`` shipped with the exporter."""
    folder = _keep.enter_context(
        resources.as_file(resources.files("exporter.data") / "hyphenation"))
    return {path.stem[len("hyph_"):]: path for path in sorted(folder.glob("hyph_*.dic"))}


@functools.cache
def register() -> None:
    """Make the exporter's patterns known to Pyphen (and so to WeasyPrint); Pyphen's own
    stay first where both have a language."""
    import pyphen

    for lang, path in _own().items():
        if pyphen.language_fallback(lang) is None:
            pyphen.LANGUAGES[lang] = path
            pyphen.LANGUAGES_LOWERCASE[lang.lower()] = lang


#: Languages with patterns too sparse to justify: set ragged, and hyphenated. Armenian:
#: hyph-utf8's patterns only break a vowel from a following consonant and vowel (no
#: consonant clusters, "ու" not read as a vowel). Measured on tests/fixtures/scripts/hy:
#: on A4 its body paragraph had lines of 0.97 and 1.14 em between words even hyphenating
#: wherever the patterns allow, and on A5, B5, Letter and 6x9in it had to be set ragged
#: too (``breaks``).
TOO_SPARSE = frozenset({"hy"})


def has_patterns(lang: str) -> bool:
    """Whether the layout can hyphenate language ``lang`` (a BCP 47 tag)."""
    import pyphen

    register()
    return bool(lang) and pyphen.language_fallback(lang.replace("-", "_")) is not None


def justified(lang: str) -> bool:
    """Whether the print layout sets language ``lang`` justified (else ragged)."""
    return has_patterns(lang) and lang.split("-")[0].lower() not in TOO_SPARSE
