#!/usr/bin/env python3
"""Calls an EOS Edge Node from Python over mutual TLS: proof that another language can speak eos.margo.v1.

Compiles the protos with grpcio-tools (`python3 -m grpc_tools.protoc`) into a temporary folder, or uses one
already generated (--generated), then calls EdgeNode/ApplyDeploy with a structured desired state (a deployment
name, a generation and one process workload) and EdgeNode/GetNodeStatus, and prints one JSON line:

    {"apply": {"outcome": "APPLY_OUTCOME_ACCEPTED", "generation": 3},
     "status": {"node_id": "edge-01", "deployments": [{"deployment": "...", "observed_generation": 3, ...}]}}

When a call fails it prints {"error": {"code": "PERMISSION_DENIED", "method": "...", "details": "..."}}, writes the
gRPC status code name to stderr and exits 1. Anything else that goes wrong (protoc, a missing file) exits 2.

    margo_client.py --target 127.0.0.1:7443 --ca ca.pem --cert cert.pem --key key.pem \
        [--protos Protos | --generated DIR] [--deployment hello] [--generation 1] [--server-name localhost]

Needs `python3 -m pip install grpcio grpcio-tools`.
"""

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile

# The repository's Protos/ folder, from this file's place in Tests/EOSMargoTests/Interop/.
DEFAULT_PROTOS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Protos"))


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def compile_protos(proto_root, out_dir):
    """Generates the Python messages and gRPC stubs for every .proto under proto_root into out_dir."""
    protos = []
    for folder, _, files in os.walk(proto_root):
        protos.extend(os.path.join(folder, name) for name in files if name.endswith(".proto"))
    if not protos:
        fail(f"no .proto files under {proto_root}")
    # `-m grpc_tools.protoc` adds grpcio-tools' own copy of the well-known types (google/protobuf/*.proto).
    command = [
        sys.executable, "-m", "grpc_tools.protoc", f"--proto_path={proto_root}",
        f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", *sorted(protos),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"grpc_tools.protoc failed ({result.returncode}):\n{result.stderr}")


def load_modules(generated):
    """Imports the generated eos.margo.v1 modules from the folder they were generated into."""
    sys.path.insert(0, generated)
    fleet = importlib.import_module("eos.margo.v1.fleet_pb2")
    edge_node = importlib.import_module("eos.margo.v1.edge_node_pb2")
    edge_node_grpc = importlib.import_module("eos.margo.v1.edge_node_pb2_grpc")
    status = importlib.import_module("eos.margo.v1.status_pb2")
    return fleet, edge_node, edge_node_grpc, status


def desired_state(fleet, deployment, generation):
    """One generation of a deployment running one process workload on every targeted node."""
    state = fleet.FleetDesiredState(deployment=deployment, generation=generation)
    spec = state.spec
    spec.target.SetInParent()  # required; an empty target matches every node
    spec.placement.every_node.SetInParent()
    workload = spec.workloads.add(
        name="greeter", restart_policy=fleet.RESTART_POLICY_ON_FAILURE, stop_timeout="10s")
    workload.process.command.extend(["/bin/sh", "-c", "echo hello from python"])
    workload.process.env["GREETING"] = "hello"
    spec.rollout.strategy = fleet.ROLLOUT_STRATEGY_ROLLING
    spec.rollout.max_unavailable.percentage = "25%"
    spec.rollout.failure_threshold = "0%"
    spec.rollout.progress_deadline = "10m"
    return state


def status_summary(status_module, status):
    """The node's status as plain JSON values (enums by name, int64 as numbers)."""
    return {
        "node_id": status.node_id,
        "deployments": [
            {
                "deployment": report.deployment,
                "observed_generation": report.observed_generation,
                "node_id": report.node_id,
                "state": status_module.DeploymentState.Name(report.state),
                "reported_by": report.reported_by,
            }
            for report in status.deployments
        ],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="HOST:PORT of the Edge Node")
    parser.add_argument("--ca", required=True, help="the fleet CA certificate (PEM)")
    parser.add_argument("--cert", required=True, help="the caller's certificate (PEM)")
    parser.add_argument("--key", required=True, help="the caller's private key (PEM)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--protos", default=DEFAULT_PROTOS, help="the Protos/ folder to compile")
    source.add_argument("--generated", help="a folder already holding the generated *_pb2*.py modules")
    parser.add_argument("--deployment", default="hello-python")
    parser.add_argument("--generation", type=int, default=1)
    parser.add_argument("--server-name", help="the name to check the server certificate for, if not the target's")
    parser.add_argument("--timeout", type=float, default=60, help="seconds each call may take")
    args = parser.parse_args()

    try:
        import grpc
    except ImportError as error:
        fail(f"{error}: install grpcio and grpcio-tools (python3 -m pip install grpcio grpcio-tools)")

    def read(path):
        try:
            with open(path, "rb") as file:
                return file.read()
        except OSError as error:
            fail(f"cannot read {path}: {error}")

    with tempfile.TemporaryDirectory(prefix="margo-python-") as scratch:
        generated = args.generated
        if generated is None:
            compile_protos(os.path.abspath(args.protos), scratch)
            generated = scratch
        fleet, edge_node, edge_node_grpc, status_module = load_modules(generated)

        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(args.ca), private_key=read(args.key), certificate_chain=read(args.cert))
        options = [("grpc.ssl_target_name_override", args.server_name)] if args.server_name else []
        method = "EdgeNode/ApplyDeploy"
        try:
            with grpc.secure_channel(args.target, credentials, options=options) as channel:
                stub = edge_node_grpc.EdgeNodeStub(channel)
                request = edge_node.ApplyDeployRequest(
                    desired_state=desired_state(fleet, args.deployment, args.generation))
                applied = stub.ApplyDeploy(request, timeout=args.timeout)
                method = "EdgeNode/GetNodeStatus"
                status = stub.GetNodeStatus(edge_node.GetNodeStatusRequest(), timeout=args.timeout)
        except grpc.RpcError as error:
            code = error.code().name
            print(json.dumps({"error": {"code": code, "method": method, "details": error.details()}}), flush=True)
            print(f"{code}: {method}: {error.details()}", file=sys.stderr)
            sys.exit(1)

        print(json.dumps({
            "apply": {"outcome": fleet.ApplyOutcome.Name(applied.outcome), "generation": applied.generation},
            "status": status_summary(status_module, status.status),
        }), flush=True)


if __name__ == "__main__":
    main()
