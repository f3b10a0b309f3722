"""The warm EPUBCheck (``publish/validator.py``): the same findings as ``java -jar``,
one JVM for a whole watch session, a fallback when it cannot run, and no process left
behind by a build, a failed build, an interrupted one or the end of a watch."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, editions

SLUG = SAMPLE.stem


def _broken(epub: bytes) -> bytes:
    """``epub`` with faults EPUBCheck reports as errors and as a warning: a link to no
    anchor, a block inside a paragraph, an identifier that claims to be a UUID."""
    import re

    source, target = zipfile.ZipFile(io.BytesIO(epub)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(("article.xhtml", "text.xhtml")):
                content = content.replace(
                    b"</body>", b'<a href="#nowhere">x</a><p><div>block</div></p></body>')
            if info.filename.endswith(".opf"):
                content = re.sub(rb'(<dc:identifier id="id">)urn:uuid:[0-9a-f-]+',
                                 rb"\1urn:uuid:not-a-uuid", content)
            out.writestr(info, content)
    return target.getvalue()


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    """A cache of this test's own: no verdict is found in it, so EPUBCheck runs."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPORTER_CACHE_DIR", str(folder))
    return folder


def _validator():
    from exporter.publish.epubcheck import jar
    from exporter.publish.validator import Validator

    started = Validator.start(jar())
    assert started is not None, "JPype and a JVM are installed with the project"
    return started


@pytest.mark.slow  # two JVMs on two EPUBs; the fallback tests below check the subprocess's findings
def test_the_warm_validator_finds_what_the_java_subprocess_finds(sample_dist, tmp_path):
    from exporter.publish.epubcheck import _in_subprocess, _read_report

    valid = (sample_dist / f"{SLUG}.epub").read_bytes()
    invalid = _broken(valid)
    with _validator() as validator:
        # The invalid one first, then the valid one: a check leaves nothing behind.
        warm = {name: _read_report(validator.check(data, name, 300), name)
                for name, data in (("broken.epub", invalid), (f"{SLUG}.epub", valid))}
        assert validator.stats.checks == 2 and validator.stats.ready_after > 0
    cold = {}
    for name, data in (("broken.epub", invalid), (f"{SLUG}.epub", valid)):
        path = tmp_path / name
        path.write_bytes(data)
        cold[name] = _in_subprocess(path)
    assert warm == cold
    assert warm[f"{SLUG}.epub"] == []
    found = warm["broken.epub"]
    assert {level for level, _ in found} == {"error", "warning"}, found
    # Message IDs and locations (file, line, column) as the subprocess gives them.
    assert any(m.startswith("RSC-012 broken.epub/EPUB/article.xhtml:") for _, m in found)
    assert any(m.startswith("RSC-005 ") for _, m in found)
    assert any(m.startswith("OPF-085 ") for level, m in found if level == "warning")


def _small_source(folder: Path, word: str = "Text") -> Path:
    folder.mkdir(exist_ok=True)
    source = folder / "doc.md"
    source.write_text(f"---\ntitle: T\ndate: 2023-09-19\nlang: en\n---\n{word}.\n", "utf-8")
    return source


def test_watch_keeps_one_validator_across_rebuilds_and_refuses_an_invalid_epub(
        tmp_path, own_cache, monkeypatch):
    from exporter.adapters import epub
    from exporter.run.watch import Watcher

    source = _small_source(tmp_path / "src")
    out = tmp_path / "dist"
    watcher = Watcher([source], ["epub", "docx"], out, jobs=1)
    with watcher.running():
        validator = watcher.validator
        assert validator is not None
        first = watcher.rebuild()
        assert [r.error for r in first] == [None]
        _small_source(tmp_path / "src", "Changed")
        second = watcher.rebuild()
        assert [r.error for r in second] == [None]
        assert watcher.validator is validator and validator.process.poll() is None
        assert validator.stats.checks == 2  # one JVM, warmed once, checked both
        for result in (first, second):
            checked = [e for e in result[0].editions if e.format == "epub"]
            assert checked[0].check_source == "warm", checked
            assert "EPUBCheck" in result[0].line()
        good = {p.name: p.read_bytes() for p in editions(out)}

        render = epub.render
        monkeypatch.setattr(epub, "render", lambda doc, ctx: _broken(render(doc, ctx)))
        _small_source(tmp_path / "src", "Broken")
        third = watcher.rebuild()
        assert "the EPUB fails EPUBCheck: " in third[0].error
        assert "last good editions are kept" in third[0].line()
        assert {p.name: p.read_bytes() for p in editions(out)} == good
        assert validator.stats.checks == 3

        # Killed from outside: the next rebuild starts another, ended with the watch.
        monkeypatch.setattr(epub, "render", render)
        validator.process.kill()
        _small_source(tmp_path / "src", "Again")
        fourth = watcher.rebuild()
        assert [r.error for r in fourth] == [None]
        assert watcher.validator is not validator
        assert watcher.validator.process.poll() is None
        assert watcher.validator.stats.checks == 1
        second_validator = watcher.validator
    assert validator.process.poll() is not None  # ended with the watch
    assert second_validator.process.poll() is not None


def test_without_jpype_the_build_checks_in_a_java_subprocess(tmp_path, own_cache,
                                                             monkeypatch):
    from exporter.run.build import build

    monkeypatch.setitem(sys.modules, "jpype", None)  # as if JPype were not installed
    source = _small_source(tmp_path / "src")
    built = build([source], ["epub", "docx"], tmp_path / "dist", jobs=1)
    epub = next(e for e in built if e.format == "epub")
    assert epub.check_source == "java" and epub.check_seconds > 0
    assert epub.check_note == ""


def test_an_epub_built_again_from_the_same_inputs_starts_no_validator(
        tmp_path, own_cache, monkeypatch):
    """Its verdict is foreseen (the same inputs gave these bytes before and they were
    checked): no Java VM is started for it. Should the bytes differ after all, the
    check runs in a subprocess, so no EPUB goes unchecked."""
    from exporter import cache
    from exporter.publish import checks
    from exporter.run.build import build

    source = _small_source(tmp_path / "src")
    started = []
    real_start = checks.start_validator
    monkeypatch.setattr(checks, "start_validator",
                        lambda formats: started.append(list(formats)) or real_start(formats))
    first = next(e for e in build([source], ["epub"], tmp_path / "a", jobs=1))
    assert first.check_source in ("warm", "java") and started == [["epub"]]
    again = next(e for e in build([source], ["epub"], tmp_path / "b", jobs=1, force=True))
    assert again.check_source == "cached" and started[-1] == [] and again.check_note == ""
    assert (tmp_path / "b" / "doc.epub").read_bytes() == (tmp_path / "a" / "doc.epub").read_bytes()

    # The inputs are known but their verdict is gone: the validator starts again.
    for verdict in (own_cache / "epubcheck").rglob("*"):
        if verdict.is_file():
            verdict.unlink()
    assert any((own_cache / "epubcheck-inputs").rglob("*"))
    third = next(e for e in build([source], ["epub"], tmp_path / "c", jobs=1, force=True))
    assert third.check_source in ("warm", "java") and started[-1] == ["epub"]
    assert cache.cache_dir() == own_cache


def test_a_validator_that_dies_at_once_falls_back_to_the_subprocess(
        tmp_path, own_cache, monkeypatch):
    from exporter.publish import validator as module
    from exporter.publish.epubcheck import verdict

    monkeypatch.setattr(module.sys, "executable", "/bin/false")  # exits before a word
    with _validator() as validator:
        found = verdict(module.warm_up_epub(), "small.epub", validator)
        assert not validator.lost  # it was never warm: not worth starting again
    assert found.source == "java" and found.findings == []


def test_a_validator_whose_jvm_cannot_start_falls_back_to_the_subprocess(
        tmp_path, own_cache, monkeypatch):
    from exporter.publish import validator as module
    from exporter.publish.epubcheck import verdict

    monkeypatch.setattr(module, "jvm_library", lambda: tmp_path / "no-libjvm.so")
    data = _broken(module.warm_up_epub())
    with _validator() as validator:
        found = verdict(data, "broken.epub", validator)
        assert validator.process.poll() is not None  # it said so, and was ended
    assert found.source == "java"
    assert any(m.startswith("RSC-012 ") for _, m in found.findings)


# --- No process left behind --------------------------------------------------------

def _tagged_env(tag: str, cache: Path) -> dict:
    """The environment of a CLI run whose every descendant carries ``tag``."""
    return {**os.environ, "EXPORTER_TEST_TAG": tag, "EXPORTER_CACHE_DIR": str(cache),
            "PYTHONUNBUFFERED": "1"}


def _tagged(tag: str) -> dict[int, str]:
    """Running processes (pid: command line) whose environment carries ``tag``."""
    found = {}
    needle = f"EXPORTER_TEST_TAG={tag}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":  # a zombie has ended; its parent has yet to reap it
                    found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(
                        b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
    return found


def _leftovers(tag: str, wait: float = 10.0) -> dict[int, str]:
    """What still runs of a finished command, after ``wait`` seconds at most."""
    deadline = time.monotonic() + wait
    while True:
        found = _tagged(tag)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _wait_for_validator(tag: str, proc: subprocess.Popen, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        for pid, command in _tagged(tag).items():
            if "exporter.publish.validator" in command:
                return pid
        time.sleep(0.05)
    raise AssertionError("the validator never started")


needs_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


def _cli(tag: str, cache: Path, *args: str) -> subprocess.Popen:
    # As from a terminal: Ctrl-C must not be ignored (see test_hostile_input).
    return subprocess.Popen([sys.executable, "-m", "exporter", *args], cwd=ROOT,
                            env=_tagged_env(tag, cache), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@needs_proc
def test_a_build_and_a_failed_build_leave_no_process_behind(tmp_path):
    tag = uuid.uuid4().hex
    cache = tmp_path / "cache"
    source = _small_source(tmp_path / "src")
    proc = _cli(tag, cache, "build", str(source), "--out", str(tmp_path / "dist"))
    _wait_for_validator(tag, proc)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert _leftovers(tag) == {}

    # Broken front-matter: the validator is started (the build knows it will write an
    # EPUB) before the source turns out to be unreadable, a fraction of a second later.
    source.write_text("---\ntitle: T\ndate: someday\n---\nText.\n", "utf-8")
    tag = uuid.uuid4().hex
    proc = _cli(tag, cache, "build", str(source), "--out", str(tmp_path / "dist"))
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode != 0 and "is not a date" in stderr, stderr
    assert _leftovers(tag) == {}


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_build_ends_the_validator_promptly(tmp_path, source_copy, signum):
    tag = uuid.uuid4().hex
    proc = _cli(tag, tmp_path / "cache", "build", str(source_copy), "--out",
                str(tmp_path / "dist"))
    _wait_for_validator(tag, proc)  # warming up, beside the reading and the layout
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - sent < 15, "the build did not stop promptly"
    assert proc.returncode != 0 and "interrupted" in stderr and "Traceback" not in stderr
    assert _leftovers(tag) == {}


@needs_proc
def test_the_end_of_a_watch_leaves_no_process_behind(tmp_path):
    tag = uuid.uuid4().hex
    source = _small_source(tmp_path / "src")
    proc = _cli(tag, tmp_path / "cache", "watch", str(source), "--out",
                str(tmp_path / "dist"))
    try:
        for line in proc.stdout:
            if "rebuilt" in line:
                assert "EPUBCheck" in line, line
                break
        else:
            raise AssertionError(proc.stderr.read())
        assert any("exporter.publish.validator" in c for c in _tagged(tag).values())
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    assert proc.returncode == 130
    assert _leftovers(tag) == {}


def test_exporter_check_warms_a_validator_only_for_two_epubs_or_more_to_check(
        tmp_path, own_cache):
    import json

    from exporter import cache
    from exporter.publish.checks import worth_a_warm_validator
    from exporter.publish.epubcheck import _key
    from exporter.publish.validator import warm_up_epub

    first, second, docx = tmp_path / "a.epub", tmp_path / "b.epub", tmp_path / "c.docx"
    first.write_bytes(warm_up_epub())
    second.write_bytes(_broken(warm_up_epub()))
    docx.write_bytes(b"not checked by EPUBCheck")
    assert worth_a_warm_validator([first, second, docx])
    assert not worth_a_warm_validator([first, docx])
    # A verdict the build has reached already is not checked again: one EPUB is left.
    cache.put("epubcheck", _key(first.read_bytes()), json.dumps([]).encode())
    assert not worth_a_warm_validator([first, second, docx])
