#!/usr/bin/env bash
# One command: start the stack on loopback, run a ghz scenario against the gateway's Recommend,
# write the ghz report (JSON + HTML) and print a summary row (RPS, p50/p95/p99, errors by status).
#
#   loadtest/run.sh steady|step|soak|hot-reload [--llm-run DIR [--pipeline KIND]]
#
#   steady      fixed 40 req/s for 60 s (LOADTEST_RPS sets the rate), 8 workers (LOADTEST_CONCURRENCY sets them: calls slower than
#               8/40 s need more to keep the rate)
#   step        open loop from 10 to 200 req/s in steps of 10 every 10 s (finds saturation;
#               with --llm-run 1 to 20 req/s in steps of 1; LOADTEST_STEP="start step end" sets them)
#   soak        fixed 30 req/s for $SOAK_DURATION (default 10m)
#   hot-reload  steady load for 90 s while two new releases are published (at 20 s and 50 s);
#               every request must succeed
#
# --llm-run DIR publishes a trained run (recsys-trainer train/eval) so that the generator serves
# the fine-tuned LLM in-process; without it the release has the transition baseline only.
# --pipeline KIND serves the run's best pipeline of that kind (bigrec, d3, llm-rerank, ...; see
# `recsys-trainer publish --pipeline`) instead of the one its evaluation chose, e.g. to load the
# LLM path with a run whose winner does not use the LLM.
# LOADTEST_WARM_RPS sets the warm-up rate (4 req/s with --llm-run, else 40); LOADTEST_JAVA_OPTS adds
# settings to the three services (e.g. -Drecsys.gateway.generator-deadline=10s for a 135M model,
# whose generation takes longer than the default 1.5 s deadline).
# Everything targets 127.0.0.1; every loop is bounded in time. Reports go to loadtest/reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/env.sh
scenario=${1:?usage: loadtest/run.sh steady|step|soak|hot-reload [--llm-run DIR]}; shift
LLM_RUN=""
if [ "${1:-}" = "--llm-run" ]; then LLM_RUN=$(cd "${2:?--llm-run needs a folder}" && pwd); shift 2; fi
PIPELINE=()
if [ "${1:-}" = "--pipeline" ]; then
  [ -n "$LLM_RUN" ] || { echo "--pipeline needs --llm-run DIR before it" >&2; exit 2; }
  PIPELINE=(--pipeline "${2:?--pipeline needs a kind}"); shift 2
fi
[ $# -eq 0 ] || { echo "unknown arguments: $* (usage: loadtest/run.sh SCENARIO [--llm-run DIR [--pipeline KIND]])" >&2; exit 2; }
case "$scenario" in steady|step|soak|hot-reload) ;; *) echo "unknown scenario '$scenario'" >&2; exit 2 ;; esac

TOOLS=$ROOT/loadtest/.tools; WORK=$ROOT/loadtest/.work; REPORTS=$ROOT/loadtest/reports
mkdir -p "$TOOLS/bin" "$REPORTS"
if [ ! -x "$TOOLS/bin/ghz" ]; then
  echo "== installing ghz"; GOBIN="$TOOLS/bin" go install github.com/bojand/ghz/cmd/ghz@v0.120.0
fi
if [ ! -f gateway/target/quarkus-app/quarkus-run.jar ] || [ ! -f trainer/target/recsys-trainer.jar ] \
    || [ ! -f cli/target/recsys-cli.jar ]; then
  echo "== build"; ./mvnw -B -q --no-transfer-progress -DskipTests package
fi
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
trainer() { java "${JAVA_OPTS[@]}" -jar trainer/target/recsys-trainer.jar "$@"; }

rm -rf "$WORK"; mkdir -p "$WORK/logs"
ML100K=${ML100K:-../shared/datasets/ml-100k}
if [ -f "$ML100K/u.data" ]; then
  DATA=$WORK/data/ml-100k; trainer import --format movielens --input "$ML100K" --name ml-100k --out "$DATA" > /dev/null
else
  DATA=$WORK/data/synthetic; trainer synthetic --out "$DATA" > /dev/null
fi
python3 loadtest/make_requests.py "$DATA/splits/bigrec/test.jsonl" "$WORK/requests.json" --count 500
# Releases are signed with a throw-away key, which the services trust.
trainer keygen --out "$WORK/keys" > /dev/null
export RECSYS_SIGNING_KEY=$WORK/keys/release-signing.key RECSYS_TRUSTED_KEYS=$WORK/keys/release-signing.pub
publish() {
  if [ -n "$LLM_RUN" ]; then
    trainer publish --dataset "$DATA" --store "$WORK/store" --tenant default --channel stable --run "$LLM_RUN" \
      ${PIPELINE[@]+"${PIPELINE[@]}"} --force
  else
    trainer publish --dataset "$DATA" --store "$WORK/store" --tenant default --channel stable
  fi
}
echo "== publish"; publish 2>/dev/null

export RECSYS_STORE=$WORK/store RECSYS_BIND_HOST=127.0.0.1 GENERATOR_HOST=127.0.0.1 GROUNDING_HOST=127.0.0.1
export GATEWAY_PORT=${GATEWAY_PORT:-19080} GENERATOR_PORT=${GENERATOR_PORT:-19081} GROUNDING_PORT=${GROUNDING_PORT:-19082}
# Callers: a throw-away token issuer; the gateway grants caller 'loadtest' every tenant. The
# tenant quota is raised out of the way: this measures the stages' capacity, not the quota.
cli() { java "${JAVA_OPTS[@]}" -jar cli/target/recsys-cli.jar "$@"; }
cli issuer-keys --out "$WORK/issuer" > /dev/null
# TLS on every hop, with a throw-away CA; health on the management ports
cli dev-certs --out "$WORK/tls" > /dev/null
T=$WORK/tls
export RECSYS_TLS_CA=$T/ca.crt RECSYS_TLS_CLIENT_CA=$T/clients-ca.crt RECSYS_TLS_CLIENT_CERT=$T/gateway-client.crt \
  RECSYS_TLS_CLIENT_KEY=$T/gateway-client.key
export GATEWAY_MANAGEMENT_PORT=${GATEWAY_MANAGEMENT_PORT:-19180} GENERATOR_MANAGEMENT_PORT=${GENERATOR_MANAGEMENT_PORT:-19181} \
  GROUNDING_MANAGEMENT_PORT=${GROUNDING_MANAGEMENT_PORT:-19182}
export RECSYS_JWT_PUBLIC_KEY=$WORK/issuer/issuer.pub RECSYS_JWT_ISSUER=recsys-loadtest
TOKEN=$(cli token --key "$WORK/issuer/issuer.key" --issuer recsys-loadtest --subject loadtest --ttl PT2H)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
for svc in grounding generator gateway; do
  module=$svc; [ "$svc" = gateway ] || module=$svc-service
  # shellcheck disable=SC2086 # LOADTEST_JAVA_OPTS: extra settings for the services, e.g. a longer generator deadline
  RECSYS_TLS_CERT=$T/$svc.crt RECSYS_TLS_KEY=$T/$svc.key java "${JAVA_OPTS[@]}" ${LOADTEST_JAVA_OPTS:-} -Xmx1g -Drecsys.gateway.auth.grants.loadtest='*' -Drecsys.gateway.quotas.rate=100000 \
    -Drecsys.gateway.quotas.burst=100000 -Drecsys.gateway.store.poll-interval=1s -Drecsys.generator.store.poll-interval=1s \
    -Drecsys.grounding.store.poll-interval=1s -jar "$module/target/quarkus-app/quarkus-run.jar" > "$WORK/logs/$module.log" 2>&1 &
  PIDS+=($!)
done
for port in $GROUNDING_MANAGEMENT_PORT $GENERATOR_MANAGEMENT_PORT $GATEWAY_MANAGEMENT_PORT; do
  for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/q/health/ready" > /dev/null && break; sleep 0.5; done
  curl -fs "http://127.0.0.1:$port/q/health/ready" > /dev/null || { echo "service on :$port not ready ($WORK/logs)" >&2; exit 1; }
done

ghz_run() {
  "$TOOLS/bin/ghz" --cacert "$T/ca.crt" --proto proto/src/main/proto/recsys/recommend/v1/recommend.proto \
    --import-paths proto/src/main/proto --call recsys.recommend.v1.RecommendService/Recommend \
    --data-file "$WORK/requests.json" --metadata "{\"authorization\":\"Bearer $TOKEN\"}" --timeout 10s --connections 4 --duration-stop wait -O json -o "$REPORT" "$@" \
    "127.0.0.1:$GATEWAY_PORT"
}
# The in-process LLM costs ~100x the baseline's CPU per call: its rates are 10x lower.
if [ -n "$LLM_RUN" ]; then WARM_RPS=4; STEP="1 1 20"; else WARM_RPS=40; STEP="10 10 200"; fi
WARM_RPS=${LOADTEST_WARM_RPS:-$WARM_RPS}
STEP=${LOADTEST_STEP:-$STEP} # "start step end" in req/s, e.g. LOADTEST_STEP="5 5 60"
echo "== warm-up (45 s at $WARM_RPS req/s, not reported: lets the JIT compile the hot paths)"
REPORT=$WORK/warmup.json ghz_run --concurrency 8 --rps "$WARM_RPS" --duration 45s > /dev/null || true

stamp=$(date -u +%Y%m%dT%H%M%SZ)
name=$scenario${LLM_RUN:+-llm}
REPORT=$REPORTS/$name-$stamp.json
echo "== $scenario"
named_pids() { echo grounding="${PIDS[0]}" generator="${PIDS[1]}" gateway="${PIDS[2]}"; }
# shellcheck disable=SC2046
python3 loadtest/cpu_cost.py snap "$WORK/cpu-before.json" $(named_pids)
case "$scenario" in
  steady) ghz_run --concurrency "${LOADTEST_CONCURRENCY:-8}" --rps "${LOADTEST_RPS:-40}" --duration 60s ;;
  step) read -r start step end <<< "$STEP"
        ghz_run --concurrency 64 --load-schedule step --load-start "$start" --load-step "$step" \
          --load-step-duration 10s --load-end "$end" --duration 200s ;;
  soak) ghz_run --concurrency 8 --rps 30 --duration "${SOAK_DURATION:-10m}" ;;
  hot-reload)
    ( sleep 20; echo "   publishing a new release"; publish > /dev/null 2>&1
      sleep 30; echo "   publishing a new release"; publish > /dev/null 2>&1 ) &
    publisher=$!
    ghz_run --concurrency 8 --rps 30 --duration 90s
    wait "$publisher"
    echo "   releases: $(ls "$WORK/store/tenants/default/releases" | wc -l), serving $(cat "$WORK/store/tenants/default/channels/stable")"
    ;;
esac
# shellcheck disable=SC2046
python3 loadtest/cpu_cost.py snap "$WORK/cpu-after.json" $(named_pids)
python3 loadtest/summarize.py "$REPORT" "$name" --html "${REPORT%.json}.html" --header \
  $([ "$scenario" = step ] && echo --windows 10) | tee "$WORK/summary.md"
# What ghz cannot see: answers the gateway served from a fallback (status OK, degraded=true),
# and how each internal stage answered.
python3 loadtest/cpu_cost.py table "$WORK/cpu-before.json" "$WORK/cpu-after.json" "$REPORT" | tee -a "$WORK/summary.md"
echo "degraded answers (gateway fallbacks, counted since start incl. warm-up):"
curl -fs "http://127.0.0.1:$GATEWAY_MANAGEMENT_PORT/q/metrics" | grep '^recsys_gateway_degraded_total' | sed 's/^/  /'
for port in $GENERATOR_MANAGEMENT_PORT $GROUNDING_MANAGEMENT_PORT; do
  curl -fs "http://127.0.0.1:$port/q/metrics" | grep '^grpc_server_processing_duration_seconds_count' \
    | sed -E 's/.*method="([^"]*)".*statusCode="([^"]*)".*\} (.*)/  \1 \2 \3/'
done
echo "report: $REPORT (and .html); machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
