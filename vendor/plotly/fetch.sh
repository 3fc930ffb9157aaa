#!/bin/sh
# Vendors plotly.js's geo bundle (scattergeo, choropleth, scatter) for /embed, the static site and the HTML replay:
# a third of the full plotly.min.js, which they do not need. The version must be the plotly.js that the Python
# plotly package ships (tests/test_embed.py checks), and its brotli form at the highest level (2.5 s to make: once
# here, not at every start of the app). Run from anywhere (with the requirements installed):
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
python3 -c 'import brotli, sys; open(sys.argv[1] + ".br", "wb").write(brotli.compress(open(sys.argv[1], "rb").read(), quality=11))' "$HERE/plotly-geo.min.js"
