"""``manifest.json`` and ``SHA256SUMS``: every file with its size and checksum, each
article's versions (history), and an optional Ed25519 signature of the manifest.

The manifest is also the memory of the output folder: editions built earlier (other
articles, other formats) stay listed while their files are there, and each article's
history keeps the checksums of every version published, so anyone holding a copy can
tell which version it is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path

from .. import __version__
from ..errors import UsageError
from .editions import accessibility_summary, plain_words, sha256_of

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SIGNATURE = "manifest.json.sig"
PUBLIC_KEY = "manifest.pub.pem"
#: Identifies the manifest's layout; raise it when the layout changes incompatibly.
SCHEMA = "exporter-manifest/1"


def read_previous(out_dir: Path) -> dict | None:
    """The manifest an earlier build left in ``out_dir``, or None."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else None


def build_epoch(articles: Iterable[dict]) -> int:
    """``SOURCE_DATE_EPOCH`` if set, else midnight UTC of the latest article change:
    the same sources always give the same manifest."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    latest = max((a["modified"] for a in articles), default="1970-01-01")
    day = dt.date.fromisoformat(latest)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def edition_entry(path: Path, fmt: str, media_type: str, pages: int | None,
                  words: int | None, article: dict, previous: dict | None) -> dict:
    """What the manifest says of one edition file (hashed now, read from the file)."""
    name, purpose = plain_words(fmt, path.name, article["lang"])
    digest = sha256_of(path)
    same = previous is not None and previous.get("sha256") == digest
    return {
        "format": fmt,
        "label": name,
        "purpose": purpose,
        "file": path.name,
        "media_type": media_type,
        "bytes": path.stat().st_size,
        "sha256": digest,
        "pages": pages,
        "words": words,
        "version": article["version"],
        "modified": article["modified"],
        "accessibility_summary": accessibility_summary(path, article["lang"]),
        # ``exporter check``'s results stay valid while the file is the same.
        "check": previous.get("check") if same else None,
    }


def update_history(history: list[dict], article: dict, editions: list[dict]) -> list[dict]:
    """``history`` with the current files added under the current version.

    One entry per (version, modified); a file rebuilt within one version (say, by a
    newer exporter) adds its new checksum to that version's list.
    """
    history = [dict(h, files=list(h.get("files", []))) for h in history]
    key = (article["version"], article["modified"])
    entry = next((h for h in history if (h.get("version"), h.get("modified")) == key), None)
    if entry is None:
        entry = {"version": article["version"], "modified": article["modified"], "files": []}
        history.append(entry)
    known = {(f["file"], f["sha256"]) for f in entry["files"]}
    for ed in editions:
        if (ed["file"], ed["sha256"]) not in known:
            entry["files"].append({"file": ed["file"], "sha256": ed["sha256"],
                                   "bytes": ed["bytes"]})
    entry["files"].sort(key=lambda f: (f["file"], f["sha256"]))
    history.sort(key=lambda h: (h["modified"], h["version"]))
    return history


def render_manifest(articles: list[dict], files: list[dict]) -> bytes:
    """The manifest's bytes: sorted keys, two-space indent, a final newline."""
    manifest = {
        "schema": SCHEMA,
        "generator": f"exporter {__version__}",
        "build_epoch": build_epoch(articles),
        "articles": articles,
        "files": files,
    }
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def render_sums(listed: Iterable[tuple[str, str]]) -> bytes:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads: "<hex>  <path>" per line."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(listed)).encode()


def load_private_key(path: Path):
    """An Ed25519 private key from a PEM (PKCS#8) or OpenSSH key file."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the signing key: {exc.strerror}", file=path) from None
    try:
        if data.startswith(b"-----BEGIN OPENSSH"):
            key = serialization.load_ssh_private_key(data, password=None)
        else:
            key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise UsageError("not a readable unencrypted private key", file=path,
                         hint="make one with 'openssl genpkey -algorithm ed25519 -out key.pem'"
                         ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError("the signing key is not an Ed25519 key", file=path,
                         hint="make one with 'openssl genpkey -algorithm ed25519 -out key.pem'")
    return key


def sign(manifest: bytes, key) -> tuple[bytes, bytes]:
    """(detached raw Ed25519 signature of ``manifest``, the public key as PEM)."""
    from cryptography.hazmat.primitives import serialization

    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return key.sign(manifest), public
