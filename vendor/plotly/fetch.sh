#!/bin/sh
# Vendors plotly.js's builds, each with its brotli form at the highest level (seconds to make: once here, not at
# every start of the app):
#   plotly-map.min.js    the package's map bundle: scattermap, choroplethmap (and scatter): the live app's map and
#                        charts, instead of the full plotly.min.js Dash would load (3.0 MB against 4.8 MB; 0.66 MB
#                        against 1.1 MB with brotli)
#   plotly-geo.min.js    the package's geo bundle: scattergeo, choropleth (and scatter): the HTML replay (its
#                        slider and play buttons are Plotly's own) and the image exports
#   plotly-embed.min.js  built here from the package's sources (embed/): what /embed and the static site's embed
#                        pages draw, without the components they never use (embed/entry.js)
# The version must be the plotly.js that the Python plotly package ships (tests/test_embed.py checks). Needs node and
# npm (the registry); run from anywhere with the requirements installed:
#   sh vendor/plotly/fetch.sh [version]
set -eu
VERSION="${1:-4.1.1}"
ESBUILD=0.28.1 # the esbuild plotly.js's own build uses (its package.json)
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
echo '{"private": true}' > package.json
npm install --silent --ignore-scripts --no-audit --no-fund \
  "plotly.js@$VERSION" "esbuild@$ESBUILD" "esbuild-plugin-environment@0.5.0" >/dev/null
PACKAGE="node_modules/plotly.js"
cp "$PACKAGE/LICENSE" "$HERE/LICENSE"
echo "$VERSION" > "$HERE/VERSION"
for bundle in plotly-map plotly-geo; do
  cp "$PACKAGE/dist/$bundle.min.js" "$HERE/$bundle.min.js"
done
NODE_PATH="$WORK/node_modules" node "$HERE/embed/build.js" "$HERE/plotly-embed.min.js" "$VERSION"
for bundle in plotly-map plotly-geo plotly-embed; do
  python3 -c 'import brotli, sys; open(sys.argv[1] + ".br", "wb").write(brotli.compress(open(sys.argv[1], "rb").read(), quality=11))' "$HERE/$bundle.min.js"
done
