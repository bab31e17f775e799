"""data/manifest.json: what a build produced, and `newsclaims verify` of a copy against it.

The manifest records the dataset and schema versions, the tool versions that wrote the files, row
counts per config and split, and the sha256 and size of every other file of the folder. A downloaded
or copied data/ folder can then be checked without the corpus: every hash, count and version must
agree, and the report says exactly what differs.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
from dataclasses import dataclass
from pathlib import Path
import orjson
import pyarrow.parquet as pq
from ..errors import environment_failure
from ..schema.configs import CONFIG_NAMES, SHARD_PATH, SPLITS


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
    return dict(_tool_versions())


@functools.cache
def _tool_versions() -> tuple[tuple[str, str], ...]:  # read once: every Parquet file's metadata holds them
    return tuple((tool, importlib.metadata.version(tool)) for tool in TOOLS)


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
    # missing-file, unexpected-file, sha256, size, rows, version, schema_version, tools, dataset (a fact two
    # files state differently); manifest, croissant, card, parquet (a file or value that cannot be read)
    what: str
    expected: str
    found: str

    def format_text(self) -> str:
        return f"{self.file}: {self.what}: expected {self.expected}, found {self.found}"

    def as_dict(self) -> dict:
        return {"file": self.file, "what": self.what, "expected": self.expected, "found": self.found}



# --- verify ---------------------------------------------------------------------------------------
#
# Every fact the folder states is checked against every other statement of it and, where the files
# can be measured, against the files: the sha256 of a Parquet file (manifest.json, croissant.json,
# the file), every row count (manifest.json, the card's dataset_info, the Parquet footers), the
# dataset version (manifest.json, the card, croissant.json, every Parquet file's b"newsclaims"
# metadata), the schema version and the tool versions (manifest.json, every Parquet file: its
# b"newsclaims" metadata and, for pyarrow, its `created_by`). A disagreement names both values and the
# files stating them; a value that cannot be read is itself a difference, and checking goes on.

_MISSING = object()
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CREATED_BY = re.compile(r"^parquet-cpp-arrow version (\S+)$")
CROISSANT, CARD = "croissant.json", "README.md"


@dataclass(frozen=True)
class _Statement:
    file: str
    value: str
    detail: str = ""  # where in the file, when it says so in more than one place

    @property
    def source(self) -> str:
        return f"{self.file} {self.detail}".strip()


def _pointer(*parts) -> str:
    """A JSON pointer (RFC 6901): "/files/claims~1train-00000-of-00001.parquet/sha256"."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts) or "the top level"


def _shown(value) -> str:
    """A JSON value as the report shows it: its kind and (the start of) its text."""
    if value is _MISSING:
        return "nothing (no such key)"
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    text = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    if len(text) > 60:
        text = text[:57] + "..."
    return "null" if value is None else f"{kinds.get(type(value), type(value).__name__)} {text}"


def _sources(statements: list[_Statement]) -> str:
    """Who states a value: each file by name, Parquet files by number when several say it the same way."""
    parquet: dict[str, list[str]] = {}
    for statement in statements:
        if statement.file.endswith(".parquet"):
            parquet.setdefault(statement.detail, []).append(statement.file)
    names, summarised = [], set()
    for statement in statements:
        files = parquet.get(statement.detail, []) if statement.file.endswith(".parquet") else []
        if len(files) < 2:
            names.append(statement.source)
        elif statement.detail not in summarised:
            summarised.add(statement.detail)
            names.append(f"{len(files)} Parquet files' {statement.detail}".strip())
    return ", ".join(names)


def _groups(statements: list[_Statement]) -> dict[str, list[_Statement]]:
    groups: dict[str, list[_Statement]] = {}
    for statement in statements:
        groups.setdefault(statement.value, []).append(statement)
    return groups


def _is_count(value) -> bool:
    return type(value) is int and value >= 0  # not bool, which is an int in Python


class _Verification:
    """The differences found so far, and what the files state (gathered, then compared)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.differences: list[Difference] = []
        self.present = {p.relative_to(folder).as_posix(): p for p in dataset_files(folder)}
        self._digests: dict[str, str] = {}
        self.stated: dict[tuple[str, str], list[_Statement]] = {}  # (what, subject) -> statements
        self.hashes: dict[str, list[_Statement]] = {}  # file -> its sha256 as stated
        self.rows: dict[tuple[str, str], list[_Statement]] = {}  # (config, split) -> row counts as stated
        self.row_tables: list[str] = []  # the files whose table of row counts could be read
        self.unreadable_rows: set[tuple[str, str, str | None]] = set()  # (file, config, split or None): reported already

    def add(self, file: str, what: str, expected: str, found: str) -> None:
        self.differences.append(Difference(file, what, expected, found))

    def bad(self, file: str, what: str, pointer: tuple, expected: str, value) -> None:
        """A value of the wrong type or form in one of the folder's JSON or YAML files."""
        self.add(file, what, f"{expected} at {_pointer(*pointer)}", _shown(value))

    def state(self, what: str, statement: _Statement, subject: str = "") -> None:
        self.stated.setdefault((what, subject), []).append(statement)

    def state_strings(self, file: str, kind: str, content: dict, keys: dict[str, str], detail: str = "") -> None:
        """Each key -> what of `content` (a JSON object of `file`) as a statement; not a non-empty string: a difference."""
        for key, what in keys.items():
            value = content.get(key, _MISSING)
            if isinstance(value, str) and value:
                self.state(what, _Statement(file, value, detail))
            else:
                self.bad(file, kind, (key,), f"a non-empty string{' in its ' + detail if detail else ''}", value)

    def digest(self, name: str) -> str | None:
        """The file's sha256; None when it cannot be read (a difference, or an EnvironmentFailure raised)."""
        if name not in self._digests:
            try:
                self._digests[name] = sha256_of(self.present[name])
            except OSError as error:
                failure = environment_failure(error, "reading")
                if failure is not None:  # permission denied: the machine's, exit 3
                    raise failure from None
                self.add(name, "sha256", "a readable file", f"{type(error).__name__}: {error}")
                self._digests[name] = None
        return self._digests[name]

    def compare_measured(self, subject: str, what: str, statements: list[_Statement], measured: str, measured_by: str) -> None:
        """Each stated value that is not what the files measure: one difference per value."""
        agreeing = [s for s in statements if s.value == measured]
        found = f"{measured} ({measured_by}{', as ' + _sources(agreeing) + ' states' if agreeing else ''})"
        for value, group in _groups(statements).items():
            if value != measured:
                self.add(subject, what, f"{value} ({_sources(group)})", found)

    def compare_stated(self, what: str, statements: list[_Statement], subject: str = "") -> None:
        """Statements of one fact that must agree. The value most files state is taken as expected (on a
        tie, the manifest's); each other value is reported on the file stating it (or on `subject`)."""
        groups = _groups(statements)
        if len(groups) < 2:
            return
        expected, reference = max(groups.items(), key=lambda item: (len(item[1]), any(s.file == MANIFEST for s in item[1])))
        for value, group in groups.items():
            if value == expected:
                continue
            files = [subject] if subject else list(dict.fromkeys(s.file for s in group))
            for file in files:
                mine = group if subject else [s for s in group if s.file == file]
                details = [s.detail for s in mine if s.detail]
                found = f"{value} ({_sources(mine) if subject else ', '.join(details)})" if subject or details else value
                self.add(file, what, f"{expected} ({_sources(reference)})", found)


def _read_manifest(check: _Verification) -> dict | None:
    """The manifest's `files` (name -> {"sha256", "bytes"}, either None when unusable), or None when
    there is no usable list; its other facts go into `check`'s statements, each value of the wrong
    type into its differences."""
    try:
        manifest = orjson.loads((check.folder / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        check.add(MANIFEST, "manifest", "a readable manifest.json (JSON)", f"{type(error).__name__}: {error}")
        return None
    if not isinstance(manifest, dict):
        check.bad(MANIFEST, "manifest", (), "an object", manifest)
        return None
    value = manifest.get("manifest_format", _MISSING)
    if value != MANIFEST_FORMAT or type(value) is not int:
        check.bad(MANIFEST, "manifest", ("manifest_format",), f"{MANIFEST_FORMAT} (the manifest format this newsclaims reads)", value)
    check.state_strings(MANIFEST, "manifest", manifest, {"dataset": "dataset", "version": "version", "schema_version": "schema_version"})
    tools = manifest.get("tools", _MISSING)
    if not isinstance(tools, dict):
        check.bad(MANIFEST, "manifest", ("tools",), f"an object of the versions of {', '.join(TOOLS)}", tools)
    for tool in TOOLS if isinstance(tools, dict) else ():
        value = tools.get(tool, _MISSING)
        if isinstance(value, str) and value:
            check.state("tools", _Statement(MANIFEST, f"{tool} {value}"), tool)
        else:
            check.bad(MANIFEST, "manifest", ("tools", tool), f"the version of {tool} that wrote the folder (a string)", value)
    _read_manifest_rows(check, manifest.get("rows", _MISSING))
    return _read_manifest_files(check, manifest.get("files", _MISSING))


def _read_manifest_rows(check: _Verification, rows) -> None:

    if not isinstance(rows, dict):
        check.bad(MANIFEST, "manifest", ("rows",), "an object of row counts (config -> split -> rows)", rows)
        return
    check.row_tables.append(MANIFEST)
    for config, by_split in sorted(rows.items()):
        if config not in CONFIG_NAMES:
            check.add(MANIFEST, "manifest", f"a config ({', '.join(CONFIG_NAMES)}) at {_pointer('rows', config)}", f"a config {config!r}")
            continue
        if not isinstance(by_split, dict):
            check.bad(MANIFEST, "manifest", ("rows", config), "an object of row counts (split -> rows)", by_split)
            check.unreadable_rows.add((MANIFEST, config, None))
            continue
        for split, count in sorted(by_split.items()):
            if split not in SPLITS:
                check.add(MANIFEST, "manifest", f"a split ({', '.join(SPLITS)}) at {_pointer('rows', config, split)}", f"a split {split!r}")
            elif not _is_count(count):
                check.bad(MANIFEST, "manifest", ("rows", config, split), "a row count (a whole number, 0 or more)", count)
                check.unreadable_rows.add((MANIFEST, config, split))
            else:
                check.rows.setdefault((config, split), []).append(_Statement(MANIFEST, str(count)))


def _read_manifest_files(check: _Verification, files) -> dict | None:
    if not isinstance(files, dict):
        check.bad(MANIFEST, "manifest", ("files",), "an object of the folder's files (name -> sha256 and bytes)", files)
        return None
    listed = {}
    for name, entry in sorted(files.items()):
        listed[name] = {"sha256": None, "bytes": None}
        if not isinstance(entry, dict):
            check.bad(MANIFEST, "manifest", ("files", name), "an object with sha256 and bytes", entry)
            continue
        digest, size = entry.get("sha256", _MISSING), entry.get("bytes", _MISSING)
        if isinstance(digest, str) and _SHA256.match(digest):
            listed[name]["sha256"] = digest
            check.hashes.setdefault(name, []).append(_Statement(MANIFEST, digest))
        else:
            check.bad(MANIFEST, "manifest", ("files", name, "sha256"), "a sha256 (64 lowercase hex digits)", digest)
        if _is_count(size):
            listed[name]["bytes"] = size
        else:
            check.bad(MANIFEST, "manifest", ("files", name, "bytes"), "a size in bytes (a whole number, 0 or more)", size)
    return listed


def _read_json_file(check: _Verification, name: str, what: str, expected: str) -> dict | None:
    """A JSON object file of the folder, or None (absent: the file list says so; unreadable: a difference)."""
    if name not in check.present:
        return None
    try:
        content = orjson.loads(check.present[name].read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        check.add(name, what, f"{expected} (JSON)", f"{type(error).__name__}: {error}")
        return None
    if not isinstance(content, dict):
        check.bad(name, what, (), f"{expected} (an object)", content)
        return None
    return content


def _read_croissant(check: _Verification) -> set[str] | None:
    """croissant.json's version, name and file hashes into `check`; the files it lists (None: unreadable)."""
    metadata = _read_json_file(check, CROISSANT, "croissant", "Croissant metadata")
    if metadata is None:
        return None
    check.state_strings(CROISSANT, "croissant", metadata, {"version": "version", "name": "dataset"})
    distribution = metadata.get("distribution", _MISSING)
    if not isinstance(distribution, list):
        check.bad(CROISSANT, "croissant", ("distribution",), "an array of cr:FileObject", distribution)
        return None
    listed = set()
    for index, item in enumerate(distribution):
        if not isinstance(item, dict) or item.get("@type") != "cr:FileObject":
            continue  # a FileSet: no hash
        url, digest = item.get("contentUrl", _MISSING), item.get("sha256", _MISSING)
        if not isinstance(url, str) or not url:
            check.bad(CROISSANT, "croissant", ("distribution", index, "contentUrl"), "the file's path in the folder", url)
            continue
        listed.add(url)
        if isinstance(digest, str) and _SHA256.match(digest):
            check.hashes.setdefault(url, []).append(_Statement(CROISSANT, digest))
        else:
            check.bad(CROISSANT, "croissant", ("distribution", index, "sha256"), f"the sha256 of {url} (64 lowercase hex digits)", digest)
    return listed


def _front_matter(check: _Verification) -> dict | None:
    if CARD not in check.present:
        return None
    import yaml  # a dependency of datasets and huggingface_hub

    try:
        text = check.present[CARD].read_text(encoding="utf-8")
        if not text.startswith("---\n") or "\n---\n" not in text[3:]:
            raise ValueError("no YAML front matter between two '---' lines at the top")
        # BaseLoader: every scalar a string, so "1.10" stays a version and is not read as 1.1
        loaded = yaml.load(text[4:text.index("\n---\n", 3)], Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        check.add(CARD, "card", "a readable card with YAML front matter", f"{type(error).__name__}: {str(error)[:200]}")
        return None
    if not isinstance(loaded, dict):
        check.add(CARD, "card", "YAML front matter that is a mapping", type(loaded).__name__)
        return None
    return loaded


def _read_card(check: _Verification) -> None:
    """The card's version and its dataset_info row counts into `check`."""
    matter = _front_matter(check)
    if matter is None:
        return
    version = matter.get("version", _MISSING)
    if isinstance(version, str) and version:
        check.state("version", _Statement(CARD, version))
    else:
        check.bad(CARD, "card", ("version",), "the dataset version in the front matter", version)
    infos = matter.get("dataset_info", [])
    check.row_tables.append(CARD)
    for index, info in enumerate(infos if isinstance(infos, list) else [infos]):
        at = ("dataset_info", index) if isinstance(infos, list) else ("dataset_info",)
        splits = info.get("splits", _MISSING) if isinstance(info, dict) else _MISSING
        config = info.get("config_name") if isinstance(info, dict) and isinstance(info.get("config_name"), str) else "*"
        if config == "*" or not isinstance(splits, list):
            check.bad(CARD, "card", at, "a config_name and its splits", info)
            check.unreadable_rows.add((CARD, config, None))
            continue
        for number, split in enumerate(splits):
            count = split.get("num_examples", _MISSING) if isinstance(split, dict) else _MISSING
            name = split.get("name") if isinstance(split, dict) and isinstance(split.get("name"), str) else None
            if name is None or not (isinstance(count, str) and re.fullmatch(r"[0-9]+", count)):
                check.bad(CARD, "card", (*at, "splits", number), "a split name and its num_examples", split)
                check.unreadable_rows.add((CARD, config, name))
                continue
            check.rows.setdefault((config, name), []).append(_Statement(CARD, str(int(count)), "dataset_info"))


def _read_parquet(check: _Verification) -> dict[tuple[str, str], int | None]:
    """Every Parquet file's footer: rows per (config, split) (None: a file could not be read), and its
    versions into `check`. Files are found by their names in the folder, never by manifest paths."""

    counts: dict[tuple[str, str], int | None] = {}
    for name in sorted(check.present):
        match = SHARD_PATH.match(name)
        if not match or match["config"] not in CONFIG_NAMES:
            continue
        key = (match["config"], match["split"])
        try:
            metadata = pq.read_metadata(check.present[name])
        except Exception as error:  # a corrupt file: pyarrow raises several types
            check.add(name, "parquet", "a readable Parquet file", f"{type(error).__name__}: {error}")
            counts[key] = None
            continue
        if counts.get(key, 0) is not None:
            counts[key] = counts.get(key, 0) + metadata.num_rows
        created_by = _CREATED_BY.match(metadata.created_by or "")
        check.state("tools", _Statement(name, f"pyarrow {created_by.group(1) if created_by else metadata.created_by}", "created_by"), "pyarrow")
        _read_our_metadata(check, name, (metadata.metadata or {}).get(b"newsclaims"), key)
    return counts


def _read_our_metadata(check: _Verification, name: str, raw: bytes | None, key: tuple[str, str]) -> None:
    expected = 'b"newsclaims" key-value metadata (a JSON object: dataset, dataset_version, schema_version, config, split, tools)'
    try:
        ours = orjson.loads(raw) if raw is not None else None
    except orjson.JSONDecodeError:
        ours = None
    if not isinstance(ours, dict):
        check.add(name, "parquet", expected, "none" if raw is None else raw[:60].decode("utf-8", "replace"))
        return
    where = 'b"newsclaims" metadata'
    check.state_strings(name, "parquet", ours, {"dataset": "dataset", "dataset_version": "version", "schema_version": "schema_version"}, where)
    if (ours.get("config"), ours.get("split")) != key:
        check.add(name, "parquet", f"config {key[0]} and split {key[1]} in its {where} (as its path says)",
                  f"config {ours.get('config')!r} and split {ours.get('split')!r}")
    tools = ours.get("tools")  # absent in builds older than this check: nothing to compare
    if isinstance(tools, dict):
        for tool in TOOLS:
            if isinstance(tools.get(tool), str):
                check.state("tools", _Statement(name, f"{tool} {tools[tool]}", where), tool)


def verify(folder: Path) -> list[Difference]:
    """Check a data folder against its manifest, and every fact its files state against the others:
    files, hashes, sizes, row counts, dataset, schema and tool versions. Never raises on a bad folder:
    whatever cannot be read or has the wrong type is a Difference, and the rest is still checked (a
    file the user may not read raises EnvironmentFailure)."""
    check = _Verification(Path(folder))
    listed = _read_manifest(check)
    in_croissant = _read_croissant(check)
    _read_card(check)
    measured_rows = _read_parquet(check)

    if listed is not None:
        for name in sorted(set(listed) - set(check.present)):
            check.add(name, "missing-file", "present", "absent")
        for name in sorted(set(check.present) - set(listed)):
            check.add(name, "unexpected-file", "absent (not in the manifest)", "present")
        for name in sorted(set(listed) & set(check.present)):
            size, stated = check.present[name].stat().st_size, listed[name]["bytes"]
            if stated is not None and size != stated:
                check.add(name, "size", f"{stated} bytes", f"{size} bytes")
    for name in sorted(in_croissant or ()):
        if name not in check.present and (listed is None or name not in listed):
            check.add(name, "missing-file", f"present ({CROISSANT} lists it)", "absent")
    if in_croissant is not None:

        for name in sorted(check.present):
            if SHARD_PATH.match(name) and name not in in_croissant and (listed is None or name in listed):
                check.add(name, "croissant", f"a cr:FileObject with its sha256 in {CROISSANT}'s distribution", "none")

    for name, statements in sorted(check.hashes.items()):
        if name in check.present and check.digest(name) is not None:
            check.compare_measured(name, "sha256", statements, check.digest(name), "the file")
    for (config, split) in sorted(set(check.rows) | {key for key in measured_rows if measured_rows[key] is not None}):
        statements = check.rows.get((config, split), [])
        subject = f"{config}/{split}"
        if (config, split) in measured_rows:
            measured = measured_rows[(config, split)]
            if measured is not None:
                check.compare_measured(subject, "rows", statements, str(measured), "the Parquet files")
                for file in check.row_tables:
                    reported = {(file, "*", None), (file, config, None), (file, config, split)} & check.unreadable_rows
                    if not reported and not any(s.file == file for s in statements):
                        check.add(subject, "rows", f"a row count for {subject} in {file}", f"none ({measured} rows in the Parquet files)")
        else:  # no Parquet file for it (reported as missing, when the manifest lists one): the statements must agree
            check.compare_stated("rows", statements, subject)
    for (what, _), statements in check.stated.items():
        check.compare_stated(what, statements)
    return check.differences
