"""tools/ is a package of scripts run as ``python -m tools.NAME``, each listed in tools/README.md; tests and tools
import through pytest's ``pythonpath`` and the package, never by editing ``sys.path``."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = sorted(
    p.relative_to(ROOT / 'tools').as_posix()
    for p in (ROOT / 'tools').rglob('*')
    if p.is_file() and '__pycache__' not in p.parts and p.name not in ('__init__.py', 'README.md')
)


def test_every_tool_has_its_line_in_the_readme():
    """One row per file, named by its path inside tools/ (``notebooks.py``, ``reader/x.py``)."""
    listed = set(re.findall(r'^\| `([^`]+)` \|', (ROOT / 'tools' / 'README.md').read_text(encoding='utf-8'), re.M))
    assert [name for name in TOOLS if name not in listed] == []
    assert sorted(listed - set(TOOLS)) == []


@pytest.mark.parametrize('name', [name[:-3].replace('/', '.') for name in TOOLS if name.endswith('.py')])
def test_every_script_imports_as_part_of_the_package(name):
    module = importlib.import_module(f'tools.{name}')
    assert module.__doc__, f'tools.{name}: say in a docstring what it does and how to run it'


def test_no_sys_path_edits_in_tests_or_tools():
    files = [*(ROOT / 'tests').rglob('*.py'), *(ROOT / 'tools').rglob('*.py')]
    edits = [
        str(p.relative_to(ROOT))
        for p in files
        if re.search(r'sys\.path(\.insert|\.append|\[:?\d*:?\] ?=)', p.read_text(encoding='utf-8'))
    ]
    assert edits == [], "use pytest's pythonpath (pyproject.toml) and `from tools import NAME` instead"
