"""Getting timemachine.txt: a verified cache, D2LMINI_DATA_DIR, read-only folders and clear errors offline.

pooch is never allowed to reach the network here: every test that could reach ``pooch.retrieve`` replaces it.
"""
import os
import shutil
import subprocess
import sys

import pooch
import pytest

import d2lmini
from d2lmini import data as d2ldata

GOOD_SHA1 = '090b5e7e70c295757f55df93cb0a180b9691891a'


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty folder that ``D2LMINI_DATA_DIR`` points to."""
    monkeypatch.setenv('D2LMINI_DATA_DIR', str(tmp_path))
    return tmp_path


def offline(*args, **kwargs):
    raise ConnectionError('Name or service not known (simulated: no network)')


def fake_download(shared_file, calls):
    """A ``pooch.retrieve`` stand-in that 'downloads' the shared file, as pooch would, into ``path/fname``."""
    def retrieve(url, known_hash, fname, path, **kwargs):
        calls.append(url)
        target = os.path.join(path, fname)
        shutil.copyfile(shared_file, target)
        return target
    return retrieve


def as_non_root(monkeypatch, directory):
    """Tests run as root, where chmod 0o555 does not stop writes and ``os.access(W_OK)`` is always True.
    So, besides the chmod, we make d2lmini's writability check answer as it would for an ordinary user."""
    real_access = os.access
    monkeypatch.setattr(d2ldata.os, 'access', lambda p, mode, **kw: False if (
        mode & os.W_OK and os.path.abspath(p) == os.path.abspath(directory)) else real_access(p, mode, **kw))


def test_env_var_is_honoured(data_dir, shared_file, monkeypatch):
    shutil.copyfile(shared_file, data_dir / 'timemachine.txt')
    monkeypatch.setattr(pooch, 'retrieve', offline)
    assert d2ldata.data_dir() == data_dir
    assert d2lmini.download_timemachine() == data_dir / 'timemachine.txt'


def test_time_machine_reads_from_the_env_var_folder(data_dir, monkeypatch):
    (data_dir / 'timemachine.txt').write_text('not the book')
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.raises(d2lmini.DataUnavailableError, match=str(data_dir)):
        d2lmini.TimeMachine(batch_size=2, num_steps=2, num_train=2, num_val=2)


def test_no_network_gives_a_clear_error(data_dir, monkeypatch):
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.raises(d2lmini.DataUnavailableError) as info:
        d2lmini.download_timemachine()
    message = str(info.value)
    assert 'it is missing' in message and 'ConnectionError' in message
    assert str(data_dir / 'timemachine.txt') in message and 'D2LMINI_DATA_DIR' in message
    assert isinstance(info.value.__cause__, ConnectionError)


def test_wrong_hash_file_is_never_used(data_dir, monkeypatch):
    (data_dir / 'timemachine.txt').write_text('<html>503 Service Unavailable</html>')
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.raises(d2lmini.DataUnavailableError, match='wrong SHA-1') as info:
        d2lmini.download_timemachine()
    assert str(data_dir / 'timemachine.txt') in str(info.value)
    assert 'D2LMINI_DATA_DIR' in str(info.value)


def test_wrong_hash_file_is_replaced_by_a_download(data_dir, shared_file, monkeypatch):
    (data_dir / 'timemachine.txt').write_text('truncated')
    calls = []
    monkeypatch.setattr(pooch, 'retrieve', fake_download(shared_file, calls))
    path = d2lmini.download_timemachine()
    assert calls == [d2ldata.DATA_URL]
    assert path == data_dir / 'timemachine.txt'
    assert d2ldata.sha1_of(path) == GOOD_SHA1


def test_valid_file_is_used_without_download(data_dir, shared_file, monkeypatch):
    shutil.copyfile(shared_file, data_dir / 'timemachine.txt')
    calls = []
    monkeypatch.setattr(pooch, 'retrieve', fake_download(shared_file, calls))
    d2lmini.download_timemachine()
    assert calls == []


def test_read_only_folder_with_valid_file_works_and_is_not_written(data_dir, shared_file, monkeypatch):
    path = data_dir / 'timemachine.txt'
    shutil.copyfile(shared_file, path)
    before = (sorted(os.listdir(data_dir)), path.stat().st_mtime_ns)
    monkeypatch.setattr(pooch, 'retrieve', offline)
    as_non_root(monkeypatch, data_dir)
    data_dir.chmod(0o555)
    try:
        data = d2lmini.TimeMachine(batch_size=8, num_steps=4, num_train=16, num_val=16)
        assert len(data.vocab) == 28
        assert (sorted(os.listdir(data_dir)), path.stat().st_mtime_ns) == before
    finally:
        data_dir.chmod(0o755)


def test_read_only_folder_without_file_gives_a_clear_error(data_dir, monkeypatch):
    monkeypatch.setattr(pooch, 'retrieve', offline)
    as_non_root(monkeypatch, data_dir)
    data_dir.chmod(0o555)
    try:
        with pytest.raises(d2lmini.DataUnavailableError, match='read-only') as info:
            d2lmini.download_timemachine()
    finally:
        data_dir.chmod(0o755)
    assert str(data_dir / 'timemachine.txt') in str(info.value) and 'D2LMINI_DATA_DIR' in str(info.value)
    assert os.listdir(data_dir) == []


def test_import_is_light_and_writes_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != 'D2LMINI_DATA_DIR'}
    env.update(HOME=str(tmp_path / 'home'), XDG_CACHE_HOME=str(tmp_path / 'cache'))
    code = ('import sys, d2lmini\n'
            'print(sorted(m for m in ("matplotlib", "ipywidgets", "pooch") if m in sys.modules))')
    out = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]'
    assert not (tmp_path / 'cache').exists() and not (tmp_path / 'home').exists()
