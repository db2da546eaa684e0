"""A model container for the tests: SageMaker's container contract (GET /ping, POST /invocations) on a real
socket, so that sagebox's calls to a container are tested against an HTTP peer it does not control.

It answers each invocation with a JSON description of what it received: {"server", "body", "content_type",
"accept", "custom_attributes", "inference_id"}, and echoes the custom attributes back. A body that is a JSON
object may ask for something else instead:
  {"status": 400, "message": "bad input"}   answer that status with that text body
  {"sleep": 1.5}                             wait that long first
  {"content_type": "text/csv", "text": "1,2"}  answer that body with that content type
Every invocation received is kept, in order, for the test to read (`received`).
"""
import http.server
import json
import threading
import time


class ModelServer:
    def __init__(self, name="model"):
        self.name = name
        self.received = []
        self.lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/ping":
                    self.answer(200, "application/json", b'{"status":"healthy"}')
                else:
                    self.answer(404, "text/plain", b"no such path")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if self.path != "/invocations":
                    self.answer(404, "text/plain", b"no such path")
                    return
                received = {
                    "server": owner.name,
                    "body": body.decode("utf-8", "replace"),
                    "content_type": self.headers.get("Content-Type"),
                    "accept": self.headers.get("Accept"),
                    "custom_attributes": self.headers.get("X-Amzn-SageMaker-Custom-Attributes"),
                    "inference_id": self.headers.get("X-Amzn-SageMaker-Inference-Id"),
                }
                with owner.lock:
                    owner.received.append(received)
                try:
                    asked = json.loads(body)
                except ValueError:
                    asked = None
                if not isinstance(asked, dict):
                    asked = {}
                if "sleep" in asked:
                    time.sleep(asked["sleep"])
                extra = {}
                if received["custom_attributes"] is not None:
                    extra["X-Amzn-SageMaker-Custom-Attributes"] = received["custom_attributes"]
                if "status" in asked:
                    self.answer(asked["status"], "text/plain", asked.get("message", "").encode("utf-8"), extra)
                elif "text" in asked:
                    self.answer(200, asked.get("content_type", "text/plain"), asked["text"].encode("utf-8"), extra)
                else:
                    self.answer(200, "application/json", json.dumps(received).encode("utf-8"), extra)

            def answer(self, status, content_type, body, extra=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller gave up waiting (a test of timeouts)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        if self.thread.is_alive():  # shutdown() waits for a serve_forever() that never started
            self.server.shutdown()
        self.server.server_close()

    def invocations(self):
        with self.lock:
            return list(self.received)


if __name__ == "__main__":
    import sys
    server = ModelServer(sys.argv[1] if len(sys.argv) > 1 else "model").start()
    print(server.url, flush=True)
    server.thread.join()
