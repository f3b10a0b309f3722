"""``index.html``: the downloads page, one self-contained file.

It works opened from a folder (file://) or served by any web server: no script, no
font or style fetched from anywhere (the stylesheet is inlined), covers and editions
linked by relative paths. Responsive from phone to desktop, with a print stylesheet.
"""

from __future__ import annotations

import datetime as dt
from html import escape

#: The OPDS media type of the catalogue, announced in the page's head.
CATALOGUE_TYPE = "application/atom+xml;profile=opds-catalog;kind={kind}"


def human_size(size: int) -> str:
    """Bytes as people read them: "840 bytes", "224 kB", "1.3 MB"."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


def long_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%-d %B %Y")


def extent(edition: dict) -> str:
    if edition.get("pages") is not None:
        n = edition["pages"]
        return f"{n} page" + ("s" if n != 1 else "")
    if edition.get("words") is not None:
        return f"{edition['words']:,} words"
    return ""


def _checked(check: dict | None, file: str) -> str:
    """A line on ``exporter check``'s verdict, when the build ran it (``--check``)."""
    if not check:
        return ""
    verdict = ("no errors or warnings" if check["passed"]
               else f"{check['errors']} errors, {check['warnings']} warnings")
    if file.endswith(".epub"):
        verdict += " (W3C EPUBCheck)"
    return f'<p class="checked"><span class="label">Checked:</span> {verdict}</p>\n'


def _edition(ed: dict) -> str:
    facts = " · ".join(x for x in (human_size(ed["bytes"]), extent(ed)) if x)
    purpose = f" — {escape(ed['purpose'])}" if ed.get("purpose") else ""
    summary = ed.get("accessibility_summary") or "This file declares no accessibility information."
    return (
        '<li class="edition">\n'
        f'<a class="download" href="{escape(ed["file"])}" type="{escape(ed["media_type"])}" '
        f'download><span class="format">{escape(ed["label"])}</span>{purpose}</a>\n'
        f'<p class="facts">{escape(facts)}<span class="file">{escape(ed["file"])}</span></p>\n'
        f'<p class="a11y"><span class="label">Accessibility:</span> {escape(summary)}</p>\n'
        f'{_checked(ed.get("check"), ed["file"])}'
        f'<p class="sha"><span class="label">SHA-256:</span> '
        f'<code>{escape(ed["sha256"])}</code></p>\n'
        '</li>\n')


def _article(article: dict) -> str:
    slug = escape(article["slug"])
    lang = escape(article["lang"])
    out = [f'<article id="{slug}" aria-labelledby="{slug}-title">\n']
    cover = article.get("cover") or {}
    if cover.get("thumbnail"):
        width, height = cover.get("thumbnail_size", [120, 180])
        out.append(f'<img class="cover" src="{escape(cover["thumbnail"])}" alt="" '
                   f'width="{width // 2}" height="{height // 2}">\n')
    out.append('<div class="about">\n')
    out.append(f'<h2 id="{slug}-title" lang="{lang}">{escape(article["title"])}</h2>\n')
    if article.get("standfirst"):
        out.append(f'<p class="standfirst" lang="{lang}">{escape(article["standfirst"])}</p>\n')
    facts = [f'<time datetime="{article["date"]}">{long_date(article["date"])}</time>']
    if article.get("authors"):
        facts.insert(0, "By " + escape(", ".join(article["authors"])))
    facts.append(f'Edition {escape(article["version"])}')
    if article.get("corrections"):
        facts.append(f'<a href="#{slug}-corrections">Corrected <time datetime="'
                     f'{article["modified"]}">{long_date(article["modified"])}</time></a>')
    out.append(f'<p class="meta">{" · ".join(facts)}</p>\n')
    if article.get("subjects"):
        out.append(f'<p class="subjects"><span class="label">Subjects:</span> '
                   f'<span lang="{lang}">{escape(", ".join(article["subjects"]))}</span></p>\n')
    out.append('</div>\n')
    out.append('<h3 class="sr-only">Editions to download</h3>\n<ul class="editions">\n')
    out += [_edition(ed) for ed in article["editions"]]
    out.append('</ul>\n')
    if article.get("corrections"):
        out.append(f'<section class="corrections" id="{slug}-corrections" '
                   f'aria-labelledby="{slug}-corrections-title">\n'
                   f'<h3 id="{slug}-corrections-title">Corrections</h3>\n<ul>\n')
        for c in article["corrections"]:
            out.append(f'<li><time datetime="{c["date"]}">{long_date(c["date"])}</time>: '
                       f'<span lang="{lang}">{escape(c["text"])}</span></li>\n')
        out.append('</ul>\n</section>\n')
    out.append('</article>\n')
    return "".join(out)


def render_page(articles: list[dict], css: str, catalogue_kind: str, signed: bool) -> bytes:
    """The downloads page for ``articles`` (manifest entries, newest first)."""
    count = len(articles)
    formats = sorted({ed["label"] for a in articles for ed in a["editions"]})
    publishers = {a.get("publisher") for a in articles}
    site = publishers.pop() if len(publishers) == 1 and None not in publishers else ""
    title = f"Downloads — {site}" if site else "Downloads"
    intro = (f"{count} article{'s' if count != 1 else ''}, each to download as "
             f"{', '.join(formats[:-1]) + ' or ' + formats[-1] if len(formats) > 1 else ''.join(formats)}.")
    signature = (' The manifest is signed with Ed25519: <a href="manifest.json.sig">'
                 'manifest.json.sig</a>, public key <a href="manifest.pub.pem">'
                 'manifest.pub.pem</a>.' if signed else "")
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{escape(title)}</title>\n'
        f'<meta name="description" content="{escape(intro)}">\n'
        '<meta name="generator" content="exporter">\n'
        f'<link rel="alternate" type="{CATALOGUE_TYPE.format(kind=catalogue_kind)}" '
        'href="catalog.xml" title="Catalogue for e-reader apps (OPDS)">\n'
        f'<style>\n{css}</style>\n</head>\n')
    body = [
        '<body>\n<a class="skip" href="#main">Skip to the downloads</a>\n',
        f'<header>\n<h1>{escape(title)}</h1>\n<p>{escape(intro)}</p>\n</header>\n',
        '<main id="main">\n',
        *[_article(a) for a in articles],
        '</main>\n',
        '<footer>\n<h2>Check your copy, or read in an app</h2>\n'
        '<p>Every file’s SHA-256 checksum is in <a href="SHA256SUMS">SHA256SUMS</a>; in the '
        'folder holding the files, <code>sha256sum -c SHA256SUMS</code> checks them all. '
        '<a href="manifest.json">manifest.json</a> lists every file with its size and '
        'checksum, and the checksums of each article’s earlier versions.'
        f'{signature}</p>\n'
        '<p>E-reader apps that read OPDS catalogues (KOReader, Thorium, Calibre, Moon+ '
        'Reader and others) can browse these articles: add '
        '<a href="catalog.xml">catalog.xml</a> as a catalogue.</p>\n'
        '</footer>\n</body>\n</html>\n',
    ]
    return (head + "".join(body)).encode("utf-8")
