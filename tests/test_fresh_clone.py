"""A fresh clone tests anywhere: no ``../shared`` beside it, no ``D2LMINI_DATA_DIR``, an empty cache.

The clone (``git clone`` of HEAD: commit first) lives in a temporary folder with no ``shared/`` beside it; the
tests there get ``timemachine.txt`` through d2lmini's own download (pooch, SHA-1 checked) into an empty cache,
from a mirror of D2L's server on 127.0.0.1 named by ``D2LMINI_DATA_URL`` (pooch has no ``file://`` downloader),
as a contributor's clone gets it from D2L's server. Only ``tests/test_data.py``, which reads the corpus, runs
here, to keep this quick; the whole ``make unit`` in such a clone is run by hand (``tools/README.md``).
"""

import os
import subprocess
import sys
from pathlib import Path

from d2lmini import datafiles

ROOT = Path(__file__).resolve().parents[1]


def test_a_fresh_clone_downloads_the_data_and_passes(tmp_path, mirror):
    url, _ = mirror
    clone, cache = tmp_path / 'clone', tmp_path / 'cache'
    subprocess.run(['git', 'clone', '--quiet', '--depth', '1', f'file://{ROOT}', str(clone)], check=True)
    assert not (clone.parent / 'shared').exists()
    env = {k: v for k, v in os.environ.items() if k not in ('D2LMINI_DATA_DIR', 'PYTHONPATH')}
    env.update(PYTHONPATH=str(clone), XDG_CACHE_HOME=str(cache), D2LMINI_DATA_URL=url)
    out = subprocess.run(
        [
            sys.executable,
            '-m',
            'pytest',
            '-rs',
            '-p',
            'no:cacheprovider',
            '-p',
            'no:xdist',
            'tests/test_data.py',
            '-k',
            'd2l_definition or same_vocab',
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert f"d2lmini's cache (from {url}timemachine.txt" in out.stdout, out.stdout[:2000]
    assert datafiles.sha1_of(cache / 'd2lmini' / 'timemachine.txt') == datafiles.DATA_SHA1
    assert ' passed' in out.stdout and 'skipped' not in out.stdout


def test_ci_on_github_needs_nothing_outside_the_repository():
    """The published workflow sets no data folder (nothing like ../shared) and keeps d2lmini's download cache."""
    ci = (ROOT / '.github' / 'workflows' / 'ci.yml').read_text(encoding='utf-8')
    assert 'D2LMINI_DATA_DIR' not in ci and '../' not in ci
    assert 'actions/cache@' in ci and 'path: ~/.cache/d2lmini' in ci and datafiles.DATA_SHA1 in ci
