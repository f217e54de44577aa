#!/usr/bin/env bash
# `wrangler types --check` ignores the flags the file was generated with, so regenerate into a
# scratch file and compare bodies (the first two lines carry the generator command and its hash).
# The scratch file sits beside worker-configuration.d.ts: wrangler writes the `mainModule` import
# relative to the output file, so a file in a subfolder would always differ.
set -euo pipefail
tmp=$(mktemp .tmp-worker-configuration.XXXXXX)
trap 'rm -f "$tmp" "$tmp.d.ts"' EXIT
npx wrangler types "$tmp.d.ts" --strict-vars=false --env-file .dev.vars.example >/dev/null
if ! diff -q <(sed 1,2d worker-configuration.d.ts) <(sed 1,2d "$tmp.d.ts") >/dev/null; then
  echo "worker-configuration.d.ts is out of date: run npm run cf-typegen" >&2
  exit 1
fi
echo "worker types up to date"
