"""sagebox for test authors: start sagebox for a test run and drive its control plane, with the standard library only.

    import boto3, sagebox

    with sagebox.Sagebox() as box:                      # starts the binary on a free port; stops it at the end
        sm = boto3.client("sagemaker", **box.client_kwargs())
        box.faults.add(operation="CreateEndpointConfig", times=1, error=sagebox.THROTTLING)
        box.lifecycle.add(name="my-endpoint", on="create", outcome="fail", reason="CapacityError: …")
        ...
        assert [r["operation"] for r in box.requests(operation="CreateEndpoint")] == ["CreateEndpoint"]
        box.set_backend("my-model", "http://localhost:9000")   # its container answers InvokeEndpoint
        box.queue_answers("my-endpoint", '{"score": 0.9}')      # or a canned answer does

`Sagebox.connect(url)` drives a sagebox that is already running (docker compose, `scripts/run`) instead of starting
one. Every call of the control plane is a plain HTTP request to the `/_sagebox/...` paths that README.md documents;
an answer other than 2xx raises `SageboxError` with its AWS-shaped code and message.

The binary is, in this order: the `binary` argument, $SAGEBOX_BINARY, `sagebox` on PATH, then the builds of this
repository (build/release/sagebox, build/test/sagebox).

pytest:

    @pytest.fixture(scope="session")
    def box():
        yield from sagebox.serve()

    @pytest.fixture(autouse=True)
    def clean(box):
        box.reset()
"""
import http.client
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import urllib.parse

__all__ = ["Sagebox", "SageboxError", "serve", "THROTTLING", "SERVICE_UNAVAILABLE", "INTERNAL_FAILURE",
           "CANNOT_START_CONTAINER", "CAPACITY_ERROR"]

# The errors AWS answers under load or during an outage, as fault rules' `error` member takes them.
THROTTLING = {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400}
SERVICE_UNAVAILABLE = {"code": "ServiceUnavailable", "message": "Service Unavailable", "status": 503}
INTERNAL_FAILURE = {"code": "InternalFailure", "message": "An internal error occurred.", "status": 500}

# Failure reasons real endpoints end with, for lifecycle rules' `reason`.
CANNOT_START_CONTAINER = ("CannotStartContainerError. Please ensure the model container for variant {variant} "
                          "starts correctly when invoked with 'docker run <image> serve'")
CAPACITY_ERROR = ("CapacityError: Unable to provision requested ML compute capacity. "
                  "Please retry using a different ML instance type.")

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_LISTENING = "sagebox listening on http://"


class SageboxError(Exception):
    """A control-plane call that sagebox refused: `status` (HTTP), `code` (e.g. ValidationException), `message`."""

    def __init__(self, status, code, message):
        super().__init__("%s (%d): %s" % (code, status, message))
        self.status = status
        self.code = code
        self.message = message


def find_binary(binary=None):
    """The sagebox binary to start (see the module's documentation); FileNotFoundError when there is none."""
    candidates = [binary, os.environ.get("SAGEBOX_BINARY"), shutil.which("sagebox"),
                  os.path.join(_ROOT, "build", "release", "sagebox"), os.path.join(_ROOT, "build", "test", "sagebox")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError("no sagebox binary: pass binary=, set SAGEBOX_BINARY, put sagebox on PATH, or build it "
                            "with scripts/run")


class _Rules:
    """A rule set of the control plane (fault rules, lifecycle rules): add, list, remove one, clear."""

    def __init__(self, box, path, listed):
        self._box = box
        self._path = path
        self._listed = listed  # the member of GET's answer that holds the rules

    def add(self, rule=None, **members):
        """Adds a rule, given as a dict or as keyword members, and returns it as stored (with its `id`)."""
        return self._box.call("POST", self._path, dict(rule or {}, **members))

    def list(self):
        """Every rule, in the order added, each with `fired`: how often it has taken effect."""
        return self._box.call("GET", self._path)[self._listed]

    def remove(self, rule_id):
        """Removes one rule (an `id` or a rule as add() returned it) and returns it as it was."""
        if isinstance(rule_id, dict):
            rule_id = rule_id["id"]
        return self._box.call("DELETE", self._path + "/" + urllib.parse.quote(rule_id, safe=""))

    def clear(self):
        """Removes every rule; returns how many there were."""
        return self._box.call("DELETE", self._path)["deleted"]


class _Lifecycle(_Rules):
    def release(self, **which):
        """Ends the held transitions of the endpoints `which` names (name=, name_prefix=, account=, region=; none:
        every held endpoint) and returns sagebox's answer, which lists them."""
        return self._box.call("POST", self._path + "/release", which)


class Sagebox:
    """One sagebox: started by this object (`with Sagebox(...)`, or start()/stop()), or already running
    (Sagebox.connect). Flags go in as keyword arguments: db="/tmp/s.db", transition_delay="2s" becomes
    `--db /tmp/s.db --transition-delay 2s`; a True value is a flag without a value; `args` adds raw flags."""

    def __init__(self, binary=None, args=(), env=None, startup_timeout=30, **flags):
        self._binary = binary
        self._args = list(args)
        for flag, value in flags.items():
            if value is None or value is False:
                continue
            self._args.append("--" + flag.replace("_", "-"))
            if value is not True:
                self._args.append(str(value))
        self._env = env
        self._startup_timeout = startup_timeout
        self._process = None
        self._log = None
        self.url = None
        self.admin_token = None
        self.faults = _Rules(self, "/_sagebox/faults", "faults")
        self.lifecycle = _Lifecycle(self, "/_sagebox/lifecycle", "rules")

    # --- starting and stopping ----------------------------------------------------------------------------------

    @classmethod
    def connect(cls, url, admin_token=None):
        """A sagebox that runs already, e.g. "http://localhost:8080"; `admin_token` for one in strict mode."""
        box = cls()
        box.url = url.rstrip("/")
        box.admin_token = admin_token
        box.health()
        return box

    def start(self):
        """Starts the binary on a free port of 127.0.0.1 and returns once it answers."""
        if self._process is not None:
            raise RuntimeError("this sagebox is started already")
        binary = find_binary(self._binary)
        # sagebox's log goes to a file: an unread pipe that filled up would block it.
        self._log = tempfile.TemporaryFile(mode="w+")
        environment = dict(os.environ, **(self._env or {}))
        self._process = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", "0"] + self._args,
                                         stdout=subprocess.PIPE, stderr=self._log, env=environment, text=True)
        line = self._first_line()
        if not line.startswith(_LISTENING):
            self._process.kill()
            self._process.wait()
            log = self.log()
            self._close()
            raise RuntimeError("sagebox did not start: %s%s" % (line, log))
        self.url = "http://" + line.strip()[len(_LISTENING):]
        self.admin_token = self.admin_token or self._flag("--admin-token")
        return self

    def _first_line(self):
        # The first line of standard output says where it listens; a process that dies first closes the pipe.
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            if not selector.select(self._startup_timeout):
                return "(no answer within %s s)\n" % self._startup_timeout
        return self._process.stdout.readline()

    def _flag(self, name):
        if name in self._args[:-1]:
            return self._args[self._args.index(name) + 1]
        return None

    def stop(self, timeout=30):
        """Stops the started binary (SIGTERM: it finishes what it is doing) and returns its exit code."""
        if self._process is None:
            return None
        self._process.send_signal(signal.SIGTERM)
        try:
            return self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return self._process.wait()
        finally:
            self._close()

    def _close(self):
        self._process.stdout.close()
        self._log.close()
        self._process = None

    def log(self):
        """What the started binary has written to its standard error so far."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def __enter__(self):
        return self if self._process is not None or self.url else self.start()

    def __exit__(self, *failure):
        self.stop()

    # --- for the AWS SDKs ---------------------------------------------------------------------------------------

    @property
    def endpoint_url(self):
        return self.url

    def client_kwargs(self, region="us-east-1", account=None):
        """Keyword arguments for boto3.client("sagemaker", ...) / botocore: this endpoint, a region and a key pair.
        An access key id of 12 digits is an account id to sagebox; `account` picks one that way."""
        return {"endpoint_url": self.url, "region_name": region,
                "aws_access_key_id": account or "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "sagebox"}

    # --- the control plane --------------------------------------------------------------------------------------

    def call(self, method, path, body=None, query=None):
        """One request to the control plane; its JSON answer, or SageboxError."""
        split = urllib.parse.urlsplit(self.url)
        if query:
            path += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        headers = {"Content-Type": "application/json"}
        if self.admin_token:
            headers["X-Sagebox-Admin-Token"] = self.admin_token
        payload = None if body is None else json.dumps(body).encode()
        connection = http.client.HTTPConnection(split.hostname, split.port or 80, timeout=60)
        try:
            connection.request(method, split.path.rstrip("/") + path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = {"message": raw.decode("utf-8", "replace")}
        if not 200 <= response.status < 300:
            raise SageboxError(response.status, answer.get("__type", "HTTP %d" % response.status),
                               answer.get("message", answer.get("Message", "")))
        return answer

    def health(self):
        return self.call("GET", "/_sagebox/health")

    def reset(self):
        """Deletes every resource of every account and region (rules stay: clear them with their own clear())."""
        self.call("POST", "/_sagebox/reset")

    def requests(self, operation=None, status=None, error=None, since=None, limit=None):
        """The SageMaker calls sagebox has seen (its request journal), oldest first, narrowed by the filters."""
        query = {"operation": operation, "status": status, "error": error, "since": since, "limit": limit}
        return self.call("GET", "/_sagebox/requests", query=query)["requests"]

    def clear_requests(self):
        """Empties the request journal; returns how many calls it held."""
        return self.call("DELETE", "/_sagebox/requests")["deleted"]

    def state(self):
        """Every resource, tag and endpoint schedule, as the versioned document that load_state() takes."""
        return self.call("GET", "/_sagebox/state")

    # --- the SageMaker Runtime ---------------------------------------------------------------------------------

    def set_backend(self, model, url):
        """From now on the container at `url` (SageMaker's container contract) answers model `model`'s invocations.
        Returns {"model", "url", "ping"}: ping says whether its GET /ping answered (it may come up later)."""
        return self.call("PUT", "/_sagebox/backends/" + urllib.parse.quote(model, safe=""), {"url": url})

    def backends(self):
        """{model: url} for every model with a container."""
        return {b["model"]: b["url"] for b in self.call("GET", "/_sagebox/backends")["backends"]}

    def clear_backends(self):
        return self.call("DELETE", "/_sagebox/backends")["deleted"]

    def queue_answers(self, endpoint, *answers, account=None, region=None):
        """Queues answers endpoint `endpoint` gives, oldest first, instead of calling any container. An answer is a
        string (the body) or a dict: {"Body" or "BodyBase64", "ContentType", "CustomAttributes", "Variant",
        "StatusCode"}; a StatusCode of 400..599 comes back as the ModelError a container's would."""
        body = {"answers": [{"Body": a} if isinstance(a, str) else a for a in answers]}
        if account:
            body["account"] = account
        if region:
            body["region"] = region
        return self.call("POST", "/_sagebox/endpoints/" + urllib.parse.quote(endpoint, safe="") + "/answers",
                         body)["queued"]

    def clear_answers(self):
        return self.call("DELETE", "/_sagebox/answers")["deleted"]

    def runtime_kwargs(self, region="us-east-1", account=None):
        """Keyword arguments for boto3.client("sagemaker-runtime", ...): the same as client_kwargs()."""
        return self.client_kwargs(region, account)

    def load_state(self, document):
        """Replaces the whole state with `document` (a dict, or the path of a JSON file), in one transaction."""
        if isinstance(document, (str, os.PathLike)):
            with open(document, encoding="utf-8") as file:
                document = json.load(file)
        return self.call("POST", "/_sagebox/state", document)


def serve(**options):
    """A generator for test fixtures: yields a started Sagebox (options as Sagebox takes them) and stops it after."""
    box = Sagebox(**options).start()
    try:
        yield box
    finally:
        box.stop()
