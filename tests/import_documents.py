"""Documents as Word, LibreOffice and Google Docs write them, made for the import tests.

Each is made from one Markdown story by pandoc, then given what an author's file has and
pandoc never writes: a comment, a tracked change, a text box, a floating shape and a
field (DOCX); a comment, a tracked change and a text box (ODT); Google Docs' own way of
writing footnotes, comments, the title and links (HTML in a zip, as Docs' "Web page"
download). Every story has images, a table, headings, a footnote and a quote.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

STORY = """\
---
title: Harbour works begin on the east quay
subtitle: The port authority starts a two-year rebuild
author: [Ana Lima, Ben Okafor]
date: 2024-03-05
lang: en-GB
---

# Work starts

The port authority began work on the east quay on Monday.[^1] Cranes arrived by sea.

![The east quay at dawn](quay.png)

> "We have waited ten years for this," said the harbour master.

## Costs

| Item | Cost |
|------|-----:|
| Quay wall | 4.2 m |
| Cranes | 1.1 m |

: Budget by item

![Two cranes on the quay](crane.png)

The second phase follows in 2026.

Updated on the day of publication.

[^1]: According to the authority's press release.
"""

#: What the tests find in every import (the story's own words).
PARAGRAPHS = ("The port authority began work on the east quay on Monday.",
              "Cranes arrived by sea.", "said the harbour master.", "Quay wall",
              "According to the authority's press release.")
#: The comment each document has; it must never reach the source.
COMMENT = "Check the date with the authority"
#: The tracked change: "in 2026" deleted, "in 2025" inserted.
ACCEPTED, REJECTED = "The second phase follows in 2025.", "The second phase follows in 2026."
TEXT_BOX = "Sidebar: the quay in numbers"


def _pictures(folder: Path) -> None:
    from PIL import Image

    Image.new("RGB", (320, 200), (30, 90, 160)).save(folder / "quay.png")
    Image.new("RGB", (200, 200), (200, 120, 30)).save(folder / "crane.png")


#: Each document's title (the article's file name follows it).
TITLES = {"docx": "Harbour works begin (Word)", "odt": "Harbour works begin (LibreOffice)",
          "zip": "Harbour works begin (Google Docs)"}


def _pandoc(folder: Path, target: str) -> Path:
    from exporter.pandoc import pandoc_path

    (folder / "story.md").write_text(
        STORY.replace("Harbour works begin on the east quay", TITLES[target]), "utf-8")
    _pictures(folder)
    out = folder / f"made.{target}"
    subprocess.run([pandoc_path(), "story.md", "-o", out.name], cwd=folder, check=True)
    return out


def _rewrite(archive: Path, target: Path, changes: dict) -> Path:
    """Copy ``archive`` to ``target`` with members changed by ``changes[name](text)``."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in changes:
                data = changes[info.filename](data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)
    return target


_W = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '


def make_docx(folder: Path) -> Path:
    """A Word document: Word's Quote and Caption styles, no Author and Date paragraphs
    (core properties only), a comment, a tracked change, a text box, a shape, a field."""
    made = _pandoc(folder, "docx")

    def document(xml: str) -> str:
        xml = xml.replace("<w:document ", "<w:document " + _W, 1)
        xml = re.sub(r'<w:p>\s*<w:pPr>\s*<w:pStyle w:val="(Author|Date)" />.*?</w:p>', "",
                     xml, flags=re.S)
        xml = xml.replace('w:val="BlockText"', 'w:val="Quote"')
        xml = xml.replace('w:val="ImageCaption"', 'w:val="Caption"')
        # A comment on "Cranes arrived by sea."
        xml = xml.replace(
            '<w:r><w:t xml:space="preserve">Cranes arrived by sea.</w:t></w:r>',
            '<w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve">Cranes arrived by '
            'sea.</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:rPr><w:rStyle '
            'w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r>')
        # A tracked change: "in 2026" deleted, "in 2025" inserted.
        xml = xml.replace(
            '<w:r><w:t xml:space="preserve">The second phase follows in 2026.</w:t></w:r>',
            '<w:r><w:t xml:space="preserve">The second phase follows </w:t></w:r>'
            '<w:del w:id="201" w:author="Editor" w:date="2024-03-04T10:00:00Z"><w:r>'
            '<w:delText>in 2026</w:delText></w:r></w:del>'
            '<w:ins w:id="202" w:author="Editor" w:date="2024-03-04T10:00:00Z"><w:r>'
            '<w:t>in 2025</w:t></w:r></w:ins><w:r><w:t>.</w:t></w:r>')
        # A text box and a floating shape after the quote's paragraph; a DATE field.
        box = ('<w:p><w:r><w:pict><v:shape id="box1" type="#_x0000_t202" '
               'style="position:absolute;width:150pt;height:50pt"><v:textbox><w:txbxContent>'
               f'<w:p><w:r><w:t>{TEXT_BOX}</w:t></w:r></w:p></w:txbxContent></v:textbox>'
               '</v:shape></w:pict></w:r></w:p>'
               '<w:p><w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" '
               'simplePos="0" relativeHeight="2" behindDoc="0" locked="0" layoutInCell="1" '
               'allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column">'
               '<wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph">'
               '<wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="914400" cy="457200"/>'
               '<wp:wrapNone/><wp:docPr id="90" name="Right Arrow 1"/><a:graphic><a:graphicData '
               'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
               '<wps:spPr><a:prstGeom prst="rightArrow"><a:avLst/></a:prstGeom></wps:spPr>'
               '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>')
        xml = re.sub(r'(said the harbour master\.</w:t></w:r></w:p>)', r"\1" + box, xml)
        xml = xml.replace(
            '<w:r><w:t xml:space="preserve">Updated on the day of publication.</w:t></w:r>',
            '<w:r><w:t xml:space="preserve">Updated on </w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            ' DATE \\@ "d MMMM yyyy" </w:instrText></w:r><w:r><w:fldChar '
            'w:fldCharType="separate"/></w:r><w:r><w:t>5 March 2024</w:t></w:r><w:r>'
            '<w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>.</w:t></w:r>')
        return xml

    def comments(xml: str) -> str:
        # pandoc writes an empty <w:comments ... />
        return re.sub(r"\s*/>\s*$", '><w:comment w:id="0" w:author="Editor" '
                      'w:date="2024-03-04T10:00:00Z" w:initials="E"><w:p><w:r><w:t>'
                      f'{COMMENT}.</w:t></w:r></w:p></w:comment></w:comments>', xml)

    def styles(xml: str) -> str:
        return xml.replace("</w:styles>", '<w:style w:type="paragraph" w:styleId="Quote">'
                           '<w:name w:val="Quote"/><w:basedOn w:val="Normal"/></w:style>'
                           "</w:styles>")

    def core(xml: str) -> str:
        return re.sub(r"(<dcterms:created[^>]*>)[^<]*", r"\g<1>2024-03-04T09:00:00Z", xml)

    return _rewrite(made, folder / "story.docx", {
        "word/document.xml": document, "word/comments.xml": comments,
        "word/styles.xml": styles, "docProps/core.xml": core})


def make_odt(folder: Path) -> Path:
    """A LibreOffice document: a comment, a tracked change and a text box."""
    made = _pandoc(folder, "odt")

    def content(xml: str) -> str:
        xml = xml.replace(
            "Cranes arrived by sea.",
            '<office:annotation><dc:creator>Editor</dc:creator><dc:date>2024-03-04T10:00:00'
            f'</dc:date><text:p>{COMMENT}.</text:p></office:annotation>Cranes arrived by sea.')
        changes = ('<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
                   '<office:change-info><dc:creator>Editor</dc:creator><dc:date>'
                   '2024-03-04T10:00:00</dc:date></office:change-info><text:p>in 2026</text:p>'
                   '</text:deletion></text:changed-region><text:changed-region text:id="ct2">'
                   '<text:insertion><office:change-info><dc:creator>Editor</dc:creator>'
                   '<dc:date>2024-03-04T10:00:00</dc:date></office:change-info></text:insertion>'
                   '</text:changed-region></text:tracked-changes>')
        xml = xml.replace("<office:text>", "<office:text>" + changes, 1)
        xml = xml.replace("The second phase follows in 2026.",
                          'The second phase follows <text:change text:change-id="ct1"/>'
                          '<text:change-start text:change-id="ct2"/>in 2025'
                          '<text:change-end text:change-id="ct2"/>.')
        box = ('<text:p text:style-name="Text_20_body"><draw:frame draw:name="Box1" '
               'text:anchor-type="paragraph" svg:width="2in" svg:height="0.7in"><draw:text-box>'
               f'<text:p>{TEXT_BOX}</text:p></draw:text-box></draw:frame></text:p>')
        return re.sub(r"(said the harbour master\.</text:p>)", r"\1" + box, xml)

    return _rewrite(made, folder / "story.odt", {"content.xml": content})


_GOOGLE = "https://www.google.com/url?q={}&amp;sa=D&amp;source=editors&amp;ust=1&amp;usg=AOv"


def make_google_docs_zip(folder: Path) -> Path:
    """A Google Docs "Web page (.html, zipped)" download: one HTML file with classes and
    spans everywhere, ``images/``, footnotes and comments as links to the end."""
    _pictures(folder)
    html = f"""<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">
<style type="text/css">.c1{{font-weight:400}}.title{{font-size:26pt}}</style></head>
<body class="c5 doc-content">
<p class="c3 title" id="h.t1"><span class="c1">{TITLES["zip"]}</span></p>
<p class="c3 subtitle" id="h.s1"><span class="c1">The port authority starts a two-year rebuild</span></p>
<h1 class="c4" id="h.abc1"><span class="c1">Work starts</span></h1>
<p class="c2"><span class="c1">The port authority began work on the east quay on Monday.</span><sup><a href="#ftnt1" id="ftnt_ref1">[1]</a></sup><span class="c1">&nbsp;Cranes arrived by sea.</span><sup><a href="#cmnt1" id="cmnt_ref1">[a]</a></sup><span class="c1">&nbsp;See <a class="c9" href="{_GOOGLE.format('https://example.org/harbour')}">the plans</a>.</span></p>
<p class="c2"><span style="overflow: hidden; display: inline-block; margin: 0.00px 0.00px; width: 320.00px; height: 200.00px;"><img alt="The east quay at dawn" src="images/image1.png" style="width: 320.00px; height: 200.00px;" title=""></span></p>
<blockquote><p class="c2"><span class="c1">&ldquo;We have waited ten years for this,&rdquo; said the harbour master.</span></p></blockquote>
<h2 class="c4" id="h.abc2"><span class="c1">Costs</span></h2>
<table class="c8"><tr class="c6"><td class="c7"><p class="c2"><span class="c1">Item</span></p></td><td class="c7"><p class="c2"><span class="c1">Cost</span></p></td></tr>
<tr class="c6"><td class="c7"><p class="c2"><span class="c1">Quay wall</span></p></td><td class="c7"><p class="c2"><span class="c1">4.2 m</span></p></td></tr>
<tr class="c6"><td class="c7"><p class="c2"><span class="c1">Cranes</span></p></td><td class="c7"><p class="c2"><span class="c1">1.1 m</span></p></td></tr></table>
<p class="c2"><span style="overflow: hidden; display: inline-block;"><img alt="Two cranes on the quay" src="images/image2.png" style="width: 200.00px; height: 200.00px;" title=""></span></p>
<p class="c2"><span class="c1">The second phase follows in 2025.</span></p>
<hr class="c10"><div><p class="c2"><a href="#ftnt_ref1" id="ftnt1">[1]</a><span class="c1">&nbsp;According to the authority&rsquo;s press release.</span></p></div>
<div class="c11"><p class="c2"><a href="#cmnt_ref1" id="cmnt1">[a]</a><span class="c1">{COMMENT}.</span></p></div>
</body></html>"""
    target = folder / "Harbour works.zip"
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("Harbourworks.html", html)
        out.write(folder / "quay.png", "images/image1.png")
        out.write(folder / "crane.png", "images/image2.png")
    return target
