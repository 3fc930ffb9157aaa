#!/bin/sh
# Vendors two of plotly.js's partial bundles, from its npm package's dist/, each with its brotli form at the highest
# level (seconds to make: once here, not at every start of the app):
#   plotly-map.min.js  scattermap, choroplethmap (and scatter): the live app's map and charts, instead of the full
#                      plotly.min.js Dash would load (3.0 MB against 4.8 MB; 0.66 MB against 1.1 MB with brotli)
#   plotly-geo.min.js  scattergeo, choropleth (and scatter): /embed, the static site and the HTML replay
# The version must be the plotly.js that the Python plotly package ships (tests/test_embed.py checks). Run from
# anywhere (with the requirements installed):
#   sh vendor/plotly/fetch.sh [version]
set -eu
VERSION="${1:-4.1.1}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "plotly.js@$VERSION" >/dev/null
tar -xzf "plotly.js-$VERSION.tgz"
cp package/LICENSE "$HERE/LICENSE"
echo "$VERSION" > "$HERE/VERSION"
for bundle in plotly-map plotly-geo; do
  cp "package/dist/$bundle.min.js" "$HERE/$bundle.min.js"
  python3 -c 'import brotli, sys; open(sys.argv[1] + ".br", "wb").write(brotli.compress(open(sys.argv[1], "rb").read(), quality=11))' "$HERE/$bundle.min.js"
done
