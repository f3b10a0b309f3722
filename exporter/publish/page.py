"""``index.html``: the downloads page, one self-contained file.

It works opened from a folder (file://) or served by any web server: no script, no
font or style fetched from anywhere (the stylesheet is inlined), covers and editions
linked by relative paths. Responsive from phone to desktop, with a print stylesheet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html import escape

from ..i18n import SOURCE_LANGUAGE, Words, autonym, words

#: The OPDS media type of the catalogue, announced in the page's head.
CATALOGUE_TYPE = "application/atom+xml;profile=opds-catalog;kind={kind}"


def human_size(size: int, lang: str = "en") -> str:
    """Bytes as people read them: "840 bytes", "224 kB", "1.3 MB", in ``lang``."""
    _ = words(lang)
    if size < 1000:
        return _.n("{n} byte", "{n} bytes", size, n=_.number(size))
    if size < 1_000_000:
        return _("{size} kB", size=_.number(round(size / 1000)))
    return _("{size} MB", size=_.number(size / 1_000_000, places=1))


def long_date(iso: str, lang: str = "en") -> str:
    return words(lang).date(dt.date.fromisoformat(iso))


def extent(edition: dict, lang: str = "en") -> str:
    _ = words(lang)
    if edition.get("pages") is not None:
        n = edition["pages"]
        return _.n("{n} page", "{n} pages", n, n=_.number(n))
    if edition.get("words") is not None:
        n = edition["words"]
        return _.n("{n} word", "{n} words", n, n=_.number(n))
    return ""


def page_language(articles: list[dict]) -> str:
    """The page's own language: the one most of its articles are in (of two as common,
    the newest article's). Each article keeps its own language inside it."""
    counts = Counter(a["lang"] for a in articles)
    if not counts:
        return SOURCE_LANGUAGE
    most = max(counts.values())
    return next(a["lang"] for a in articles if counts[a["lang"]] == most)


def stories(articles: list[dict], lang: str) -> list[list[dict]]:
    """``articles`` (newest first) grouped by story: an article and its translations
    together, where the first of them stands; in a story, the page's language first,
    then by language tag."""
    by_slug = {a["slug"]: a for a in articles}
    links: dict[str, set[str]] = {slug: set() for slug in by_slug}
    for article in articles:  # either side's word links the two
        for other in article.get("translations") or []:
            if other["slug"] in by_slug:
                links[article["slug"]].add(other["slug"])
                links[other["slug"]].add(article["slug"])
    groups: list[list[dict]] = []
    placed: set[str] = set()
    for article in articles:
        if article["slug"] in placed:
            continue
        group, todo = [], [article["slug"]]
        while todo:
            slug = todo.pop()
            if slug in placed:
                continue
            placed.add(slug)
            group.append(by_slug[slug])
            todo += sorted(links[slug])
        group.sort(key=lambda a: (a["lang"] != lang, a["lang"], a["slug"]))
        groups.append(group)
    return groups


def _marks(article: dict, around: str) -> str:
    """``lang`` (and ``dir`` where it differs from ``around``'s) of an article's block."""
    direction = words(article["lang"]).direction
    attrs = f' lang="{escape(article["lang"])}"'
    if direction != words(around).direction:
        attrs += f' dir="{direction}"'
    return attrs


def _say(_: Words, text: str) -> str:
    """Generated ``text``, escaped; marked as English where the article's language has
    no catalogue (the words then are English inside another language's block)."""
    return f'<span lang="en">{escape(text)}</span>' if _.fallback else escape(text)


def _checked(check: dict | None, file: str, _: Words) -> str:
    """A line on ``exporter check``'s verdict, when the build ran it (``--check``)."""
    if not check:
        return ""
    if check["passed"]:
        verdict = _("no errors or warnings")
    else:
        verdict = _.join([
            _.n("{n} error", "{n} errors", check["errors"], n=_.number(check["errors"])),
            _.n("{n} warning", "{n} warnings", check["warnings"],
                n=_.number(check["warnings"]))])
    if file.endswith(".epub"):
        verdict = _("{verdict} (W3C EPUBCheck)", verdict=verdict)
    return (f'<p class="checked"><span class="label">{_say(_, _("Checked:"))}</span> '
            f'{_say(_, verdict)}</p>\n')


def _edition(ed: dict, lang: str) -> str:
    """One edition: a large download link that says what the file is (format, size,
    length, what it is for), and folded under it the details few readers need: the
    file's name, its accessibility summary, the check's verdict and its SHA-256."""
    _ = words(lang)
    facts = " · ".join(x for x in (human_size(ed["bytes"], lang), extent(ed, lang)) if x)
    purpose = (f'<span class="purpose">{_say(_, ed["purpose"])}</span>'
               if ed.get("purpose") else "")
    summary = ed.get("accessibility_summary") or _(
        "This file declares no accessibility information.")
    summary = escape(summary) if ed.get("accessibility_summary") else _say(_, summary)
    return (
        '<li class="edition">\n'
        f'<a class="download" href="{escape(ed["file"])}" type="{escape(ed["media_type"])}" '
        f'hreflang="{escape(lang)}" download><span class="format">{_say(_, ed["label"])}'
        f'</span> <span class="facts">{_say(_, facts)}</span> {purpose}</a>\n'
        f'<details class="more">\n<summary>{_say(_, _("About this file"))}'
        f'<span class="sr-only">: {_say(_, ed["label"])}</span></summary>\n'
        f'<p class="file" dir="ltr">{escape(ed["file"])}</p>\n'
        f'<p class="a11y"><span class="label">{_say(_, _("Accessibility:"))}</span> '
        f'{summary}</p>\n'
        f'{_checked(ed.get("check"), ed["file"], _)}'
        f'<p class="sha"><span class="label">SHA-256:</span> '
        f'<code dir="ltr">{escape(ed["sha256"])}</code></p>\n'
        '</details>\n'
        # Paper cannot unfold: the printed page gets the file's name and checksum.
        f'<p class="on-paper"><span dir="ltr">{escape(ed["file"])}</span> · SHA-256 '
        f'<code dir="ltr">{escape(ed["sha256"])}</code></p>\n'
        '</li>\n')


def _article(article: dict, page_lang: str, heading: int = 2) -> str:
    """One article's block, in the article's own language: its generated words too."""
    slug = escape(article["slug"])
    lang = article["lang"]
    _ = words(lang)
    out = [f'<article id="{slug}" aria-labelledby="{slug}-title"{_marks(article, page_lang)}>\n']
    cover = article.get("cover") or {}
    if cover.get("thumbnail"):
        width, height = cover.get("thumbnail_size", [120, 180])
        out.append(f'<img class="cover" src="{escape(cover["thumbnail"])}" alt="" '
                   f'width="{width // 2}" height="{height // 2}">\n')
    out.append('<div class="about">\n')
    out.append(f'<h{heading} id="{slug}-title">{escape(article["title"])}</h{heading}>\n')
    facts = [f'<time datetime="{article["date"]}">{long_date(article["date"], lang)}</time>']
    if article.get("authors"):
        facts.insert(0, _say(_, _("By {names}", names=_.join(article["authors"]))))
    facts.append(_say(_, _("Edition {edition}", edition=article["version"])))
    if article.get("corrections"):
        corrected = _say(_, _("Corrected {date}", date="\0")).replace(
            "\0", f'<time datetime="{article["modified"]}">'
                  f'{long_date(article["modified"], lang)}</time>')
        facts.append(f'<a href="#{slug}-corrections">{corrected}</a>')
    out.append(f'<p class="meta">{" · ".join(facts)}</p>\n')
    out.append('</div>\n')
    # The downloads come before the standfirst: on a phone, the newest article's
    # editions are on the first screen.
    sub = heading + 1
    out.append(f'<h{sub} class="sr-only">{_say(_, _("Editions to download"))}</h{sub}>\n'
               '<ul class="editions">\n')
    out += [_edition(ed, lang) for ed in article["editions"]]
    out.append('</ul>\n')
    if article.get("standfirst") or article.get("subjects"):
        out.append('<div class="summary">\n')
        if article.get("standfirst"):
            out.append(f'<p class="standfirst">{escape(article["standfirst"])}</p>\n')
        if article.get("subjects"):
            out.append(f'<p class="subjects"><span class="label">'
                       f'{_say(_, _("Subjects:"))}</span> '
                       f'{escape(_.join(article["subjects"]))}</p>\n')
        out.append('</div>\n')
    if article.get("corrections"):
        out.append(f'<section class="corrections" id="{slug}-corrections" '
                   f'aria-labelledby="{slug}-corrections-title">\n'
                   f'<h{sub} id="{slug}-corrections-title">{_say(_, _("Corrections"))}'
                   f'</h{sub}>\n<ul>\n')
        for c in article["corrections"]:
            out.append(f'<li><time datetime="{c["date"]}">{long_date(c["date"], lang)}'
                       f'</time>: {escape(c["text"])}</li>\n')
        out.append('</ul>\n</section>\n')
    out.append('</article>\n')
    return "".join(out)


def _story(group: list[dict], page_lang: str) -> str:
    """A story in several languages: one section, a line linking each language's
    article (``hreflang``, the language named in itself), and the articles."""
    if len(group) == 1:
        return _article(group[0], page_lang)
    _ = words(page_lang)
    first = group[0]
    ident = f'story-{escape(first["slug"])}'
    links = [f'<a href="#{escape(a["slug"])}" hreflang="{escape(a["lang"])}"'
             f'{_marks(a, page_lang)}>{escape(autonym(a["lang"]))}</a>' for a in group]
    count = len(group)
    label = _.n("This story in {n} language:", "This story in {n} languages:", count,
                n=_.number(count))
    out = [f'<section class="story" id="{ident}" aria-labelledby="{ident}-title">\n',
           f'<h2 id="{ident}-title"{_marks(first, page_lang)}>{escape(first["title"])}</h2>\n',
           f'<p class="languages"><span class="label">{escape(label)}</span> '
           f'{" · ".join(links)}</p>\n']
    out += [_article(article, page_lang, heading=3) for article in group]
    out.append('</section>\n')
    return "".join(out)


def render_page(articles: list[dict], css: str, catalogue_kind: str, signed: bool) -> bytes:
    """The downloads page for ``articles`` (manifest entries, newest first), in the
    language most of them are in; each article in its own."""
    lang = page_language(articles)
    _ = words(lang)
    direction = words(lang).direction
    count = len(articles)
    ours = [[ed["label"] for ed in a["editions"]] for a in articles if a["lang"] == lang]
    every = list(dict.fromkeys(label for labels in ours for label in labels))
    # What every article has, then what only some have, counted: no promise the page
    # does not keep ("each as ... booklet" when one article has a booklet).
    formats = [label for label in every if all(label in labels for labels in ours)]
    some = Counter(tuple(label for label in labels if label not in formats)
                   for labels in ours)
    publishers = {a.get("publisher") for a in articles}
    site = publishers.pop() if len(publishers) == 1 and None not in publishers else ""
    title = _("Downloads — {site}", site=site) if site else _("Downloads")
    intro = _.n("{n} article, to download as {formats}.",
                "{n} articles, each to download as {formats}.", count,
                n=_.number(count), formats=_.join(formats, "or"))
    for extra, n in some.items():
        if extra:
            intro += " " + _.n("{n} of them also as {formats}.", "{n} of them also as "
                               "{formats}.", n, n=_.number(n), formats=_.join(list(extra)))
    groups = stories(articles, lang)
    if len(groups) < count:
        intro += " " + _.n("{n} story is published in several languages.",
                           "{n} stories are published in several languages.",
                           sum(len(g) > 1 for g in groups),
                           n=_.number(sum(len(g) > 1 for g in groups)))
    signature = (" " + escape(_("The manifest is signed with Ed25519: {signature}, public key "
                                "{key}.", signature="\0", key="\1"))
                 .replace("\0", '<a href="manifest.json.sig">manifest.json.sig</a>')
                 .replace("\1", '<a href="manifest.pub.pem">manifest.pub.pem</a>')
                 if signed else "")
    head = (
        f'<!DOCTYPE html>\n<html lang="{escape(_.lang)}" dir="{direction}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{escape(title)}</title>\n'
        f'<meta name="description" content="{escape(intro)}">\n'
        '<meta name="generator" content="exporter">\n'
        f'<link rel="alternate" type="{CATALOGUE_TYPE.format(kind=catalogue_kind)}" '
        f'href="catalog.xml" title="{escape(_("Catalogue for e-reader apps (OPDS)"))}">\n'
        f'<style>\n{css}</style>\n</head>\n')
    sums = escape(_("Every file’s SHA-256 checksum is in {sums}; in the folder holding the "
                    "files, {command} checks them all. {manifest} lists every file with its "
                    "size and checksum, and the checksums of each article’s earlier "
                    "versions.", sums="\0", command="\1", manifest="\2"))
    sums = (sums.replace("\0", '<a href="SHA256SUMS">SHA256SUMS</a>')
            .replace("\1", '<code dir="ltr">sha256sum -c SHA256SUMS</code>')
            .replace("\2", '<a href="manifest.json">manifest.json</a>'))
    apps = escape(_("E-reader apps that read OPDS catalogues (KOReader, Thorium, Calibre, "
                    "Moon+ Reader and others) can browse these articles: add {catalogue} as a "
                    "catalogue.", catalogue="\0")).replace(
        "\0", '<a href="catalog.xml">catalog.xml</a>')
    body = [
        f'<body>\n<a class="skip" href="#main">{escape(_("Skip to the downloads"))}</a>\n',
        f'<header>\n<h1>{escape(title)}</h1>\n<p>{escape(intro)}</p>\n</header>\n',
        '<main id="main">\n',
        *[_story(group, lang) for group in groups],
        '</main>\n',
        f'<footer>\n<h2>{escape(_("Check your copy, or read in an app"))}</h2>\n'
        f'<p>{sums}{signature}</p>\n<p>{apps}</p>\n'
        '</footer>\n</body>\n</html>\n',
    ]
    return (head + "".join(body)).encode("utf-8")
