"""`make book` sets up only when the set-up is not current (a stamp), so a second `make book` needs no network."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [
    'requirements.txt',
    'requirements-dev.txt',
    'pyproject.toml',
    'package.json',
    'package-lock.json',
    'tools/vendor_js.py',
]


@pytest.fixture
def checkout(tmp_path):
    """A copy of the Makefile and what `make setup` installs from, set up: node_modules/, _vendor/ and the stamp."""
    for name in ['Makefile', *INPUTS]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    (tmp_path / 'node_modules').mkdir()
    (tmp_path / '_vendor').mkdir()
    (tmp_path / '.cache').mkdir()
    (tmp_path / '.cache' / 'setup-stamp').write_text(str(tmp_path / 'venv') + '\n')
    (tmp_path / 'venv' / 'bin').mkdir(parents=True)
    (tmp_path / 'venv' / 'bin' / 'python').symlink_to(sys.executable)
    return tmp_path


def planned(checkout):
    """What `make book` would run (make -n), with the virtual environment the stamp names."""
    env = {k: v for k, v in os.environ.items() if k not in ('MAKEFLAGS', 'MAKELEVEL', 'MFLAGS')}  # as if typed
    env['VIRTUAL_ENV'] = str(checkout / 'venv')
    out = subprocess.run(
        ['make', '-n', '--no-print-directory', 'book'],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def test_a_current_set_up_only_builds(checkout):
    assert planned(checkout).strip() == 'jupyter-book build . -W -n --keep-going'


@pytest.mark.parametrize(
    'change', ['requirements-dev.txt', 'package-lock.json', 'node_modules', 'venv', 'venv removed']
)
def test_a_stale_set_up_is_redone(checkout, change):
    if change == 'node_modules':
        (checkout / 'node_modules').rmdir()
    elif change == 'venv':
        (checkout / '.cache' / 'setup-stamp').write_text('/another/venv\n')
    elif change == 'venv removed':
        (checkout / 'venv' / 'bin' / 'python').unlink()
    else:
        later = time.time() + 10
        os.utime(checkout / change, (later, later))
    assert 'setup' in planned(checkout)
