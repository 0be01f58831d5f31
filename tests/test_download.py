"""Getting data files: the data folder, files the user put there left untouched, read-only folders, clear errors.

pooch is never allowed to reach the network here: every test that could reach ``pooch.retrieve`` replaces it,
and d2lmini's cache is a temporary folder (``cache`` fixture), so the real ``~/.cache/d2lmini`` is never used.
"""

import os
import shutil
import subprocess
import sys
import warnings

import pooch
import pytest

import d2lmini
from d2lmini import datafiles

GOOD_SHA1 = '090b5e7e70c295757f55df93cb0a180b9691891a'
URL = datafiles.DATA_URL + 'timemachine.txt'


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """d2lmini's cache, redirected to an empty temporary folder."""
    folder = tmp_path / 'cache'
    monkeypatch.setattr(datafiles, 'cache_dir', lambda: folder)
    return folder


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty folder that ``D2LMINI_DATA_DIR`` points to."""
    folder = tmp_path / 'mine'
    folder.mkdir()
    monkeypatch.setenv('D2LMINI_DATA_DIR', str(folder))
    return folder


def offline(*args, **kwargs):
    raise ConnectionError('Name or service not known (simulated: no network)')


def fake_download(shared_file, calls):
    """A ``pooch.retrieve`` stand-in that 'downloads' the shared file, as pooch would, into ``path/fname``."""

    def retrieve(url, known_hash, fname, path, **kwargs):
        calls.append((url, str(path)))
        os.makedirs(path, exist_ok=True)
        target = os.path.join(path, fname)
        shutil.copyfile(shared_file, target)
        return target

    return retrieve


def as_non_root(monkeypatch, directory):
    """Tests run as root, where chmod 0o555 does not stop writes and ``os.access(W_OK)`` is always True.
    So, besides the chmod, we make d2lmini's writability check answer as it would for an ordinary user."""
    real_access = os.access
    monkeypatch.setattr(
        datafiles.os,
        'access',
        lambda p, mode, **kw: (
            False
            if (mode & os.W_OK and os.path.abspath(p) == os.path.abspath(directory))
            else real_access(p, mode, **kw)
        ),
    )


def snapshot(folder):
    """Names, sizes, modification times and contents of every file in ``folder``."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.iterdir())}


def test_env_var_is_honoured(data_dir, shared_file, monkeypatch):
    shutil.copyfile(shared_file, data_dir / 'timemachine.txt')
    monkeypatch.setattr(pooch, 'retrieve', offline)
    assert datafiles.data_dir() == data_dir
    assert d2lmini.download_timemachine() == data_dir / 'timemachine.txt'


def test_without_env_var_the_cache_is_the_data_folder(monkeypatch, cache, shared_file):
    monkeypatch.delenv('D2LMINI_DATA_DIR', raising=False)
    calls = []
    monkeypatch.setattr(pooch, 'retrieve', fake_download(shared_file, calls))
    assert d2lmini.download_timemachine() == cache / 'timemachine.txt'
    assert calls == [(URL, str(cache))]


@pytest.mark.parametrize('folder', [None, '../data'])
def test_d2l_default_folder_means_the_data_folder(data_dir, shared_file, monkeypatch, folder):
    shutil.copyfile(shared_file, data_dir / 'timemachine.txt')
    monkeypatch.setattr(pooch, 'retrieve', offline)
    url = d2lmini.DATA_URL + 'timemachine.txt'
    path = d2lmini.download(url, folder, GOOD_SHA1) if folder else d2lmini.download(url, sha1_hash=GOOD_SHA1)
    assert path == str(data_dir / 'timemachine.txt')  # a str, as D2L's download returns


def test_an_explicit_folder_is_used_as_given(tmp_path, data_dir, shared_file, monkeypatch):
    other = tmp_path / 'other'
    calls = []
    monkeypatch.setattr(pooch, 'retrieve', fake_download(shared_file, calls))
    assert d2lmini.download(URL, str(other), GOOD_SHA1) == str(other / 'timemachine.txt')
    assert calls == [(URL, str(other))] and os.listdir(data_dir) == []


def test_download_without_a_hash_takes_any_existing_file(data_dir, monkeypatch):
    (data_dir / 'notes.txt').write_text('my own words')
    monkeypatch.setattr(pooch, 'retrieve', offline)
    assert d2lmini.download('http://example.org/files/notes.txt') == str(data_dir / 'notes.txt')


def test_valid_file_is_used_without_download(data_dir, shared_file, monkeypatch):
    shutil.copyfile(shared_file, data_dir / 'timemachine.txt')
    calls = []
    monkeypatch.setattr(pooch, 'retrieve', fake_download(shared_file, calls))
    d2lmini.download_timemachine()
    assert calls == []


def test_missing_file_is_downloaded_into_the_data_folder(data_dir, shared_file, monkeypatch):
    calls = []
    monkeypatch.setattr(pooch, 'retrieve', fake_download(shared_file, calls))
    assert d2lmini.download_timemachine() == data_dir / 'timemachine.txt'
    assert calls == [(URL, str(data_dir))]


def test_wrong_file_is_left_untouched_and_a_verified_copy_is_used(data_dir, cache, shared_file, monkeypatch):
    (data_dir / 'timemachine.txt').write_text('truncated')
    before = snapshot(data_dir)
    calls = []
    monkeypatch.setattr(pooch, 'retrieve', fake_download(shared_file, calls))
    with pytest.warns(d2lmini.DataFileWarning) as record:
        path = d2lmini.download_timemachine()
    assert snapshot(data_dir) == before  # the user's file: not overwritten, renamed or deleted
    assert path == cache / 'verified' / 'timemachine.txt' and datafiles.sha1_of(path) == GOOD_SHA1
    assert calls == [(URL, str(cache / 'verified'))]
    message = str(record[0].message)
    wrong_sha1 = datafiles.sha1_of(data_dir / 'timemachine.txt')
    assert wrong_sha1 in message and GOOD_SHA1 in message  # both hashes
    assert str(data_dir / 'timemachine.txt') in message and 'replace' in message and str(path) in message


def test_wrong_file_reuses_the_verified_copy_without_downloading_again(data_dir, cache, shared_file, monkeypatch):
    (data_dir / 'timemachine.txt').write_text('truncated')
    (cache / 'verified').mkdir(parents=True)
    shutil.copyfile(shared_file, cache / 'verified' / 'timemachine.txt')
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.warns(d2lmini.DataFileWarning):
        data = d2lmini.TimeMachine(batch_size=8, num_steps=4, num_train=16, num_val=16)
    assert len(data.vocab) == 28
    assert (data_dir / 'timemachine.txt').read_text() == 'truncated'


def test_wrong_file_offline_gives_both_hashes_and_what_to_do(data_dir, monkeypatch):
    (data_dir / 'timemachine.txt').write_text('<html>503 Service Unavailable</html>')
    before = snapshot(data_dir)
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.raises(d2lmini.DataUnavailableError) as info:
        d2lmini.TimeMachine(batch_size=2, num_steps=2, num_train=2, num_val=2)
    message = str(info.value)
    assert datafiles.sha1_of(data_dir / 'timemachine.txt') in message and GOOD_SHA1 in message
    assert str(data_dir / 'timemachine.txt') in message and 'D2LMINI_DATA_DIR' in message
    assert 'left untouched' in message and 'could not be reached' in message
    assert snapshot(data_dir) == before


def test_no_network_gives_a_short_clear_error(data_dir, monkeypatch):
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.raises(d2lmini.DataUnavailableError) as info:
        d2lmini.download_timemachine()
    message = str(info.value)
    assert message.startswith(f'timemachine.txt is not in {data_dir} and could not be downloaded')
    assert 'is the network up?' in message and 'To fix: download' in message
    assert str(data_dir / 'timemachine.txt') in message and 'D2LMINI_DATA_DIR' in message
    assert isinstance(info.value.reason, ConnectionError)  # kept for debugging...
    assert info.value.__cause__ is None and info.value.__suppress_context__  # ...but not printed above the message


def test_a_real_offline_download_prints_one_short_traceback(tmp_path):
    """Without network (as on this machine, or with an unresolvable host), the whole traceback stays short."""
    env = {**os.environ, 'D2LMINI_DATA_DIR': str(tmp_path)}
    code = "import d2lmini\nd2lmini.download('http://unresolvable.invalid/timemachine.txt', sha1_hash='0' * 40)"
    out = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert 'The above exception' not in out.stderr and 'During handling' not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith('d2lmini.datafiles.DataUnavailableError: timemachine.txt')
    assert len(out.stderr.splitlines()) < 15, out.stderr


def test_env_var_naming_a_file_says_to_name_its_folder(tmp_path, shared_file, monkeypatch):
    file = tmp_path / 'timemachine.txt'
    shutil.copyfile(shared_file, file)
    monkeypatch.setenv('D2LMINI_DATA_DIR', str(file))
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.raises(d2lmini.DataUnavailableError, match='must name a folder') as info:
        d2lmini.TimeMachine(batch_size=2, num_steps=2, num_train=2, num_val=2)
    assert f'D2LMINI_DATA_DIR={tmp_path}' in str(info.value) and 'missing' not in str(info.value)
    assert file.read_bytes() == shared_file.read_bytes()


def test_unreadable_file_gives_a_clear_error(data_dir, shared_file, monkeypatch):
    path = data_dir / 'timemachine.txt'
    shutil.copyfile(shared_file, path)

    def denied(p):
        raise PermissionError(13, 'Permission denied', str(p))

    monkeypatch.setattr(datafiles, 'sha1_of', denied)  # as root, chmod 000 would not stop reading
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.raises(d2lmini.DataUnavailableError, match='Cannot read') as info:
        d2lmini.download_timemachine()
    assert 'Permission denied' in str(info.value) and 'chmod' in str(info.value)
    assert isinstance(info.value.reason, PermissionError)


def test_folder_in_place_of_the_file_gives_a_clear_error(data_dir, monkeypatch):
    (data_dir / 'timemachine.txt').mkdir()
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with pytest.raises(d2lmini.DataUnavailableError, match='is a folder'):
        d2lmini.download_timemachine()


def test_read_only_folder_with_valid_file_works_and_is_not_written(data_dir, shared_file, monkeypatch):
    path = data_dir / 'timemachine.txt'
    shutil.copyfile(shared_file, path)
    before = snapshot(data_dir)
    monkeypatch.setattr(pooch, 'retrieve', offline)
    as_non_root(monkeypatch, data_dir)
    data_dir.chmod(0o555)
    try:
        data = d2lmini.TimeMachine(batch_size=8, num_steps=4, num_train=16, num_val=16)
        assert len(data.vocab) == 28
        assert snapshot(data_dir) == before
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
    assert str(data_dir) in str(info.value) and 'D2LMINI_DATA_DIR' in str(info.value)
    assert os.listdir(data_dir) == []


def test_good_file_raises_no_warning(data_dir, shared_file, monkeypatch):
    shutil.copyfile(shared_file, data_dir / 'timemachine.txt')
    monkeypatch.setattr(pooch, 'retrieve', offline)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        d2lmini.download_timemachine()


def test_import_is_light_and_writes_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != 'D2LMINI_DATA_DIR'}
    env.update(HOME=str(tmp_path / 'home'), XDG_CACHE_HOME=str(tmp_path / 'cache'))
    code = 'import sys, d2lmini\nprint(sorted(m for m in ("matplotlib", "ipywidgets", "pooch") if m in sys.modules))'
    out = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]'
    assert not (tmp_path / 'cache').exists() and not (tmp_path / 'home').exists()


def test_a_mirror_url_redirects_d2l_downloads(data_dir, shared_file, monkeypatch):
    calls = []
    monkeypatch.setattr(pooch, 'retrieve', fake_download(shared_file, calls))
    monkeypatch.setenv('D2LMINI_DATA_URL', 'https://mirror.example/d2l-data')  # the final '/' is added
    d2lmini.download(URL)
    d2lmini.download('http://elsewhere.example/other.txt')  # only D2L's server is redirected
    assert [url for url, _ in calls] == [
        'https://mirror.example/d2l-data/timemachine.txt',
        'http://elsewhere.example/other.txt',
    ]


@pytest.mark.parametrize(
    'value, hint',
    [
        ('file:///srv/d2l/', 'set D2LMINI_DATA_DIR'),
        ('/srv/d2l', 'DATA_DIR'),
        ('mirror.example/d2l/', 'http'),
        ('http:///d2l/', 'http'),
        ('https://mirror.example/?token=1', 'folder'),
    ],
)
def test_a_bad_mirror_url_is_a_clear_error(data_dir, monkeypatch, value, hint):
    monkeypatch.setattr(pooch, 'retrieve', offline)
    monkeypatch.setenv('D2LMINI_DATA_URL', value)
    with pytest.raises(d2lmini.DataUnavailableError, match='D2LMINI_DATA_URL must be') as info:
        d2lmini.download_timemachine()
    assert repr(value) in str(info.value) and hint in str(info.value)
    assert os.listdir(data_dir) == []


def test_a_real_download_from_a_local_mirror_is_verified(data_dir, mirror, shared_file, monkeypatch):
    """pooch itself (no stand-in) downloads from a mirror on 127.0.0.1, checks the SHA-1, and refuses a bad copy."""
    url, folder = mirror
    monkeypatch.setenv('D2LMINI_DATA_URL', url)
    assert d2lmini.download_timemachine().read_bytes() == shared_file.read_bytes()
    (data_dir / 'timemachine.txt').unlink()
    (folder / 'timemachine.txt').write_text('not the book')
    with pytest.raises(d2lmini.DataUnavailableError, match='could not be downloaded') as info:
        d2lmini.download_timemachine()
    assert url + 'timemachine.txt' in str(info.value) and os.listdir(data_dir) == []
