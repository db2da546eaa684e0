#!/usr/bin/env bash
# The README's SageMaker Runtime walkthrough as one script: three model containers (model/server.py), sagebox
# started from seed.json (a configuration of two weighted variants, another of a variant and a shadow, both with
# data capture); an endpoint created, invoked with the AWS CLI and boto3, and updated to the shadow configuration;
# a ModelError; the capture files. Prints each command before it runs it. tests/integration/
# test_runtime_walkthrough.py runs it and checks what it prints, so that the README's walkthrough stays true.
#
#   examples/runtime/walkthrough.sh
#
# Environment:
#   SAGEBOX_BINARY   the sagebox to start (default: build/test/sagebox, else build/release/sagebox, which
#                    `scripts/run` builds)
#   SUM_V1_URL, SUM_V2_URL, SUM_V3_SHADOW_URL   containers already running for the models sum-v1, sum-v2 and
#                    sum-v3-shadow (e.g. http://127.0.0.1:9001); each one not given is started from model/server.py
#   CAPTURE_DIR      where data capture writes; kept afterwards (default: a temporary folder, removed at exit)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
pids=()

cleanup() {
  local status=$?
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ $status -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -s "$log" ] && { echo "--- last lines of $(basename "$log")" >&2; tail -n 15 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }
fail() { echo "walkthrough: $*" >&2; exit 1; }
# show COMMAND...: prints the command as one would type it (quoting the words that need it), then runs it.
show() {
  local words=() word
  for word in "$@"; do
    if [[ "$word" =~ ^[A-Za-z0-9_./:=@,+-]+$ ]]; then
      words+=("$word")
    else
      words+=("'${word//\'/\'\\\'\'}'")
    fi
  done
  printf '$ %s\n' "${words[*]}"
  "$@"
}

# start NAME COMMAND...: runs COMMAND in the background (stdout to NAME.out, stderr to NAME.log), waits for the first
# line it writes to stdout, where both the models and sagebox say which URL they listen on, prints it and keeps the
# URL (its last word) in $started_url.
start() {
  local name="$1"
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 1 300); do
    if [ "$(wc -l <"$work/$name.out")" -ge 1 ]; then
      local line
      line="$(head -n 1 "$work/$name.out")"
      echo "$line"
      started_url="${line##* }"
      return 0
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || fail "$name exited while starting"
    sleep 0.05
  done
  fail "$name did not start within 15 s"
}

binary="${SAGEBOX_BINARY:-}"
if [ -z "$binary" ]; then
  for candidate in "$root/build/test/sagebox" "$root/build/release/sagebox"; do
    if [ -x "$candidate" ]; then binary="$candidate" && break; fi
  done
fi
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
  fail "no sagebox binary: build one with scripts/run, or set SAGEBOX_BINARY"
fi

capture="${CAPTURE_DIR:-$work/capture}"
mkdir -p "$capture"

# The AWS clients talk to sagebox only; any key works in sagebox's default (lenient) mode, and a key that is not a
# 12-digit number means account 123456789012, the account of seed.json's resources.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_IGNORE_CONFIGURED_ENDPOINT_URLS

step "1. Three model containers, one per model (SageMaker's contract: GET /ping, POST /invocations)"
declare -A model_url=([sum-v1]="${SUM_V1_URL:-}" [sum-v2]="${SUM_V2_URL:-}" [sum-v3-shadow]="${SUM_V3_SHADOW_URL:-}")
backends=()
for model in sum-v1 sum-v2 sum-v3-shadow; do
  if [ -z "${model_url[$model]}" ]; then
    echo "\$ PORT=0 HOST=127.0.0.1 MODEL_VERSION=$model python3 model/server.py &"
    start "$model" env PORT=0 HOST=127.0.0.1 MODEL_VERSION="$model" python3 "$here/model/server.py"
    model_url[$model]="$started_url"
  else
    echo "$model: using the container at ${model_url[$model]}"
  fi
  backends+=(--backend "$model=${model_url[$model]}")
done

step "2. sagebox, seeded with the models and the endpoint configurations sum-config and sum-shadow-config"
echo "\$ sagebox --port 0 --seed seed.json ${backends[*]} --capture-dir $capture --random-seed 1 &"
start sagebox "$binary" --port 0 --seed "$here/seed.json" "${backends[@]}" --capture-dir "$capture" --random-seed 1
sagebox_url="$started_url"
# Both the AWS CLI and boto3 take an endpoint URL per service from the environment.
export AWS_ENDPOINT_URL_SAGEMAKER="$sagebox_url" AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME="$sagebox_url"
echo "\$ export AWS_ENDPOINT_URL_SAGEMAKER=$sagebox_url AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME=$sagebox_url"
cd "$work"

step "3. An endpoint from sum-config, with the AWS CLI"
show aws sagemaker describe-endpoint-config --endpoint-config-name sum-config --output text \
  --query 'ProductionVariants[].[VariantName, ModelName, InitialVariantWeight]'
show aws sagemaker create-endpoint --endpoint-name sums --endpoint-config-name sum-config
show aws sagemaker wait endpoint-in-service --endpoint-name sums
show aws sagemaker describe-endpoint --endpoint-name sums --query EndpointStatus

step "4. Invoke it with the AWS CLI (fileb:// sends the file's bytes as they are, in CLI v1 and v2 alike)"
printf '1,2,3\n4,5,6\n' >rows.csv
show cat rows.csv
show aws sagemaker-runtime invoke-endpoint --endpoint-name sums --content-type text/csv --accept application/json \
  --body fileb://rows.csv answer.json
show cat answer.json
echo
echo "# One variant by name:"
show aws sagemaker-runtime invoke-endpoint --endpoint-name sums --target-variant v2 --content-type text/csv \
  --body fileb://rows.csv answer.json
show cat answer.json
echo

step "5. Invoke it with boto3: 100 calls, weighted 0.8 / 0.2, and a row the model refuses"
echo "\$ python3 invoke.py sums 100"
python3 "$here/invoke.py" sums 100

step "6. A shadow test of sum-v3-shadow beside v1: update the endpoint to sum-shadow-config"
# SageMaker allows a shadow variant only beside exactly one production variant, hence a second configuration.
show aws sagemaker update-endpoint --endpoint-name sums --endpoint-config-name sum-shadow-config
show aws sagemaker wait endpoint-in-service --endpoint-name sums
show aws sagemaker describe-endpoint --endpoint-name sums --output text \
  --query '[EndpointConfigName, ProductionVariants[0].VariantName, ShadowProductionVariants[0].VariantName]'
show aws sagemaker-runtime invoke-endpoint --endpoint-name sums --content-type text/csv --body fileb://rows.csv \
  answer.json
show cat answer.json
echo
echo "# The caller got v1's answer; the shadow got a copy, and its answer goes to data capture only."

step "7. Data capture: one JSON Lines file per variant and hour, in SageMaker's layout below s3://my-bucket/capture"
# The shadow's copy is answered after the caller's answer: wait (at most 5 s) for its record.
for _ in $(seq 1 100); do
  if [ -n "$(find "$capture" -path '*/sums/shadow/*' -name '*.jsonl' -size +0 2>/dev/null)" ]; then break; fi
  sleep 0.05
done
echo "\$ cd $capture && find . -name '*.jsonl' | sort | xargs wc -l"
files="$(cd "$capture" && find . -name '*.jsonl' | sort)"
[ -n "$files" ] || fail "no capture file was written"
(cd "$capture" && xargs wc -l <<<"$files")
shadow_file="$(grep -m 1 '/sums/shadow/' <<<"$files")" || fail "no capture file of the shadow variant"
echo "\$ head -n 1 $shadow_file | python3 -m json.tool"
head -n 1 "$capture/$shadow_file" | python3 -m json.tool

step "Done: the models and sagebox stop now"
