#!/usr/bin/env bash
# Packaging smoke test: packs @outcry/core, installs the tarball into a fresh project outside
# the repo (dependencies come from the registry, as for a user), and runs one whole auction
# from an ESM and a CJS consumer. Then publint and @arethetypeswrong/cli check the package.
# Usage: bash scripts/smoke-packed.sh   (SMOKE_SKIP_BUILD=1 to reuse packages/core/dist)
set -Eeuo pipefail
trap 'echo "FAIL smoke-packed: step at line $LINENO failed" >&2' ERR

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
npm_quiet=(--no-audit --no-fund --loglevel=error)

if [[ "${SMOKE_SKIP_BUILD:-}" != 1 ]]; then
  echo "smoke: building @outcry/core"
  npm run build -w @outcry/core >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/outcry-smoke.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

node scripts/smoke/check-package-metadata.mjs

echo "smoke: packing into $work"
tarball_name="$(npm pack -w @outcry/core --pack-destination "$work" --json "${npm_quiet[@]}" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].filename))')"
tarball="$work/$tarball_name"
[[ -f "$tarball" ]] || { echo "smoke: FAIL: npm pack produced no $tarball" >&2; exit 1; }

app="$work/app"
mkdir "$app"
cp "$repo"/scripts/smoke/auction-scenario.cjs "$repo"/scripts/smoke/smoke.mjs "$repo"/scripts/smoke/smoke.cjs "$app"/
(
  cd "$app"
  npm init -y >/dev/null
  echo "smoke: installing $tarball_name and its dependencies from the registry"
  npm install "$tarball" "${npm_quiet[@]}"
  # A hang after house.stop() (a leaked timer or handle) fails as a timeout.
  timeout 60 node smoke.mjs
  timeout 60 node smoke.cjs
)

echo "smoke: publint"
npx --yes publint@0.3 packages/core --strict
echo "smoke: @arethetypeswrong/cli"
# The main entry is dual (ESM + CJS); node10 (moduleResolution "node") is ignored, as Node 10
# is far below our engines (>= 20.19). ./testing imports vitest, which is ESM only, so it is
# offered to import only and checked with the esm-only profile.
npx --yes @arethetypeswrong/cli@0.18 "$tarball" --profile node16 --exclude-entrypoints ./testing
npx --yes @arethetypeswrong/cli@0.18 "$tarball" --profile esm-only --entrypoints ./testing

echo "PASS smoke-packed: @outcry/core installs from its tarball; ESM and CJS run a whole auction; publint and attw clean"
