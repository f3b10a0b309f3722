"""Raw HTML images reach the DOCX: Word is given nothing of raw HTML, so an ``<img>``
(alone, inline, or the image of a ``<figure>``) is made a real picture with its alt
text instead of being lost without a word."""

from __future__ import annotations

import re
import shutil
import zipfile

from conftest import FIXTURES, run_cli

SOURCE = """\
---
title: Raw images
date: 2024-01-02
lang: en
---
Text with <img src="pixel.png" alt="inline pic"> inline.

<figure>
<img src="pixel.png" alt="A figure's image">
<figcaption>The caption of the figure</figcaption>
</figure>

<img src="pixel.png" alt="block pic" width="100">

<figure><img src="pixel.png" alt="One line"><figcaption>Cap <em>two</em></figcaption></figure>
"""


def test_raw_html_images_are_pictures_in_the_docx(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "raw.md").write_text(SOURCE, "utf-8")
    shutil.copy(FIXTURES / "pixel.png", source / "pixel.png")
    result = run_cli("build", source, "--format", "docx", "--out", tmp_path / "dist")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "dist" / "raw.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
        assert any(n.startswith("word/media/") for n in docx.namelist())
    from html import unescape

    pictures = [unescape(d) for d in re.findall(r'<wp:docPr\b[^>]*descr="([^"]*)"', body)]
    assert pictures == ["inline pic", "A figure's image", "block pic", "One line"]
    assert "The caption of the figure" in body
