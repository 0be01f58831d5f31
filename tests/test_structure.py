"""The shape of the package: no import cycles (lazy imports included), small modules."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / 'd2lmini'


def imports_of(path):
    """The d2lmini modules that ``path`` imports anywhere in its code (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module.split('.')[0]} if node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or '').startswith('d2lmini.'):
            found.add(node.module.split('.')[1])
    return found


def import_graph():
    return {p.stem: imports_of(p) for p in sorted(PACKAGE.glob('*.py')) if p.stem != '__init__'}


def find_cycle(graph):
    """One import cycle as a list of modules, or None (depth-first search)."""
    state, stack = {}, []

    def visit(node):
        state[node] = 'open'
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 'open':
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 'done'
        stack.pop()
        return None
    for node in graph:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b'}, 'b': set(), 'c': {'a', 'b'}}) is None


def test_no_import_cycles():
    graph = import_graph()
    assert find_cycle(graph) is None, f'import cycle: {" -> ".join(find_cycle(graph))}'


def test_the_notebook_panel_does_not_import_the_web_exporter():
    assert 'export' not in import_graph()['widgets']


def test_modules_stay_small():
    """The package, the tools, the book's extensions and the benchmarks: each file readable in one sitting."""
    root = PACKAGE.parent
    files = [p for folder in ('d2lmini', 'tools', '_ext', 'benchmarks') for p in (root / folder).glob('*.py')]
    files += list(PACKAGE.glob('*.js'))
    sizes = {str(p.relative_to(root)): len(p.read_text(encoding='utf-8').splitlines()) for p in files}
    assert len(sizes) > 20 and max(sizes.values()) <= 300, {k: v for k, v in sizes.items() if v > 300}
