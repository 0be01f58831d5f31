"""Shared fixtures: the verified dataset, a tiny TimeMachine and tiny scratch/concise language models.

Where the tests' ``timemachine.txt`` comes from (the first that applies; pytest's header names it, without -q):

1. ``$D2LMINI_DATA_DIR``, when the caller sets it: that folder is used as it is.
2. ``../shared/data/timemachine.txt`` beside the repository (this workspace; ``.ci/run`` uses it too).
3. d2lmini's own download (SHA-1 checked by pooch) into its cache, ``~/.cache/d2lmini`` (CI caches that folder).
   ``$D2LMINI_DATA_URL`` points it at a mirror of D2L's server; a fresh clone needs nothing else.

In cases 2 and 3 the session points ``D2LMINI_DATA_DIR`` at a writable temporary copy, so no test downloads
anything or writes to the cache; then it removes ``D2LMINI_DATA_URL``, so every test sees D2L's own server.

Tests that cannot pass without running: a test that needs something outside Python carries a marker
(``REQUIREMENTS``; registered in pyproject.toml), and fails, saying what is missing, when that is absent. Every skip
fails too (``pytest.skip``, ``skipif``, ``importorskip``). To leave such tests out, deselect them by name:
``-m "not d2l"`` (``make unit`` does that, and says so, when there is no D2L checkout).
"""

import contextlib
import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
import torch

import d2lmini
from d2lmini import datafiles

# One intra-op thread: the tiny tensors here gain nothing from more, and on the 2-core CI box two OpenMP threads
# made small RNN steps ~40x slower (threads spinning against each other). Also makes float sums reproducible.
torch.set_num_threads(1)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_FILE = REPO_ROOT.parent / 'shared' / 'data' / 'timemachine.txt'
CHROMIUM = os.environ.get('D2LMINI_CHROMIUM', '/usr/bin/chromium')
D2L_EN_COPY = REPO_ROOT / '.cache' / 'd2l-en.git'  # where `make d2l-en` fetches $D2L_EN_GIT


def d2l_en_path():
    """A d2l-en checkout or git repository: ``$D2L_EN_PATH``, else the copy fetched from ``$D2L_EN_GIT``; or None."""
    path = Path(os.environ.get('D2L_EN_PATH') or D2L_EN_COPY)
    return path if path.exists() else None


@pytest.fixture(scope='session')
def d2l_en():
    """``d2l_en_path()``, for tests marked ``d2l``."""
    return d2l_en_path()


def npm_tools_installed():
    tools = json.loads((REPO_ROOT / 'package.json').read_text(encoding='utf-8'))['devDependencies']
    return all((REPO_ROOT / 'node_modules' / name).is_dir() for name in tools)


def cjk_font():
    from d2lmini.display import fonts

    return fonts.installed_font('zh')


REQUIREMENTS = {  # marker: (what it needs, whether it is there, how to get it)
    'browser': (
        'Chromium',
        lambda: Path(CHROMIUM).is_file() or shutil.which(CHROMIUM),
        'apt-get install chromium (make setup), or set D2LMINI_CHROMIUM to a Chromium or Chrome binary',
    ),
    'node': (
        'Node and the npm tools of package.json',
        lambda: shutil.which('node') and npm_tools_installed(),
        'install Node, then npm ci (make setup)',
    ),
    'cjk_font': ('a CJK font', cjk_font, 'apt-get install fonts-noto-cjk (make setup)'),
    'd2l': (
        'a d2l-en checkout',
        d2l_en_path,
        'set D2L_EN_PATH to a d2l-en work tree or git mirror, or D2L_EN_GIT to a git URL for `make d2l-en`',
    ),
}


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config, items):
    """Every test in tests/browser drives Chromium: it carries the ``browser`` marker without saying so."""
    for item in items:
        if REPO_ROOT / 'tests' / 'browser' in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A marked test whose requirement is missing fails, saying what to install or how to deselect it."""
    for marker in item.iter_markers():
        if marker.name in REQUIREMENTS:
            what, present, how = REQUIREMENTS[marker.name]
            if not present():
                pytest.fail(f'needs {what}: {how}; or deselect these tests with -m "not {marker.name}"', pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Every skip fails (an expected failure, xfail, stays as it is): a test that did not run did not pass."""
    report = yield
    if report.skipped and not hasattr(report, 'wasxfail'):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = 'failed'
        report.longrepr = (
            f'skipped ({reason}), and a skip fails here: give the test its requirement marker '
            '(tests/conftest.py: REQUIREMENTS), or deselect it by name (-m, -k, --deselect)'
        )
    return report


def data_source():
    """``(verified timemachine.txt, where it came from)`` for cases 2 and 3 above; downloads once if needed."""
    if SHARED_FILE.is_file() and datafiles.sha1_of(SHARED_FILE) == datafiles.DATA_SHA1:
        return SHARED_FILE, 'the shared copy beside the repository'
    url = datafiles.mirrored(datafiles.DATA_URL + datafiles.DATA_FILE)
    try:
        return d2lmini.download_timemachine(datafiles.cache_dir()), f"d2lmini's cache (from {url} when missing)"
    except d2lmini.DataUnavailableError as err:
        pytest.exit(f'The tests need timemachine.txt: {err}', 2)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Download the data (when needed) once, before xdist starts its workers, which then find it in the cache."""
    if not os.environ.get(datafiles.ENV_VAR):
        data_source()


def pytest_report_header(config):
    if os.environ.get(datafiles.ENV_VAR):
        return f'data: timemachine.txt in {datafiles.ENV_VAR}={os.environ[datafiles.ENV_VAR]}'
    path, how = data_source()
    return f'data: {path}, {how}'


@pytest.fixture(scope='session', autouse=True)
def offline_data_dir(tmp_path_factory):
    """``D2LMINI_DATA_DIR`` for the session: the caller's folder, else a writable copy of the verified file."""
    with pytest.MonkeyPatch.context() as mp:
        if not os.environ.get(datafiles.ENV_VAR):
            source, _ = data_source()
            directory = tmp_path_factory.mktemp('data')
            shutil.copyfile(source, directory / 'timemachine.txt')
            mp.setenv(datafiles.ENV_VAR, str(directory))
        d2lmini.download_timemachine()  # a caller's folder without the file gets it, as d2lmini always does
        mp.delenv(datafiles.URL_ENV_VAR, raising=False)
        yield Path(os.environ[datafiles.ENV_VAR])


@pytest.fixture(scope='session')
def shared_file(offline_data_dir):
    """The verified ``timemachine.txt`` in the session's data folder (downloaded there if the caller's lacks it)."""
    return d2lmini.download_timemachine()


@pytest.fixture(scope='session')
def raw_text(shared_file):
    return shared_file.read_text(encoding='utf-8')


@pytest.fixture(scope='session')
def small_data():
    """A small split of the real corpus: 512 training and 128 validation windows of 16 steps."""
    return d2lmini.TimeMachine(batch_size=64, num_steps=16, num_train=512, num_val=128)


def build_lm(kind, vocab_size=28, num_hiddens=16, lr=1.0, seed=0):
    """A seeded language model: ``'scratch'`` (RNNScratch + RNNLMScratch) or ``'concise'`` (RNN + RNNLM)."""
    torch.manual_seed(seed)
    if kind == 'scratch':
        return d2lmini.RNNLMScratch(d2lmini.RNNScratch(vocab_size, num_hiddens), vocab_size, lr=lr)
    model = d2lmini.RNNLM(d2lmini.RNN(vocab_size, num_hiddens), vocab_size, lr=lr)
    model(torch.zeros((1, 1), dtype=torch.long))  # materialize the LazyLinear output layer
    return model


@pytest.fixture(scope='session')
def make_lm():
    """``make_lm(kind, ...)`` builds a seeded scratch or concise language model (see ``build_lm``)."""
    return build_lm


def build_spread_lm(kind, weight_seed, seed=1):
    """A 16-unit, 28-token model (``build_lm``) with weights of std 1 and a hidden-to-hidden std of 0.15, in eval mode.

    Such weights give logits far from ties and probabilities from near 0 to near 1, and a contracting recurrence
    (spectral radius about 0.6): with a chaotic one, float32 and float64 runs drift apart after a while.
    """
    lm = build_lm(kind, vocab_size=28, num_hiddens=16, seed=seed).eval()
    gen = torch.Generator().manual_seed(weight_seed)
    with torch.no_grad():
        for name, p in lm.named_parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * (0.15 if 'hh' in name else 1.0))
    return lm


@pytest.fixture(scope='session')
def make_spread_lm():
    """``make_spread_lm(kind, weight_seed)``: see ``build_spread_lm``."""
    return build_spread_lm


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def http_folder(folder):
    """Serve ``folder`` on 127.0.0.1 on a free port (a stand-in for a mirror); yields its URL, ending in ``/``."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{httpd.server_address[1]}/'
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def mirror(tmp_path, shared_file):
    """A local mirror of D2L's data server holding the verified file: ``(url, folder)``."""
    folder = tmp_path / 'mirror'
    folder.mkdir()
    shutil.copyfile(shared_file, folder / 'timemachine.txt')
    with http_folder(folder) as url:
        yield url, folder
