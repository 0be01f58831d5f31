"""Fetch the book's third-party JavaScript from the npm registry into ``_vendor/`` (gitignored), pinned and verified.

    python tools/vendor_js.py            # idempotent: does nothing when _vendor/ already holds these versions

What lands where (``_vendor`` is an ``html_static_path`` folder, so it is served as ``_static/`` in the build):
- ``widgets/require.js``         requirejs 2.3.4, the version myst-nb's default ``nb_ipywidgets_js`` loads;
- ``widgets/html-manager/``      @jupyter-widgets/html-manager 1.0.6 ``dist/`` (embed-amd.js, its chunks and
                                 Font Awesome files, no source maps): the widget renderer for ipywidgets 8 state;
- ``mathjax/es5/``               MathJax 3.2.2, loaded as ``mathjax/es5/tex-mml-chtml.js``;
- ``widgets/setup.js``           ours, loaded before require.js: maps html-manager's AMD modules to the folder above
                                 (the bundle fetches its Font Awesome files relative to their URLs; without it they
                                 404 next to the page), and lets the widgets' MathJax 2 calls typeset with MathJax 3.
Each tarball's SHA-512 must match the integrity npm published, so a changed upstream file fails loudly.
Needs ``npm`` (any version that has ``npm pack``) and access to the npm registry.
"""
import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / '_vendor'
STAMP = VENDOR / 'VERSIONS.txt'
# (npm spec, published integrity, [(path inside the package, destination under _vendor, glob to skip)])
PACKAGES = [
    ('requirejs@2.3.4',
     'sha512-qPD5gRrj6kGQ0ZySAJgqbArkaDqPMbQIT0zSZDkIv1mfA17w/tR2Faq5l2qqRf2CdQx6FWln9nUrgd2UDzb19A==',
     [('require.js', 'widgets/require.js', None)]),
    ('@jupyter-widgets/html-manager@1.0.6',
     'sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbpmgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ==',
     [('dist', 'widgets/html-manager', '*.map')]),
    ('mathjax@3.2.2',
     'sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==',
     [('es5', 'mathjax/es5', None)]),
]


SETUP_JS = '''// Written by tools/vendor_js.py; myst-nb loads it before require.js, on pages with widgets only.
// 1. require.js reads a global `require` object as its configuration. The html-manager bundle defines these AMD
//    modules itself and fetches its fonts relative to their URLs: point them into widgets/html-manager/.
var require = (function () {
  var dir = new URL('html-manager/', document.currentScript.src).href, ids = ['base', 'controls', 'html-manager'];
  var paths = {'@jupyter-widgets/html-manager/dist': dir.slice(0, -1)};
  ids.forEach(function (id) { paths['@jupyter-widgets/' + id] = dir + id; });
  return {paths: paths};
})();
// 2. The widgets typeset their labels with MathJax 2's MathJax.Hub.Queue; the book loads MathJax 3 (deferred, so
//    it is in place by DOMContentLoaded). Give it a Hub whose Queue typesets with MathJax 3.
document.addEventListener('DOMContentLoaded', function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub || !mj.startup) return;
  mj.Hub = {Queue: function (job) {
    mj.startup.promise.then(function () { return mj.typesetPromise([job[2]]); });
  }};
});
'''


def stamp_text():
    return ''.join(f'{spec} {integrity}\n' for spec, integrity, _ in PACKAGES)


def integrity_of(path):
    return 'sha512-' + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def npm_pack(spec, integrity, workdir):
    """Download one package tarball with ``npm pack`` and check it against the pinned integrity."""
    try:
        out = subprocess.run(['npm', 'pack', '--silent', spec], cwd=workdir, check=True,
                             capture_output=True, text=True).stdout.strip().splitlines()
    except FileNotFoundError:
        sys.exit('npm was not found: install Node.js (e.g. `apt-get install -y nodejs npm`) and rerun.')
    except subprocess.CalledProcessError as err:
        sys.exit(f'`npm pack {spec}` failed (is the npm registry reachable?):\n{err.stderr.strip()}')
    tarball = Path(workdir) / out[-1]
    got = integrity_of(tarball)
    if got != integrity:
        sys.exit(f'{spec}: the tarball has integrity {got}, expected {integrity}; refusing to use it.')
    return tarball


def unpack(tarball, dest):
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter='data')
    return Path(dest) / 'package'


def install(package_dir, src, dst, skip):
    source, target = package_dir / src, VENDOR / dst
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        ignore = shutil.ignore_patterns(skip) if skip else None
        shutil.copytree(source, target, ignore=ignore)
    else:
        shutil.copy2(source, target)


def main():
    if STAMP.is_file() and STAMP.read_text() == stamp_text():
        (VENDOR / 'widgets' / 'setup.js').write_text(SETUP_JS)
        print(f'{VENDOR.relative_to(ROOT)}/ is up to date.')
        return
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (spec, integrity, files) in enumerate(PACKAGES):
            package_dir = unpack(npm_pack(spec, integrity, tmp), Path(tmp) / str(i))
            for src, dst, skip in files:
                install(package_dir, src, dst, skip)
            print(f'vendored {spec}')
    (VENDOR / 'widgets' / 'setup.js').write_text(SETUP_JS)
    STAMP.write_text(stamp_text())


if __name__ == '__main__':
    main()
