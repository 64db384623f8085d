#!/usr/bin/env bash
# Install a built wheel into a fresh virtual environment outside the source tree and run its
# self-test there, so nothing from the checkout (seeds/, resources/, migrations) can leak in:
#   bash packaging/check-wheel.sh dist/annotator-0.1.0-py3-none-any.whl
# Dependencies come from PyPI (or pip's cache). Set KEEP_VENV=1 to keep the environment.
set -euo pipefail
WHEEL="$(realpath "${1:?path to the wheel}")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/annotator-wheel-check.XXXXXX")"
[ "${KEEP_VENV:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
python3 -m venv venv
venv/bin/python -m pip install -q "$WHEEL"
echo "installed $(basename "$WHEEL") into $WORK/venv" >&2
QT_QPA_PLATFORM=offscreen venv/bin/annotator --self-test
