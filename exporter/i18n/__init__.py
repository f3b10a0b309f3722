"""The editions' own words in the reader's language.

Takes an edition's language (its BCP 47 tag) and gives ``Words``: every heading, label,
alt text and summary the exporter writes, from a gettext catalogue in
``i18n/catalogues/<language>.po`` (gettext, compiled by Babel); dates, numbers and lists
as the language writes them; its quotation marks; text sorted in its alphabet. A language without a
catalogue gets English, marked as English (``Words.lang``), and a build warning. The
CLDR data comes through ICU (PyICU): dates in the language's calendar and digits,
numbers, list patterns, quotation marks and collation.

    _ = words("hy")
    _("Glossary")                               # "Բառարան"
    _.n("{n} map", "{n} maps", 3, n=_.number(3))
    _.date(datetime.date(2023, 9, 19))          # "19 սեպտեմբերի, 2023 թ."

Adding a language is adding one file: see docs/languages.md.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

CATALOGUES = Path(__file__).resolve().parent / "catalogues"
#: The language the messages are written in (the msgids).
SOURCE_LANGUAGE = "en"


def primary(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag, lower case: "az-Latn-AZ" -> "az"."""
    return re.split(r"[-_]", (tag or SOURCE_LANGUAGE).strip(), maxsplit=1)[0].lower()


@lru_cache(maxsize=1)
def shipped() -> tuple[str, ...]:
    """The languages that have a catalogue (English, the source, always)."""
    return tuple(sorted({SOURCE_LANGUAGE} | {p.stem for p in CATALOGUES.glob("*.po")}))


@lru_cache(maxsize=None)
def catalogue_digest(language: str) -> str:
    """A hash of ``language``'s catalogue (what a cached rendering of its words depends on)."""
    import hashlib

    path = CATALOGUES / f"{language}.po"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


@lru_cache(maxsize=None)
def _translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (Babel reads the .po; gettext serves it).
    Compiled once per catalogue content, then served from the cache."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    from .. import cache

    path = CATALOGUES / f"{language}.po"
    data = path.read_bytes()
    key = cache.digest("catalogue", data)
    compiled = cache.get("catalogues", key)
    if compiled is None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        catalog = read_po(io.BytesIO(data), locale=language)
        out = io.BytesIO()
        write_mo(out, catalog)
        compiled = out.getvalue()
        cache.put("catalogues", key, compiled)
    return gettext.GNUTranslations(io.BytesIO(compiled))


@dataclass(frozen=True)
class Words:
    """The generated words of one edition's language."""

    #: The edition's language, as its front-matter gives it (BCP 47).
    tag: str

    @cached_property
    def language(self) -> str:
        """The catalogue used: the tag's primary language if shipped, else English."""
        wanted = primary(self.tag)
        return wanted if wanted in shipped() else SOURCE_LANGUAGE

    @property
    def fallback(self) -> bool:
        """True when the edition's language has no catalogue and the words are English."""
        return self.language != primary(self.tag)

    @property
    def lang(self) -> str:
        """The language of the generated words, for ``lang`` attributes: the edition's
        tag, or "en" when they fell back to English."""
        return SOURCE_LANGUAGE if self.fallback else self.tag

    @property
    def marked(self) -> dict[str, str]:
        """Attributes for an element holding generated words: ``lang="en"`` when they
        fell back to English, nothing otherwise (they are in the document's language)."""
        return {"lang": SOURCE_LANGUAGE} if self.fallback else {}

    def __call__(self, message: str, /, **fields: object) -> str:
        """``message`` in this language, its ``{fields}`` filled in."""
        text = _translations(self.language).gettext(message)
        return text.format(**fields) if fields else text

    def n(self, singular: str, plural: str, count: int, /, **fields: object) -> str:
        """The singular or (one of the language's) plural form(s) for ``count``."""
        text = _translations(self.language).ngettext(singular, plural, count)
        return text.format(**fields) if fields else text

    @cached_property
    def _locale(self):
        import icu

        return icu.Locale.forLanguageTag(self.tag)

    def date(self, day: dt.date) -> str:
        """``day`` as the language writes a date in running text (CLDR's long format, in
        the language's calendar and digits: "19 September 2023", "۲۸ شهریور ۱۴۰۲")."""
        import icu

        formatter = icu.DateFormat.createDateInstance(icu.DateFormat.kLong, self._locale)
        formatter.setTimeZone(icu.TimeZone.getGMT())
        noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc)
        return formatter.format(noon.timestamp())

    def number(self, value: int | float, places: int | None = None) -> str:
        """``value`` in the language's own digits and separators (Persian digits in fa),
        with exactly ``places`` decimals when given."""
        import icu

        formatter = icu.NumberFormat.createInstance(self._locale)
        if places is not None:
            formatter.setMinimumFractionDigits(places)
            formatter.setMaximumFractionDigits(places)
        return formatter.format(value)

    def folio(self, page: int) -> str:
        """A page number as the print edition shows it: the language's digits, no
        grouping ("۱۲۳۴" in Persian, as CSS's ``persian`` counter writes it)."""
        if self.counter_style == "decimal":
            return str(page)
        import icu

        formatter = icu.NumberFormat.createInstance(self._locale)
        formatter.setGroupingUsed(False)
        return formatter.format(page)

    def isolate(self, text: str) -> str:
        """``text`` as a name inserted into a sentence of this language: wrapped in
        Unicode's first-strong isolate (U+2068 ... U+2069) when it runs the other way (a
        Latin name in Persian, a Persian term in English), so that the bidi algorithm
        keeps it whole and the punctuation around it where the sentence puts it. Names
        that run the sentence's way are left as they are."""
        runs = strong_direction(text)
        if runs is None or runs == self.direction:
            return text
        return f"\u2068{text}\u2069"

    def month(self, day: dt.date) -> str:
        """The month of ``day`` with its year, as the language names it ("September
        2023", "сентябрь 2023 г.")."""
        import icu

        pattern = icu.DateTimePatternGenerator.createInstance(self._locale).getBestPattern(
            "yMMMM")
        formatter = icu.SimpleDateFormat(pattern, self._locale)
        formatter.setTimeZone(icu.TimeZone.getGMT())
        noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc)
        return formatter.format(noon.timestamp())

    def join(self, items: list[str], kind: str = "and") -> str:
        """"a, b and c" (``kind`` "or": "a, b or c") as the language joins a list (CLDR
        list patterns)."""
        import icu

        items = [str(item) for item in items]
        if not items:
            return ""
        if kind == "or":
            return icu.ListFormatter.createInstance(
                self._locale, icu.UListFormatterType.OR,
                icu.UListFormatterWidth.WIDE).format(items)
        return icu.ListFormatter.createInstance(self._locale).format(items)

    @cached_property
    def direction(self) -> str:
        """"rtl" for a language written right to left (Persian, Arabic, Hebrew, Urdu ...,
        as ICU's likely script for the tag says), else "ltr"."""
        import icu

        script = icu.Locale.addLikelySubtags(self._locale).getScript()
        if not script:
            return "ltr"
        codes = icu.Script.getCode(script)
        return "rtl" if codes and icu.Script(codes[0]).isRightToLeft() else "ltr"

    @cached_property
    def counter_style(self) -> str:
        """The CSS counter style of the language's own digits, for page numbers
        ("persian" in fa, "arabic-indic" in ar); "decimal" for 0-9."""
        import icu

        system = icu.NumberingSystem.createInstance(self._locale).getName()
        return _COUNTER_STYLES.get(system, "decimal")

    @cached_property
    def quotes(self) -> tuple[str, str, str, str]:
        """(open, close, inner open, inner close): the language's quotation marks."""
        import icu

        kind = icu.ULocaleDataDelimiterType
        data = icu.LocaleData(self._locale.getName())
        return tuple(data.getDelimiter(k) for k in (  # type: ignore[return-value]
            kind.QUOTATION_START, kind.QUOTATION_END,
            kind.ALT_QUOTATION_START, kind.ALT_QUOTATION_END))

    def index_letter(self, text: str) -> str:
        """The letter ``text`` is filed under in this language's alphabet, as an index
        or a dictionary heads it (CLDR's index characters: Azerbaijani "Ç" and "İ",
        Persian "گ", German "Ä" under "A"); a word in another script under its own first
        letter, one starting with a digit or sign under "#"."""
        import unicodedata

        label, kind = self._index.getBucket(self._index.getBucketIndex(text))
        if kind == 0 and label:  # U_ALPHA_INDEX_NORMAL: a letter of the alphabet
            return label
        first = text.strip()[:1]
        return first if first and unicodedata.category(first).startswith("L") else "#"

    @cached_property
    def _index(self):
        import icu

        return icu.AlphabeticIndex(self._locale).buildImmutableIndex()

    def sort_key(self):
        """A key function that sorts text in this language's alphabet (ICU collation
        with the language's CLDR tailoring: Azerbaijani X after H, Persian گ after ک)."""
        return collator(self.tag).getSortKey


#: CLDR numbering systems -> the CSS counter styles that write the same digits.
_COUNTER_STYLES = {
    "arab": "arabic-indic", "arabext": "persian", "beng": "bengali", "deva": "devanagari",
    "gujr": "gujarati", "guru": "gurmukhi", "khmr": "khmer", "knda": "kannada", "laoo": "lao",
    "mlym": "malayalam", "mymr": "myanmar", "orya": "oriya", "telu": "telugu", "thai": "thai",
    "tibt": "tibetan",
}


def strong_direction(text: str) -> str | None:
    """"ltr" or "rtl": the direction of the first letter of ``text`` that has one (the
    Unicode bidi algorithm's rule P2); None when none has (digits, signs)."""
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


@lru_cache(maxsize=None)
def autonym(tag: str) -> str:
    """The name of language ``tag`` in that language, as a menu of languages shows it
    ("Русский", "հայերեն", "فارسی"): what a reader looks for to find their language."""
    import icu

    locale = icu.Locale.forLanguageTag(tag)
    names = icu.LocaleDisplayNames.createInstance(
        locale, [icu.UDisplayContext.CAPITALIZATION_FOR_UI_LIST_OR_MENU])
    return names.languageDisplayName(locale.getLanguage()) or tag


@lru_cache(maxsize=None)
def collator(tag: str):
    """ICU's collator for ``tag`` (its primary language when ICU knows no more)."""
    import icu

    return icu.Collator.createInstance(icu.Locale.forLanguageTag(tag))


@lru_cache(maxsize=None)
def words(tag: str) -> Words:
    """The generated words of language ``tag``."""
    return Words(tag or SOURCE_LANGUAGE)


def standard_tag(value: str) -> str | None:
    """``value`` as a standard BCP 47 tag, or None when it is not a valid one.

    Answers are cached with the langcodes version: importing langcodes (its registry
    is compiled on import) takes longer than the rest of a rebuild.
    """
    import importlib.metadata

    from .. import cache

    key = cache.digest("langcodes", importlib.metadata.version("langcodes"), value)
    hit = cache.get("bcp47", key)
    if hit is not None:
        return hit.decode("utf-8") or None
    import langcodes

    tag = str(langcodes.standardize_tag(value)) if langcodes.tag_is_valid(value) else None
    cache.put("bcp47", key, (tag or "").encode("utf-8"))
    return tag


def valid_tag(value: str) -> str:
    """``value`` as a standard BCP 47 tag; ValueError (a validator's message) if it is
    not one. The front-matter's ``lang`` and the project file's use it."""
    tag = standard_tag(value)
    if tag is None:
        raise ValueError("is not a valid BCP 47 language tag (e.g. en-GB, hy, az-Latn)")
    return tag
