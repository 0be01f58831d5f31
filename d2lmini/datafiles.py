"""Data files: D2L's ``download`` with SHA-1 checks, one data folder, the user's files left alone.

Where a file is looked for and stored (``README.md`` states the same rules for readers):

- The data folder is the ``folder`` given, or, when it is ``None`` or D2L's default ``'../data'``
  (what ``DataModule(root=...)`` defaults to), ``$D2LMINI_DATA_DIR`` if set, else d2lmini's cache
  (``pooch.os_cache('d2lmini')``, e.g. ``~/.cache/d2lmini``).
- A file there with the expected SHA-1 (any file, when no hash is given) is used as it is;
  read-only folders work.
- A missing file is downloaded into the folder by pooch (a temporary file, verified, then moved
  into place), from D2L's data server, or from a mirror of it named by ``$D2LMINI_DATA_URL`` (an
  http, https or ftp folder URL; URLs that start with ``DATA_URL`` are redirected there, so D2L's
  own ``download`` calls use it too).
- A file there with the wrong SHA-1 is never overwritten, moved or deleted: a verified copy is
  used from, or downloaded into, ``<cache>/verified/``, and a ``DataFileWarning`` gives both
  hashes and what to do.

Trade-off: a wrong file is answered with a warning and the verified copy rather than an error, so
a learner with a truncated download keeps going; the cost is a second copy in the cache. Errors
(``DataUnavailableError``) say in one sentence what went wrong, then what to do; the low-level
exception (e.g. requests' ``ConnectionError``) is kept as ``error.reason`` rather than chained,
so that three library tracebacks do not bury the message.
"""

import hashlib
import os
import warnings
from pathlib import Path
from urllib.parse import urlparse

# D2L's data server: ``DATA_URL + 'timemachine.txt'``
DATA_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/'
DATA_FILE = 'timemachine.txt'
DATA_SHA1 = '090b5e7e70c295757f55df93cb0a180b9691891a'
ENV_VAR = 'D2LMINI_DATA_DIR'
# A mirror of D2L's data server, as a folder URL in a scheme pooch downloads from
URL_ENV_VAR = 'D2LMINI_DATA_URL'
MIRROR_SCHEMES = ('http', 'https', 'ftp')
D2L_DEFAULT_FOLDER = '../data'


class DataUnavailableError(RuntimeError):
    """A data file can be neither found (verified) nor downloaded.

    ``reason`` holds the underlying error, if any.
    """

    def __init__(self, message, reason=None):
        super().__init__(message)
        self.reason = reason


class DataFileWarning(UserWarning):
    """A data file has the wrong SHA-1; it was left alone and a verified copy used instead."""


def sha1_of(path):
    h = hashlib.sha1()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 16), b''):
            h.update(chunk)
    return h.hexdigest()


def cache_dir():
    """d2lmini's own cache folder (e.g. ``~/.cache/d2lmini``), created when a download needs it."""
    import pooch

    return Path(pooch.os_cache('d2lmini'))


def data_dir():
    """The default data folder: ``$D2LMINI_DATA_DIR`` if set, else ``cache_dir()``."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else cache_dir()


def mirror_url():
    """``$D2LMINI_DATA_URL`` as a folder URL ending in ``/``, or ``None`` when unset.

    A value pooch cannot download from (a path, ``file://``, no host, a query) is a clear error.
    """
    value = os.environ.get(URL_ENV_VAR, '').strip()
    if not value:
        return None
    parts = urlparse(value)
    if parts.scheme in MIRROR_SCHEMES and parts.netloc and not (parts.query or parts.fragment):
        return value if value.endswith('/') else value + '/'
    local = parts.scheme == 'file' or value.startswith(('/', '~', '.'))
    raise DataUnavailableError(
        f'{URL_ENV_VAR} must be the http, https or ftp URL of a folder mirroring {DATA_URL} '
        f'(e.g. http://127.0.0.1:8000/), but it is {value!r}.'
        + (f' To use a file on this machine, set {ENV_VAR} to its folder instead.' if local else '')
        + " Or unset it to use D2L's server."
    )


def mirrored(url):
    """``url`` with D2L's server (``DATA_URL``, http or https) replaced by any ``mirror_url()``."""
    mirror = mirror_url()
    for server in (DATA_URL, DATA_URL.replace('http://', 'https://', 1)):
        if mirror and url.startswith(server):
            return mirror + url.removeprefix(server)
    return url


def resolve_folder(folder=None):
    """``folder`` as a ``Path``; ``None`` and D2L's ``'../data'`` mean ``data_dir()``.

    A file in the folder's place is refused clearly.
    """
    chosen = folder is not None and str(folder) != D2L_DEFAULT_FOLDER
    directory = Path(folder).expanduser() if chosen else data_dir()
    if directory.exists() and not directory.is_dir():
        name = 'The folder given' if chosen else ENV_VAR
        raise DataUnavailableError(
            f'{name} must name a folder, but {directory} is a file. Point it at the folder that '
            f'holds the data file instead, e.g. {ENV_VAR}={directory.parent}'
            + (" (this file's own folder)." if directory.name == DATA_FILE else '.')
        )
    return directory


def _checked_sha1(path):
    """The SHA-1 of ``path``; an unreadable file, or a folder in its place, is a clear error."""
    if path.is_dir():
        raise DataUnavailableError(
            f'{path} is a folder, where the data file {path.name} was expected. Move it '
            f'away, or set {ENV_VAR} to another folder.'
        )
    try:
        return sha1_of(path)
    except OSError as err:
        raise DataUnavailableError(
            f'Cannot read {path} ({err.strerror or type(err).__name__}). Make it readable '
            f'(e.g. chmod u+r "{path}"), or set {ENV_VAR} to a folder holding a readable copy.',
            reason=err,
        ) from None


def _reason(err, url):
    """One short line for what went wrong during a download."""
    import requests

    host = urlparse(url).hostname or url
    unreachable = (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)
    if isinstance(err, unreachable):
        return f'{host} could not be reached: {type(err).__name__}; is the network up?'
    lines = str(err).strip().splitlines()
    return f'{type(err).__name__}: {lines[0][:200] if lines else ""}'


def _retrieve(url, sha1, directory, fname, problem):
    """Download ``url`` into ``directory/fname`` with pooch (checking ``sha1`` when given).

    Errors are made short: ``problem`` starts the message (why a download was needed and what to
    do if it fails).
    """
    import pooch

    known_hash = f'sha1:{sha1}' if sha1 else None
    try:
        path = pooch.retrieve(
            url, known_hash=known_hash, fname=fname, path=directory, progressbar=False
        )
    except Exception as err:  # network, HTTP status, hash of the download, permissions
        message = problem.replace('{reason}', _reason(err, url))
        raise DataUnavailableError(message, reason=err) from None
    return Path(path)


def _verified_copy(url, sha1, path, actual):
    """A verified copy in ``<cache>/verified/`` standing in for the user's wrong file at ``path``.

    The user's file is left untouched.
    """
    wrong = (
        f'{path} has SHA-1 {actual}, but {sha1} is expected (a truncated or edited file?); '
        f'it was left untouched'
    )
    todo = (
        f'replace {path} with the file from {url}, or delete it (d2lmini then downloads it '
        f'there), or set {ENV_VAR} to a folder that holds the right file.'
    )
    directory = cache_dir() / 'verified'
    copy = directory / path.name
    if not (copy.is_file() and _checked_sha1(copy) == sha1):
        failed = ', and a verified copy could not be downloaded ({reason}). To fix: '
        problem = wrong + failed + todo
        copy = _retrieve(url, sha1, directory, path.name, problem)
    warnings.warn(
        f'{wrong}; using the verified copy {copy} instead. To use your own file: {todo}',
        DataFileWarning,
        stacklevel=4,
    )
    return copy


def fetch(url, folder=None, sha1_hash=None):
    """The ``Path`` of the file named like ``url``'s last part in ``resolve_folder(folder)``.

    Downloaded if needed (from ``mirrored(url)``).
    """
    directory = resolve_folder(folder)
    url = mirrored(url)
    fname = url.rstrip('/').split('/')[-1]
    path = directory / fname
    expect = f' (SHA-1 {sha1_hash})' if sha1_hash else ''
    if path.exists() or path.is_symlink():
        actual = _checked_sha1(path)
        if sha1_hash is None or actual == sha1_hash:
            return path  # read-only folders work: a good file is only read
        return _verified_copy(url, sha1_hash, path, actual)
    if directory.exists() and not os.access(directory, os.W_OK):
        raise DataUnavailableError(
            f'{fname} is not in {directory}, which is read-only, so it cannot be downloaded '
            f'there. To fix: save {url} there as {fname} yourself, or set {ENV_VAR} to a writable '
            f'folder or one that holds {fname}{expect}.'
        )
    problem = (
        f'{fname} is not in {directory} and could not be downloaded ({{reason}}). To fix: '
        f'download {url} yourself and save it as {path}, or set {ENV_VAR} to a folder that '
        f'holds {fname}{expect}.'
    )
    return _retrieve(url, sha1_hash, directory, fname, problem)


def download(url, folder='../data', sha1_hash=None):
    """D2L's ``download``: the path (a ``str``) of the file at ``url``, checked by ``sha1_hash``.

    ``folder`` defaults to D2L's ``'../data'``, which here means the data folder
    (``$D2LMINI_DATA_DIR`` or the cache); see the module docstring for what happens to missing and
    wrong files.
    """
    return str(fetch(url, folder, sha1_hash))


def download_timemachine(directory=None):
    """The ``Path`` of a verified ``timemachine.txt`` in ``directory`` (default: data folder)."""
    return fetch(DATA_URL + DATA_FILE, directory, DATA_SHA1)
