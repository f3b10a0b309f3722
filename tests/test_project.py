"""A newsroom's own project: `exporter init`, `exporter new`, and its house style."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from conftest import ROOT, run_cli

from exporter.read.metadata import Metadata
from exporter.read.source import load_metadata

ROW = re.compile(r"^\u2502 (epub|pdf|docx) +\u2502.*\u2502 +(unchanged|[\d.]+) +\u2502$", re.M)


def _rebuilt(stdout: str) -> dict[str, bool]:
    """Format -> whether this build wrote it (False: skipped as unchanged)."""
    return {fmt: seconds != "unchanged" for fmt, seconds in ROW.findall(stdout)}


def _one_article(news: Path) -> None:
    """Keep only the example article of a new project (not the two others and their
    collection): the style tests read one row per format, and stay quick."""
    for path in (news / "source").iterdir():
        if path.name.endswith(".collection.yml") or (
                path.suffix == ".md" and path.name != "azerbaijan-operation-nagorno-karabakh.md"):
            path.unlink()


@pytest.fixture
def env():
    """The CLI's environment: the session's shared cache (what is rebuilt is decided by
    the records beside the editions, not by the cache)."""
    return dict(os.environ)


def test_init_makes_a_project_and_never_overwrites(tmp_path):
    result = run_cli("init", "news", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    news = tmp_path / "news"
    files = {p.relative_to(news).as_posix() for p in news.rglob("*") if p.is_file()}
    assert {"README.md", "exporter.yml", "styles/README.md", "source/glossary.yml",
            "source/places.yml", ".gitignore"} <= files
    assert "/dist/" in (news / ".gitignore").read_text("utf-8").splitlines()
    assert any(f.startswith("source/maps/") and f.endswith(".geojson") for f in files)
    assert any(f.startswith("source/") and f.endswith(".md") for f in files)
    assert [p.name for p in (news / "styles").iterdir()] == ["README.md"], "no style overridden"
    assert "[longitude, latitude]" in (news / "README.md").read_text("utf-8")
    before = {p: p.read_bytes() for p in news.rglob("*") if p.is_file()}

    again = run_cli("init", "news", cwd=tmp_path)
    assert again.returncode == 2
    assert "news: the folder is not empty; nothing was written" in again.stderr
    assert "'exporter init news-2'" in again.stderr, "a name that is free, not the same one"
    assert "Traceback" not in again.stderr
    assert {p: p.read_bytes() for p in news.rglob("*") if p.is_file()} == before

    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine", "utf-8")
    assert run_cli("init", "other", cwd=tmp_path).returncode == 2
    assert [p.name for p in (tmp_path / "other").iterdir()] == ["notes.txt"]


def test_new_adds_an_article_with_todays_date_and_refuses_to_overwrite(tmp_path):
    assert run_cli("init", "news", cwd=tmp_path).returncode == 0
    news = tmp_path / "news"
    result = run_cli("new", "Talks in Yevlakh: \"day two\"", cwd=news)
    assert result.returncode == 0, result.stderr
    path = news / "source" / "talks-in-yevlakh-day-two.md"
    assert f"wrote {Path('source') / path.name}" in result.stdout
    text = path.read_text("utf-8")
    meta = load_metadata(text, path)[0]
    assert meta.title == "Talks in Yevlakh: \"day two\""
    assert meta.date == dt.date.today()
    assert meta.lang == "en-GB" and meta.maps == [] and meta.authors == []
    for key in Metadata.model_fields:  # every key, to fill in or uncomment
        assert re.search(rf"^#? ?{key}:", text, re.M), key
    commented = "\n".join(line.removeprefix("# ") for line in text.splitlines())
    assert load_metadata(commented, path)[0].dir == "rtl", "the commented keys are valid"

    again = run_cli("new", "Talks in Yevlakh: day two", cwd=news)
    assert again.returncode == 2
    assert "talks-in-yevlakh-day-two.md: already exists; not overwritten" in again.stderr
    assert path.read_text("utf-8") == text
    elsewhere = run_cli("new", "Anything", cwd=tmp_path)
    assert elsewhere.returncode == 2 and "no source folder here" in elsewhere.stderr


def test_house_style_rebuilds_exactly_the_editions_it_shapes(tmp_path, env):
    assert run_cli("init", "news", cwd=tmp_path).returncode == 0
    news = tmp_path / "news"
    _one_article(news)

    def build(*args: str) -> dict[str, bool]:
        result = run_cli("build", "--format", "pdf", "--format", "epub", *args,
                         cwd=news, env=env)
        assert result.returncode == 0, result.stderr
        return _rebuilt(result.stdout)

    assert build() == {"pdf": True, "epub": True}
    pdf = next((news / "dist").glob("*.pdf"))
    epub = next((news / "dist").glob("*.epub"))
    first_pdf, first_epub = pdf.read_bytes(), epub.read_bytes()

    # A print.css of the house: the PDF changes; the EPUB, whose page numbers are the
    # PDF's, is left as it was while no page break moves.
    css = (ROOT / "styles" / "print.css").read_text("utf-8")
    (news / "styles" / "print.css").write_text(css.replace("color: #555;", "color: #000;"),
                                               "utf-8")
    assert build() == {"pdf": True, "epub": False}
    assert epub.read_bytes() == first_epub
    assert pdf.read_bytes() != first_pdf
    assert build() == {"pdf": False, "epub": False}
    # Another paper moves the page breaks: the EPUB's page list follows the PDF's pages.
    (news / "styles" / "print.css").write_text(css.replace("size: A4;", "size: letter;"),
                                               "utf-8")
    assert build() == {"pdf": True, "epub": True}
    width, height = PdfReader(pdf).pages[0].mediabox[2:]
    assert (round(float(width)), round(float(height))) == (612, 792), "US letter"
    assert build() == {"pdf": False, "epub": False}

    # The same from another folder given with --styles.
    other = tmp_path / "house"
    other.mkdir()
    (other / "epub.css").write_text("body { margin: 0 8%; }\n", "utf-8")
    assert build("--styles", str(other)) == {"pdf": True, "epub": True}
    with zipfile.ZipFile(epub) as archive:
        assert archive.read("EPUB/style/epub.css") == b"body { margin: 0 8%; }\n"


def test_theme_without_css(tmp_path, env):
    from PIL import Image

    assert run_cli("init", "news", cwd=tmp_path).returncode == 0
    news = tmp_path / "news"
    _one_article(news)
    project = news / "exporter.yml"

    def build() -> dict[str, bool]:
        result = run_cli("build", "--format", "pdf", "--format", "epub", "--format", "docx",
                         cwd=news, env=env)
        assert result.returncode == 0, result.stderr
        return _rebuilt(result.stdout)

    build()
    project.write_text("theme:\n  paper: A5\n", "utf-8")
    # The EPUB carries the PDF's page numbers: a paper that moves them rebuilds it.
    assert build() == {"pdf": True, "epub": True, "docx": False}
    pdf = PdfReader(next((news / "dist").glob("*.pdf")))
    width, height = pdf.pages[0].mediabox[2:]
    assert (round(float(width)), round(float(height))) == (420, 595), "A5"
    project.write_text("theme:\n  paper: A5\n  base_size_pt: 10.5\n  accent: \"#1f4e79\"\n"
                       "  typeface: DejaVu Sans\n", "utf-8")
    assert build() == {"pdf": True, "epub": True, "docx": True}
    normal = docx.Document(next((news / "dist").glob("*.docx"))).styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("DejaVu Sans", 10.5)
    epub = next((news / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        cover = Image.open(io.BytesIO(archive.read("EPUB/images/cover.png"))).convert("RGB")
        css = archive.read("EPUB/style/epub.css").decode()
    assert cover.getpixel((5, 5)) == (0x1F, 0x4E, 0x79), "the accent is the cover's ground"
    assert 'font-family: "DejaVu Sans", serif;' in css

    project.write_text("theme:\n  paper: A5\n  acent: \"#1f4e79\"\n", "utf-8")
    result = run_cli("build", cwd=news, env=env)
    assert result.returncode == 2
    assert "exporter.yml:3: unknown key 'theme.acent' (did you mean 'accent'?)" \
        in result.stderr
    project.write_text("theme:\n  accent: blue\n", "utf-8")
    result = run_cli("build", cwd=news, env=env)
    assert result.returncode == 2 and "exporter.yml:2:" in result.stderr
    assert "#rrggbb" in result.stderr


# --- command-line habits (issue 26) -----------------------------------------------------

def test_short_options_of_every_command_line_tool():
    assert run_cli("-h").returncode == 0 and "Usage" in run_cli("-h").stdout
    assert "exporter build [OPTIONS]" in " ".join(run_cli("build", "-h").stdout.split())
    version = run_cli("-V")
    assert version.returncode == 0 and version.stdout.startswith("exporter ")


def test_quiet_prints_nothing_on_success_and_verbose_prints_each_step(tmp_path):
    from conftest import FIXTURES

    source = FIXTURES / "translations" / "other.md"
    quiet = run_cli("-q", "build", source, "--format", "docx", "--out", tmp_path / "q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    loud = run_cli("-v", "build", source, "--format", "docx", "--out", tmp_path / "v")
    assert loud.returncode == 0
    assert "reading other.md" in loud.stderr and "Editions in" in loud.stdout


def _in_a_terminal(*args: str, env: dict) -> str:
    """What the command prints when its output is a terminal (``script`` gives it one)."""
    import shlex
    import subprocess
    import sys

    command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "exporter", *args))
    return subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True,
                          text=True, env=env, cwd=ROOT).stdout


def test_no_color_and_no_color_option_take_the_colour_out_of_error_lines(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    missing = str(tmp_path / "missing.md")
    coloured = _in_a_terminal("build", missing, env=env)
    colour = re.compile(r"\x1b\[[0-9;]*m")  # SGR: colours and styles, not cursor moves
    assert colour.search(coloured) and "error: " in coloured  # a terminal gets colour
    for args, extra in ((("build",), {"NO_COLOR": "1"}), (("--no-color", "build"), {})):
        plain = _in_a_terminal(*args, missing, env={**env, **extra})
        assert "error: " in plain and not colour.search(plain), (args, plain)


# --- the project file's defaults (issue 26) ---------------------------------------------


def test_project_file_holds_defaults_for_every_article(tmp_path, env):
    """exporter.yml's publisher, lang and formats apply to every article that does not
    set its own; a change to them rebuilds the editions."""
    assert run_cli("init", "news", cwd=tmp_path).returncode == 0
    news = tmp_path / "news"
    _one_article(news)
    article = news / "source" / "azerbaijan-operation-nagorno-karabakh.md"
    article.write_text(re.sub(r"^lang: .*\n", "", article.read_text("utf-8"), flags=re.M),
                       "utf-8")
    project = news / "exporter.yml"
    project.write_text("publisher: Caucasus Desk\nlang: en-US\nformats: docx\n", "utf-8")
    result = run_cli("build", cwd=news, env=env)
    assert result.returncode == 0, result.stderr
    assert _rebuilt(result.stdout) == {"docx": True}, "formats: only the DOCX"
    assert sorted(p.suffix for p in (news / "dist").glob("azerbaijan-*")) == [".docx"]
    assert "<dc:publisher>Caucasus Desk</dc:publisher>" in \
        (news / "dist" / "catalog.xml").read_text("utf-8")
    edition = docx.Document(news / "dist" / "azerbaijan-operation-nagorno-karabakh.docx")
    assert edition.core_properties.language == "en-US"

    project.write_text("publisher: Caucasus Desk\nlang: en-US\nformats: [docx]\n", "utf-8")
    assert _rebuilt(run_cli("build", cwd=news, env=env).stdout) == {"docx": False}
    project.write_text("publisher: Caucasus Desk\nlang: en-GB\nformats: [docx]\n", "utf-8")
    assert _rebuilt(run_cli("build", cwd=news, env=env).stdout) == {"docx": True}
    edition = docx.Document(news / "dist" / "azerbaijan-operation-nagorno-karabakh.docx")
    assert edition.core_properties.language == "en-GB"

    # Every mistake in one report, each with its line, the file named once.
    project.write_text("publsher: X\nformats: [epub, pfd]\nlang: not a tag\n", "utf-8")
    result = run_cli("build", cwd=news, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert "exporter.yml:1: unknown key 'publsher' (did you mean 'publisher'?)" in lines[0]
    assert "exporter.yml:2: 'formats[1]'" in lines[1] and "did you mean 'pdf'?" in lines[1]
    assert "exporter.yml:3: 'lang'" in lines[2]
    assert lines[3].startswith("3 errors")
    assert all(line.count("exporter.yml") == 1 for line in lines)


def test_project_file_paper_and_formats_are_checked():
    from exporter.adapters import ADAPTERS
    from exporter.house.theme import FORMAT_NAMES, ProjectFile

    assert set(FORMAT_NAMES) == set(ADAPTERS), "house/ lists the adapters' names"
    assert ProjectFile(paper="A5").theme.paper == "A5", "one place to read the paper from"
    assert ProjectFile(formats="epub").formats == ("epub",)
    with pytest.raises(ValueError, match="disagree"):
        ProjectFile(paper="A5", theme={"paper": "A4"})
    with pytest.raises(ValueError, match="https://"):
        ProjectFile(base_url="news.example.org")


def test_new_takes_the_project_files_language_and_publisher(tmp_path):
    assert run_cli("init", "news", cwd=tmp_path).returncode == 0
    news = tmp_path / "news"
    for path in (news / "source").glob("*.md"):
        path.unlink()
    (news / "exporter.yml").write_text("publisher: Caucasus Desk\nlang: ru\n", "utf-8")
    assert run_cli("new", "Переговоры в Евлахе", cwd=news).returncode == 0
    path = next((news / "source").glob("*.md"))
    meta = load_metadata(path.read_text("utf-8"), path)[0]
    assert (meta.lang, meta.publisher) == ("ru", "Caucasus Desk")


def test_a_build_of_several_sources_shows_done_total_and_time_left(tmp_path):
    """In a terminal, a build of two or more sources shows a bar with "done/total
    sources" and the time left; a pipe (the other tests, CI logs) gets none of it."""
    from conftest import FIXTURES

    import os

    folder = FIXTURES / "translations"
    sources = sorted(str(p) for p in folder.glob("*.md"))[:2]
    shown = _in_a_terminal("build", *sources, "--format", "docx", "--jobs", "1", "--out",
                           str(tmp_path / "dist"), env=dict(os.environ, COLUMNS="120"))
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    # One source at a time: "1/2" stays on the screen while the second is made.
    assert re.search(r"━ 1/2 sources about \d+:\d\d left", plain), plain[-800:]
    piped = run_cli("build", *sources, "--format", "docx", "--out", tmp_path / "piped")
    assert piped.returncode == 0 and "sources left" not in piped.stdout + piped.stderr


def test_help_paragraphs_wrap_to_the_terminal_not_to_the_source_lines():
    from exporter.cli import app

    assert len(app.registered_commands) >= 7
    for command in app.registered_commands:
        text = command.help or ""
        assert text and "\n" not in text.replace("\n\n", ""), command.callback.__name__
    wide = run_cli("verify", "-h", env=dict(__import__("os").environ, COLUMNS="200"))
    assert "sizes, SHA-256, SHA256SUMS and the signature. Each file is reported" in wide.stdout


def test_build_outside_a_project_says_it_builds_the_bundled_sample(tmp_path):
    result = run_cli("build", "--format", "docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "note: no source/ folder here: building the exporter's bundled sample" in \
        " ".join(result.stderr.split())
    assert "exporter init" in result.stderr
    assert (tmp_path / "dist" / "azerbaijan-operation-nagorno-karabakh.docx").is_file()
    assert not (tmp_path / ".cache").exists(), "the cache is the user's, not the folder's"


def test_check_of_a_missing_path_is_one_error_in_good_english(tmp_path):
    result = run_cli("check", tmp_path / "nonexist")
    assert result.returncode == 1
    assert "no such file or folder" in result.stderr
    assert "(1 error, 0 warnings)" in result.stdout and "errors)" not in result.stdout


def test_the_readme_starts_with_the_user():
    """Issue 26: the first screen holds install, init and build; reference is in docs/."""
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    assert len(lines) < 200
    first_screen = "\n".join(lines[:40])
    for command in ("./setup.sh", "./test.sh", "pip install", "exporter init",
                    "exporter build"):
        assert command in first_screen, command
    for link in re.findall(r"\]\((docs/[^)#]+)", "\n".join(lines)):
        assert (ROOT / link).is_file(), link
