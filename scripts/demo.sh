#!/usr/bin/env bash
# The main job on the embedded default: prepares the data set, trains the LLM and the sequential
# recommender (the trainer's quick profile: a small Llama-architecture base + a LoRA adapter, and
# SASRec; a few minutes on CPU), evaluates them through the served path and chooses the serving
# pipeline on validation, publishes a release (catalogue, transition counts, embedding snapshots,
# base checkpoint + adapter, SASRec, the pipeline) to a local artifact store, signed with a
# throw-away Ed25519 key the services are told to trust, starts the three (TLS on every hop with
# a throw-away CA; callers authenticated with tokens of a throw-away issuer)
# services (grounding, generator running the LLM in-process, gateway) on loopback, sends real
# Recommend calls through the gateway with the CLI, prints the recommendations and a quality
# table of the gateway's answers next to the baselines on the same test samples, then stops the
# services.
#
# Data: MovieLens-100K from $ML100K (default ../shared/datasets/ml-100k). Without it, a small
# synthetic catalogue made by the trainer. No GPU and no Triton are needed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

WORK=${DEMO_DIR:-.demo}
ML100K=${ML100K:-../shared/datasets/ml-100k}
export GATEWAY_PORT=${GATEWAY_PORT:-9080} GENERATOR_PORT=${GENERATOR_PORT:-9081} GROUNDING_PORT=${GROUNDING_PORT:-9082}
export RECSYS_BIND_HOST=127.0.0.1 GENERATOR_HOST=127.0.0.1 GROUNDING_HOST=127.0.0.1
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

echo "== build (skipping tests; scripts/test.sh runs them)"
./mvnw -B -q --no-transfer-progress -DskipTests package

rm -rf "$WORK"; mkdir -p "$WORK/logs"
export RECSYS_STORE="$PWD/$WORK/store"
trainer() { java "${JAVA_OPTS[@]}" -jar trainer/target/recsys-trainer.jar "$@"; }

echo "== prepare data"
if [ -f "$ML100K/u.data" ]; then
  DATA="$WORK/data/ml-100k"
  trainer import --format movielens --input "$ML100K" --name ml-100k --out "$DATA"
else
  echo "MovieLens-100K not found at $ML100K: using a synthetic catalogue made by the trainer instead."
  echo "(Get ml-100k.zip from https://grouplens.org/datasets/movielens/100k/ and set ML100K=<unzipped folder>.)"
  DATA="$WORK/data/synthetic"
  trainer synthetic --out "$DATA"
fi

echo "== train the LLM and the sequential model (quick profile); choose the serving pipeline on validation"
trainer train --dataset "$DATA" --out "$WORK/run" --profile quick
trainer eval --dataset "$DATA" --run "$WORK/run" --profile quick

echo "== publish a release to $RECSYS_STORE (it serves the pipeline eval chose), signed with a throw-away key"
trainer keygen --out "$WORK/keys"
export RECSYS_SIGNING_KEY="$PWD/$WORK/keys/release-signing.key" RECSYS_TRUSTED_KEYS="$PWD/$WORK/keys/release-signing.pub"
trainer publish --dataset "$DATA" --store "$RECSYS_STORE" --tenant default --channel stable --run "$WORK/run"

echo "== TLS: a throw-away CA and certificates (mutual TLS to the internal stages); callers: a throw-away"
echo "   token issuer, which the gateway trusts, granting caller 'demo' tenant 'default', and a callers' CA whose"
echo "   certificate 'caller' is granted 'default' too (a caller may show a certificate instead of a token)"
cli() { java "${JAVA_OPTS[@]}" -jar cli/target/recsys-cli.jar "$@"; }
cli dev-certs --out "$WORK/tls"
T="$PWD/$WORK/tls"
export RECSYS_TLS_CA="$T/ca.crt" RECSYS_TLS_CLIENT_CA="$T/clients-ca.crt" \
  RECSYS_TLS_CLIENT_CERT="$T/gateway-client.crt" RECSYS_TLS_CLIENT_KEY="$T/gateway-client.key" \
  RECSYS_TLS_CALLERS_CA="$T/callers-ca.crt"
export GATEWAY_MANAGEMENT_PORT=${GATEWAY_MANAGEMENT_PORT:-9180} GENERATOR_MANAGEMENT_PORT=${GENERATOR_MANAGEMENT_PORT:-9181} \
  GROUNDING_MANAGEMENT_PORT=${GROUNDING_MANAGEMENT_PORT:-9182}
cli issuer-keys --out "$WORK/issuer"
export RECSYS_JWT_PUBLIC_KEY="$PWD/$WORK/issuer/issuer.pub" RECSYS_JWT_ISSUER=recsys-demo
RECSYS_TOKEN=$(cli token --key "$WORK/issuer/issuer.key" --issuer recsys-demo --subject demo)
export RECSYS_TOKEN

echo "== start grounding :$GROUNDING_PORT, generator :$GENERATOR_PORT, gateway :$GATEWAY_PORT"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
for svc in grounding generator gateway; do
  module=$svc; [ "$svc" = gateway ] || module=$svc-service
  RECSYS_TLS_CERT="$T/$svc.crt" RECSYS_TLS_KEY="$T/$svc.key" java "${JAVA_OPTS[@]}" -Xmx768m \
    -Drecsys.gateway.auth.grants.demo=default '-Drecsys.gateway.auth.grants."cert:caller"=default' -jar "$module/target/quarkus-app/quarkus-run.jar" \
    > "$WORK/logs/$module.log" 2>&1 &
  PIDS+=($!)
done
# health is on each service's management port (plain HTTP); gRPC is TLS only
for port in $GROUNDING_MANAGEMENT_PORT $GENERATOR_MANAGEMENT_PORT $GATEWAY_MANAGEMENT_PORT; do
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port/q/health/ready" > /dev/null && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$port/q/health/ready" > /dev/null \
    || { echo "service on :$port not ready; logs in $WORK/logs" >&2; exit 1; }
done

echo "== Recommend calls through the gateway (histories of the test split; '<-' marks the real next item)"
cli recommend --target "127.0.0.1:$GATEWAY_PORT" \
  --samples "$DATA/splits/bigrec/test.jsonl" --count 3 -k 10
echo "== the same first history, the caller authenticated by its client certificate instead of a token"
cli recommend --target "127.0.0.1:$GATEWAY_PORT" --token "" --cert "$T/caller.crt" --key "$T/caller.key" \
  --samples "$DATA/splits/bigrec/test.jsonl" --count 1 -k 5

echo "== quality of the served answers: ${QUALITY_SAMPLES:=1000} test samples through the gateway vs the baselines"
java "${JAVA_OPTS[@]}" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "e2e/target/recsys-e2e-0.1.0-SNAPSHOT.jar:e2e/target/lib/*" dev.recsys.bench.QualityBench \
  --gateway "127.0.0.1:$GATEWAY_PORT" --dataset "$DATA" --store "$RECSYS_STORE" --samples "$QUALITY_SAMPLES"
echo "== done; service logs in $WORK/logs"
