"""The shape of the package: the D2L API on top, the book's machinery beside it, no import cycles, folder budgets.

``d2lmini/`` (top level) is the D2L API a reader opens. ``d2lmini/display`` (labels, fonts, tables, shading) sits
below it and imports nothing from it; ``d2lmini/book`` (the studies and page helpers) and ``d2lmini/generators``
(the notebook panel and the in-page generator) sit beside it: they may use the API, the API never uses them.
"""

import ast
import unicodedata
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / 'd2lmini'
LAYERS = ('display', 'book', 'generators')


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imports_of(path):
    """The d2lmini modules that ``path`` imports anywhere (top level or inside functions), as dotted names."""
    name = module_name(path)
    package = name if path.stem == '__init__' else name.rsplit('.', 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = '.'.join(package.split('.')[: len(package.split('.')) - node.level + 1])
                module = f'{base}.{node.module}' if node.module else base
            else:
                module = node.module or ''
            if not module.startswith('d2lmini'):
                continue
            # ``from .pkg import mod`` imports a module; ``from .mod import name`` a name from it
            found |= {
                f'{module}.{a.name}'
                if (ROOT / f'{module}.{a.name}'.replace('.', '/')).with_suffix('.py').exists()
                or (ROOT / f'{module}.{a.name}'.replace('.', '/')).is_dir()
                else module
                for a in node.names
            }
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith('d2lmini.')}
    return found - {name}


def import_graph():
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob('*.py'))}


def layer(module):
    """``'api'`` for the top level, else the subpackage's name."""
    parts = module.split('.')
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else 'api'


def find_cycle(graph):
    """One import cycle as a list of modules, or None (depth-first search)."""
    state, stack = {}, []

    def visit(node):
        state[node] = 'open'
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 'open':
                return stack[stack.index(nxt) :] + [nxt]
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


def test_the_import_reader_resolves_relative_imports():
    graph = import_graph()
    assert 'd2lmini.display.progress_line' in graph['d2lmini.board']
    assert 'd2lmini.core' in graph['d2lmini.book.init_study']
    assert 'd2lmini.generators.page_markup' in graph['d2lmini.generators.export']


def test_no_import_cycles():
    graph = import_graph()
    assert find_cycle(graph) is None, f'import cycle: {" -> ".join(find_cycle(graph))}'


@pytest.mark.parametrize(
    'lower, forbidden', [('api', {'book', 'generators'}), ('display', {'api', 'book', 'generators'})]
)
def test_layers_import_only_downwards(lower, forbidden):
    """The API never imports the book or the generators; display imports nothing above it."""
    bad = {
        (m, i)
        for m, deps in import_graph().items()
        if layer(m) == lower
        for i in deps
        if layer(i) in forbidden and i != 'd2lmini'
    }
    assert not bad, bad


def test_the_notebook_panel_does_not_import_the_web_exporter():
    assert 'd2lmini.generators.export' not in import_graph()['d2lmini.generators.widgets']


# folder: the most lines of code (.py, and .js/.css where the folder ships them) it may hold.
# d2lmini's API files are formatted at 100 columns (`ruff format`, issue 20), which made about a quarter
# more lines of the same code; the live plot and the progress line moved to display/ so that the API stays
# under 1,900 lines at 100 columns (about 1,450 at the 120 columns the rest of the tree uses).
BUDGETS = {
    'd2lmini': 1900,
    'd2lmini/display': 1100,
    'd2lmini/book': 1500,
    'd2lmini/generators': 2600,
    'tools': 1500,
    'tools/reader': 950,
    '_ext': 700,
    'benchmarks': 1400,
}


@pytest.mark.parametrize('folder', BUDGETS)
def test_folders_stay_within_their_line_budget(folder):
    """Each folder readable in a sitting or two: its own files (not its subfolders) within a line budget."""
    files = [p for p in (ROOT / folder).iterdir() if p.suffix in ('.py', '.js', '.mjs', '.css')]
    lines = sum(len(p.read_text(encoding='utf-8').splitlines()) for p in files)
    assert files and lines <= BUDGETS[folder], f'{folder}: {lines} lines > {BUDGETS[folder]}'


def test_the_package_docstring_and_readme_name_every_api_file():
    """A reader who opens d2lmini finds each file of the API named, with what it holds, in one place."""
    import d2lmini

    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    api = sorted(p.name for p in PACKAGE.glob('*.py') if p.stem != '__init__')
    assert [f for f in api if f'    {f}' not in d2lmini.__doc__] == []
    assert [f for f in api if f not in readme] == []
    assert all(f'd2lmini/{sub}/' in readme for sub in LAYERS)


API_COLUMNS = 100  # the D2L API files are read on GitHub; the rest of the repository uses 120
NOT_YET_WRAPPED = {'datafiles.py'}  # changed on another branch of issue 20; wrapped when that lands


def columns(line):
    """The width of ``line`` as ruff measures it: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in line)


def test_the_api_files_stay_within_100_columns():
    """Every line of ``d2lmini/*.py`` fits 100 columns, and ruff checks and formats them at that width."""
    config = tomllib.loads((PACKAGE / 'ruff.toml').read_text(encoding='utf-8'))
    assert config['line-length'] == API_COLUMNS and 'E501' in config['lint']['extend-select']
    files = [p for p in sorted(PACKAGE.glob('*.py')) if p.name not in NOT_YET_WRAPPED]
    too_wide = [
        f'{p.name}:{i}: {columns(line)} columns'
        for p in files
        for i, line in enumerate(p.read_text(encoding='utf-8').splitlines(), 1)
        if columns(line) > API_COLUMNS
    ]
    assert files
    assert not too_wide, too_wide


@pytest.mark.parametrize('layer', LAYERS)
def test_the_subpackages_keep_the_repository_width(layer):
    """display/, book/ and generators/ are not API files: their ruff.toml goes back to the root's 120."""
    config = tomllib.loads((PACKAGE / layer / 'ruff.toml').read_text(encoding='utf-8'))
    assert config == {'extend': '../../pyproject.toml'}
