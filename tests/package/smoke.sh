#!/usr/bin/env bash
# The release smoke test: build the sdist and the wheel, check them, install the wheel (not
# editable, no extras) into a clean virtual environment and use it from a tiny project:
# `migrate`, the sign-in page renders, a credentials sign-in sets the session cookie.
#
#   PYTHON=python3.13 tests/package/smoke.sh   # $PYTHON needs `build` and `twine`
#
# `tox -e package` runs it. Nothing here reads the checkout's django_nextauth: the project
# runs from a temporary directory and checks where the package was imported from.
set -euo pipefail

python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SECONDS=0

echo "== build (sdist, then the wheel from it)"
"$python" -m build --outdir "$work/dist" "$repo" >"$work/build.log" 2>&1 || {
    cat "$work/build.log"
    exit 1
}
# setuptools' own deprecation notices (licence classifiers, ...) mean the metadata is stale.
if grep -i "deprecat" "$work/build.log"; then
    echo "the build warned (above)" >&2
    exit 1
fi
ls "$work/dist"

echo "   (${SECONDS}s)"
echo "== twine check"
"$python" -m twine check --strict "$work/dist"/*

echo "== install the wheel into a clean virtual environment (${SECONDS}s)"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$work/dist"/*.whl

echo "== a tiny project: migrate, the sign-in page, a credentials sign-in (${SECONDS}s)"
cp "$here"/site/*.py "$work/"
cd "$work"
export DJANGO_SETTINGS_MODULE=smoke_settings PYTHONPATH="$work" PYTHONWARNINGS=error
"$work/venv/bin/python" -m django migrate --noinput -v 0
"$work/venv/bin/python" -m django check --fail-level WARNING
"$work/venv/bin/python" smoke_check.py "$work/venv"

echo "== package smoke test passed in ${SECONDS}s"
