"""The import rules of ARCHITECTURE.md, measured on every import statement (lazy and TYPE_CHECKING ones too).

Layers, inside out: the core (every package and module of ``botrygt_nlp`` not named below), the application
layer ``service``, the edges ``api``, ``web`` and ``cli``, and the composition root ``asgi``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "botrygt_nlp"
ROOT_NAME = PACKAGE.name

EDGES = frozenset({"api", "web", "cli"})
SERVICE = "service"
COMPOSITION_ROOT = "asgi"
NOT_CORE = EDGES | {SERVICE, COMPOSITION_ROOT}
FRAMEWORKS = frozenset({"fastapi", "fastapi_offline", "starlette", "typer", "uvicorn", "h11"})
CLI_FRAMEWORKS = frozenset({"typer"})
# The CLI is the process entry point: ``botrygt serve`` and ``botrygt demo`` start the composed app.
ALLOWED_ROOT_IMPORTERS = frozenset({"cli"})

Import = tuple[str, str, int]  # importing module, imported module, line


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    """Whether ``name`` (dotted, inside the package) is a module or a package on disk."""
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path: Path) -> Iterator[tuple[str, int]]:
    """Every module imported anywhere in ``path``, relative imports resolved, ``from pkg import module`` seen."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            yield source, node.lineno
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                if candidate.startswith(ROOT_NAME + ".") and is_module(candidate):
                    yield candidate, node.lineno


def component(module: str) -> str:
    """The top-level package or module of ``botrygt_nlp`` a module belongs to (the facade is ``botrygt_nlp``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT_NAME


def all_imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found.extend((module_name(path), target, line) for target, line in imports_of(path))
    return found


IMPORTS = all_imports()


def internal() -> Iterator[tuple[str, str, str, int]]:
    """(from component, to component, importing module, line) for imports between components."""
    for source, target, line in IMPORTS:
        if target == ROOT_NAME or target.startswith(ROOT_NAME + "."):
            a, b = component(source), component(target)
            if a != b:
                yield a, b, f"{source} -> {target}", line


def test_the_scan_sees_lazy_imports() -> None:
    # botrygt_nlp.asgi imports the web pages inside create_app; the scan must see it.
    assert ("asgi", "web") in {(a, b) for a, b, _, _ in internal()}
    assert len(IMPORTS) > 500


def test_no_edge_imports_another_edge() -> None:
    bad = [f"{where}:{line}" for a, b, where, line in internal() if a in EDGES and b in EDGES]
    assert bad == [], "an edge imports another edge (share it through botrygt_nlp.service):\n" + "\n".join(bad)


def test_only_the_entry_point_imports_the_composition_root() -> None:
    bad = [
        f"{where}:{line}"
        for a, b, where, line in internal()
        if b == COMPOSITION_ROOT and a not in ALLOWED_ROOT_IMPORTERS
    ]
    assert bad == [], "\n".join(bad)


def test_the_service_layer_imports_no_edge_and_no_cli_framework() -> None:
    bad = [f"{where}:{line}" for a, b, where, line in internal() if a == SERVICE and b in EDGES | {COMPOSITION_ROOT}]
    bad += [
        f"{source} -> {target}:{line}"
        for source, target, line in IMPORTS
        if component(source) == SERVICE and target.split(".")[0] in CLI_FRAMEWORKS
    ]
    assert bad == [], "\n".join(bad)


def test_the_core_imports_no_edge_no_service_and_no_framework() -> None:
    bad = [f"{where}:{line}" for a, b, where, line in internal() if a not in NOT_CORE and b in NOT_CORE]
    bad += [
        f"{source} -> {target}:{line}"
        for source, target, line in IMPORTS
        if component(source) not in NOT_CORE and target.split(".")[0] in FRAMEWORKS
    ]
    assert bad == [], "the core must know nothing of the edges nor of HTTP/CLI frameworks:\n" + "\n".join(bad)


# Settings and the default analyzer are resolved at the edges (and in the package's convenience helpers) and
# passed into the core as arguments; only config.py, which defines get_settings, may name it in the core.
EDGE_RESOLVED = frozenset({"get_settings", "get_analyzer"})
MAY_RESOLVE = frozenset({f"{ROOT_NAME}.config", ROOT_NAME})


def resolved_in(path: Path) -> Iterator[tuple[str, int]]:
    """Calls of ``get_settings``/``get_analyzer`` (by name or attribute) and imports of those names."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in EDGE_RESOLVED:
                yield name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in EDGE_RESOLVED:
                    yield f"import {alias.name}", node.lineno


def test_the_core_takes_settings_and_analyzer_as_arguments() -> None:
    bad = [
        f"{module_name(path)}:{line} {what}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if component(module_name(path)) not in NOT_CORE and module_name(path) not in MAY_RESOLVE
        for what, line in resolved_in(path)
    ]
    assert bad == [], "the core must not read settings or find the analyzer itself; take them as arguments:\n" + (
        "\n".join(bad)
    )


def test_the_settings_scan_sees_calls_at_the_edges() -> None:
    seen = {what for what, _ in resolved_in(PACKAGE / "cli" / "report_cmds.py")}
    assert {"get_settings", "get_analyzer"} <= seen


def test_no_cycles_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    witness: dict[tuple[str, str], str] = {}
    for a, b, where, line in internal():
        graph[a].add(b)
        witness.setdefault((a, b), f"{where}:{line}")
    cycles = [sorted(c) for c in strongly_connected(graph) if len(c) > 1]
    detail = []
    for cycle in cycles:
        members = set(cycle)
        detail.append(" <-> ".join(cycle))
        detail += [f"    {w}" for (a, b), w in sorted(witness.items()) if a in members and b in members]
    assert cycles == [], "cycles between packages:\n" + "\n".join(detail)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm (iterative enough for a few dozen nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []
    nodes = set(graph) | {b for targets in graph.values() for b in targets}

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                scc.add(w)
                if w == v:
                    break
            out.append(scc)

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return out
