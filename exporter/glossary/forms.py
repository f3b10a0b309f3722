"""Names found in their inflected forms, as the text's language writes them.

Armenian writes "Արցախի" for the term "Արցախ", Russian "Лачинскому коридору" for
"Лачинский коридор", Georgian "თბილისში" for "თბილისი". A name is therefore matched
word by word, each word by a pattern that admits the language's endings, and a match
counts only when every word's stem equals the name's:

- languages with a Snowball stemmer (PyStemmer: Armenian, Russian, Arabic, Persian,
  Turkish, English, French, German, Spanish and more) compare stems;
- Georgian, Azerbaijani and Ukrainian, which Snowball lacks, take a suffix rule: the
  name's word, less the vowel its inflection drops, and a few more letters;
- case is folded the language's way (Turkish and Azerbaijani dotted and dotless i), so a
  term written with a capital ("Эвакуация") is found in running text ("эвакуация"); but
  in English, where capitals tell a name from a word ("Turkey", "turkey"), a name keeps
  its capitals (a lower-case term may still start a sentence with one).

An entry or place with ``match: exact`` is found only as written (today's rule: whole
words, a lower-case term also capitalised at a sentence start); its ``forms:`` list
adds spellings the author names, matched as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

#: Snowball's name for each language that has a stemmer (ISO 639-1 -> PyStemmer).
SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech",
    "da": "danish", "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "no": "norwegian", "nb": "norwegian", "fa": "persian", "pl": "polish",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}


@dataclass(frozen=True)
class SuffixRule:
    """For a language without a stemmer: endings are added to the name's word after
    ``drops`` (a final vowel the inflection removes) is taken off; at most ``longest``
    letters are added."""

    drops: str
    longest: int


#: Agglutinating or inflecting languages Snowball has no stemmer for.
SUFFIX_RULES = {
    # Georgian: a final -ი of the nominative goes before most case endings
    # (თბილისი -> თბილისში, თბილისის); stems in -ა, -ო keep their vowel (ბაქო -> ბაქოსა).
    "ka": SuffixRule(drops="ი", longest=6),
    # Azerbaijani: case and possessive endings follow the word (Bakı -> Bakıya, Bakının;
    # Laçın dəhlizi -> Laçın dəhlizinə).
    "az": SuffixRule(drops="", longest=6),
    # Ukrainian: endings replace the final vowel or soft sign (Україна -> Україні, Україну).
    "uk": SuffixRule(drops="аяоеиіїєуюйь", longest=4),
}

#: Clitics written joined to the word before it: Arabic's conjunctions, prepositions and
#: article (والقدس, بالقدس, للقدس).
PROCLITICS = {"ar": r"(?:[وفبكل]{0,2}(?:ال)?)"}
#: Languages whose capitals mark names and only names: matched with their case.
CASE_KEPT = frozenset({"en"})
#: Letters of a word, and the most a Snowball language's ending may add.
_LETTER = r"[^\W\d_]"
_ENDING = 6


def primary(lang: str) -> str:
    return re.split(r"[-_]", (lang or "en").strip(), maxsplit=1)[0].lower()


@lru_cache(maxsize=None)
def _stemmer(name: str):
    import Stemmer

    return Stemmer.Stemmer(name)


@dataclass(frozen=True)
class Forms:
    """How names are found in text of one language."""

    lang: str

    @cached_property
    def code(self) -> str:
        return primary(self.lang)

    @property
    def inflects(self) -> bool:
        """Whether names are looked for in their inflected forms in this language."""
        return self.code in SNOWBALL or self.code in SUFFIX_RULES

    def fold(self, text: str) -> str:
        """``text`` in lower case the language's way (Turkish I -> ı, İ -> i)."""
        if self.code in ("tr", "az"):
            text = text.replace("I", "ı").replace("İ", "i")
        return text.lower().replace("'", "\u2019")

    def stem(self, word: str) -> str:
        """The stem of ``word`` (folded), by Snowball or the suffix rule."""
        folded = self.fold(word).split("\u2019")[0]  # Karabağ'da: the ending after ’
        if self.code in SNOWBALL:
            return _stemmer(SNOWBALL[self.code]).stemWord(folded)
        rule = SUFFIX_RULES.get(self.code)
        if rule and len(folded) > 3 and folded[-1] in rule.drops:
            return folded[:-1]
        return folded

    def word_pattern(self, word: str) -> str:
        """A case-insensitive regular expression for ``word`` and its inflected forms.
        Short words and acronyms ("UN", "EU") are matched as written."""
        if len(word) <= 3 or word.isupper() or not re.search(_LETTER, word):
            return re.escape(word)
        folded = self.fold(word)
        base = self.stem(word)
        if self.code in SUFFIX_RULES:
            longest = SUFFIX_RULES[self.code].longest
        else:
            # The stem as it stands in the word; a stemmer that changes letters
            # (Turkish ğ -> k) is matched from the part they have in common.
            at = folded.find(base)
            if at < 0:
                common = 0
                while common < min(len(folded), len(base)) and folded[common] == base[common]:
                    common += 1
                base, at = folded[:common], 0
            if len(base) < 2:  # nothing the forms surely share (Arabic أ stemmed to ا)
                return re.escape(word)
            longest = max(_ENDING, len(folded) - at - len(base) + 2)
        letters = "".join(re.escape(c) for c in base)
        before = PROCLITICS.get(self.code, "")
        if self.code in SNOWBALL and self.code != "ar" and folded.find(self.stem(word)) > 0:
            before = rf"{_LETTER}{{0,3}}"  # a stemmer that took a prefix off
        # Turkish and Azerbaijani write a proper name's endings after an apostrophe
        # (Karabağ'da); elsewhere an apostrophe ends the word (Azerbaijan’s).
        ending = rf"(?:{_LETTER}|['\u2019])" if self.code in ("tr", "az") else _LETTER
        if self.code in CASE_KEPT:  # the word's own first letter, the rest folded
            first = re.escape(word[0])
            rest = "".join(re.escape(c) for c in base[1:]) if base else ""
            if len(base) and base[0] == folded[0]:
                return rf"{first}(?i:{rest}{ending}{{0,{longest}}})"
        return rf"(?i:{before}{letters}{ending}{{0,{longest}}})"

    def same(self, name_word: str, text_word: str) -> bool:
        """Whether ``text_word`` is a form of ``name_word``."""
        if self.code in CASE_KEPT and name_word[:1] != text_word[:1] \
                and not name_word[:1].islower():
            return False
        if self.code in SUFFIX_RULES:
            return self.fold(text_word).startswith(self.stem(name_word))
        return self.stem(text_word) == self.stem(name_word)
