"""``exporter check`` for the web edition: what browsers, screen readers and news
crawlers need of one self-contained HTML page.

Parsed twice: by tinyhtml5 (WeasyPrint's HTML5 parser: its parse errors are the
HTML5 syntax errors) and by lxml for the checks of content: the page's language and
direction, a title and a viewport, a text alternative for every image and map,
unique ids, nothing loaded from outside the file, no script but the JSON-LD, and a
``NewsArticle`` JSON-LD with its required properties and ISO 8601 dates.
"""

from __future__ import annotations

import json
import re

#: Parse errors reported one by one; past this, a count.
_SHOWN = 5


def html_findings(data: bytes) -> list[tuple[str, str]]:
    """(level, message) for what is wrong with the web edition ``data``."""
    import lxml.html
    from tinyhtml5.parser import HTMLParser

    from ..i18n import words
    from ..typeset.news import problems

    found: list[tuple[str, str]] = []
    parser = HTMLParser()
    parser.parse(data)
    for (line, column), code, _vars in parser.errors[:_SHOWN]:
        found.append(("error", f"HTML5 syntax error at line {line}, column {column}: {code}"))
    if len(parser.errors) > _SHOWN:
        found.append(("error", f"{len(parser.errors) - _SHOWN} more HTML5 syntax errors"))
    if not data.lstrip().lower().startswith(b"<!doctype html>"):
        found.append(("error", "does not start with <!DOCTYPE html>"))
    root = lxml.html.document_fromstring(data)
    lang = root.get("lang")
    if not lang:
        found.append(("error", "<html> has no lang: screen readers cannot pick a voice"))
    else:
        direction = words(lang).direction
        if root.get("dir") != direction:
            found.append(("error", f"<html dir> is {root.get('dir')!r}; {lang} is written "
                                   f"{direction}"))
    if not (root.findtext(".//head/title") or "").strip():
        found.append(("error", "no <title>"))
    if not root.xpath('//meta[@name="viewport"]'):
        found.append(("error", "no viewport <meta>: phones would show it zoomed out"))
    for img in root.iter("img"):
        if img.get("alt") is None:
            found.append(("error", f"an image has no alt text ({_short(img.get('src'))})"))
    for svg in root.xpath('//*[local-name()="svg"]'):
        named = svg.get("aria-label") or svg.get("aria-labelledby") or svg.get("aria-hidden")
        if not named:
            found.append(("error", "an inline SVG has no text alternative (aria-labelledby)"))
    ids = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]
    twice = sorted({i for i in ids if ids.count(i) > 1}) if len(ids) != len(set(ids)) else []
    if twice:
        found.append(("error", "ids used twice: " + ", ".join(twice[:5])))
    for el, attr in ((el, a) for el in root.iter() if isinstance(el.tag, str)
                     for a in ("src", "srcset", "data", "poster")):
        value = el.get(attr)
        if value and not value.startswith("data:"):
            found.append(("error", f"<{el.tag} {attr}> loads {_short(value)} from outside "
                                   "the file"))
    for link in root.iter("link"):
        if "stylesheet" in (link.get("rel") or "").split() or "icon" in (link.get("rel") or ""):
            found.append(("error", f"a <link> loads {_short(link.get('href'))} from outside "
                                   "the file"))
    for style in root.iter("style"):
        for url in re.findall(r"url\(\s*[\"']?([^\"')]+)", style.text or ""):
            if not url.startswith(("data:", "#")):
                found.append(("error", f"the stylesheet loads {_short(url)} from outside "
                                       "the file"))
    articles = []
    for script in root.iter("script"):
        if script.get("type") != "application/ld+json" or script.get("src"):
            found.append(("error", "has a script: the web edition must need none"))
            continue
        try:
            articles.append(json.loads(script.text or ""))
        except ValueError as exc:
            found.append(("error", f"the JSON-LD does not parse: {exc}"))
    if not articles:
        found.append(("warning", "no NewsArticle JSON-LD for news sites and search engines"))
    for article in articles:
        found += [("error", f"JSON-LD: {problem}") for problem in problems(article)]
    return found


def _short(value: str | None) -> str:
    value = value or ""
    return repr(value if len(value) <= 60 else value[:57] + "...")
