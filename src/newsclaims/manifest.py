"""data/manifest.json: what a build produced, and `newsclaims verify` of a copy against it.

The manifest records the dataset and schema versions, the tool versions that wrote the files, row
counts per config and split, and the sha256 and size of every other file of the folder. A downloaded
or copied data/ folder can then be checked without the corpus: every hash, count and version must
agree, and the report says exactly what differs.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
from dataclasses import dataclass
from pathlib import Path

import orjson
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
TOOLS = ("newsclaims", "datasets", "pyarrow")
_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def tool_versions() -> dict[str, str]:
    return {tool: importlib.metadata.version(tool) for tool in TOOLS}


def dataset_files(folder: Path) -> list[Path]:
    """Every file of a data folder except the manifest itself, in a stable order."""
    return sorted((p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST),
                  key=lambda p: p.relative_to(folder).as_posix())


def write_manifest(folder: Path, settings: dict, schema_version: str, counts: dict[str, dict[str, int]]) -> dict:
    files = {}
    for path in dataset_files(folder):
        files[path.relative_to(folder).as_posix()] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
    content = {
        "manifest_format": MANIFEST_FORMAT,
        "dataset": settings["dataset"]["name"],
        "version": settings["dataset"]["version"],
        "schema_version": schema_version,
        "tools": tool_versions(),
        "rows": counts,
        "files": files,
    }
    (folder / MANIFEST).write_bytes(orjson.dumps(content, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    return content


@dataclass(frozen=True)
class Difference:
    """One way a data folder disagrees with its manifest."""

    file: str
    what: str  # missing-file, unexpected-file, sha256, size, rows, version, manifest
    expected: str
    found: str

    def format_text(self) -> str:
        return f"{self.file}: {self.what}: expected {self.expected}, found {self.found}"

    def as_dict(self) -> dict:
        return {"file": self.file, "what": self.what, "expected": self.expected, "found": self.found}


_CARD_VERSION = re.compile(r"^version:\s*['\"]?([^'\"\s]+)", re.M)


def verify(folder: Path) -> list[Difference]:
    """Check a data folder against its manifest: files, hashes, sizes, row counts and versions."""
    manifest_path = folder / MANIFEST
    try:
        manifest = orjson.loads(manifest_path.read_bytes())
        expected_files: dict = manifest["files"]
        version, rows = manifest["version"], manifest["rows"]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as error:
        return [Difference(MANIFEST, "manifest", "a readable manifest.json with files, version and rows", f"{type(error).__name__}: {error}")]

    differences = []
    present = {p.relative_to(folder).as_posix(): p for p in dataset_files(folder)}
    for name in sorted(set(expected_files) - set(present)):
        differences.append(Difference(name, "missing-file", "present", "absent"))
    for name in sorted(set(present) - set(expected_files)):
        differences.append(Difference(name, "unexpected-file", "absent (not in the manifest)", "present"))
    for name in sorted(set(expected_files) & set(present)):
        path, entry = present[name], expected_files[name]
        size = path.stat().st_size
        if size != entry["bytes"]:
            differences.append(Difference(name, "size", f"{entry['bytes']} bytes", f"{size} bytes"))
        digest = sha256_of(path)
        if digest != entry["sha256"]:
            differences.append(Difference(name, "sha256", entry["sha256"], digest))

    # Counts and versions inside the files, for the files that are there and readable.
    from .features import CONFIGS
    from .splits import SPLIT_NAMES

    for config, by_split in sorted(rows.items()):
        if config not in CONFIGS or not isinstance(by_split, dict) or not set(by_split) <= set(SPLIT_NAMES):
            differences.append(Difference(MANIFEST, "manifest", f"configs {', '.join(CONFIGS)} with splits {', '.join(SPLIT_NAMES)}", f"{config!r}: {sorted(by_split) if isinstance(by_split, dict) else by_split!r}"))
            continue
        for split, expected_rows in sorted(by_split.items()):
            shards = sorted((folder / config).glob(f"{split}-*.parquet"))
            found_rows, versions = 0, set()
            for shard in shards:
                try:
                    metadata = pq.read_metadata(shard)
                except Exception as error:  # a corrupt file: pyarrow raises several types
                    differences.append(Difference(shard.relative_to(folder).as_posix(), "parquet", "a readable Parquet file", f"{type(error).__name__}: {error}"))
                    continue
                found_rows += metadata.num_rows
                ours = (metadata.metadata or {}).get(b"newsclaims")
                versions.add(orjson.loads(ours).get("dataset_version") if ours else None)
            if shards and found_rows != expected_rows:
                differences.append(Difference(f"{config}/{split}", "rows", str(expected_rows), str(found_rows)))
            for found_version in sorted(versions - {version}, key=str):
                differences.append(Difference(f"{config}/{split}", "version", version, str(found_version)))
    card = folder / "README.md"
    if card.is_file():
        match = _CARD_VERSION.search(card.read_text(encoding="utf-8", errors="replace").split("\n---", 1)[0])
        if match is None or match.group(1) != version:
            differences.append(Difference("README.md", "version", version, match.group(1) if match else "no version"))
    return differences
