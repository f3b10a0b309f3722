"""One writer of the output folder: a build's files all new or all old, whatever stops it;
one build at a time per folder; the page, manifest and checksums list what is there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

ARTICLE = """\
---
title: {title}
date: 2024-01-0{day}
lang: en
---
{title} is a short article about {word}.
"""


def _source(folder: Path, slug: str, title: str, day: int, word: str = "rivers") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(ARTICLE.format(title=title, day=day, word=word), "utf-8")
    return path


def _slugs(out: Path) -> list[str]:
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return sorted(a["slug"] for a in manifest["articles"])


def _verified(out: Path) -> str:
    result = run_cli("verify", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# --- the transaction itself, in this process (no build: cheap) ---------------------------

def test_a_transaction_that_stops_puts_every_file_back(tmp_path):
    from exporter.publish.folder import JOURNAL, UNDO, open_folder, remove, write_atomically

    out = tmp_path / "dist"
    out.mkdir()
    (out / "kept.txt").write_bytes(b"old")
    (out / "gone.txt").write_bytes(b"still here")
    (out / "covers").mkdir()
    (out / "covers" / "a.png").write_bytes(b"cover")
    with pytest.raises(KeyboardInterrupt):
        with open_folder(out):
            write_atomically(out / "kept.txt", b"new")
            write_atomically(out / "kept.txt", b"newer")  # kept once: the first state
            write_atomically(out / "added.txt", b"new file")
            remove(out / "gone.txt")
            remove(out / "covers" / "a.png")
            assert (out / JOURNAL).is_file()
            raise KeyboardInterrupt  # Ctrl-C, or SIGTERM turned into it
    assert (out / "kept.txt").read_bytes() == b"old"
    assert (out / "gone.txt").read_bytes() == b"still here"
    assert (out / "covers" / "a.png").read_bytes() == b"cover"
    assert not (out / "added.txt").exists()
    assert not (out / JOURNAL).exists() and not (out / UNDO).exists()

    with open_folder(out):
        write_atomically(out / "kept.txt", b"new")
        with open_folder(out):  # joins: one transaction, committed once
            remove(out / "gone.txt")
    assert (out / "kept.txt").read_bytes() == b"new" and not (out / "gone.txt").exists()
    assert not (out / JOURNAL).exists() and not (out / UNDO).exists()


def test_a_writer_killed_outright_is_rolled_back_by_the_next(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "a.epub").write_bytes(b"old edition")
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from exporter.publish.folder import open_folder, write_atomically
        out = Path({str(out)!r})
        with open_folder(out):
            write_atomically(out / "a.epub", b"new edition")
            write_atomically(out / "manifest.json", b"{{}}")
            os.kill(os.getpid(), signal.SIGKILL)
        """)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert (out / "a.epub").read_bytes() == b"new edition"  # as the killed writer left it

    from exporter.publish.folder import open_folder

    with open_folder(out):
        pass
    assert (out / "a.epub").read_bytes() == b"old edition"
    assert not (out / "manifest.json").exists()


def test_a_second_writer_names_the_first_and_waits(tmp_path):
    out = tmp_path / "dist"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from exporter.publish.folder import open_folder
        with open_folder(Path({str(out)!r})):
            print("holding", flush=True)
            sys.stdin.readline()
        """)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        waiter = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
            from pathlib import Path
            from exporter.publish.folder import open_folder
            with open_folder(Path({str(out)!r}), notice=lambda m: print(m, flush=True)):
                print("got it", flush=True)
            """)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE, text=True)
        said = waiter.stdout.readline()
        assert f"waiting for process {holder.pid}" in said and str(out) in said, said
        time.sleep(0.3)
        assert waiter.poll() is None  # still waiting
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert waiter.stdout.readline().strip() == "got it"
        assert waiter.wait(timeout=30) == 0
    finally:
        holder.kill()
        holder.wait()


# --- builds into one folder (EPUB only, two one-paragraph articles) ----------------------

@pytest.fixture(scope="module")
def two(tmp_path_factory) -> dict:
    """Two different sources built at the same moment into one folder, each with
    ``--bundle``: the second waits for the first and keeps its article."""
    base = tmp_path_factory.mktemp("two")
    one, other = base / "one", base / "other"
    _source(one, "alpha", "Alpha", 1)
    _source(other, "beta", "Beta", 2)
    out = base / "dist"
    cmd = [sys.executable, "-m", "exporter", "build", "--format", "epub", "--out", str(out),
           "--bundle"]
    runs = [subprocess.Popen([*cmd, str(src)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for src in (one, other)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs):
        assert run.returncode == 0, err
    return {"one": one, "other": other, "out": out, "stderr": [e for _o, e in outputs]}


def test_two_builds_into_one_folder_both_stay_listed(two):
    out = two["out"]
    assert any("waiting for process" in err for err in two["stderr"]), two["stderr"]
    assert _slugs(out) == ["alpha", "beta"]
    sums = (out / "SHA256SUMS").read_text("utf-8")
    assert "alpha.epub" in sums and "beta.epub" in sums
    catalogue = (out / "catalog.xml").read_text("utf-8")
    assert "Alpha" in catalogue and "Beta" in catalogue
    page = (out / "index.html").read_text("utf-8")
    assert "alpha.epub" in page and "beta.epub" in page
    _verified(out)
    # The one offline zip holds the folder as it is: no zip left named after one article.
    assert sorted(p.name for p in out.glob("*-offline.zip")) == ["dist-offline.zip"]
    with zipfile.ZipFile(out / "dist-offline.zip") as z:
        assert z.read("dist-offline/manifest.json") == (out / "manifest.json").read_bytes()


def test_a_lost_manifest_is_rebuilt_from_the_folder(two, tmp_path):
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(two["out"], out)
    (out / "manifest.json").unlink()
    result = run_cli("build", "--format", "epub", "--out", out, two["other"])
    assert result.returncode == 0, result.stderr
    assert _slugs(out) == ["alpha", "beta"]
    _verified(out)


def test_sigterm_after_the_editions_are_written_leaves_the_old_folder(two, tmp_path):
    """The signing key is a FIFO: the build blocks reading it in the middle of its
    publishing, after the new EPUB is in place (the test opens the FIFO's other end,
    which succeeds only then); SIGTERM then must put it all back."""
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(two["out"], out)
    source = tmp_path / "one"
    shutil.copytree(two["one"], source)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    _source(source, "alpha", "Alpha", 1, word="mountains")
    key = tmp_path / "key.pem"
    os.mkfifo(key)
    build = subprocess.Popen(
        [sys.executable, "-m", "exporter", "build", "--format", "epub", "--out", str(out),
         "--sign", str(key), str(source)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    writer = None
    try:
        deadline = time.monotonic() + 240
        while writer is None:  # opens once the build is reading the key: publishing
            assert build.poll() is None, build.communicate()
            assert time.monotonic() < deadline, "the build never read the key"
            try:
                writer = os.open(key, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.05)
        assert (out / "alpha.epub").read_bytes() != before["alpha.epub"]  # the new one
        build.send_signal(signal.SIGTERM)
        _, err = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
        if writer is not None:
            os.close(writer)
    assert build.returncode == 130, err
    assert "interrupted" in err.lower() and "Traceback" not in err
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # every file as it was, none added
    assert not (out / ".exporter" / "journal").exists()
    _verified(out)


# --- verify trusts the folder, not the manifest --------------------------------------------

def test_verify_reports_a_file_the_manifest_does_not_list(two, tmp_path):
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(two["out"], out)
    (out / "covers" / "extra.png").write_bytes(b"not listed")
    (out / "notes.txt").write_text("left here by hand", "utf-8")
    result = run_cli("verify", out)
    assert result.returncode == 1
    assert "FAIL covers/extra.png: not in manifest.json" in result.stdout
    assert "FAIL notes.txt: not in manifest.json" in result.stdout
    assert "ok   dist-offline.zip: holds this folder's manifest.json" in result.stdout


def test_verify_never_reads_a_name_that_leaves_the_folder(two, tmp_path):
    import hashlib
    import shutil

    from conftest import run_audited

    out = tmp_path / "dist"
    shutil.copytree(two["out"], out)
    secret = tmp_path / "secret.txt"
    secret.write_text("not the folder's", "utf-8")
    (out / "link.txt").symlink_to(secret)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    entry = {"bytes": secret.stat().st_size, "media_type": "text/plain",
             "sha256": hashlib.sha256(secret.read_bytes()).hexdigest()}
    names = ["../secret.txt", str(secret), "link.txt", "covers/../../secret.txt"]
    manifest["files"] += [dict(entry, path=name) for name in names]
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    result, opened = run_audited(tmp_path / "opened.log", "verify", out)
    assert result.returncode == 1
    for name in names:
        assert f"FAIL {name}: refused:" in result.stdout, result.stdout
    assert "an absolute path" in result.stdout and "'..'" in result.stdout
    assert "a link that leads outside the folder" in result.stdout
    assert str(secret) not in opened and "secret.txt" not in opened
    # The zip was made with the manifest before the edit: an old copy now.
    assert "FAIL dist-offline.zip: an old copy of the folder" in result.stdout
