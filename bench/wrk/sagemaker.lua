-- SageMaker requests for wrk, the same bytes for sagebox, moto and the nginx floor. After "--":
--   describe N          DescribeEndpointConfig of a random one of bench-config-000000 .. N-1
--   list                ListEndpointConfigs, MaxResults 10
--   create PREFIX       CreateEndpointConfig, a new name each time (PREFIX-<thread>-<n>)
--   mixed N PREFIX      70% describe N, 20% list, 10% create
--   describe-endpoint N DescribeEndpoint of a random one of bench-endpoint-000000 .. N-1
--   list-endpoints      ListEndpoints, MaxResults 10
--   invoke PATH         POST PATH with a small JSON body, as InvokeEndpoint sends it (the runtime's REST route
--                       /endpoints/NAME/invocations, or a container's /invocations called directly)
-- done() prints one line, "BENCH {json}", that scripts/bench reads.

-- A fixed SigV4 header: sagebox's default (lenient) mode and moto accept any signature, and moto routes by the
-- service in its credential scope.
local headers = {
  ["Content-Type"] = "application/x-amz-json-1.1",
  ["X-Amz-Date"] = "20261126T000000Z",
  ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK/20261126/us-east-1/sagemaker/aws4_request, " ..
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, " ..
    "Signature=0000000000000000000000000000000000000000000000000000000000000000",
}

local function call(operation, body)
  headers["X-Amz-Target"] = "SageMaker." .. operation
  return wrk.format("POST", "/", headers, body)
end

local function config_name(i) return string.format("bench-config-%06d", i) end
local function endpoint_name(i) return string.format("bench-endpoint-%06d", i) end

local function create_body(name)
  return '{"EndpointConfigName":"' .. name .. '","ProductionVariants":[{"VariantName":"v1","ModelName":"bench-model",' ..
    '"InitialInstanceCount":1,"InstanceType":"ml.m5.large"}],"Tags":[{"Key":"team","Value":"bench"}]}'
end

-- InvokeEndpoint's request: the same bytes whether sagebox or the container gets them.
local function invoke_request(path)
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["X-Amz-Date"] = headers["X-Amz-Date"],
    ["Authorization"] = headers["Authorization"],
  }, '{"instances":[[1.5,2.5,3.5,4.5]]}')
end

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local mode, count, prefix, list_request, invoke, sent

function init(args)
  mode = args[1]
  sent = 0
  math.randomseed(1000 + id)
  list_request = call(mode == "list-endpoints" and "ListEndpoints" or "ListEndpointConfigs", '{"MaxResults":10}')
  if mode == "describe" or mode == "mixed" or mode == "describe-endpoint" then count = tonumber(args[2]) end
  if mode == "create" then prefix = args[2] end
  if mode == "mixed" then prefix = args[3] end
  if mode == "invoke" then invoke = invoke_request(args[2]) end
end

local function describe()
  local name = config_name(math.random(0, count - 1))
  return call("DescribeEndpointConfig", '{"EndpointConfigName":"' .. name .. '"}')
end

local function create()
  sent = sent + 1
  return call("CreateEndpointConfig", create_body(string.format("%s-%d-%d", prefix, id, sent)))
end

local function describe_endpoint()
  local name = endpoint_name(math.random(0, count - 1))
  return call("DescribeEndpoint", '{"EndpointName":"' .. name .. '"}')
end

function request()
  if mode == "describe" then return describe() end
  if mode == "describe-endpoint" then return describe_endpoint() end
  if mode == "list" or mode == "list-endpoints" then return list_request end
  if mode == "invoke" then return invoke end
  if mode == "create" then return create() end
  local roll = math.random(100)  -- mixed
  if roll <= 70 then return describe() end
  if roll <= 90 then return list_request end
  return create()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
