"""The canonical sample: every sentence of the seed article, in order, unchanged."""

from __future__ import annotations

import pytest

from conftest import SEED, SAMPLE, article_paragraphs

from exporter.read.source import load_document

WEB_LEFTOVERS = {"Click to continue reading", "Read here:"}


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not beside the repository")
def test_body_keeps_every_paragraph_of_the_seed_in_order():
    seed = [line.strip() for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    title, _, standfirst, *body = seed
    expected = [p for p in body if p not in WEB_LEFTOVERS]
    assert article_paragraphs() == expected
    doc, _ = load_document(SAMPLE)
    assert doc.meta.title == title
    assert " ".join(doc.meta.standfirst.split()) == standfirst


def test_front_matter_is_honest_and_complete():
    doc, _ = load_document(SAMPLE)
    meta = doc.meta
    assert meta.lang == "en-GB"
    assert meta.date.isoformat() == "2023-09-19"
    assert meta.authors == []  # the seed names no author
    assert meta.subjects and meta.rights
    assert meta.stable_identifier(doc.slug).startswith("urn:uuid:")
    assert meta.stable_identifier(doc.slug) == load_document(SAMPLE)[0].meta.stable_identifier(doc.slug)


def test_typography_is_smart():
    doc, _ = load_document(SAMPLE)
    from exporter.document import plain_text

    text = plain_text(doc.ast)
    assert "\u201canti-terrorist\u201d" in text
    assert "Azerbaijan\u2019s" in text
    assert "activities\u2026" in text
    assert '"' not in text and "'" not in text
