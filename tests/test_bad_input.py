"""Bad front-matter and bad usage: one clear message with file and line, exit 2, nothing written."""

from __future__ import annotations

import shutil

import pytest

from conftest import SAMPLE, run_audited, run_cli

GOOD = SAMPLE.read_text("utf-8")


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


CASES = [
    # (id, source text, expected fragments of the message)
    # A missing title is taken from the body or the file name, an unknown top-level key
    # is kept for pandoc, and no front-matter at all is pandoc's plain Markdown: each
    # with a warning (tests/test_pandoc_metadata.py). An empty title stays an error.
    ("empty-title", _replace("title: Azerbaijan launches operation against Nagorno-Karabakh",
                             "title: ''"),
     [":2:", "'title'"]),
    ("date-not-a-date", _replace("date: 2023-09-19", "date: Tuesday"),
     [":6:", "'date'", "is not a date", "YYYY-MM-DD"]),
    ("date-impossible", _replace("date: 2023-09-19", "date: 2023-19-09"),
     [":6:", "'date'", "is not a date", "YYYY-MM-DD"]),
    ("invalid-language", _replace("lang: en-GB", "lang: english"),
     [":7:", "'lang'", "BCP 47"]),
    ("unknown-key", _replace("    caption: >-", "    captoin: >-"),
     [":25:", "unknown key 'maps[0].captoin'", "did you mean 'caption'?"]),
    ("malformed-yaml", _replace("edition: \"1.0\"", "edition: \"1.0"),
     ["malformed YAML"]),
    ("duplicate-key", _replace("lang: en-GB", "lang: en-GB\nlang: en-US"),
     [":8:", "duplicate key 'lang' (first given on line 7)", "keep one of them"]),
    ("unclosed-front-matter", GOOD.replace("\n---\n", "\n", 1), ["front-matter is not closed"]),
    ("empty-body", GOOD.split("\n---\n", 1)[0] + "\n---\n\n", ["no body text"]),
    ("not-utf8", None, [f":{GOOD[:GOOD.index('Azerbaijan' + chr(39) + 's')].count(chr(10)) + 1}:",
                        "not valid UTF-8"]),
]


@pytest.mark.parametrize("name,text,fragments", CASES, ids=[c[0] for c in CASES])
def test_bad_source_is_one_clear_error_and_writes_nothing(tmp_path, name, text, fragments):
    source = tmp_path / "src" / "article.md"
    source.parent.mkdir()
    # The gazetteer and layers of the sample's maps: a build reports every mistake of a
    # source together, and without them the maps would be one more.
    shutil.copy(SAMPLE.parent / "places.yml", source.parent)
    shutil.copytree(SAMPLE.parent / "maps", source.parent / "maps")
    if text is None:
        source.write_bytes(GOOD.encode("utf-8").replace(b"Azerbaijan's", b"Azerbaijan\x92s", 1))
    else:
        source.write_text(text, "utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    previous = out / "article.pdf"
    previous.write_bytes(b"previous edition")
    decoy = tmp_path / "beside-the-source.md"
    decoy.write_text(GOOD, "utf-8")
    result, opened = run_audited(tmp_path / "opened.txt", "build", source, "--out", out)
    assert str(decoy) not in opened, "a file outside the source folder was read"
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "Traceback" not in message
    assert "article.md" in message
    for fragment in fragments:
        assert fragment in message, message
    assert sorted(p.name for p in out.iterdir()) == ["article.pdf"]
    assert previous.read_bytes() == b"previous edition"


def test_debug_shows_the_traceback(tmp_path):
    source = tmp_path / "article.md"
    source.write_text(_replace("lang: en-GB", "lang: english"), "utf-8")
    result = run_cli("--debug", "build", source, "--out", tmp_path / "dist")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_unknown_format_is_bad_usage(tmp_path):
    result = run_cli("build", SAMPLE, "--format", "mobi", "--out", tmp_path)
    assert result.returncode == 2
    assert "mobi" in result.stderr
    assert not any(tmp_path.iterdir())  # not even build records


def test_missing_source_is_bad_usage(tmp_path):
    result = run_cli("build", tmp_path / "nope.md", "--out", tmp_path / "dist")
    assert result.returncode == 2
    assert "nope.md" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()
