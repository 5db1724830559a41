#!/usr/bin/env bash
# Builds the web app's vendored front-end files from npm packages pinned in a lock file:
#   src/andiwali/web/frontend/{package.json,package-lock.json}  ->  src/andiwali/web/static/vendor/
# (sigma.js, graphology, d3-geo + d3-array, topojson-client, world-atlas boundaries and an
# ISO alpha-2 -> numeric table from i18n-iso-countries). Nothing is fetched at run time.
# Idempotent: does nothing when the lock file, this script and the outputs are unchanged.
# Fails loudly (non-zero exit, a message on stderr) when anything is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FE="$ROOT/src/andiwali/web/frontend"
OUT="$ROOT/src/andiwali/web/static/vendor"
STAMP="$OUT/.build-stamp"
FILES=(sigma.min.js graphology.umd.min.js d3-array.min.js d3-geo.min.js topojson-client.min.js countries-50m.json iso-numeric.json)

die() { echo "build-web: $*" >&2; exit 1; }

[ -f "$FE/package-lock.json" ] || die "missing $FE/package-lock.json"
# one build at a time (parallel test workers, make -j)
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/andiwali-build-web.lock"
  flock 9
fi
want="$(cat "$FE/package.json" "$FE/package-lock.json" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"

complete=1
for f in "${FILES[@]}"; do [ -s "$OUT/$f" ] || complete=0; done
if [ "$complete" = 1 ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "build-web: installing nodejs and npm (Debian packages)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js and npm (apt-get install nodejs npm)"
fi

echo "build-web: installing front-end packages from the lock file" >&2
(cd "$FE" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || die "npm ci failed in $FE"

NM="$FE/node_modules"
tmp="$(mktemp -d "$OUT.tmp.XXXXXX" 2>/dev/null || mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$NM/sigma/dist/sigma.min.js" "$tmp/" || die "sigma build missing"
cp "$NM/graphology/dist/graphology.umd.min.js" "$tmp/" || die "graphology build missing"
cp "$NM/d3-array/dist/d3-array.min.js" "$tmp/" || die "d3-array build missing"
cp "$NM/d3-geo/dist/d3-geo.min.js" "$tmp/" || die "d3-geo build missing"
cp "$NM/topojson-client/dist/topojson-client.min.js" "$tmp/" || die "topojson-client build missing"
cp "$NM/world-atlas/countries-50m.json" "$tmp/" || die "world-atlas data missing"
node -e '
  const codes = require(process.argv[1]);
  const out = {};
  for (const row of codes) out[row[0]] = row[2];
  if (Object.keys(out).length < 200) { console.error("too few ISO codes"); process.exit(1); }
  require("fs").writeFileSync(process.argv[2], JSON.stringify(out));
' "$NM/i18n-iso-countries/codes.json" "$tmp/iso-numeric.json" || die "could not build iso-numeric.json"
mkdir -p "$tmp/licenses"
for pkg in sigma graphology d3-array d3-geo topojson-client world-atlas i18n-iso-countries; do
  for lic in LICENSE LICENSE.md LICENSE.txt; do
    if [ -f "$NM/$pkg/$lic" ]; then cp "$NM/$pkg/$lic" "$tmp/licenses/$pkg-LICENSE"; break; fi
  done
done
for f in "${FILES[@]}"; do [ -s "$tmp/$f" ] || die "build produced no $f"; done
echo "$want" > "$tmp/.build-stamp"
rm -rf "$OUT"
mv "$tmp" "$OUT"
trap - EXIT
chmod 755 "$OUT"
echo "build-web: wrote $OUT" >&2
