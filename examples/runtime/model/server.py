"""A toy model container that follows SageMaker's container contract: GET /ping answers 200 when the model is
ready, POST /invocations answers a prediction. Python 3's standard library only, so that it runs as it is or in a
slim image (Dockerfile beside it).

The "model" sums each row: it takes text/csv rows of numbers and answers application/json
  {"model_version": "<MODEL_VERSION>", "predictions": [<sum of row 1>, <sum of row 2>, ...]}
The version is in every answer, so that one can see which variant of an endpoint answered. A body it cannot read
gets 400 with a plain-text message (SageMaker Runtime turns that into a ModelError); another content type gets 415.

Environment: PORT (default 8080; 0 picks a free one), HOST (default 0.0.0.0), MODEL_VERSION (default "v1").
The first line on stdout is "model <version> listening on http://HOST:PORT", for a script to read the port from.
"""
import http.server
import json
import os
import signal
import sys

MODEL_VERSION = os.environ.get("MODEL_VERSION", "v1")


def predict(text):
    """The sum of each CSV row; ValueError saying what is wrong when a row is not numbers."""
    predictions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            predictions.append(sum(float(cell) for cell in line.split(",")))
        except ValueError:
            raise ValueError("row %d is not a list of numbers: %r" % (number, line)) from None
    if not predictions:
        raise ValueError("no rows to predict")
    return predictions


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1 with Content-Length on every answer: SageMaker (and sagebox) keep the connection open between calls.
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/ping":
            self.answer(200, "text/plain", "ok")
        else:
            self.answer(404, "text/plain", "no such path: %s" % self.path)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/invocations":
            self.answer(404, "text/plain", "no such path: %s" % self.path)
            return
        media_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media_type != "text/csv":
            self.answer(415, "text/plain", "expected text/csv, got %r" % media_type)
            return
        try:
            predictions = predict(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            self.answer(400, "text/plain", str(error))
            return
        self.answer(200, "application/json", json.dumps({"model_version": MODEL_VERSION, "predictions": predictions}))

    def answer(self, status, content_type, text):
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        sys.stderr.write("model %s: %s\n" % (MODEL_VERSION, format % args))


def main():
    server = http.server.ThreadingHTTPServer(
        (os.environ.get("HOST", "0.0.0.0"), int(os.environ.get("PORT", "8080"))), Handler)
    server.daemon_threads = True
    # As a container's PID 1 the process gets no default SIGTERM action: stop on it explicitly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = server.server_address[:2]
    print("model %s listening on http://%s:%d" % (MODEL_VERSION, host, port), flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
