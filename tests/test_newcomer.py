"""A newsroom's first day, scripted as a newcomer types it (issue 26): init, new, build,
check, watch with two edits, verify, bundle, verify. Every step must work as the README
says, with no surprise on the way."""

from __future__ import annotations

import re
import zipfile

from conftest import editions, run_cli
from test_watch import Watch

BODY = """
Delegations met in Yevlakh on Thursday for a second round of talks on the region's
future, officials from both sides said. No agreement was announced.

## What was discussed

The talks covered the reopening of roads and the return of residents.
"""


def test_first_day_init_new_build_check_watch_verify_bundle(tmp_path):
    assert run_cli("init", "news", cwd=tmp_path).returncode == 0
    news = tmp_path / "news"
    assert (news / ".gitignore").is_file()
    # The newcomer replaces the examples with an article of their own.
    for path in (news / "source").iterdir():
        if path.suffix == ".md" or path.name.endswith(".collection.yml"):
            path.unlink()
    made = run_cli("new", "Talks resume in Yevlakh", cwd=news)
    assert made.returncode == 0, made.stderr
    article = news / "source" / "talks-resume-in-yevlakh.md"
    text = article.read_text("utf-8").replace("Write the article here, in Markdown.\n", BODY)
    article.write_text(text, "utf-8")

    built = run_cli("build", cwd=news)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr and "warning" not in built.stderr
    dist = news / "dist"
    assert sorted(p.name for p in editions(dist)) == [
        "talks-resume-in-yevlakh.docx", "talks-resume-in-yevlakh.epub",
        "talks-resume-in-yevlakh.pdf"]
    assert not (news / ".cache").exists(), "the cache is not in the project"

    checked = run_cli("check", "dist", cwd=news)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert len(re.findall(r"^ok ", checked.stdout, re.M)) == 3

    watch = Watch(cwd=news)
    try:
        watch.expect("watching source/")
        for n, words in enumerate(("a third round", "a fourth round"), start=1):
            article.write_text(text.replace("a second round", words), "utf-8")
            line = watch.expect("rebuilt")
            assert line.endswith("; downloads page updated"), line
            verified = run_cli("verify", "dist", cwd=news)
            assert verified.returncode == 0, (n, verified.stdout + verified.stderr)
    finally:
        code, rest = watch.stop()
    assert code == 130 and "Traceback" not in rest

    bundled = run_cli("build", "--bundle", cwd=news)
    assert bundled.returncode == 0, bundled.stderr
    (bundle,) = dist.glob("*-offline.zip")
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
    assert {"index.html", "catalog.xml", "SHA256SUMS"} <= {n.split("/")[-1] for n in names}
    assert any(n.endswith("talks-resume-in-yevlakh.epub") for n in names)
    verified = run_cli("verify", "dist", cwd=news)
    assert verified.returncode == 0, verified.stdout + verified.stderr
