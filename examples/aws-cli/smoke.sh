#!/usr/bin/env bash
# What a compose-based test suite does: wait for sagebox to be healthy (compose does that), then call SageMaker
# through the unchanged AWS CLI and fail loudly when an answer is not what AWS would give.
set -euo pipefail
# Debian 12's AWS CLI (2.9) predates AWS_ENDPOINT_URL_SAGEMAKER, hence --endpoint-url on every call.
endpoint="${SAGEBOX_ENDPOINT:-http://sagebox:8080}"
sm() { aws --endpoint-url "$endpoint" sagemaker "$@"; }
expect() {  # expect <what> <actual> <wanted>
  if [ "$2" != "$3" ]; then echo "smoke: $1: got '$2', wanted '$3'" >&2; exit 1; fi
  echo "smoke: $1: ok"
}
suffix="$(date +%s%N)"
model="compose-model-$suffix"
config="compose-config-$suffix"

sm create-model --model-name "$model" --execution-role-arn arn:aws:iam::123456789012:role/sagemaker \
  --primary-container Image=123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest >/dev/null
arn="$(sm create-endpoint-config --endpoint-config-name "$config" --query EndpointConfigArn --output text \
  --production-variants "VariantName=v1,ModelName=$model,InitialInstanceCount=1,InstanceType=ml.m5.large")"
expect "create-endpoint-config ARN" "$arn" \
  "arn:aws:sagemaker:${AWS_DEFAULT_REGION}:123456789012:endpoint-config/$config"

expect "describe echoes the variant" \
  "$(sm describe-endpoint-config --endpoint-config-name "$config" --output text \
      --query 'ProductionVariants[0].[VariantName,ModelName,InstanceType,InitialVariantWeight]')" \
  "$(printf 'v1\t%s\tml.m5.large\t1.0' "$model")"

if duplicate="$(sm create-endpoint-config --endpoint-config-name "$config" \
      --production-variants "VariantName=v1,ModelName=$model,InitialInstanceCount=1,InstanceType=ml.m5.large" 2>&1)"; then
  echo "smoke: a duplicate create-endpoint-config succeeded" >&2; exit 1
fi
expect "duplicate create is refused as AWS refuses it" "$(printf '%s' "$duplicate" | tr -d '\n')" \
  "An error occurred (ValidationException) when calling the CreateEndpointConfig operation: Cannot create already existing endpoint configuration \"$arn\"."

expect "list-endpoint-configs finds it" \
  "$(sm list-endpoint-configs --name-contains "$suffix" --query 'EndpointConfigs[].EndpointConfigName' --output text)" \
  "$config"
echo "smoke: all checks passed against $endpoint"
