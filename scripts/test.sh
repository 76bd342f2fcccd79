#!/usr/bin/env bash
# Runs every test: unit tests of each module, then the end-to-end tests that start the three
# services as processes. Needs only a JDK 21+ (found automatically) and network access to
# Maven Central the first time. Tests that need ../shared/datasets/ml-100k skip without it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
exec ./mvnw -B --no-transfer-progress verify "$@"
