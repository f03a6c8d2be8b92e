#!/usr/bin/env bash
# Manual check of docs/official-starter.md on the real medusajs/dtc-starter (see README.md here).
# Usage: STARTER=<dtc-starter checkout>/apps/storefront, with the recipe applied and installed,
#   flock /tmp/meum-heavy.lock integration-tests/starter/check-starter.sh
# Boots `npm run demo` (simple storefront) with the starter's origin allowed, builds the starter
# against it, starts it on :8000 and drives the journeys of drive-starter.js in Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${STARTER:?set STARTER to the apps/storefront folder of the starter}"
SHOP=http://localhost:8000
LOGS=${LOGS:-/tmp/starter-check-logs}; mkdir -p "$LOGS"
t() { date +%s; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

t0=$(t); rm -f .demo/demo.json
DEMO_STOREFRONT=simple DEMO_STOREFRONT_ORIGINS=$SHOP node scripts/demo/run.js >"$LOGS/demo.log" 2>&1 & pids+=($!)
until [ -f .demo/demo.json ]; do kill -0 "${pids[0]}" || { tail -20 "$LOGS/demo.log"; exit 1; }; sleep 1; done
echo "demo ready: $(( $(t) - t0 )) s"
export NEXT_PUBLIC_MEDUSA_BACKEND_URL=http://localhost:9110 NEXT_PUBLIC_DEFAULT_REGION=us NEXT_PUBLIC_BASE_URL=$SHOP
NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY=$(node -e "process.stdout.write(require('./.demo/demo.json').publishable_key)")
export NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY

t1=$(t); (cd "$STARTER" && npx tsc --noEmit -p .) >"$LOGS/tsc.log" 2>&1 && echo "starter tsc: ok ($(( $(t) - t1 )) s)" || { echo "starter tsc: FAILED"; tail -30 "$LOGS/tsc.log"; }
# `medusa develop` restarts when a file of this checkout changes: wait until it answers (the build reads it).
store_up() { for _ in $(seq 120); do curl -sf -o /dev/null http://localhost:9110/health && return 0; sleep 1; done; return 1; }
build() { store_up && (cd "$STARTER" && npx next build) >"$LOGS/build.log" 2>&1; }
t2=$(t); build || build || { tail -40 "$LOGS/build.log"; exit 1; }
echo "starter next build: $(( $(t) - t2 )) s"
(cd "$STARTER" && exec node node_modules/next/dist/bin/next start -p 8000) >"$LOGS/starter.log" 2>&1 & pids+=($!)
until curl -sf -o /dev/null "$SHOP/us"; do kill -0 "${pids[1]}" || { tail -20 "$LOGS/starter.log"; exit 1; }; sleep 1; done
store_up; t3=$(t); rc=0; node integration-tests/starter/drive-starter.js "${1:-}" || rc=$?
echo "journeys: $(( $(t) - t3 )) s"
exit $rc
