"""tools/ is a package of scripts run as ``python -m tools.NAME``, each listed in tools/README.md; tests and tools
import through pytest's ``pythonpath`` and the package, never by editing ``sys.path``."""
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = sorted(p for p in (ROOT / 'tools').iterdir() if p.is_file() and p.name not in ('__init__.py', 'README.md'))


def test_every_tool_has_its_line_in_the_readme():
    listed = set(re.findall(r'^\| `([^`]+)` \|', (ROOT / 'tools' / 'README.md').read_text(encoding='utf-8'), re.M))
    assert [p.name for p in TOOLS if p.name not in listed] == []
    assert sorted(listed - {p.name for p in TOOLS}) == []


@pytest.mark.parametrize('name', [p.stem for p in TOOLS if p.suffix == '.py'])
def test_every_script_imports_as_part_of_the_package(name):
    module = importlib.import_module(f'tools.{name}')
    assert module.__doc__, f'tools/{name}.py: say in a docstring what it does and how to run it'


def test_no_sys_path_edits_in_tests_or_tools():
    files = [*(ROOT / 'tests').rglob('*.py'), *(ROOT / 'tools').glob('*.py')]
    edits = [str(p.relative_to(ROOT)) for p in files if re.search(r'sys\.path(\.insert|\.append|\[:?\d*:?\] ?=)',
                                                                   p.read_text(encoding='utf-8'))]
    assert edits == [], 'use pytest\'s pythonpath (pyproject.toml) and `from tools import NAME` instead'
