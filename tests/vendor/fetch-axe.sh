#!/bin/sh
# Vendors axe-core for tests/test_browser_a11y.py (the tests never fetch it). Run from anywhere:
#   sh tests/vendor/fetch-axe.sh [version]
set -eu
VERSION="${1:-4.14.1}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "axe-core@$VERSION" >/dev/null
tar -xzf "axe-core-$VERSION.tgz"
cp package/axe.min.js "$HERE/axe.min.js"
cp package/LICENSE "$HERE/axe-core-LICENSE"
cp package/LICENSE-3RD-PARTY.txt "$HERE/axe-core-LICENSE-3RD-PARTY.txt"
echo "$VERSION" > "$HERE/axe-core-VERSION"
