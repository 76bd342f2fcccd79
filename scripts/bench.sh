#!/usr/bin/env bash
# Benchmarks that print tables (not part of the tests):
#   scripts/bench.sh grounding [items=100000] [queries=500]   HNSW build, recall@10 vs exact, latency
#   scripts/bench.sh recommend [requests=1000] [clients=4]     end-to-end Recommend latency through the gateway
#   scripts/bench.sh generation [run folder] [n=40]           in-process LLM generation (free / constrained, N
#                                                              candidates) and the Triton client overhead
#   scripts/bench.sh quality --dataset D --store S [--gateway host:port] [--samples 1000] [--seed 0] [--tenant T]
#                                                              quality of the gateway's answers vs baselines, same samples
set -euo pipefail
CALLER=$PWD # paths given to a bench are relative to where it was started
cd "$(dirname "$0")/.."
REPO=$PWD
. scripts/env.sh
what=${1:?usage: scripts/bench.sh grounding|recommend|generation|quality [args...]}; shift
./mvnw -B -q --no-transfer-progress -DskipTests package
case "$what" in
  grounding) main=dev.recsys.bench.GroundingBench ;;
  recommend) main=dev.recsys.bench.RecommendBench ;;
  generation) main=dev.recsys.bench.GenerationBench ;;
  quality) main=dev.recsys.bench.QualityBench ;;
  *) echo "unknown bench '$what': use grounding, recommend, generation or quality" >&2; exit 2 ;;
esac
cd "$CALLER"
exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx6g \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Drecsys.repo="$REPO" \
  -cp "$REPO/e2e/target/recsys-e2e-0.1.0-SNAPSHOT.jar:$REPO/e2e/target/lib/*:$REPO/generator-service/target/generator-service-0.1.0-SNAPSHOT.jar" \
  "$main" "$@"
