#!/usr/bin/env bash
# `npm audit --omit=dev --audit-level=high`, for CI. A high or critical advisory on a production
# dependency fails the run. When the registry has no advisory endpoint (this machine's registry
# answers the audit POST with 405), nothing can be audited: that is said loudly and, unless
# AUDIT_REQUIRED=1, does not fail the run, since it says nothing about the dependencies.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(npm audit --omit=dev --audit-level=high --json 2>/dev/null)
status=$?
if [ $status -eq 0 ]; then
  echo "npm audit: no high or critical advisory in production dependencies"
  exit 0
fi
if printf '%s' "$report" | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); process.exit(r.vulnerabilities ? 0 : 1)'; then
  npm audit --omit=dev --audit-level=high
  exit 1
fi
echo "npm audit: NOT AUDITED, the registry's advisory endpoint failed: $(printf '%s' "$report" | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.message ?? "unknown error")')" >&2
[ "${AUDIT_REQUIRED:-0}" = 1 ] && exit 1
exit 0
