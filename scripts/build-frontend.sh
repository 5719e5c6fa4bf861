#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend in static/govuk-frontend/ from npm.
#
#   bash scripts/build-frontend.sh
#
# Needs node + npm and access to the npm registry. Only a developer upgrading
# GOV.UK Frontend needs this: the built files are committed, so setting up
# the Django app needs no npm.
#
# Versions are pinned in frontend/package.json (and frontend/package-lock.json
# when present). To upgrade, change the pins, run this script, review the diff
# of static/govuk-frontend/ and the checks printed at the end.
#
# Produces:
#   static/govuk-frontend/govuk-frontend.min.css  compiled from frontend/wsoa-govuk.scss
#                                                 (Arial, assets under /static/govuk-frontend/assets/)
#   static/govuk-frontend/govuk-frontend.min.js   ES module bundle, sourceMappingURL stripped
#   static/govuk-frontend/assets/images/...       only the images listed in IMAGES below
#                                                 (none: GOV.UK's images are all GOV.UK-branded)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRONTEND="$ROOT/frontend"
OUT="$ROOT/static/govuk-frontend"
PKG="$FRONTEND/node_modules/govuk-frontend/dist/govuk"

# Images from govuk-frontend/dist/govuk/assets/images/ to ship. Keep this in
# step with frontend/_wsoa-assets.scss. Never add GOV.UK-branded files
# (favicon.ico, favicon.svg, govuk-icon-*.png, govuk-icon-mask.svg,
# govuk-crest.svg, govuk-opengraph-image.png): this is not a GOV.UK service.
IMAGES=()

die() { echo "build-frontend: $*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed"
command -v npm >/dev/null || die "npm is not installed"

cd "$FRONTEND"

echo "==> Installing pinned packages in frontend/"
# --ignore-scripts: nothing here needs an install script (sass is plain JS;
# its optional file-watcher dependency is only used by `sass --watch`).
if [[ -f package-lock.json ]]; then
  npm ci --ignore-scripts --no-audit --no-fund
else
  npm install --ignore-scripts --no-audit --no-fund --save-exact \
    --omit-lockfile-registry-resolved
fi

installed="$(node -p 'require("govuk-frontend/package.json").version')"
wanted="$(node -p 'require("./package.json").devDependencies["govuk-frontend"]')"
[[ "$installed" == "$wanted" ]] || die "govuk-frontend $installed installed, $wanted pinned"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "==> Compiling frontend/wsoa-govuk.scss (govuk-frontend $installed)"
npx --no-install sass --load-path=node_modules --style=compressed \
  --no-source-map --quiet-deps wsoa-govuk.scss "$tmp/govuk-frontend.min.css"

echo "==> Copying the JavaScript module bundle"
# Drop the trailing `//# sourceMappingURL=...` comment: the .map is not
# shipped, and a reference to a missing file makes collectstatic fail with
# ManifestStaticFilesStorage.
sed -E 's#//[#@] sourceMappingURL=[^[:space:]]*##' \
  "$PKG/govuk-frontend.min.js" > "$tmp/govuk-frontend.min.js"

echo "==> Writing static/govuk-frontend/"
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$tmp/govuk-frontend.min.css" "$tmp/govuk-frontend.min.js" "$OUT/"
if ((${#IMAGES[@]})); then
  mkdir -p "$OUT/assets/images"
  for image in "${IMAGES[@]}"; do
    cp "$PKG/assets/images/$image" "$OUT/assets/images/"
  done
fi
cat > "$OUT/README.md" <<EOF
# GOV.UK Frontend $installed (vendored, built)

Built by \`scripts/build-frontend.sh\` from the \`govuk-frontend\` npm package
(MIT License, Copyright (c) Crown Copyright (Government Digital Service))
with \`frontend/wsoa-govuk.scss\`: Arial instead of GDS Transport, and no
GOV.UK-branded images. Do not edit by hand.
EOF

echo "==> Checking the output"
css="$OUT/govuk-frontend.min.css"
js="$OUT/govuk-frontend.min.js"
! grep -q 'sourceMappingURL' "$css" "$js" || die "a sourceMappingURL is left in the output"
! grep -qi 'GDS Transport\|@font-face' "$css" || die "the CSS still references the GDS Transport font"
# Every url() in the CSS (except data: URIs) must be a file we ship.
status=0
while IFS= read -r url; do
  case "$url" in
    data:*) continue ;;
    /static/*) [[ -f "$ROOT/static/${url#/static/}" ]] && continue ;;
  esac
  echo "build-frontend: the CSS references $url, which is not shipped" >&2
  status=1
done < <(grep -o 'url([^)]*)' "$css" | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | sort -u)
((status == 0)) || exit 1

echo "==> Done"
(cd "$ROOT" && find static/govuk-frontend -type f -exec ls -l {} +)
echo "url() references in the CSS: $(grep -o 'url([^)]*)' "$css" | wc -l)"
