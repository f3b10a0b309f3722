"""Building on a Dask cluster: the same editions as a local build, byte for byte; a
source that fails is reported and the others go on; a worker killed mid-batch loses
nothing. Real clusters on this machine (127.0.0.1 only)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from exporter.adapters import DEFAULT_FORMATS

from conftest import ROOT, bench_generate, run_cli

distributed = pytest.importorskip("distributed", reason="the 'dask' extra is not installed")


def _files(folder: Path) -> dict[str, bytes]:
    """Every file a build wrote (editions, page, catalogue, manifest), not the records."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in
                                       p.relative_to(folder).parts)}


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "source"
    bench_generate().batch(folder, n=4, words=250)
    return folder


@pytest.fixture(scope="module")
def local_build(articles, tmp_path_factory) -> Path:
    # Named like the other builds' folders: the catalogue's ids are made from the name.
    out = tmp_path_factory.mktemp("local") / "dist"
    result = run_cli("build", articles, "--out", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as local:
        yield local


def test_a_cluster_build_gives_the_local_build_byte_for_byte(articles, local_build, cluster,
                                                             tmp_path):
    out = tmp_path / "dist"
    result = run_cli("build", articles, "--out", out, "--scheduler",
                     cluster.scheduler_address)
    assert result.returncode == 0, result.stderr
    local, remote = _files(local_build), _files(out)
    assert sorted(remote) == sorted(local)
    assert [name for name in local if local[name] != remote[name]] == []
    # Unchanged sources are decided on the client and never sent.
    again = run_cli("build", articles, "--out", out, "--scheduler", cluster.scheduler_address)
    assert again.returncode == 0 and again.stdout.count("unchanged \u2502") \
        == 4 * len(DEFAULT_FORMATS)


def test_a_failing_source_is_reported_and_the_others_go_on(articles, cluster, tmp_path):
    folder = tmp_path / "source"
    shutil.copytree(articles, folder)
    bad = folder / "article-002.md"
    bad.write_text(bad.read_text("utf-8").replace("date: 2023-09-19", "date: 2023-19-09"),
                   "utf-8")
    out = tmp_path / "dist"
    result = run_cli("build", folder, "--out", out, "--scheduler", cluster.scheduler_address)
    assert result.returncode == 2 - 1  # a build that failed in part
    assert "1 of 4 sources failed" in result.stderr
    line = next(n for n, text in enumerate(bad.read_text("utf-8").splitlines(), 1)
                if text.startswith("date:"))
    assert f"{bad}:{line}:" in result.stderr  # the client's path, not the worker's
    assert "Traceback" not in result.stderr
    built = sorted(p.name for p in out.glob("*.epub"))
    assert built == ["article-001.epub", "article-003.epub", "article-004.epub"]
    assert not list(out.glob(".*.part"))


def test_without_dask_the_option_names_the_extra(monkeypatch):
    from exporter.run.cluster.dask_runner import _client
    from exporter.errors import UsageError

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UsageError) as caught:
        _client("tcp://127.0.0.1:1")
    assert "pip install 'exporter[dask]'" in str(caught.value)


def test_an_unreachable_scheduler_is_one_clear_error(articles, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "EXPORTER_SCHEDULER_TIMEOUT": "3s"}  # the default waits 20 s
    result = run_cli("build", articles, "--out", tmp_path, "--scheduler",
                     f"tcp://127.0.0.1:{port}", timeout=120, env=env)
    assert result.returncode == 2
    assert "cannot reach the Dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_scheduler_and_worker_as_separate_processes(articles, local_build, tmp_path):
    bin_dir = Path(sys.executable).parent
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    scheduler = subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    worker = None
    try:
        worker = subprocess.Popen([str(bin_dir / "dask"), "worker", address, "--nworkers", "1",
                                   "--nthreads", "1", "--no-dashboard",
                                   "--local-directory", str(tmp_path / "worker")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  cwd=tmp_path, env=env)
        out = tmp_path / "dist"
        result = run_cli("build", articles, "--out", out, env=dict(
            os.environ, EXPORTER_SCHEDULER=address))
        assert result.returncode == 0, result.stderr
        local, remote = _files(local_build), _files(out)
        assert [name for name in local if local[name] != remote.get(name)] == []
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=60)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing(tmp_path):
    from distributed import Client, LocalCluster

    from exporter.run.build import build
    from exporter.publish.checks import check

    folder = tmp_path / "source"
    paths = bench_generate().batch(folder, n=6, words=250)
    out = tmp_path / "dist"
    progress: list[str] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local, \
            Client(local.scheduler_address) as client:
        pids = list(client.run(os.getpid).values())
        killed = threading.Event()

        def kill_one_after_the_first() -> None:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and not any(
                    m.startswith("built 1/") for m in progress):
                time.sleep(0.05)
            os.kill(pids[0], signal.SIGKILL)  # a worker dies with tasks in hand
            killed.set()

        killer = threading.Thread(target=kill_one_after_the_first, daemon=True)
        killer.start()
        editions = build([folder], ["epub", "pdf", "docx"], out, progress=progress.append,
                         scheduler=local.scheduler_address)
        killer.join(timeout=5)
        assert killed.is_set()
    assert len(editions) == 18
    assert sorted(p.name for p in out.glob("*.epub")) == [p.stem + ".epub" for p in paths]
    assert not list(out.glob(".*.part"))
    for pdf in out.glob("*.pdf"):
        assert check(pdf) == [], pdf
    for docx in out.glob("*.docx"):
        assert check(docx) == [], docx
    assert check(out / "article-003.epub") == []


def test_ctrl_c_cancels_the_rest_and_keeps_what_was_written(cluster, tmp_path):
    folder = tmp_path / "source"
    bench_generate().batch(folder, n=8, words=250)
    out = tmp_path / "dist"
    # As from a terminal: SIGINT at its default in the child (see test_hostile_input).
    proc = subprocess.Popen([sys.executable, "-m", "exporter", "build", str(folder), "--out",
                             str(out), "--scheduler", cluster.scheduler_address],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not list(out.glob("*.epub")):
        time.sleep(0.1)  # the first source's editions are on disk
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr
    written = sorted(out.glob("*.epub"))
    assert 1 <= len(written) < 8
    assert not list(out.glob(".*.part"))
    from exporter.publish.checks import check

    for epub in written:
        assert check(epub.with_suffix(".pdf")) == []
    # What was written is listed: the page, manifest and checksums agree with the folder.
    assert run_cli("verify", out).returncode == 0
    # Nothing of the cancelled build goes on running on the cluster.
    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        time.sleep(1)
        assert not [k for k in client.processing().values() if k]


def test_a_scheduler_that_dies_ends_the_build_with_what_was_written(tmp_path):
    """The scheduler is killed after the first source's EPUB is written: the client
    stops within seconds, names the sources not built (exit 1), and the folder holds and
    lists the editions written (``verify`` passes)."""
    bin_dir = Path(sys.executable).parent
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    folder = tmp_path / "source"
    bench_generate().batch(folder, n=6, words=120)
    scheduler = subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    worker = build = None
    try:
        worker = subprocess.Popen([str(bin_dir / "dask"), "worker", address, "--nworkers", "1",
                                   "--nthreads", "1", "--no-dashboard", "--death-timeout", "5",
                                   "--local-directory", str(tmp_path / "worker")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  cwd=tmp_path, env=env)
        out = tmp_path / "dist"
        build = subprocess.Popen([sys.executable, "-m", "exporter", "build", str(folder),
                                  "--format", "epub", "--out", str(out), "--scheduler", address],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        deadline = time.monotonic() + 300
        while not list(out.glob("*.epub")):
            assert build.poll() is None, build.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        scheduler.kill()
        killed = time.monotonic()
        _, stderr = build.communicate(timeout=60)
        waited = time.monotonic() - killed
    finally:
        for process in (build, worker, scheduler):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=60)
    assert build.returncode == 1, stderr
    assert waited < 20, f"the client took {waited:.1f} s to give up"
    assert "the connection to the Dask scheduler at" in stderr and "was lost" in stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    written = sorted(p.stem for p in out.glob("*.epub"))
    assert 1 <= len(written) < 6
    assert f"{6 - len(written)} of 6 sources failed" in stderr
    verified = run_cli("verify", out)
    assert verified.returncode == 0, verified.stdout
    from exporter.publish.checks import check

    for name in written:
        assert check(out / f"{name}.epub") == []
