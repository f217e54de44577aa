#!/usr/bin/env bash
# `wrangler types --check` ignores the flags the file was generated with, so regenerate into a
# scratch file and compare bodies (the first line carries the generator command).
set -euo pipefail
tmp=$(mktemp -d .tmp-types.XXXX)
trap 'rm -rf "$tmp"' EXIT
npx wrangler types "$tmp/worker-configuration.d.ts" --strict-vars=false --env-file .dev.vars.example >/dev/null
if ! diff -q <(sed 1,2d worker-configuration.d.ts) <(sed 1,2d "$tmp/worker-configuration.d.ts") >/dev/null; then
  echo "worker-configuration.d.ts is out of date: run npm run cf-typegen" >&2
  exit 1
fi
echo "worker types up to date"
