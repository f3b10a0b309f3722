"""Distribution: what turns a folder of editions into something to hand out.

Fed by the build's list of editions (never by an adapter), ``publish`` writes beside
them the downloads page (``index.html``), the OPDS catalogue (``catalog.xml``), an
Atom feed (``feed.xml``), the manifest (``manifest.json``) and ``SHA256SUMS``;
optionally a detached Ed25519 signature of the manifest and an offline zip of the whole. Each file is rewritten
only when its bytes change, so a build that changed no edition leaves them all alone.

    editions --(articles, editions: facts)--> manifest entries
        --(page, catalogue, feed)--> index.html, catalog.xml, feed.xml
        --(manifest)--> manifest.json, SHA256SUMS [, manifest.json.sig]
        --(bundle)--> <name>-offline.zip
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest as mf
from .articles import Article
from .editions import PLAIN_WORDS

COVERS = "covers"
PAGE = "index.html"

_MEDIA_TYPES = {".png": "image/png", ".html": "text/html", ".xml": "application/atom+xml"}


@dataclass
class Published:
    """What ``publish`` wrote ("written") and left as it was ("unchanged")."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    bundle: Path | None = None
    notes: list[str] = field(default_factory=list)


def _write(out_dir: Path, rel: str, data: bytes, done: Published) -> None:
    """Write ``data`` to ``out_dir/rel`` unless the file already holds exactly that."""
    from .folder import write_atomically

    path = out_dir / rel
    if _holds(path, data):
        done.unchanged.append(rel)
        return
    write_atomically(path, data)
    done.written.append(rel)


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data``."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _png_size(png: bytes) -> list[int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return [image.width, image.height]


def _format_order(fmt: str) -> tuple[int, str]:
    order = list(PLAIN_WORDS)
    return (order.index(fmt) if fmt in order else len(order), fmt)


def _article_entry(article: Article) -> dict:
    data = article.to_json()
    del data["cover"], data["thumbnail"]
    data["cover"] = {}
    if article.cover:
        data["cover"] = {
            "image": f"{COVERS}/{article.slug}.png",
            "thumbnail": f"{COVERS}/{article.slug}-thumb.png",
            "thumbnail_size": _png_size(article.thumbnail),
        }
    return data


def _entries(out_dir: Path, editions: Sequence, previous: dict | None) -> list[dict]:
    """Manifest entries of every article with an edition in ``out_dir``: those just
    built, and those an earlier build listed whose files are still there."""
    before = {a["slug"]: a for a in (previous or {}).get("articles", [])}
    entries: dict[str, dict] = {}
    for ed in editions:
        if ed.slug not in entries:
            entry = _article_entry(ed.article)
            entry["editions"] = []
            entry["history"] = before.get(ed.slug, {}).get("history", [])
            entries[ed.slug] = entry
        old = {e["file"]: e for e in before.get(ed.slug, {}).get("editions", [])}
        entries[ed.slug]["editions"].append(mf.edition_entry(
            ed.path, ed.format, ed.media_type, ed.pages, ed.words, entries[ed.slug],
            old.get(ed.path.name)))
    for slug, old_entry in before.items():
        entry = entries.get(slug)
        if entry is None:
            entry = {k: v for k, v in old_entry.items() if k != "editions"}
            entry["editions"] = []
        have = {e["file"] for e in entry["editions"]}
        for old in old_entry.get("editions", []):
            path = out_dir / old["file"]
            if old["file"] in have or not path.is_file():
                continue
            entry["editions"].append(mf.edition_entry(
                path, old["format"], old["media_type"], old.get("pages"), old.get("words"),
                entry, old))
        if entry["editions"]:
            entries[slug] = entry
    _found_in_folder(out_dir, entries)
    for entry in entries.values():
        entry["editions"].sort(key=lambda e: _format_order(e["format"]))
        entry["history"] = mf.update_history(entry.get("history", []), entry, entry["editions"])
    return sorted(entries.values(), key=lambda a: (a["date"], a["modified"], a["slug"]),
                  reverse=True)


def _found_in_folder(out_dir: Path, entries: dict[str, dict]) -> None:
    """Add the editions a build wrote into ``out_dir`` that no manifest lists (a manifest
    lost, or written by an exporter that did not lock the folder): each has its build
    record (``run.freshness``: format, slug, checksum) and its article's kept facts."""
    import json

    from . import articles
    from .folder import STATE_DIR

    listed = {ed["file"] for entry in entries.values() for ed in entry["editions"]}
    try:
        records = sorted((out_dir / STATE_DIR).glob("*.json"))
    except OSError:
        return
    for record_path in records:
        name = record_path.name.removesuffix(".json")
        path = out_dir / name
        if name in listed or "/" in name or not path.is_file():
            continue
        try:
            record = json.loads(record_path.read_text("utf-8"))
            fmt, slug, media_type = record["format"], record["slug"], record["media_type"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not an edition's record, or one from before they named these
        if not all(isinstance(v, str) for v in (fmt, slug, media_type)):
            continue
        from .editions import sha256_of

        if sha256_of(path) != record.get("output"):
            continue  # not the file the build wrote
        entry = entries.get(slug)
        if entry is None:
            article = articles.load(out_dir, slug, None)
            if article is None:
                continue
            entry = _article_entry(article)
            entry["editions"], entry["history"] = [], []
            entries[slug] = entry
        entry["editions"].append(mf.edition_entry(
            path, fmt, media_type, record.get("pages"), record.get("words"), entry, None))
        listed.add(name)


def _run_checks(out_dir: Path, entries: list[dict], done: Published) -> None:
    """``exporter check`` on each edition not yet checked in its present form."""
    from .checks import check

    for entry in entries:
        for ed in entry["editions"]:
            if ed["check"] is None:
                findings = check(out_dir / ed["file"])
                errors = [f for f in findings if f.level in ("error", "fatal")]
                ed["check"] = {"passed": not findings, "errors": len(errors),
                               "warnings": len(findings) - len(errors),
                               "findings": [f"{f.level}: {f.message}" for f in findings[:20]]}
            if not ed["check"]["passed"]:
                done.failed_checks.append(ed["file"])
                done.findings += [f"{ed['file']}: {f}" for f in ed["check"]["findings"]]


def publish(out_dir: Path, editions: Sequence, *, check: bool = False,
            sign_key: Path | None = None, bundle: bool = False,
            navigation_from: int | None = None,
            progress: Callable[[str], None] | None = None) -> Published:
    """Write the page, catalogue, manifest and checksums for the editions in ``out_dir``.

    ``editions`` are the build's (``run.build.Edition``, each with its article); editions
    built earlier into the same folder stay listed while their files are there.
    ``check`` runs ``exporter check`` on editions not checked before; ``sign_key``
    signs the manifest; ``bundle`` writes the offline zip (and a folder that has one
    gets it written again: an offline zip is never left with an old manifest).

    Everything is written in one transaction on the folder (``folder.open_folder``):
    the build's, when called inside it; else its own, with the folder's lock.
    """
    from .folder import open_folder

    with open_folder(out_dir, notice=progress):
        return _publish(out_dir, editions, check=check, sign_key=sign_key, bundle=bundle,
                        navigation_from=navigation_from, progress=progress)


def _publish(out_dir: Path, editions: Sequence, *, check: bool, sign_key: Path | None,
             bundle: bool, navigation_from: int | None,
             progress: Callable[[str], None] | None) -> Published:
    from .bundle import bundle_name, render_bundle
    from .catalogue import NAVIGATION_FROM, render_catalogue
    from .feed import FEED, render_feed
    from .page import page_language, render_page
    from ..house.styles import STYLES_DIR

    from .folder import remove

    say = progress or (lambda _m: None)
    bundles = _bundles(out_dir)
    bundle = bundle or bool(bundles)
    options = _options(editions, check, sign_key, bundle, navigation_from, STYLES_DIR)
    unchanged = _unchanged_since_last_time(out_dir, options)
    if unchanged is not None:
        return unchanged
    done = Published()
    key = mf.load_private_key(sign_key) if sign_key is not None else None
    previous = mf.read_previous(out_dir)
    say("listing the editions")
    entries = _entries(out_dir, editions, previous)
    if check:
        say("checking the editions")
        _run_checks(out_dir, entries, done)

    publishers = {a.get("publisher") for a in entries}
    publisher = publishers.pop() if len(publishers) == 1 else None
    css = (STYLES_DIR / "downloads.css").read_text("utf-8")

    def render(signed: bool) -> tuple[dict[str, bytes], list[dict], bytes]:
        """Every file but the checksums, in memory: (files, their manifest list, manifest)."""
        files: dict[str, bytes] = {}
        for ed in editions:
            if ed.article.cover:
                files[f"{COVERS}/{ed.article.slug}.png"] = ed.article.cover
                files[f"{COVERS}/{ed.article.slug}-thumb.png"] = ed.article.thumbnail
        catalogue = render_catalogue(entries, key=_feed_key(entries, publisher),
                                     publisher=publisher,
                                     navigation_from=navigation_from or NAVIGATION_FROM,
                                     lang=page_language(entries))
        files.update(catalogue)
        files[FEED] = render_feed(entries, _feed_key(entries, publisher), publisher,
                                  page_language(entries))
        kind = "navigation" if len(catalogue) > 1 else "acquisition"
        files[PAGE] = render_page(entries, css, kind, signed=signed)
        listed = []
        for rel in sorted(_other_files(out_dir, entries, files)):
            data = files.get(rel)
            if data is None:
                data = (out_dir / rel).read_bytes()
            listed.append({"path": rel, "bytes": len(data),
                           "sha256": hashlib.sha256(data).hexdigest(),
                           "media_type": _MEDIA_TYPES.get(Path(rel).suffix,
                                                          "application/octet-stream")})
        return files, listed, mf.render_manifest(entries, listed)

    had_signature = (out_dir / mf.SIGNATURE).exists()
    files, listed, manifest = render(signed=key is not None or had_signature)
    if key is None and had_signature and not _holds(out_dir / mf.MANIFEST, manifest):
        # The old signature would fail to verify: it signed another manifest.
        for rel in (mf.SIGNATURE, mf.PUBLIC_KEY):
            remove(out_dir / rel)
            done.removed.append(rel)
        done.notes.append("the manifest changed, so its old signature was removed; "
                          "sign it again with --sign KEY")
        files, listed, manifest = render(signed=False)
    for rel, data in sorted(files.items()):
        _write(out_dir, rel, data, done)
    _remove_stale(out_dir, files, entries, done)
    _write(out_dir, mf.MANIFEST, manifest, done)
    sums = [(ed["file"], ed["sha256"]) for a in entries for ed in a["editions"]]
    sums += [(item["path"], item["sha256"]) for item in listed]
    sums.append((mf.MANIFEST, hashlib.sha256(manifest).hexdigest()))
    _write(out_dir, mf.SUMS, mf.render_sums(sums), done)
    signed = [p for p in (mf.SIGNATURE, mf.PUBLIC_KEY) if (out_dir / p).exists()]
    if key is not None:
        signature, public = mf.sign(manifest, key)
        _write(out_dir, mf.SIGNATURE, signature, done)
        _write(out_dir, mf.PUBLIC_KEY, public, done)
        signed = [mf.SIGNATURE, mf.PUBLIC_KEY]

    if bundle:
        say("writing the offline bundle")
        name = bundle_name([a["slug"] for a in entries], out_dir)
        members = ([ed["file"] for a in entries for ed in a["editions"]]
                   + [item["path"] for item in listed] + [mf.MANIFEST, mf.SUMS] + signed)
        _write(out_dir, name, render_bundle(out_dir, members, name.removesuffix(".zip")), done)
        done.bundle = out_dir / name
    for old in bundles:
        if done.bundle is None or old != done.bundle.name:
            remove(out_dir / old)  # named after a slug or folder no longer the folder's
            done.removed.append(old)
    _remember(out_dir, options, done)
    return done


def _feed_key(entries: list[dict], publisher: str | None) -> str:
    """What the catalogue's feed ids are made from: the publisher, else the identifier of
    the oldest article (it stays while articles are added). Never the folder: the same
    sources give the same catalogue wherever they are built."""
    if publisher:
        return publisher
    oldest = min(entries, key=lambda a: (a["date"], a["slug"]), default=None)
    return oldest["identifier"] if oldest else "exporter"


# --- the fast path: nothing changed since the last publish --------------------------------

_STATE = ".exporter/downloads.json"


def _options(editions: Sequence, check: bool, sign_key: Path | None, bundle: bool,
             navigation_from: int | None, styles: Path) -> dict:
    """Everything besides the folder's files that the written files depend on."""
    from .. import __version__
    from ..i18n import catalogue_digest, shipped

    def digest(path: Path) -> str | None:
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None

    return {"version": __version__, "check": check, "bundle": bundle,
            "sign": digest(sign_key) if sign_key is not None else None,
            "navigation_from": navigation_from, "css": digest(styles / "downloads.css"),
            "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
            "words": [catalogue_digest(language) for language in shipped()],
            "editions": sorted(str(ed.path.name) for ed in editions)}


def _folder_state(out_dir: Path, options: dict) -> str:
    """A hash of ``options`` and of every file's name, size and modification time."""
    import json

    from .catalogue import FOLDER

    h = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    for folder in (out_dir, out_dir / COVERS, out_dir / FOLDER):
        try:
            found = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for item in found:
            if item.name.startswith(".") or not item.is_file():
                continue
            st = item.stat()
            h.update(f"{folder.name}/{item.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _unchanged_since_last_time(out_dir: Path, options: dict) -> Published | None:
    """What the last publish reported, if no file in the folder and no option changed
    since: then there is nothing to read, hash or write."""
    import json

    try:
        state = json.loads((out_dir / _STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("state") != _folder_state(out_dir, options):
        return None
    done = Published(unchanged=list(state.get("files", [])),
                     failed_checks=list(state.get("failed_checks", [])),
                     findings=list(state.get("findings", [])))
    if state.get("bundle"):
        done.bundle = out_dir / state["bundle"]
    return done


def _remember(out_dir: Path, options: dict, done: Published) -> None:
    import json

    state = {"state": _folder_state(out_dir, options),
             "files": sorted(done.written + done.unchanged),
             "failed_checks": done.failed_checks, "findings": done.findings,
             "bundle": done.bundle.name if done.bundle else None}
    try:
        path = out_dir / _STATE
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state, sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # the next build does the work again


def _other_files(out_dir: Path, entries: list[dict], files: dict[str, bytes]) -> set[str]:
    """The files beside the editions that the manifest lists: covers, page, catalogue."""
    found = set(files)
    for entry in entries:
        for rel in (entry.get("cover") or {}).values():
            if isinstance(rel, str) and (out_dir / rel).is_file():
                found.add(rel)
    return found


def _bundles(out_dir: Path) -> list[str]:
    """The offline zips in ``out_dir`` (``<name>-offline.zip``, see ``bundle``)."""
    from .bundle import SUFFIX

    try:
        return sorted(p.name for p in out_dir.iterdir()
                      if p.name.endswith(SUFFIX) and p.is_file())
    except OSError:
        return []


def _remove_stale(out_dir: Path, files: dict[str, bytes], entries: list[dict],
                  done: Published) -> None:
    """Remove catalogue feeds and covers that belong to nothing any more."""
    from .catalogue import FOLDER
    from .folder import remove

    keep = set(files) | {rel for e in entries for rel in (e.get("cover") or {}).values()
                         if isinstance(rel, str)}
    for folder in (FOLDER, COVERS):
        base = out_dir / folder
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            rel = f"{folder}/{path.name}"
            if path.is_file() and rel not in keep and path.suffix in (".xml", ".png"):
                remove(path)
                done.removed.append(rel)
