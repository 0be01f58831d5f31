"""The Chromium that the browser tests, the benchmarks and ``make pdf`` drive through Playwright, and its flags.

``D2LMINI_CHROMIUM`` names another binary (the GitHub runner's Google Chrome). The flags keep a headless Chromium
quiet on a machine without a network: no sandbox (root in CI), no GPU, no background requests, no first-run work.
"""

import os

CHROMIUM = os.environ.get('D2LMINI_CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
]
