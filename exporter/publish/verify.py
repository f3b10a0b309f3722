"""``exporter verify DIR``: is every file the manifest lists there, with its size and
checksum; do ``SHA256SUMS`` and the manifest agree; is the manifest's signature good;
is there any file the manifest does not list; is the offline zip a copy of this folder?

The manifest is not trusted: a name in it that is absolute, climbs out with ``..`` or
leads outside the folder through a symbolic link is refused and never opened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .editions import sha256_of
from .manifest import MANIFEST, PUBLIC_KEY, SIGNATURE, SUMS

#: What a build writes beside the listed files: the manifest's own files.
_OWN = {MANIFEST, SUMS, SIGNATURE, PUBLIC_KEY}


@dataclass(frozen=True)
class Result:
    """One line of the report: a file and what was found."""

    ok: bool
    path: str
    message: str

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'FAIL':4} {self.path}: {self.message}"


def _load_public_key(path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        data = path.read_bytes()
        key = (serialization.load_ssh_public_key(data) if data.startswith(b"ssh-ed25519")
               else serialization.load_pem_public_key(data))
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"cannot read the public key: {exc}", file=path) from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError("the public key is not an Ed25519 key", file=path)
    return key


def _signature(folder: Path, manifest: bytes, key_file: Path | None) -> list[Result]:
    from cryptography.exceptions import InvalidSignature

    sig = folder / SIGNATURE
    if not sig.is_file():
        if key_file is not None:
            return [Result(False, SIGNATURE, "missing, but a key was given to check it")]
        return [Result(True, SIGNATURE, "not signed (no signature to check)")]
    own = key_file is None
    key_path = folder / PUBLIC_KEY if own else key_file
    if not key_path.is_file():
        return [Result(False, SIGNATURE, f"no public key to check it (pass --key)")]
    key = _load_public_key(key_path)
    try:
        key.verify(sig.read_bytes(), manifest)
    except InvalidSignature:
        return [Result(False, SIGNATURE, f"signature does not match {MANIFEST} "
                                         f"(key {key_path.name})")]
    note = (f" with the key in the folder ({PUBLIC_KEY}): proves the files are intact, "
            "not who made them; pass --key with the publisher's key for that"
            if own else f" with {key_path}")
    return [Result(True, SIGNATURE, f"valid Ed25519 signature of {MANIFEST}{note}")]


def verify(folder: Path, key_file: Path | None = None) -> list[Result]:
    """Check ``folder`` against its manifest; one ``Result`` per file checked."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise UsageError("not a folder", file=folder)
    try:
        raw = path.read_bytes()
        manifest = json.loads(raw)
        articles = manifest["articles"]
        others = manifest["files"]
    except FileNotFoundError:
        if any(folder.glob("*.md")) or any(folder.glob("*.collection.yml")):
            # The sources, not the editions: point at where the editions go.
            raise UsageError("this is a folder of sources, not of editions", file=folder,
                             hint="verify the output folder, e.g. 'exporter verify dist'"
                             ) from None
        raise UsageError("no manifest.json in this folder", file=folder,
                         hint=f"build the editions with 'exporter build --out {folder}'"
                         ) from None
    except (OSError, ValueError, KeyError, TypeError):
        return [Result(False, MANIFEST, "cannot be read as an exporter manifest")]
    results = _signature(folder, raw, key_file)
    expected: dict[str, tuple[int, str]] = {}
    earlier: dict[str, str] = {}   # checksum of an earlier version -> which one it was
    try:
        for article in articles:
            for ed in article["editions"]:
                expected[ed["file"]] = (ed["bytes"], ed["sha256"])
            for version in article.get("history", []):
                for item in version.get("files", []):
                    earlier.setdefault(item["sha256"], f"version {version['version']} of "
                                       f"{version['modified']}")
        for item in others:
            expected[item["path"]] = (item["bytes"], item["sha256"])
    except (KeyError, TypeError, AttributeError):
        return results + [Result(False, MANIFEST, "cannot be read as an exporter manifest "
                                                  "(an entry without file, size or checksum)")]
    for name, (size, digest) in sorted(expected.items(), key=lambda kv: str(kv[0])):
        file = folder / name if isinstance(name, str) else None
        refused = _outside(folder, name)
        if refused:
            results.append(Result(False, str(name), f"refused: {refused} (not read)"))
        elif not file.is_file():
            results.append(Result(False, name, "missing"))
        elif file.stat().st_size != size and sha256_of(file) not in earlier:
            results.append(Result(False, name, f"size {file.stat().st_size} bytes, "
                                               f"the manifest says {size}"))
        elif (found := sha256_of(file)) != digest:
            what = (f"the file is {earlier[found]}, not the current one" if found in earlier
                    else "the file was changed")
            results.append(Result(False, name, f"SHA-256 {found[:16]}…, the manifest says "
                                               f"{digest[:16]}… ({what})"))
        else:
            results.append(Result(True, name, f"{size} bytes, SHA-256 matches"))
    results.append(_sums(folder, expected))
    results += _extra_files(folder, set(expected))
    results += _bundles(folder, raw)
    return results


def _outside(folder: Path, name: object) -> str:
    """Why the manifest's ``name`` may not be opened ("" when it may): not a relative
    path inside ``folder``, following symbolic links."""
    import os

    if not isinstance(name, str) or not name or "\0" in name:
        return "not a file name"
    if name.startswith(("/", "\\")) or Path(name).is_absolute() or (
            len(name) > 1 and name[1] == ":"):
        return "an absolute path; a manifest names files inside its folder"
    if ".." in Path(name).parts or ".." in name.split("\\"):
        return "a path with '..' that leads out of the folder"
    root = os.path.realpath(folder)
    if os.path.commonpath([root, os.path.realpath(folder / name)]) != root:
        return "a link that leads outside the folder"
    return ""


def _extra_files(folder: Path, listed: set) -> list[Result]:
    """A FAIL for each file in ``folder`` that the manifest does not list (hidden files
    and folders, the build's records, are not the reader's; nor is the offline zip)."""
    import os

    from .bundle import SUFFIX

    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            rel = Path(dirpath, name).relative_to(folder).as_posix()
            if name.startswith(".") or rel in listed or rel in _OWN:
                continue
            if "/" not in rel and rel.endswith(SUFFIX):
                continue  # checked as a copy of the folder (``_bundles``)
            found.append(Result(False, rel, f"not in {MANIFEST}: a file no build listed "
                                            "(remove it, or build again to list what is there)"))
    return found


def _bundles(folder: Path, manifest: bytes) -> list[Result]:
    """Each offline zip holds this folder's manifest, or it is an old copy."""
    import zipfile

    from .bundle import SUFFIX

    results = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        inside = f"{path.name.removesuffix('.zip')}/{MANIFEST}"
        try:
            with zipfile.ZipFile(path) as archive:
                held = archive.read(inside)
        except (OSError, KeyError, zipfile.BadZipFile):
            results.append(Result(False, path.name, f"not an offline copy of this folder "
                                                    f"(no readable {inside})"))
            continue
        if held == manifest:
            results.append(Result(True, path.name, f"holds this folder's {MANIFEST}"))
        else:
            results.append(Result(False, path.name, f"an old copy of the folder: its "
                                                    f"{MANIFEST} differs (build again with "
                                                    "--bundle)"))
    return results


def _sums(folder: Path, expected: dict[str, tuple[int, str]]) -> Result:
    try:
        lines = (folder / SUMS).read_text("utf-8").splitlines()
    except OSError:
        return Result(False, SUMS, "missing")
    listed = {}
    for line in lines:
        digest, _, name = line.partition("  ")
        listed[name.lstrip("*")] = digest
    wanted = {name: digest for name, (_size, digest) in expected.items()}
    wanted.pop(SUMS, None)
    manifest_line = listed.pop(MANIFEST, None)
    if manifest_line is not None and manifest_line != sha256_of(folder / MANIFEST):
        return Result(False, SUMS, f"its line for {MANIFEST} does not match the manifest")
    if listed != wanted:
        differ = sorted(set(listed.items()) ^ set(wanted.items()))
        return Result(False, SUMS, "does not agree with the manifest about "
                      + ", ".join(sorted({name for name, _ in differ})))
    return Result(True, SUMS, f"agrees with {MANIFEST} ({len(wanted)} files)")
