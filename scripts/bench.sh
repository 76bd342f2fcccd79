#!/usr/bin/env bash
# Benchmarks that print tables (not part of the tests):
#   scripts/bench.sh grounding [items=100000] [queries=500]   HNSW build, recall@10 vs exact, latency
#   scripts/bench.sh recommend [requests=1000] [clients=4]     end-to-end Recommend latency through the gateway
#   scripts/bench.sh first-request [stacks=5]                  the first and second Recommend after a start, the
#                                                              gateway's warm-up on and off (fresh stacks each)
#   scripts/bench.sh generation [run folder] [n=40] [mode]    in-process LLM generation (free / constrained, N
#                                                              candidates) and the Triton client overhead; one table
#                                                              only with mode batching|openloop [rates]|prefix|merge|forced
#   scripts/bench.sh quality --dataset D --store S [--gateway host:port] [--samples 1000] [--seed 0] [--tenant T]
#                            [--concurrency 1] [--generator-deadline-ms MS] [--out quality.json]
#                                                              quality of the gateway's answers vs baselines, same samples,
#                                                              with the paired standard error of each comparison
#   scripts/bench.sh decode [checkpoint folder|-] [cache=190] [steps=20]
#                                                              one decoding step split into its weight products and
#                                                              the rest (- = the pretrained SmolLM2-135M base)
#   scripts/bench.sh hf --run R --dataset D [--prompts 8] [--repeats 3] [--max-new-tokens 24]
#                                                              the run's base + adapter in Hugging Face transformers + peft:
#                                                              greedy tokens equal to the in-process model's, and
#                                                              generate() latency next to the in-process generator's
#   scripts/bench.sh lora --dataset D [--steps 4] [--threads 1] [--rounds 1]
#                                                              the trainer's LoRA phase on SmolLM2-135M against peft on
#                                                              the same batches: tokens/s per step, first losses equal;
#                                                              several rounds: each side's median over all of them
set -euo pipefail
CALLER=$PWD # paths given to a bench are relative to where it was started
cd "$(dirname "$0")/.."
REPO=$PWD
. scripts/env.sh
what=${1:?usage: scripts/bench.sh grounding|recommend|first-request|generation|quality|llamacpp|decode|hf|lora [args...]}; shift
./mvnw -B -q --no-transfer-progress -DskipTests package
# the peers' own environment, pinned and cached (PyPI only; about 3 GB with torch's CUDA libraries)
hf_venv() {
  venv=.cache/hf-venv
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch, transformers, peft" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check torch==2.7.1 transformers==4.53.2 peft==0.16.0 \
      || { echo "could not install torch/transformers/peft from PyPI into $venv" >&2; exit 1; }
  fi
}
if [ "$what" = lora ]; then
  data="" steps=4 threads=1 rounds=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --dataset) data=$(cd "$CALLER" && realpath "$2"); shift 2 ;;
      --steps) steps=$2; shift 2 ;;
      --threads) threads=$2; shift 2 ;;
      --rounds) rounds=$2; shift 2 ;;
      *) echo "unknown option '$1' (lora takes --dataset D [--steps N] [--threads N] [--rounds N])" >&2; exit 2 ;;
    esac
  done
  [ -n "$data" ] || { echo "lora needs --dataset <dataset folder> (what 'recsys-trainer import' writes)" >&2; exit 2; }
  [ "$rounds" -ge 1 ] 2>/dev/null || { echo "--rounds must be a whole number >= 1, was '$rounds'" >&2; exit 2; }
  bash scripts/fetch-base.sh >&2
  hf_venv
  results=$(mktemp --suffix=.jsonl)
  for round in $(seq 1 "$rounds"); do
    [ "$rounds" -eq 1 ] || echo "== round $round of $rounds" >&2
    dump=$(mktemp --suffix=.json)
    java --enable-native-access=ALL-UNNAMED -Xmx6g -Drecsys.repo="$REPO" \
      -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
      -cp "$REPO/e2e/target/recsys-e2e-0.1.0-SNAPSHOT.jar:$REPO/e2e/target/lib/*" \
      dev.recsys.bench.LoraTrainBench "$data" "$steps" "$threads" "$dump" 2> >(grep -v INFO >&2)
    "$venv/bin/python" scripts/hf_lora_peer.py "$dump" --results "$results" || exit $?
    rm -f "$dump"
  done
  [ "$rounds" -eq 1 ] || "$venv/bin/python" scripts/hf_lora_peer.py --summary "$results"
  rm -f "$results"
  exit 0
fi
if [ "$what" = hf ]; then
  run="" data="" prompts=8 repeats=3 maxnew=24
  while [ $# -gt 0 ]; do
    case "$1" in
      --run) run=$(cd "$CALLER" && realpath "$2"); shift 2 ;;
      --dataset) data=$(cd "$CALLER" && realpath "$2"); shift 2 ;;
      --prompts) prompts=$2; shift 2 ;;
      --repeats) repeats=$2; shift 2 ;;
      --max-new-tokens) maxnew=$2; shift 2 ;;
      *) echo "unknown option '$1' (hf takes --run R --dataset D [--prompts N] [--repeats N] [--max-new-tokens N])" >&2
         exit 2 ;;
    esac
  done
  [ -n "$run" ] && [ -n "$data" ] || { echo "hf needs --run <run folder> and --dataset <dataset folder>" >&2; exit 2; }
  hf_venv
  dump=$(mktemp --suffix=.json)
  java --enable-native-access=ALL-UNNAMED -Xmx6g -Drecsys.repo="$REPO" \
    -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "$REPO/e2e/target/recsys-e2e-0.1.0-SNAPSHOT.jar:$REPO/e2e/target/lib/*" \
    dev.recsys.bench.HfPeerDump "$run" "$data" "$prompts" "$repeats" "$maxnew" "$dump" 2> >(grep -v INFO >&2)
  exec "$venv/bin/python" scripts/hf_peer.py "$run" "$dump"
fi
case "$what" in
  grounding) main=dev.recsys.bench.GroundingBench ;;
  recommend) main=dev.recsys.bench.RecommendBench ;;
  first-request) main=dev.recsys.bench.FirstRequestBench ;;
  generation) main=dev.recsys.bench.GenerationBench ;;
  quality) main=dev.recsys.bench.QualityBench ;;
  llamacpp) bash scripts/fetch-base.sh >&2; main=dev.recsys.bench.LlamaCppBench ;;
  decode) bash scripts/fetch-base.sh >&2; main=dev.recsys.bench.DecodeStepBench ;;
  *) echo "unknown bench '$what': use grounding, recommend, first-request, generation, quality, llamacpp, decode, hf or lora" >&2; exit 2 ;;
esac
cd "$CALLER"
exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx6g \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Drecsys.repo="$REPO" \
  -cp "$REPO/e2e/target/recsys-e2e-0.1.0-SNAPSHOT.jar:$REPO/e2e/target/lib/*:$REPO/generator-service/target/generator-service-0.1.0-SNAPSHOT.jar" \
  "$main" "$@"
