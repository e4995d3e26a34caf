#!/usr/bin/env python3
"""An OpenTelemetry protocol (OTLP/HTTP) receiver for EOS integration tests and local development.

NOT FOR PRODUCTION: everything it receives stays in memory, without bound, there is no TLS and no authentication,
and anyone on loopback can read and clear what it holds. It accepts exports as an OpenTelemetry Collector's OTLP/HTTP
receiver does and decodes them with the official OTLP classes (opentelemetry-proto), so that what EOS exports is
checked by a decoder that is not EOS's own, over real HTTP, in a separate process.

Run:
    python3 scripts/otlp-test-receiver.py [--host 127.0.0.1] [--port 0]
It binds, prints one line `listening http://HOST:PORT` to stdout, logs one line per request to stderr, and exits
cleanly on SIGTERM/SIGINT. `http://HOST:PORT` is the base an exporter is given (OTEL_EXPORTER_OTLP_ENDPOINT). Needs
Python 3.11 and opentelemetry-proto 1.45.2 (which brings protobuf).

OTLP/HTTP, as the collector answers it:
    POST /v1/metrics, /v1/traces, /v1/logs
        body: an Export{Metrics,Trace,Logs}ServiceRequest, Content-Type application/x-protobuf, or application/json
        (OTLP/JSON: trace and span ids in hex); Content-Encoding gzip or deflate, a chunked body, are accepted.
        200: an empty Export*ServiceResponse in the request's encoding. 400: the body does not decode, answered with a
        google.rpc.Status (code 3, INVALID_ARGUMENT) in the request's encoding. 415: another content type (text).
Test control (only from loopback addresses, otherwise 403; JSON answers):
    GET  /received/metrics   {"points": [...], "requests": N}, one entry per data point:
                             {"resource": {...}, "scope", "metric", "unit", "type": "gauge" | "sum" | "histogram" |
                              "summary" | "exponential_histogram", "monotonic": bool (sums) | null,
                              "temporality": "AGGREGATION_TEMPORALITY_..." | null, "attributes": {...},
                              "startTimeUnixNano", "timeUnixNano", "value": number (gauges, sums) | null,
                              "count", "sum": (histograms, summaries) | null,
                              "bucketCounts", "explicitBounds": (histograms) | null}
    GET  /received/traces    {"spans": [...], "requests": N}:
                             {"resource", "scope", "traceId" (32 hex), "spanId" (16 hex), "parentSpanId" (16 hex or
                              ""), "name", "kind": "SPAN_KIND_...", "startTimeUnixNano", "endTimeUnixNano",
                              "attributes", "status": {"code": "STATUS_CODE_...", "message"}}
    GET  /received/logs      {"records": [...], "requests": N}:
                             {"resource", "scope", "timeUnixNano", "observedTimeUnixNano", "severityNumber",
                              "severityText", "body", "attributes", "traceId", "spanId" (hex or "")}
    POST /admin/reset        forgets everything received, counts included
    GET  /healthz            200 "ok"
"requests" counts the export requests accepted. "resource" and "attributes" map keys to values, and "body" is a value:
an OTLP AnyValue flattened to plain JSON (string, bool, integer, double, list, object; bytes as base64; unset null).
"scope" is the instrumentation scope's name.
"""

import argparse
import base64
import gzip
import ipaddress
import json
import signal
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

PROTOBUF, JSON = "application/x-protobuf", "application/json"
INVALID_ARGUMENT = 3  # google.rpc.Code
ID_FIELDS = {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"}
TEMPORAL_KINDS = ("sum", "histogram", "exponential_histogram")


class BadRequest(Exception):
    """An export that does not decode: 400."""


def value(any_value):
    """An OTLP AnyValue as plain JSON."""
    kind = any_value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [value(v) for v in any_value.array_value.values]
    if kind == "kvlist_value":
        return attributes(any_value.kvlist_value.values)
    if kind == "bytes_value":
        return base64.b64encode(any_value.bytes_value).decode()
    return getattr(any_value, kind)


def attributes(key_values):
    return {kv.key: value(kv.value) for kv in key_values}


def metric_points(resource, scope, metric):
    kind = metric.WhichOneof("data")  # gauge, sum, histogram, exponential_histogram, summary; None: no points
    if kind is None:
        return []
    data = getattr(metric, kind)
    temporality = (metrics_pb2.AggregationTemporality.Name(data.aggregation_temporality)
                   if kind in TEMPORAL_KINDS else None)
    points = []
    for p in data.data_points:
        point = {"resource": resource, "scope": scope, "metric": metric.name, "unit": metric.unit, "type": kind,
                 "monotonic": data.is_monotonic if kind == "sum" else None, "temporality": temporality,
                 "attributes": attributes(p.attributes), "startTimeUnixNano": p.start_time_unix_nano,
                 "timeUnixNano": p.time_unix_nano, "value": None, "count": None, "sum": None,
                 "bucketCounts": None, "explicitBounds": None}
        if kind in ("gauge", "sum"):
            which = p.WhichOneof("value")  # as_int or as_double
            point["value"] = getattr(p, which) if which else None
        else:
            point["count"] = p.count
            # A summary's sum is always there; a histogram's is `optional` (absent when it would mislead).
            point["sum"] = p.sum if kind == "summary" or p.HasField("sum") else None
        if kind == "histogram":
            point["bucketCounts"], point["explicitBounds"] = list(p.bucket_counts), list(p.explicit_bounds)
        points.append(point)
    return points


def flatten_metrics(request):
    return [point
            for rm in request.resource_metrics for sm in rm.scope_metrics for metric in sm.metrics
            for point in metric_points(attributes(rm.resource.attributes), sm.scope.name, metric)]


def flatten_traces(request):
    return [{"resource": attributes(rs.resource.attributes), "scope": ss.scope.name,
             "traceId": span.trace_id.hex(), "spanId": span.span_id.hex(), "parentSpanId": span.parent_span_id.hex(),
             "name": span.name, "kind": trace_pb2.Span.SpanKind.Name(span.kind),
             "startTimeUnixNano": span.start_time_unix_nano, "endTimeUnixNano": span.end_time_unix_nano,
             "attributes": attributes(span.attributes),
             "status": {"code": trace_pb2.Status.StatusCode.Name(span.status.code),
                        "message": span.status.message}}
            for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans]


def flatten_logs(request):
    return [{"resource": attributes(rl.resource.attributes), "scope": sl.scope.name,
             "timeUnixNano": record.time_unix_nano, "observedTimeUnixNano": record.observed_time_unix_nano,
             "severityNumber": record.severity_number, "severityText": record.severity_text,
             "body": value(record.body), "attributes": attributes(record.attributes),
             "traceId": record.trace_id.hex(), "spanId": record.span_id.hex()}
            for rl in request.resource_logs for sl in rl.scope_logs for record in sl.log_records]


class Signal:
    """One OTLP signal: its export messages, how to flatten a request, and the key its entries are served under."""

    def __init__(self, name, request_type, response_type, flatten, key):
        self.name, self.request_type, self.response_type = name, request_type, response_type
        self.flatten, self.key = flatten, key


SIGNALS = {
    "metrics": Signal("metrics", metrics_service_pb2.ExportMetricsServiceRequest,
                      metrics_service_pb2.ExportMetricsServiceResponse, flatten_metrics, "points"),
    "traces": Signal("traces", trace_service_pb2.ExportTraceServiceRequest,
                     trace_service_pb2.ExportTraceServiceResponse, flatten_traces, "spans"),
    "logs": Signal("logs", logs_service_pb2.ExportLogsServiceRequest,
                   logs_service_pb2.ExportLogsServiceResponse, flatten_logs, "records"),
}


def hex_ids_to_base64(node):
    """OTLP/JSON writes trace and span ids in hex where protobuf's JSON mapping expects base64: rewrites them."""
    if isinstance(node, list):
        return [hex_ids_to_base64(item) for item in node]
    if not isinstance(node, dict):
        return node
    rewritten = {}
    for key, item in node.items():
        if key in ID_FIELDS and isinstance(item, str):
            try:
                item = base64.b64encode(bytes.fromhex(item)).decode()
            except ValueError:
                raise BadRequest(f"{key} {item!r} is not hex")
        rewritten[key] = hex_ids_to_base64(item)
    return rewritten


def decode(signal_, content_type, body):
    request = signal_.request_type()
    if content_type == PROTOBUF:
        try:
            request.ParseFromString(body)
        except DecodeError as error:
            raise BadRequest(f"the body is not an OTLP {signal_.name} export request: {error}")
        return request
    try:
        document = json.loads(body)
    except ValueError as error:
        raise BadRequest(f"the body is not JSON: {error}")
    try:
        # Unknown fields are ignored, as the OTLP specification asks of receivers.
        return json_format.ParseDict(hex_ids_to_base64(document), request, ignore_unknown_fields=True)
    except json_format.ParseError as error:
        raise BadRequest(f"the body is not an OTLP/JSON {signal_.name} export request: {error}")


def status_message(message):
    """A google.rpc.Status {code: INVALID_ARGUMENT, message} in protobuf; written by hand, as protobuf's Python package
    does not ship google.rpc (field 1: code, varint; field 2: message, length-delimited)."""

    def varint(number):
        out = bytearray()
        while True:
            byte, number = number & 0x7F, number >> 7
            out.append(byte | (0x80 if number else 0))
            if not number:
                return bytes(out)

    text = message.encode()
    return b"\x08" + varint(INVALID_ARGUMENT) + b"\x12" + varint(len(text)) + text


class Receiver:
    """All state, behind one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.received = {name: [] for name in SIGNALS}
            self.requests = {name: 0 for name in SIGNALS}

    def add(self, name, entries):
        with self.lock:
            self.received[name].extend(entries)
            self.requests[name] += 1

    def answer(self, name):
        with self.lock:
            return {SIGNALS[name].key: list(self.received[name]), "requests": self.requests[name]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "eos-otlp-test-receiver"
    receiver: Receiver  # set on the subclass made in main()

    def log_message(self, format, *args):
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def send(self, status, body, content_type=JSON):
        data = json.dumps(body).encode() if content_type == JSON else body
        data = data if isinstance(data, bytes) else data.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type if content_type in (JSON, PROTOBUF)
                         else f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        """The request body, read whole whatever the route (keep-alive needs it), chunked or not."""
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)  # ValueError when malformed
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        try:
            self.raw_body = self.read_body()
        except ValueError:
            self.close_connection = True  # the framing is lost
            return self.send(400, {"error": "bad_request", "error_description": "malformed chunked body"})
        path = urlsplit(self.path).path.rstrip("/") or "/"
        routes = {("GET", "/healthz"): lambda: self.send(200, "ok\n", "text/plain"),
                  ("POST", "/admin/reset"): self.reset}
        for name in SIGNALS:
            routes[("POST", f"/v1/{name}")] = lambda name=name: self.export(SIGNALS[name])
            routes[("GET", f"/received/{name}")] = lambda name=name: self.send(200, self.receiver.answer(name))
        try:
            if (path.startswith(("/admin/", "/received/"))
                    and not ipaddress.ip_address(self.client_address[0]).is_loopback):
                return self.send(403, {"error": "forbidden", "error_description": "test controls are loopback only"})
            route = routes.get((method, path))
            if route is None:
                known = any(p == path for _, p in routes)
                return self.send(405 if known else 404, {"error": "not_found" if not known else "method_not_allowed",
                                                         "error_description": f"{method} {path}"})
            route()
        except Exception as error:  # a bug here must not kill the connection silently
            self.log_message("internal error: %r", error)
            self.send(500, {"error": "server_error", "error_description": str(error)})

    def reset(self):
        self.receiver.reset()
        self.send(200, {"ok": True})

    def export(self, signal_):
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in (PROTOBUF, JSON):
            return self.send(415, f"415 unsupported media type {content_type!r}, supported: [{JSON}, {PROTOBUF}]\n",
                             "text/plain")
        try:
            request = decode(signal_, content_type, self.decompressed())
        except BadRequest as error:
            self.log_message("rejected: %s", error)
            if content_type == PROTOBUF:
                return self.send(400, status_message(str(error)), PROTOBUF)
            return self.send(400, {"code": INVALID_ARGUMENT, "message": str(error)})
        self.receiver.add(signal_.name, signal_.flatten(request))
        response = signal_.response_type()
        if content_type == PROTOBUF:
            self.send(200, response.SerializeToString(), PROTOBUF)
        else:
            self.send(200, json_format.MessageToDict(response))

    def decompressed(self):
        encoding = self.headers.get("Content-Encoding", "").strip().lower()
        try:
            if encoding == "gzip":
                return gzip.decompress(self.raw_body)
            if encoding == "deflate":
                return zlib.decompress(self.raw_body)
        except (OSError, EOFError, zlib.error) as error:
            raise BadRequest(f"the body is not valid {encoding}: {error}")
        if encoding not in ("", "identity"):
            raise BadRequest(f"unsupported Content-Encoding {encoding!r} (gzip, deflate or none)")
        return self.raw_body


def main():
    parser = argparse.ArgumentParser(
        description="OTLP/HTTP receiver for EOS tests and development (not for production)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # A parent may start this process with signals blocked (threads of some runtimes block them, and children
    # inherit the mask): unblock the two that stop it, or SIGTERM would stay pending forever.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    handler = type("BoundHandler", (Handler,), {})
    server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 128})  # default listen backlog: 5
    try:
        server = server_class((args.host, args.port), handler)
    except OSError as error:
        print(f"otlp-test-receiver: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    handler.receiver = Receiver()
    print(f"listening http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
