#!/usr/bin/env bash
# Packaging smoke test: packs every published package, installs the tarballs into a fresh project
# outside the repo (other dependencies come from the registry, as for a user), imports every
# subpath from an ESM and a CJS consumer, and runs one whole auction from each.
# publint and arethetypeswrong check the same tarballs in `npm run check:packages`.
# Usage: bash scripts/smoke-packed.sh   (SMOKE_SKIP_BUILD=1 to reuse the packages' dist/)
set -Eeuo pipefail
trap 'echo "FAIL smoke-packed: step at line $LINENO failed" >&2' ERR

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
npm_quiet=(--no-audit --no-fund --loglevel=error)
packages=(-w @outcry/core -w @outcry/redis-adapter -w @outcry/postgres-adapter -w @outcry/ws-adapter)

if [[ "${SMOKE_SKIP_BUILD:-}" != 1 ]]; then
  echo "smoke: building the packages"
  npm run build "${packages[@]}" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/outcry-smoke.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

node scripts/smoke/check-package-metadata.mjs

echo "smoke: packing into $work"
mapfile -t tarballs < <(npm pack "${packages[@]}" --pack-destination "$work" --json "${npm_quiet[@]}" |
  node -e 'for (const { filename } of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(filename)')
((${#tarballs[@]} == 4)) || { echo "smoke: FAIL: npm pack made ${#tarballs[@]} tarballs, expected 4" >&2; exit 1; }

app="$work/app"
mkdir "$app"
cp "$repo"/scripts/smoke/auction-scenario.cjs "$repo"/scripts/smoke/smoke.mjs "$repo"/scripts/smoke/smoke.cjs "$app"/
(
  cd "$app"
  npm init -y >/dev/null
  echo "smoke: installing ${tarballs[*]} and their dependencies from the registry"
  # The adapters' peers (ioredis, pg) come along: npm installs peer dependencies.
  npm install "${tarballs[@]/#/$work/}" "${npm_quiet[@]}"
  # A hang after house.stop() (a leaked timer or handle) fails as a timeout.
  timeout 60 node smoke.mjs
  timeout 60 node smoke.cjs
)

echo "PASS smoke-packed: the packages install from their tarballs; every subpath loads from ESM and CJS; a whole auction runs from each"
