"""The package's layout rules (docs/architecture.md), checked on the source's imports with ast.

- each stage (a top-level module or package of newsclaims) imports only from the stages below it;
- no module outside cli/ imports the CLI;
- the import graph has no cycle, imports inside functions included;
- no module imports another module's private (`_name`) function or class.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "newsclaims"

# Bottom up. A stage may import itself and every stage before it in this list, nothing after it.
STAGES = ["__init__", "errors", "problems", "project", "schema", "validation", "splits", "engine", "dataset",
          "synth", "formats", "annotations", "publish", "view", "workflows", "cli", "__main__"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def is_package(name: str, known: dict[str, Path]) -> bool:
    return known[name].name == "__init__.py"


def imports_of(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for every import in the file, at any depth."""
    found = []
    package = name if is_package(name, known) else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names if alias.name.startswith("newsclaims")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("newsclaims"):
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known or compiled_module(submodule):  # `from . import x`: the module x
                    found.append((submodule, None, node.lineno))
                else:
                    found.append((target, alias.name, node.lineno))
    return found


def compiled_module(name: str) -> bool:
    """A C extension module of the package (its source is a .c file beside the .py files)."""
    return (SOURCE.parent / Path(*name.split("."))).with_suffix(".c").is_file()


def stage_of(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, _, _ in imports_of(name, path, known):
            if target in known and target != name:
                edges[name].add(target)
    return edges


def test_every_stage_is_listed():
    stages = {stage_of(name) for name in modules()}
    assert stages <= set(STAGES), f"stages not in STAGES (add them where they belong): {sorted(stages - set(STAGES))}"


def test_stages_import_only_stages_below_them():
    known = modules()
    wrong = []
    for name, path in known.items():
        if stage_of(name) not in STAGES:
            continue
        mine = STAGES.index(stage_of(name))
        for target, _, line in imports_of(name, path, known):
            theirs = stage_of(target)
            if theirs in STAGES and STAGES.index(theirs) > mine:  # (an unlisted stage fails the test above)
                wrong.append(f"{path.relative_to(SOURCE.parent)}:{line}: {name} imports {target} ({theirs} is above {stage_of(name)})")
    assert not wrong, "\n".join(wrong)


def test_no_module_outside_the_cli_imports_it():
    known = modules()
    wrong = [f"{name} imports {target}" for name, path in known.items() if stage_of(name) not in ("cli", "__main__")
             for target, _, _ in imports_of(name, path, known) if stage_of(target) == "cli"]
    assert not wrong


def test_the_import_graph_has_no_cycle():
    edges = graph()
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []
    cycles = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_no_module_imports_another_modules_private_names():
    known = modules()
    wrong = [f"{path.relative_to(SOURCE.parent)}:{line}: {name} imports {imported} from {target}"
             for name, path in known.items() for target, imported, line in imports_of(name, path, known)
             if imported is not None and imported.startswith("_") and not imported.startswith("__") and target != name]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("source, expected", [
    ("from .b import c\n", {"newsclaims.x.b"}),
    ("def f():\n    from ..y import z\n", {"newsclaims.y"}),
    ("import newsclaims.x.b\n", {"newsclaims.x.b"}),
])
def test_the_checker_sees_relative_nested_and_absolute_imports(tmp_path, source, expected):
    """The rules above are only as good as the import reader: it must see every form."""
    known = {"newsclaims.x.a": tmp_path / "a.py", "newsclaims.x.b": tmp_path / "b.py", "newsclaims.x": tmp_path / "__init__.py",
             "newsclaims.y": tmp_path / "y.py"}
    (tmp_path / "a.py").write_text(source, encoding="utf-8")
    assert {target for target, _, _ in imports_of("newsclaims.x.a", tmp_path / "a.py", known)} == expected
