"""sagebox side by side with moto and the HTTP floor (nginx answering a constant), over loopback with wrk; and the
SageMaker Runtime: InvokeEndpoint through sagebox to a container (nginx keeping SageMaker's container contract)
against the same container called directly.

Run by scripts/bench, which installs wrk and nginx-light and builds the Release binary first:
    python3 bench/http_bench.py --sagebox build/release/sagebox [--seconds 8] [--out bench/results.md]
    python3 bench/http_bench.py --sagebox build/release/sagebox --only runtime   (just the runtime's runs)
Prints the tables and writes them, with the machine and the date, to --out (a partial run only when --out is given).
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WRK_SCRIPT = os.path.join(HERE, "wrk", "sagemaker.lua")
ROOT = os.path.dirname(HERE)

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK/20261126/us-east-1/sagemaker/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
        "Signature=0000000000000000000000000000000000000000000000000000000000000000")
MODEL = {"ModelName": "bench-model", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker",
         "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest"}}
# What the container of the runtime's runs answers to every invocation.
PREDICTION = '{"predictions":[1]}'


def config_body(i):
    # The same document bench/wrk/sagemaker.lua creates.
    return {"EndpointConfigName": "bench-config-%06d" % i,
            "ProductionVariants": [{"VariantName": "v1", "ModelName": "bench-model", "InitialInstanceCount": 1,
                                    "InstanceType": "ml.m5.large"}],
            "Tags": [{"Key": "team", "Value": "bench"}]}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_bytes(operation, body):
    payload = json.dumps(body, separators=(",", ":")).encode()
    head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
            "X-Amz-Target: SageMaker.%s\r\nX-Amz-Date: 20261126T000000Z\r\nAuthorization: %s\r\n"
            "Content-Length: %d\r\n\r\n" % (operation, AUTH, len(payload)))
    return head.encode() + payload


class Pipeline:
    """One keep-alive connection sending requests in batches (HTTP/1.1 pipelining) and reading the answers."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buffer = b""

    def _response(self):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, body

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def send(self, requests):
        self.sock.sendall(b"".join(requests))
        return [self._response() for _ in requests]

    def close(self):
        self.sock.close()


def invoke_bytes(path):
    """InvokeEndpoint's request as bench/wrk/sagemaker.lua sends it (mode invoke)."""
    payload = b'{"instances":[[1.5,2.5,3.5,4.5]]}'
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
            "X-Amz-Date: 20261126T000000Z\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n" % (
                path, AUTH, len(payload)))
    return head.encode() + payload


def call(port, operation, body):
    connection = Pipeline(port)
    try:
        status, answer = connection.send([request_bytes(operation, body)])[0]
    finally:
        connection.close()
    if status != 200:
        raise RuntimeError("%s answered %d: %s" % (operation, status, answer[:300]))
    return answer


def load_configs(port, start, count, batch):
    """Creates bench-config-<start..start+count-1> through the API; returns the seconds it took."""
    call(port, "CreateModel", MODEL)
    began = time.perf_counter()
    if not batch:
        # moto's server answers one request per connection.
        for i in range(start, start + count):
            call(port, "CreateEndpointConfig", config_body(i))
        return time.perf_counter() - began
    connection = Pipeline(port)
    for first in range(start, start + count, batch):
        requests = [request_bytes("CreateEndpointConfig", config_body(i))
                    for i in range(first, min(first + batch, start + count))]
        for status, answer in connection.send(requests):
            if status != 200:
                raise RuntimeError("loading failed: %d %s" % (status, answer[:300]))
    connection.close()
    return time.perf_counter() - began


def load_endpoints(port, count, batch=64):
    """Creates bench-endpoint-<0..count-1>, each deploying bench-config-000000; returns the seconds it took."""
    began = time.perf_counter()
    connection = Pipeline(port)
    for first in range(0, count, batch):
        requests = [request_bytes("CreateEndpoint", {"EndpointName": "bench-endpoint-%06d" % i,
                                                     "EndpointConfigName": "bench-config-000000"})
                    for i in range(first, min(first + batch, count))]
        for status, answer in connection.send(requests):
            if status != 200:
                raise RuntimeError("loading endpoints failed: %d %s" % (status, answer[:300]))
    connection.close()
    return time.perf_counter() - began


def wait_until_serving(port, process, timeout=60.0, path=None, payload=None):
    """Polls, as fast as connections are refused, until a GET of `path` (or the raw request `payload`) is answered
    with 200."""
    deadline = time.perf_counter() + timeout
    probe = payload or ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode()
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited with %d while starting" % process.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(probe)
                answer = s.recv(64)
                if answer.startswith(b"HTTP/1.1 200") or answer.startswith(b"HTTP/1.0 200"):
                    return
        except OSError:
            time.sleep(0.0002)
    raise RuntimeError("the server did not answer within %.0f s" % timeout)


class Server:
    def __init__(self, command, port, log_path, health_path=None, probe=None):
        self.port = port
        self.log = open(log_path, "wb")
        started = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until_serving(port, self.process, path=health_path, payload=probe)
        self.startup_seconds = time.perf_counter() - started

    def rss_kib(self):
        with open("/proc/%d/status" % self.process.pid) as f:
            fields = dict(line.split(":", 1) for line in f)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def sagebox(binary, work, name, *flags):
    port = free_port()
    return Server([binary, "--port", str(port), "--log-level", "warn", *flags], port,
                  os.path.join(work, name + ".log"), health_path="/_sagebox/health")


def wrk(port, seconds, *script_args, connections=4):
    command = ["wrk", "-t%d" % min(2, connections), "-c%d" % connections, "-d%ds" % seconds, "--latency",
               "-s", WRK_SCRIPT, "http://127.0.0.1:%d/" % port, "--", *script_args]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(l for l in result.stdout.splitlines() if l.startswith("BENCH "))
    numbers = json.loads(line[len("BENCH "):])
    numbers["rps"] = numbers["requests"] / (numbers["duration_us"] / 1e6)
    numbers["failed"] = sum(numbers["errors"].values())
    return numbers


def median_run(runs):
    """The run with the median rate (its latencies with it); of an even number, the slower middle one."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    median = dict(ordered[(len(ordered) - 1) // 2])
    median["failed"] = sum(r["failed"] for r in runs)
    return median


def nginx(work, name, locations, health_path, http_block=""):
    """nginx with `locations` in its one server block (and `http_block` beside it), its files below work/name."""
    port = free_port()
    user = "user root root;\n" if os.geteuid() == 0 else ""
    prefix = os.path.join(work, name)
    os.makedirs(prefix, exist_ok=True)
    config = os.path.join(prefix, "nginx.conf")
    with open(config, "w") as f:
        f.write("""%sworker_processes 2;
daemon off;
pid %s/nginx.pid;
error_log %s/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_temp_path %s/body;
  proxy_temp_path %s/proxy;
%s
  server {
    listen 127.0.0.1:%d;
%s
  }
}
""" % (user, prefix, prefix, prefix, prefix, http_block, port, locations))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    return Server([binary, "-p", prefix, "-c", config], port, os.path.join(prefix, "nginx.log"),
                  health_path=health_path)


def nginx_quoted(text):
    return "'%s'" % text.replace("\\", "\\\\").replace("'", "\\'")


def nginx_floor(work, body):
    """nginx answering every request with `body` as a constant: what no emulator can beat on this machine."""
    return nginx(work, "floor", """    location / {
      default_type application/x-amz-json-1.1;
      add_header x-amzn-RequestId 5a3e7f8c-1111-4222-8333-444455556666;
      return 200 %s;
    }""" % nginx_quoted(body.decode()), "/")


def nginx_container(work):
    """nginx keeping SageMaker's container contract: GET /ping answers 200, POST /invocations a constant
    prediction (`return` answers any method, and nginx reads and drops the body)."""
    return nginx(work, "container", """    location = /ping {
      return 200 'ok';
    }
    location = /invocations {
      default_type application/json;
      return 200 %s;
    }""" % nginx_quoted(PREDICTION), "/ping")


def nginx_proxy(work, container):
    """nginx as a reverse proxy to the container, keeping its connections to it alive as sagebox does: what a
    proxy written in C keeps of the direct rate on this machine, beside what sagebox keeps."""
    return nginx(work, "proxy", """    location / {
      rewrite ^ /invocations break;
      proxy_pass http://container;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }""", "/ping", http_block="  upstream container { server 127.0.0.1:%d; keepalive 16; }" % container.port)


def moto_server(work):
    port = free_port()
    probe = request_bytes("ListModels", {})
    return Server([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], port,
                  os.path.join(work, "moto.log"), probe=probe)


def median_startup(start, runs):
    times = []
    for _ in range(runs):
        server = start()
        times.append(server.startup_seconds)
        server.stop()
    return statistics.median(times), min(times), max(times)


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return "%s, %d cores, Linux %s; sagebox %s%s (Release)" % (model, os.cpu_count(), platform.release(), commit,
                                                              " + uncommitted changes" if dirty else "")


def runtime_bench(binary, work, seconds, rounds):
    """InvokeEndpoint through sagebox to a container against the same container called directly, interleaved in
    `rounds` rounds; and sagebox's echo (no container), to tell sagebox's own cost from the second hop's. Returns
    each run's median, by key."""
    container = nginx_container(work)
    proxy = nginx_proxy(work, container)
    server = sagebox(binary, work, "runtime", "--backend", "bench-model=http://127.0.0.1:%d" % container.port)
    try:
        for endpoint, model in (("bench-e", "bench-model"), ("bench-echo", "bench-echo-model")):
            call(server.port, "CreateModel", dict(MODEL, ModelName=model))
            call(server.port, "CreateEndpointConfig", {
                "EndpointConfigName": endpoint + "-config",
                "ProductionVariants": [{"VariantName": "v1", "ModelName": model, "InitialInstanceCount": 1,
                                        "InstanceType": "ml.m5.large"}]})
            call(server.port, "CreateEndpoint",
                 {"EndpointName": endpoint, "EndpointConfigName": endpoint + "-config"})
        # The container's answer must come through: an echo here would measure the wrong thing.
        connection = Pipeline(server.port)
        status, answer = connection.send([invoke_bytes("/endpoints/bench-e/invocations")])[0]
        connection.close()
        if (status, answer) != (200, PREDICTION.encode()):
            raise RuntimeError("InvokeEndpoint of bench-e answered %d: %s" % (status, answer[:300]))

        # One connection sends a request at a time: its p50 is a request's own latency, which is what sagebox
        # adds to; four keep both servers busy, which is what the rate compares.
        one_connection_seconds = max(2, seconds // 2)
        targets = {"direct": (container.port, "/invocations"),
                   "sagebox": (server.port, "/endpoints/bench-e/invocations"),
                   "echo": (server.port, "/endpoints/bench-echo/invocations"),
                   "proxy": (proxy.port, "/endpoints/bench-e/invocations")}
        runs = {key + suffix: [] for key in targets for suffix in ("", "_1")}
        for _ in range(rounds):
            for key, (port, path) in targets.items():
                runs[key].append(wrk(port, seconds, "invoke", path))
            for key, (port, path) in targets.items():
                runs[key + "_1"].append(wrk(port, one_connection_seconds, "invoke", path, connections=1))
    finally:
        server.stop()
        proxy.stop()
        container.stop()
    return {key: median_run(key_runs) for key, key_runs in runs.items()}


def runtime_lines(rows, seconds, rounds):
    """The runtime's section of the results: its runs, then the measures the targets are about."""
    direct, through = rows["direct"], rows["sagebox"]
    direct_1, through_1 = rows["direct_1"], rows["sagebox_1"]

    def run_row(label, r, base, target=""):
        return "| %s | %s | %d | %d | %.0f%% | %s |" % (label, "{:,.0f}".format(r["rps"]), r["p50_us"], r["p99_us"],
                                                       100.0 * r["rps"] / base["rps"], target)

    def added_row(label, with_sagebox, without):
        return "| %s | %d µs (%d vs %d) | ≤ 100 µs |" % (label, with_sagebox["p50_us"] - without["p50_us"],
                                                        with_sagebox["p50_us"], without["p50_us"])

    return [
        "",
        "## SageMaker Runtime: InvokeEndpoint",
        "",
        "The container: nginx keeping SageMaker's container contract (GET /ping; POST /invocations answers %s). "
        "sagebox serves endpoint bench-e, whose model that container answers (`--backend`), and bench-echo, "
        "answered by sagebox's echo. Each request carries a 33-byte JSON body and the same headers, direct or not. "
        "4 connections: wrk with 2 threads, %d s per run; 1 connection: one request at a time, %d s per run. The "
        "median of %d interleaved runs each. For reference, nginx as a reverse proxy to the same container (2 "
        "workers, kept-alive upstream connections): what any proxy keeps of the direct rate on this machine, where "
        "wrk, the proxy and the container share its cores." % (PREDICTION, seconds, max(2, seconds // 2), rounds),
        "",
        "| run | req/s | p50 µs | p99 µs | of direct | target |",
        "|---|---:|---:|---:|---:|---|",
        run_row("container called directly: POST /invocations, 4 connections", direct, direct),
        run_row("InvokeEndpoint through sagebox to the container, 4 connections", through, direct,
                "≥ 70% of direct"),
        run_row("InvokeEndpoint answered by sagebox's echo, 4 connections", rows["echo"], direct),
        run_row("reference: nginx proxying to the container, 4 connections", rows["proxy"], direct),
        run_row("container called directly, 1 connection", direct_1, direct_1),
        run_row("InvokeEndpoint through sagebox to the container, 1 connection", through_1, direct_1),
        run_row("InvokeEndpoint answered by sagebox's echo, 1 connection", rows["echo_1"], direct_1),
        run_row("reference: nginx proxying to the container, 1 connection", rows["proxy_1"], direct_1),
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        "| InvokeEndpoint rate through sagebox vs the container directly (4 connections) | %.0f%% | ≥ 70%% |" % (
            100.0 * through["rps"] / direct["rps"]),
        "| reference: nginx proxying, rate vs the container directly (4 connections) | %.0f%% | |" % (
            100.0 * rows["proxy"]["rps"] / direct["rps"]),
        added_row("p50 sagebox adds, 1 connection (through sagebox vs direct)", through_1, direct_1),
        added_row("p50 sagebox adds, 4 connections", through, direct),
        "| reference: p50 nginx proxying adds, 1 connection | %d µs | |" % (
            rows["proxy_1"]["p50_us"] - direct_1["p50_us"]),
    ]


def publish(lines, notes, out):
    if notes:
        lines = lines + [""] + ["Note: " + n for n in notes]
    text = "\n".join(lines) + "\n"
    print(text)
    if out:
        with open(out, "w") as f:
            f.write(text)
        print("written to %s" % os.path.relpath(out))


def failures(rows):
    """Notes on the runs in which requests failed (non-2xx or socket errors)."""
    failed = {k: v["failed"] for k, v in rows.items() if v["failed"]}
    return ["Requests that failed (non-2xx or socket errors), by run: %s." % failed] if failed else []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sagebox", required=True)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--large", type=int, default=100000, help="configurations in the large store")
    parser.add_argument("--out", help="where the tables go (default, for a full run: bench/results.md; a run with "
                                      "--only writes only where this says)")
    parser.add_argument("--no-moto", action="store_true")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of Describe, List and the floor, interleaved; each row shows its median run")
    parser.add_argument("--only", choices=["runtime"],
                        help="runtime: only the SageMaker Runtime's runs (InvokeEndpoint), a quicker check")
    args = parser.parse_args()
    seconds = args.seconds
    work = tempfile.mkdtemp(prefix="sagebox-bench-")
    rows = {}
    notes = []
    if args.only == "runtime":
        try:
            runtime = runtime_bench(args.sagebox, work, seconds, args.rounds)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        notes = failures(runtime)
        publish(["# sagebox benchmark: the SageMaker Runtime only", "",
                 "%s. %s. wrk over loopback; the client shares the machine's cores with the servers." % (
                     datetime.date.today().isoformat(), machine())] + runtime_lines(runtime, seconds, args.rounds),
                notes, args.out)
        return 1 if notes else 0
    try:
        # Startup: exec to the first answered request, in memory and on a new database file.
        startup = median_startup(lambda: sagebox(args.sagebox, work, "startup"), 10)
        fresh = iter(range(100))
        startup_db = median_startup(
            lambda: sagebox(args.sagebox, work, "startup-db", "--db", os.path.join(work, "s%d.db" % next(fresh))), 10)

        # Both stores are served at once, so that the runs compared with each other (and with the floor) can be
        # interleaved: a machine whose speed drifts during the run then shifts them alike. The small store holds
        # 100 configurations, the large one args.large, loaded through the API (pipelined).
        small = sagebox(args.sagebox, work, "small", "--db", os.path.join(work, "small.db"))
        load_configs(small.port, 0, 100, 50)
        describe_body = call(small.port, "DescribeEndpointConfig", {"EndpointConfigName": "bench-config-000000"})
        large = sagebox(args.sagebox, work, "large", "--db", os.path.join(work, "large.db"))
        load_seconds = load_configs(large.port, 0, args.large, 64)
        # The same counts of endpoints, all deploying bench-config-000000.
        load_endpoints(small.port, 100)
        endpoint_load_seconds = load_endpoints(large.port, args.large)
        loaded_rss = large.rss_kib()
        # The small store again, with the request journal off: what recording every call costs.
        unjournaled = sagebox(args.sagebox, work, "small-nojournal", "--db", os.path.join(work, "small-nojournal.db"),
                              "--journal-size", "0")
        load_configs(unjournaled.port, 0, 100, 50)
        load_endpoints(unjournaled.port, 100)
        floor = nginx_floor(work, describe_body)

        rounds = {key: [] for key in ("floor", "describe", "describe_large", "list", "list_large", "describe_endpoint",
                                      "describe_endpoint_large", "list_endpoints", "list_endpoints_large",
                                      "describe_endpoint_nojournal")}
        for _ in range(args.rounds):
            rounds["floor"].append(wrk(floor.port, seconds, "describe", "100"))
            rounds["describe"].append(wrk(small.port, seconds, "describe", "100"))
            rounds["describe_large"].append(wrk(large.port, seconds, "describe", str(args.large)))
            rounds["list"].append(wrk(small.port, seconds, "list"))
            rounds["list_large"].append(wrk(large.port, seconds, "list"))
            rounds["describe_endpoint"].append(wrk(small.port, seconds, "describe-endpoint", "100"))
            rounds["describe_endpoint_nojournal"].append(wrk(unjournaled.port, seconds, "describe-endpoint", "100"))
            rounds["describe_endpoint_large"].append(wrk(large.port, seconds, "describe-endpoint", str(args.large)))
            rounds["list_endpoints"].append(wrk(small.port, seconds, "list-endpoints"))
            rounds["list_endpoints_large"].append(wrk(large.port, seconds, "list-endpoints"))
        for key, runs in rounds.items():
            rows[key] = median_run(runs)
        rows["create"] = wrk(small.port, seconds, "create", "bench-new")
        rows["mixed"] = wrk(small.port, seconds, "mixed", "100", "bench-mixed")
        small_rss = small.rss_kib()
        large_rss = large.rss_kib()
        floor.stop()
        unjournaled.stop()
        small.stop()
        large.stop()

        runtime = runtime_bench(args.sagebox, work, seconds, args.rounds)

        moto_startup = None
        if not args.no_moto:
            try:
                import moto  # noqa: F401
            except ImportError:
                notes.append("moto is not importable here: its rows are empty.")
            else:
                moto_startup = median_startup(lambda: moto_server(work), 3)
                moto = moto_server(work)
                load_configs(moto.port, 0, 100, None)
                rows["moto"] = wrk(moto.port, seconds, "describe", "100")
                moto.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    failed = failures(rows) + failures({"runtime " + key: run for key, run in runtime.items()})
    notes += failed

    floor_rps = rows["floor"]["rps"]
    moto_rps = rows["moto"]["rps"] if "moto" in rows else None

    def ratio(value, base):
        return "%.0f%%" % (100.0 * value / base) if base else "—"

    def rate_row(label, key, target):
        r = rows[key]
        return "| %s | %s | %.2f | %.2f | %s | %s | %s |" % (
            label, "{:,.0f}".format(r["rps"]), r["p50_us"] / 1000, r["p99_us"] / 1000, ratio(r["rps"], floor_rps),
            ratio(r["rps"], moto_rps) if key == "describe" else "", target)

    lines = [
        "# sagebox benchmark",
        "",
        "%s. %s. wrk over loopback, 2 threads, 4 connections, %d s per run; the client shares the machine's cores"
        " with the server. Describe, List and the floor: the median of %d interleaved runs each." % (
            datetime.date.today().isoformat(), machine(), seconds, args.rounds),
        "",
        "| run | req/s | p50 ms | p99 ms | of floor | of moto | target |",
        "|---|---:|---:|---:|---:|---:|---|",
        rate_row("DescribeEndpointConfig (100 stored)", "describe", "≥ 50% of floor, p99 ≤ 1 ms"),
        rate_row("ListEndpointConfigs, MaxResults 10 (100 stored)", "list", "≥ 30% of floor"),
        rate_row("CreateEndpointConfig, durable (`--db`)", "create", "≥ 20% of floor"),
        rate_row("mixed: 70% Describe, 20% List, 10% Create", "mixed", ""),
        rate_row("DescribeEndpointConfig (%s stored)" % "{:,}".format(args.large), "describe_large",
                 "within 20% of 100 stored"),
        rate_row("ListEndpointConfigs (%s stored)" % "{:,}".format(args.large), "list_large", "within 20% of 100 stored"),
        rate_row("DescribeEndpoint (100 stored)", "describe_endpoint", "≥ 50% of floor, p99 ≤ 1 ms"),
        rate_row("DescribeEndpoint, request journal off (`--journal-size 0`)", "describe_endpoint_nojournal", ""),
        rate_row("ListEndpoints, MaxResults 10 (100 stored)", "list_endpoints", "≥ 30% of floor"),
        rate_row("DescribeEndpoint (%s stored)" % "{:,}".format(args.large), "describe_endpoint_large",
                 "within 20% of 100 stored"),
        rate_row("ListEndpoints (%s stored)" % "{:,}".format(args.large), "list_endpoints_large",
                 "within 20% of 100 stored"),
        "| floor: nginx, the Describe body as a constant | %s | %.2f | %.2f | 100%% | | |" % (
            "{:,.0f}".format(floor_rps), rows["floor"]["p50_us"] / 1000, rows["floor"]["p99_us"] / 1000),
    ]
    if "moto" in rows:
        m = rows["moto"]
        lines.append("| moto %s server: DescribeEndpointConfig (100 stored) | %s | %.2f | %.2f | %s | 100%% | |" % (
            __import__("moto").__version__, "{:,.0f}".format(m["rps"]), m["p50_us"] / 1000, m["p99_us"] / 1000,
            ratio(m["rps"], floor_rps)))
    lines += [
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        "| startup, exec to first answered request, in memory (median of 10) | %.1f ms (%.1f–%.1f) | ≤ 20 ms |" % tuple(
            1000 * t for t in startup),
        "| startup with a new `--db` file (median of 10) | %.1f ms (%.1f–%.1f) | |" % tuple(1000 * t for t in startup_db),
    ]
    if moto_startup:
        lines.append("| moto server startup (median of 3) | %.0f ms (%.0f–%.0f) | |" % tuple(1000 * t for t in moto_startup))
    lines += [
        "| RSS after the small-store runs (peak) | %.1f MB (%.1f MB) | |" % (small_rss[0] / 1024, small_rss[1] / 1024),
        "| RSS after loading %s configurations | %.1f MB | |" % ("{:,}".format(args.large), loaded_rss[0] / 1024),
        "| RSS after the large-store runs (peak) | %.1f MB (%.1f MB) | ≤ 30 MB |" % (large_rss[0] / 1024,
                                                                                   large_rss[1] / 1024),
        "| loading %s configurations through the API (pipelined, 1 connection) | %.1f s, %s creates/s | |" % (
            "{:,}".format(args.large), load_seconds, "{:,.0f}".format(args.large / load_seconds)),
        "| Describe at %s stored vs 100 | %s | ≥ 80%% |" % (
            "{:,}".format(args.large), ratio(rows["describe_large"]["rps"], rows["describe"]["rps"])),
        "| List at %s stored vs 100 | %s | ≥ 80%% |" % (
            "{:,}".format(args.large), ratio(rows["list_large"]["rps"], rows["list"]["rps"])),
        "| loading %s endpoints through the API (pipelined, 1 connection) | %.1f s, %s creates/s | |" % (
            "{:,}".format(args.large), endpoint_load_seconds, "{:,.0f}".format(args.large / endpoint_load_seconds)),
        "| DescribeEndpoint at %s stored vs 100 | %s | ≥ 80%% |" % (
            "{:,}".format(args.large), ratio(rows["describe_endpoint_large"]["rps"], rows["describe_endpoint"]["rps"])),
        "| ListEndpoints at %s stored vs 100 | %s | ≥ 80%% |" % (
            "{:,}".format(args.large), ratio(rows["list_endpoints_large"]["rps"], rows["list_endpoints"]["rps"])),
        "| DescribeEndpoint with the request journal on (default) vs off | %s | ≥ 95%% |" % (
            ratio(rows["describe_endpoint"]["rps"], rows["describe_endpoint_nojournal"]["rps"])),
    ]
    lines += runtime_lines(runtime, seconds, args.rounds)
    publish(lines, notes, args.out or os.path.join(HERE, "results.md"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
