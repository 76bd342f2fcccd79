#!/usr/bin/env bash
# Benchmarks that print tables (not part of the tests):
#   scripts/bench.sh grounding [items=100000] [queries=500]   HNSW build, recall@10 vs exact, latency
#   scripts/bench.sh recommend [requests=1000] [clients=4]     end-to-end Recommend latency through the gateway
#   scripts/bench.sh generation [run folder (absolute)] [n=40] in-process LLM generation (free / constrained, N
#                                                              candidates) and the Triton client overhead
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
what=${1:?usage: scripts/bench.sh grounding|recommend [args...]}; shift
./mvnw -B -q --no-transfer-progress -DskipTests package
case "$what" in
  grounding) main=dev.recsys.bench.GroundingBench ;;
  recommend) main=dev.recsys.bench.RecommendBench ;;
  generation) main=dev.recsys.bench.GenerationBench ;;
  *) echo "unknown bench '$what': use grounding, recommend or generation" >&2; exit 2 ;;
esac
cd e2e
exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx6g \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Drecsys.repo="$(cd .. && pwd)" -cp "target/recsys-e2e-0.1.0-SNAPSHOT.jar:target/lib/*:../generator-service/target/generator-service-0.1.0-SNAPSHOT.jar" \
  "$main" "$@"
