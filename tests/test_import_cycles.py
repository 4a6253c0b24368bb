"""No import cycle between the modules of allervers/: a lower layer never imports a higher one.

Every import counts, wherever it is written: at the top of a module, inside a function (where
it only hides the cycle until the function runs) or under `if TYPE_CHECKING:`. A cycle is fixed
by moving code to where it belongs, not by moving the import.
"""

import ast
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "allervers"

# Cycles left for later, each as the sorted tuple of its modules. Empty: keep it so.
KNOWN_CYCLES: set[tuple[str, ...]] = set()


def module_names() -> dict[str, Path]:
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported(module: str, path: Path, modules: dict) -> dict[str, int]:
    """The modules of allervers/ that `module` imports, each with the line of its first import."""
    found: dict[str, int] = {}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from ..core import y
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            # `from package import name`: the submodule when there is one, else the package.
            targets = [f"{base}.{alias.name}" for alias in node.names]
            targets = [target if target in modules else base for target in targets]
        else:
            continue
        for target in targets:
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]
            if target in modules and target != module:
                found.setdefault(target, node.lineno)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    modules = module_names()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def strongly_connected(graph: dict[str, dict]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def shortest_cycle(graph: dict[str, dict[str, int]], start: str, members: set) -> list[str]:
    """The shortest cycle from `start` within `members`, as [a, b, …, a]."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node]):
            if child == start:
                return [*paths[node], start]
            if child in members and child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return []


def cycles_of(graph: dict[str, dict[str, int]], group: list[str]) -> list[str]:
    """The group's shortest cycles, one through each module (each told once), written as
    « a (ligne n) → b … → a »: the line is that of the import of the next module."""
    seen, told = set(), []
    for start in group:
        cycle = shortest_cycle(graph, start, set(group))
        if frozenset(cycle) not in seen:
            seen.add(frozenset(cycle))
            steps = [f"{a} (ligne {graph[a][b]})" for a, b in pairwise(cycle)]
            told.append(" → ".join([*steps, cycle[0]]))
    return told


def test_the_modules_of_allervers_import_each_other_in_no_cycle():
    graph = import_graph()
    cycles = [group for group in strongly_connected(graph) if tuple(group) not in KNOWN_CYCLES]
    assert not cycles, "Cycles d'imports :\n" + "\n".join(
        f"  {cycle}" for group in cycles for cycle in cycles_of(graph, group)
    )


def test_known_cycles_still_exist():
    """An entry of KNOWN_CYCLES that no longer holds is removed, so that it does not come back."""
    groups = {tuple(group) for group in strongly_connected(import_graph())}
    assert groups >= KNOWN_CYCLES, KNOWN_CYCLES - groups


def test_every_import_counts_and_a_cycle_is_shown(tmp_path):
    source = tmp_path / "low.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from allervers.high import Thing\n"
        "def later():\n"
        "    from allervers import other\n"
    )
    modules = dict.fromkeys(["allervers", "allervers.low", "allervers.high", "allervers.other"])
    found = imported("allervers.low", source, modules)
    assert found == {"allervers.high": 3, "allervers.other": 5}
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 9}, "d": {"a": 3}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert cycles_of(graph, ["a", "b", "c"]) == ["a (ligne 1) → b (ligne 2) → c (ligne 9) → a"]
