#!/usr/bin/env bash
# Vendor the book's third-party JavaScript (require.js, @jupyter-widgets/html-manager, MathJax) into _vendor/.
# The work is done by tools/vendor_js.py (pinned versions, integrity-checked npm tarballs); see its docstring.
set -euo pipefail
exec "${PYTHON:-python3}" "$(dirname "$0")/vendor_js.py" "$@"
