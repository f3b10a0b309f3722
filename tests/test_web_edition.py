"""The web edition (``<slug>.html``) read as browsers, validators and news crawlers read
it: one file, the same content as the EPUB, no script needed, right-to-left too.

Cheap by design: the sample's page comes from the session's build (``sample_dist``),
the six languages' from the ``language`` fixture; one Chromium. The Nu HTML checker
reads it with the downloads pages, in one Java run (test_distribution)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import lxml.html
import pytest

from conftest import ROOT, SCRIPT_SLUG, squash

SLUG = "azerbaijan-operation-nagorno-karabakh"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def page(sample_dist) -> Path:
    return sample_dist / f"{SLUG}.html"


def _json_ld(root) -> dict:
    (script,) = root.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def test_one_file_under_a_megabyte_with_everything_inside(page, sample_dist):
    from exporter.publish.checks import check

    data = page.read_bytes()
    assert len(data) < 1_000_000
    assert check(page) == []  # HTML5 syntax, lang/dir, alt text, nothing from outside
    root = lxml.html.document_fromstring(data)
    assert root.get("lang") == "en-GB" and root.get("dir") == "ltr"
    # No script to read it: the only one is data (JSON-LD).
    assert [s.get("type") for s in root.iter("script")] == ["application/ld+json"]
    css = "".join(s.text for s in root.iter("style"))
    assert css.count("data:font/woff2;base64,") >= 5  # four book-face styles, the map face
    assert '"Literata"' in css and '"DejaVu Sans"' in css
    # The same text as the EPUB: the title page, every paragraph, the appendices.
    text = squash(root.text_content())
    from conftest import article_paragraphs, assert_in_order

    for definition in root.xpath('//span[@class="glossdef"]'):
        definition.drop_tree()  # the definitions a term opens, inside its paragraph
    assert_in_order(article_paragraphs(), root.body.text_content())
    for level, heading in (("h2", "Glossary"), ("h2", "Maps"), ("h3", "Gazetteer")):
        assert root.xpath(f'//{level}[normalize-space()="{heading}"]'), heading
    assert squash("19 September 2023") in text
    assert len(root.xpath("//h1")) == 1


def test_maps_are_inline_svg_with_text_labels_and_a_text_key(page):
    root = lxml.html.document_fromstring(page.read_bytes())
    maps = root.xpath('//figure[contains(@class, "map")]')
    assert len(maps) == 2
    for figure in maps:
        (svg,) = figure.xpath('.//*[local-name()="svg"]')
        assert svg.get("role") == "img"
        title = svg.xpath('./*[local-name()="title"]')[0]
        assert svg.get("aria-labelledby") == title.get("id")
        assert title.text.startswith("Map of")
        labels = [t.text for t in svg.xpath('.//*[local-name()="text"]')]
        assert labels, "labels drawn as text"
        assert figure.xpath('.//div[@class="map-key"]')
    labels = " ".join(t.text or "" for t in root.xpath('//*[local-name()="text"]'))
    assert "Baku" in labels and "Khankendi" in labels
    # ids of the two drawings kept apart
    ids = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]
    assert len(ids) == len(set(ids))


def test_glossary_terms_open_their_definition_in_place(page):
    root = lxml.html.document_fromstring(page.read_bytes())
    buttons = root.xpath('//button[@class="glossref"]')
    assert len(buttons) == 16
    for button in buttons:
        target = root.get_element_by_id(button.get("popovertarget"))
        assert target.get("popover") == "auto" and target.getparent().tag == "p"
        more = target.xpath('.//a[@class="glossdef-more"]')[0].get("href")
        assert root.xpath(f'//dfn[@id="{more[1:]}"]'), more  # the full entry below
        # The glossary's link back still finds its use in the text.
        assert root.xpath(f'//a[@href="#{button.get("id")}"]')
    first = root.get_element_by_id(buttons[0].get("popovertarget"))
    assert "Caspian" in first.text_content() or len(first.text_content()) > 80


def test_news_metadata_json_ld_open_graph_and_alternates(page):
    from exporter.typeset.news import problems

    root = lxml.html.document_fromstring(page.read_bytes())
    data = _json_ld(root)
    assert problems(data) == []
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Azerbaijan launches operation against Nagorno-Karabakh"
    assert data["datePublished"] == "2023-09-19" == data["dateModified"]
    assert data["inLanguage"] == "en-GB"
    assert data["image"] == [f"covers/{SLUG}.png"]
    assert "author" not in data  # the sample names none: none invented
    located = {p["name"]: p for p in data["contentLocation"]}
    assert located["Baku"]["geo"]["latitude"] == pytest.approx(40.41, abs=0.01)
    assert {"Armenia", "Azerbaijan"} <= {p["name"] for p in data["about"]}
    og = {m.get("property"): m.get("content") for m in root.xpath("//meta[@property]")}
    assert og["og:type"] == "article" and og["og:title"] == data["headline"]
    assert og["article:published_time"] == "2023-09-19" and og["og:locale"] == "en_GB"
    alternates = {l.get("href"): l.get("type") for l in root.xpath('//link[@rel="alternate"]')}
    assert alternates == {f"{SLUG}.epub": "application/epub+zip",
                          f"{SLUG}.pdf": "application/pdf",
                          f"{SLUG}.docx": "application/vnd.openxmlformats-officedocument"
                                          ".wordprocessingml.document"}


def test_json_ld_problems_are_found():
    from exporter.typeset.news import problems

    good = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "H",
            "datePublished": "2024-05-01", "dateModified": "2024-05-12T10:00:00Z",
            "inLanguage": "en", "image": ["c.png"]}
    assert problems(good) == []
    assert problems({**good, "datePublished": "1 May 2024"}) == [
        "datePublished '1 May 2024' is not an ISO 8601 date"]
    assert problems({**good, "dateModified": "2024-04-30"}) == [
        "dateModified is before datePublished"]
    missing = dict(good)
    del missing["headline"]
    assert problems(missing) == ["headline is missing"]


def test_the_check_finds_what_a_broken_page_lacks(tmp_path):
    from exporter.publish.html_checks import html_findings

    broken = (b"<html><head><title>x</title></head><body><p>a<div></p>"
              b'<img src="https://example.org/a.png"><script>alert(1)</script></body></html>')
    messages = [m for _level, m in html_findings(broken)]
    assert any("syntax error" in m for m in messages)
    assert any("DOCTYPE" in m for m in messages)
    assert any("no lang" in m for m in messages)
    assert any("no alt text" in m for m in messages)
    assert any("from outside the file" in m for m in messages)
    assert any("has a script" in m for m in messages)


def test_each_language_gets_its_direction_and_words(language):
    lang, out = language  # the six languages of the region (conftest), HTML among them
    root = lxml.html.document_fromstring((out / f"{SCRIPT_SLUG}.html").read_bytes())
    assert root.get("lang") == lang
    assert root.get("dir") == ("rtl" if lang in ("fa", "ar") else "ltr")
    assert _json_ld(root)["inLanguage"] == lang
    assert root.xpath("string(//summary)") != "Contents"  # the language's own word


# --- in Chromium ---------------------------------------------------------------------------

def test_glossary_maps_and_page_numbers_work_with_javascript_off(page, browser):
    """With the pages' scripts off (DevTools' Emulation.setScriptExecutionDisabled;
    WebDriver's own commands still run): a term opens its definition in place, the maps
    draw their labels, the print pages' numbers appear when asked for."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        # Scripts are off indeed: a page's own script does not run.
        browser.get("data:text/html,<p id=x>off</p><script>x.textContent='on'</script>")
        assert browser.find_element(By.ID, "x").text == "off"
        browser.get(page.resolve().as_uri())
        button = browser.find_elements(By.CSS_SELECTOR, "button.glossref")[0]
        definition = browser.find_element(By.ID, button.get_attribute("popovertarget"))
        assert not definition.is_displayed()
        button.click()
        assert definition.is_displayed() and "Glossary entry" in definition.text
        labels = browser.find_elements(By.CSS_SELECTOR, "figure.map svg text")
        assert len(labels) > 20 and any(label.text == "Baku" for label in labels)
        markers = browser.find_elements(By.CSS_SELECTOR, ".pagebreak")
        assert markers and not markers[0].is_displayed()
        browser.get(page.resolve().as_uri())
        browser.find_element(By.CSS_SELECTOR, ".toolbar details:nth-of-type(2) summary").click()
        browser.find_element(By.ID, "show-pages").click()
        assert browser.find_elements(By.CSS_SELECTOR, ".pagebreak")[0].is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


@pytest.fixture(scope="module")
def browser():
    from test_distribution import _browser

    driver = _browser()
    yield driver
    driver.quit()


def test_in_chromium_at_phone_and_desktop_widths(page, browser, tmp_path):
    import base64

    browser.get(page.resolve().as_uri())
    for name, width in (("phone", 390), ("desktop", 1280)):
        browser.set_window_size(width, 900)
        shot = tmp_path / f"{name}.png"
        browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (name, overflow)
        widths = browser.execute_script(
            "return [...document.querySelectorAll('figure.map svg')].map("
            "s => s.getBoundingClientRect().width)")
        assert len(widths) == 2 and all(w > min(300, width - 60) for w in widths), widths
    # axe-core, WCAG 2.x A and AA plus best practices: no violations.
    browser.get(page.resolve().as_uri())
    browser.execute_script(AXE.read_text("utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        ".then(r => done({violations: r.violations.map(v => [v.id, v.nodes.length,"
        " v.nodes.slice(0, 2).map(n => n.target)]), passes: r.passes.length}),"
        " e => done({error: String(e)}))")
    assert result.get("violations") == [], result
    # Printed from the browser: the title on the first page, the maps' labels as text.
    pdf = base64.b64decode(browser.print_page())
    (tmp_path / "printed.pdf").write_bytes(pdf)
    pages = subprocess.run(["pdftotext", tmp_path / "printed.pdf", "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    assert squash("Azerbaijan launches operation") in squash(pages[0])
    assert "Contents" not in pages[0]  # the toolbar is for screens
    assert re.search(r"Khankendi", "".join(pages))


def test_the_feed_catalogue_manifest_and_sums_carry_the_web_edition(sample_dist):
    import feedparser

    feed = feedparser.parse(str(sample_dist / "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    (entry,) = feed.entries
    assert entry.title == "Azerbaijan launches operation against Nagorno-Karabakh"
    assert entry.link == f"{SLUG}.html" and entry.published == "2023-09-19T00:00:00Z"
    enclosures = {link.href: link.type for link in entry.links if link.rel == "enclosure"}
    assert enclosures == {f"{SLUG}.epub": "application/epub+zip",
                          f"{SLUG}.pdf": "application/pdf",
                          f"{SLUG}.docx": "application/vnd.openxmlformats-officedocument"
                                          ".wordprocessingml.document"}
    manifest = json.loads((sample_dist / "manifest.json").read_text("utf-8"))
    (web,) = [e for e in manifest["articles"][0]["editions"] if e["format"] == "html"]
    assert web["media_type"] == "text/html" and web["file"] == f"{SLUG}.html"
    catalogue = (sample_dist / "catalog.xml").read_text("utf-8")
    assert re.search(rf'href="{SLUG}\.html" type="text/html"', catalogue) or \
        re.search(rf'type="text/html"[^>]*href="{SLUG}\.html"', catalogue)
    assert f"  {SLUG}.html\n" in (sample_dist / "SHA256SUMS").read_text("utf-8")
    assert "feed.xml" in (sample_dist / "SHA256SUMS").read_text("utf-8")


def test_the_downloads_page_offers_the_web_edition_first_with_news_metadata(sample_dist):
    from exporter.typeset.news import problems

    root = lxml.html.document_fromstring((sample_dist / "index.html").read_bytes())
    (article,) = root.xpath("//main//article")
    first = article.xpath('.//a[@class="download"]')[0]
    assert first.get("href") == f"{SLUG}.html" and first.get("download") is None
    assert first.xpath('string(.//span[@class="read"])') == "Read now"
    assert all(a.get("download") is not None
               for a in article.xpath('.//a[@class="download"]')[1:])
    data = _json_ld(article)
    assert problems(data) == [] and data["url"] == f"{SLUG}.html"
    assert [e["contentUrl"] for e in data["encoding"]] == [
        f"{SLUG}.epub", f"{SLUG}.pdf", f"{SLUG}.docx"]
    assert "Baku" in {p["name"] for p in data["contentLocation"]}
    og = {m.get("property"): m.get("content") for m in root.xpath("//meta[@property]")}
    assert og["og:type"] == "website" and og["og:image"] == f"covers/{SLUG}.png"
    assert root.xpath('//link[@rel="alternate"][@href="feed.xml"]')
