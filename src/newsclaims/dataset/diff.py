"""Compare two builds of the dataset: rows added, removed and changed, per config.

`newsclaims diff OLD NEW` takes two built `data/` folders, or two git revisions whose `data/` folder is
extracted with `git archive`. Rows are matched by their stable id (the key column of each config), so the
report says what a consumer keyed on those ids will see change between the two versions. Only the rows
are compared: the card, manifest and changelog are prose and metadata written from the same corpus.

Label columns stored as Hugging Face ClassLabel ints are decoded back to their names with the features in
each Parquet file's metadata, so a change reads `claim_type: factual -> opinion`, and a reordered label
vocabulary between two versions is not mistaken for a change of every row.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
import pyarrow.parquet as pq

from ..schema.features import decode_labels, features_of
from ..errors import UsageError
from ..schema.configs import BY_NAME, CONFIG_NAMES, SHARD_STEM

# The key column, report order and nested columns of each config come from schema/configs.py.
# The pseudo column holding the split a row was read from (from the Parquet file name).
SPLIT_COLUMN = "split"
# Columns that name a row well enough for a person reading an added/removed line.
LABEL_COLUMNS = ("title", "name", "text")
VALUE_WIDTH = 60  # longest value shown in the text report; JSON output keeps full values


class DiffError(UsageError):
    """A user mistake (no such folder or revision, not a built dataset): the CLI exits 2 with the message.

    It is a UsageError, so the CLI's generic handler already reports it without a traceback."""


@dataclass
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class RowChange:
    key: str
    changes: list[FieldChange]


@dataclass
class ConfigDiff:
    config: str
    added: dict[str, dict] = field(default_factory=dict)  # key -> new row, in key order
    removed: dict[str, dict] = field(default_factory=dict)  # key -> old row, in key order
    changed: list[RowChange] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class DatasetDiff:
    configs: dict[str, ConfigDiff]  # every config present on either side, in report order
    old_label: str = "old"
    new_label: str = "new"

    @property
    def identical(self) -> bool:
        return all(c.identical for c in self.configs.values())


class _Absent:
    """A column one side does not have (the schema changed between versions)."""

    def __repr__(self) -> str:
        return "<absent>"


ABSENT = _Absent()


# ---------------------------------------------------------------------------------------------- reading


def _split_of(path: Path) -> str:
    match = SHARD_STEM.match(path.stem)
    return match.group("split") if match else path.stem


def _config_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and any(p.glob("*.parquet")))


def _key_column(config: str, columns: list[str], path: Path) -> str:
    for candidate in ((BY_NAME[config].key if config in BY_NAME else None), "id", "doc_id"):
        if candidate in columns:
            return candidate
    raise DiffError(f"{path}: no key column ({BY_NAME[config].key if config in BY_NAME else 'id'}) to match rows by")


def load_tables(folder: Path) -> dict[str, dict[str, dict]]:
    """config -> key -> row (column -> Python value, ClassLabel ints decoded, plus the `split` pseudo column).

    Every `*.parquet` shard of a config folder is read. Column order within a row is the file's column order
    with `split` first, which is the order changes are reported in."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DiffError(f"{folder}: not a folder")
    tables: dict[str, dict[str, dict]] = {}
    for config_dir in _config_folders(folder):
        config = config_dir.name
        rows_by_key: dict[str, dict] = {}
        for path in sorted(config_dir.glob("*.parquet")):
            try:
                table = pq.read_table(path)
            except Exception as error:  # a truncated file, or a Git LFS pointer instead of the file
                raise DiffError(f"{path}: cannot be read as Parquet ({error})") from None
            features = features_of(table.schema) or {}  # without features, values are shown raw
            key_column = _key_column(config, table.column_names, path)
            split = _split_of(path)
            for row in table.to_pylist():
                key = row.get(key_column)
                if key is None:
                    raise DiffError(f"{path}: a row has no {key_column}")
                key = str(key)
                if key in rows_by_key:
                    raise DiffError(f"{path}: {key_column} {key!r} appears twice in config {config!r}; "
                                    "rows cannot be matched (is this build broken?)")
                # The file name's split wins over any stored column: it is where load_dataset puts the row.
                decoded = {SPLIT_COLUMN: split}
                for name, value in row.items():
                    if name != SPLIT_COLUMN:
                        decoded[name] = decode_labels(features.get(name), value)
                rows_by_key[key] = decoded
        tables[config] = rows_by_key
    return tables


def read_version(folder: Path) -> str | None:
    """The dataset version in a build's manifest.json, if it has a readable one."""
    try:
        version = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    return str(version) if version is not None else None


# ---------------------------------------------------------------------------------------------- comparing


def _natural_key(key: str) -> tuple:
    """Sort `doc:c2` before `doc:c10`, as people count; the raw string breaks ties."""
    parts = re.split(r"(\d+)", key)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), key


def _same(a: Any, b: Any) -> bool:
    """Equality where NaN equals NaN (a float column with NaN would otherwise always differ)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if type(a) is bool or type(b) is bool:  # True == 1 in Python, but a bool turned int is a change
        return type(a) is type(b) and a == b
    return a == b


def _ordered_configs(names: set[str]) -> list[str]:
    known = [c for c in CONFIG_NAMES if c in names]
    return known + sorted(names - set(CONFIG_NAMES))


def _row_changes(config: str, old_row: dict, new_row: dict) -> list[FieldChange]:
    skipped = set(BY_NAME[config].nests) if config in BY_NAME else set()
    # Column order: the new build's, then any column only the old build had.
    columns = list(new_row) + [c for c in old_row if c not in new_row]
    changes = []
    for column in columns:
        if column in skipped:
            continue
        old_value, new_value = old_row.get(column, ABSENT), new_row.get(column, ABSENT)
        if old_value is ABSENT or new_value is ABSENT:
            if old_value is not new_value:
                changes.append(FieldChange(column, old_value, new_value))
        elif not _same(old_value, new_value):
            changes.append(FieldChange(column, old_value, new_value))
    return changes


def diff_tables(old: dict[str, dict[str, dict]], new: dict[str, dict[str, dict]]) -> DatasetDiff:
    """Per config: keys added, removed, and changed with (old, new) per field; sorted, deterministic."""
    configs = {}
    for config in _ordered_configs(set(old) | set(new)):
        old_rows, new_rows = old.get(config, {}), new.get(config, {})
        result = ConfigDiff(config)
        for key in sorted(set(old_rows) | set(new_rows), key=_natural_key):
            if key not in old_rows:
                result.added[key] = new_rows[key]
            elif key not in new_rows:
                result.removed[key] = old_rows[key]
            else:
                changes = _row_changes(config, old_rows[key], new_rows[key])
                if changes:
                    result.changed.append(RowChange(key, changes))
        configs[config] = result
    return DatasetDiff(configs)


# ---------------------------------------------------------------------------------------------- reporting


def _jsonable(value: Any) -> Any:
    if value is ABSENT:
        return None
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


# A string shown without quotes: a label, an id, a number-like token. Anything else is quoted, so an
# empty string, a null and a sentence with " -> " in it stay unambiguous.
PLAIN_STRING = re.compile(r"^[\w.:/@+#-]+$")


def _shorten(text: str, width: int = VALUE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _show(value: Any, width: int = VALUE_WIDTH) -> str:
    if value is ABSENT:
        return "<absent>"
    if isinstance(value, str):
        if PLAIN_STRING.match(value) and value not in ("null", "true", "false"):
            return _shorten(value, width)
        return _shorten(json.dumps(value, ensure_ascii=False), width)
    return _shorten(json.dumps(_jsonable(value), ensure_ascii=False, separators=(", ", ": ")), width)


def _show_change(change: FieldChange) -> str:
    old, new = change.old, change.new
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > VALUE_WIDTH - 2:
        # Long texts differ somewhere in the middle: show the neighbourhood of the first difference.
        at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        start = 0 if at < 30 else at - 20  # a short cut prefix only hides context
        space = old.find(" ", start, at)
        if start and space != -1:
            start = space + 1  # begin the excerpt on a word

        def window(text: str) -> str:
            part = text[start: start + VALUE_WIDTH - 10]
            return ("…" if start else "") + json.dumps(part, ensure_ascii=False) + ("…" if start + len(part) < len(text) else "")

        return f"{change.field}: {window(old)} -> {window(new)} (first difference at char {at})"
    return f"{change.field}: {_show(old)} -> {_show(new)}"


def _row_label(row: dict) -> str:
    for column in LABEL_COLUMNS:
        if isinstance(row.get(column), str):
            return f"  {_show(row[column], 50)}"
    return ""


def format_diff(d: DatasetDiff) -> str:
    """The report for people: a summary per config, then one line per added/removed row and changed field."""
    lines = [f"--- {d.old_label}", f"+++ {d.new_label}"]
    width = max([len(c) for c in d.configs] + [len("config")])
    lines.append(f"{'config':<{width}}  {'added':>7} {'removed':>7} {'changed':>7}")
    for config, c in d.configs.items():
        lines.append(f"{config:<{width}}  {'+' + str(len(c.added)):>7} {'-' + str(len(c.removed)):>7} {'~' + str(len(c.changed)):>7}")
    if d.identical:
        lines.append("no differences")
        return "\n".join(lines) + "\n"
    for config, c in d.configs.items():
        if c.identical:
            continue
        lines.append("")
        for key, row in c.removed.items():
            lines.append(f"- {config} {key}{_row_label(row)}")
        for key, row in c.added.items():
            lines.append(f"+ {config} {key}{_row_label(row)}")
        for row_change in c.changed:
            for change in row_change.changes:
                lines.append(f"~ {config} {row_change.key}  {_show_change(change)}")
    return "\n".join(lines) + "\n"


def diff_as_dict(d: DatasetDiff) -> dict:
    """The report for machines: full values (not shortened); an absent column is null."""
    return {
        "old": d.old_label,
        "new": d.new_label,
        "identical": d.identical,
        "configs": {
            config: {
                "added": list(c.added),
                "removed": list(c.removed),
                "changed": [
                    {"key": rc.key,
                     "changes": [{"field": f.field, "old": _jsonable(f.old), "new": _jsonable(f.new)} for f in rc.changes]}
                    for rc in c.changed
                ],
            }
            for config, c in d.configs.items()
        },
    }


# ---------------------------------------------------------------------------------------------- sides


def _git(repo_root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(repo_root), *args], capture_output=True, text=True)
    except FileNotFoundError:
        raise DiffError("git is not installed: give two data folders instead of revisions") from None


def _has_parquet(folder: Path) -> bool:
    return any(folder.glob("*/*.parquet"))


def resolve_side(arg: str, repo_root: Path, tmp: Path) -> Path:
    """The built dataset folder for one side of a diff.

    An existing folder is used as is (a project folder holding a built data/ means its data/). Anything
    else is a git revision of the repository at `repo_root`: its committed data/ folder is extracted into a
    new folder under `tmp`, without touching the working tree."""
    folder = Path(arg)
    if folder.is_dir():
        if not _has_parquet(folder) and _has_parquet(folder / "data"):
            folder = folder / "data"
        if not _has_parquet(folder):
            raise DiffError(f"{arg}: not a built dataset (no <config>/*.parquet files in it); run `newsclaims build`")
        return folder

    repo_root = Path(repo_root)
    top = _git(repo_root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise DiffError(f"{arg}: no such folder, and {repo_root} is not a git repository to read a revision from")
    commit = _git(repo_root, "rev-parse", "--verify", "--quiet", f"{arg}^{{commit}}")
    if commit.returncode != 0 or not commit.stdout.strip():
        raise DiffError(f"{arg}: no such folder, and not a revision (commit, branch or tag) of the git repository "
                        f"at {top.stdout.strip()}; `git log --oneline` or `git tag` lists them")
    sha = commit.stdout.strip()
    # `<commit>:<path>` names the tree from the repository top, wherever repo_root sits inside it.
    data_path = (repo_root.resolve() / "data").relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    # (no `^{tree}` suffix here: after the colon, git reads everything as the path)
    kind = _git(repo_root, "cat-file", "-t", f"{sha}:{data_path}")
    if kind.returncode != 0 or kind.stdout.strip() != "tree":
        raise DiffError(f"{arg}: revision {sha[:12]} has no {data_path}/ folder (was the dataset built and committed then?)")

    target = Path(tempfile.mkdtemp(prefix=f"{re.sub(r'[^A-Za-z0-9._-]', '_', arg)[:40]}-", dir=tmp))
    # Stream the archive into tarfile: no shell pipe, no dependence on the local tar, and the "data"
    # filter refuses absolute paths and links that would escape the target folder.
    # stderr goes to a file, not a second pipe: a full unread pipe could stall git while we read stdout.
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
            ["git", "-C", str(repo_root), "archive", "--format=tar", f"{sha}:{data_path}"],
            stdout=subprocess.PIPE, stderr=errors) as process:
        assert process.stdout is not None
        try:
            with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
                archive.extractall(target, filter="data")
        except tarfile.TarError as error:
            process.kill()
            raise DiffError(f"{arg}: cannot extract {data_path}/ from revision {sha[:12]} ({error})") from None
        process.wait()
        errors.seek(0)
        message = errors.read().decode(errors="replace").strip()
    if process.returncode != 0:
        raise DiffError(f"{arg}: git archive failed: {message}")
    if not _has_parquet(target):
        raise DiffError(f"{arg}: {data_path}/ at revision {sha[:12]} holds no <config>/*.parquet files "
                        "(are they stored with Git LFS? then compare two checked-out folders)")
    return target


def _side_label(arg: str, folder: Path) -> str:
    version = read_version(folder)
    return f"{arg} (version {version})" if version else arg


def diff_builds(old: str, new: str, repo_root: Path) -> DatasetDiff:
    """The diff of two builds (data folders or git revisions of the repository at repo_root); raises
    DiffError for a user mistake. format_diff / diff_as_dict render it."""
    tmp = Path(tempfile.mkdtemp(prefix="newsclaims-diff-"))
    try:
        old_folder = resolve_side(old, repo_root, tmp)
        new_folder = resolve_side(new, repo_root, tmp)
        d = diff_tables(load_tables(old_folder), load_tables(new_folder))
        d.old_label, d.new_label = _side_label(old, old_folder), _side_label(new, new_folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return d
