"""The exporter as a package: a wheel installed in a fresh virtual environment works
from any folder, offline, with its styles and sample read from package data."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

#: What the wheel must carry besides code (package data, read with importlib.resources).
DATA = ["exporter/data/styles/print.css", "exporter/data/styles/epub.css",
        "exporter/data/styles/web.css",
        "exporter/data/styles/maps.yml", "exporter/data/styles/reference.docx",
        "exporter/data/sample/places.yml", "exporter/data/sample/glossary.yml",
        "exporter/data/sample/azerbaijan-operation-nagorno-karabakh.md",
        "exporter/data/sample/maps/nagorno-karabakh.geojson",
        "exporter/data/hyphenation/hyph_hy.dic", "exporter/data/hyphenation/README.md",
        "exporter/data/csl/chicago-author-date.csl", "exporter/data/csl/README.md",
        "exporter/data/icc/FOGRA39L_coated.icc", "exporter/data/icc/README.md"]


def _run(*args, cwd: Path, env: dict | None = None, timeout: float = 300):
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a clean copy of the repository (no network: no build isolation)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "dist", ".cache", "build", "*.egg-info", "__pycache__", "tests",
        "bench", ".pytest_cache", ".hypothesis"))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", tmp / "out", src, cwd=tmp)
    (built,) = (tmp / "out").glob("exporter-*.whl")
    return built


def test_the_wheel_carries_the_styles_and_the_sample(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for name in DATA:
        assert name in names, f"{name} is not in the wheel"
    assert not [n for n in names if n.startswith(("styles/", "source/", "tests/"))]


def test_installed_wheel_builds_from_an_empty_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    # The exporter comes from the wheel alone; its dependencies from this test's
    # environment (a path line, not its .pth files: the editable install stays out).
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", "utf-8")
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
         "--no-deps", "--no-index", "-q", wheel, cwd=tmp_path)
    exporter = venv / "bin" / "exporter"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # The session's shared cache (set by conftest): the wheel's code gives the same keys.

    empty = tmp_path / "empty"
    empty.mkdir()
    where = _run(venv / "bin" / "python", "-c",
                 "import exporter, exporter.house.styles as s; print(exporter.__file__); "
                 "print(s.STYLES_DIR)", cwd=empty, env=env).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where
    assert not any(Path(p).is_relative_to(ROOT) for p in where)

    # No source/ here: the sample that comes with the package.
    _run(exporter, "build", "--format", "docx", cwd=empty, env=env)
    assert (empty / "dist" / "azerbaijan-operation-nagorno-karabakh.docx").is_file()

    # exporter init news && cd news && exporter build && exporter check dist
    _run(exporter, "init", "news", cwd=empty, env=env)
    news = empty / "news"
    _run(exporter, "build", cwd=news, env=env)
    # The example articles and their collection, four editions each, and the downloads
    # page with its companions beside them (package data too).
    names = {p.name for p in (news / "dist").iterdir() if p.is_file()}
    editions = sorted(n for n in names if Path(n).suffix in (".docx", ".epub", ".html", ".pdf")
                      and n != "index.html")
    assert [Path(name).suffix for name in editions] == [".docx", ".epub", ".html", ".pdf"] * 4
    assert "nagorno-karabakh-2020-2023.pdf" in editions
    assert {"index.html", "catalog.xml", "manifest.json", "SHA256SUMS"} <= names
    checked = _run(exporter, "check", "dist", cwd=news, env=env)
    assert checked.stdout.count("ok ") == 16, checked.stdout
