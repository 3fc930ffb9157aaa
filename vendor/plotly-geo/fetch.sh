#!/bin/sh
# Vendors plotly.js's geo bundle (scattergeo, choropleth, scatter) for /embed, the static site and the HTML replay:
# a third of the full plotly.min.js, which they do not need. The version must be the plotly.js that the Python
# plotly package ships (tests/test_embed.py checks). Run from anywhere:
#   sh vendor/plotly-geo/fetch.sh [version]
set -eu
VERSION="${1:-4.1.1}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "plotly.js-geo-dist-min@$VERSION" >/dev/null
tar -xzf "plotly.js-geo-dist-min-$VERSION.tgz"
cp package/plotly-geo.min.js "$HERE/plotly-geo.min.js"
cp package/LICENSE "$HERE/LICENSE"
echo "$VERSION" > "$HERE/VERSION"
