#!/usr/bin/env bash
# Regenerates the committed Swift code for the Margo wire protocol from Protos/, and the OpenTelemetry protocol
# (OTLP) types from the pinned opentelemetry-proto package.
#
#   scripts/generate-protos.sh           regenerate Sources/EOSKit/Margo/Generated/ and
#                                        Sources/EOSKit/Telemetry/OTLP/Generated/
#   scripts/generate-protos.sh --check   regenerate into a temporary folder and fail if it differs from what is
#                                        committed (for CI: the sources and the generated code must agree)
#
# protoc comes from Debian's protobuf-compiler, its well-known types from libprotobuf-dev (installed with apt-get when
# missing and running as root); the two plugins are built from the package's pinned dependencies (swift-protobuf,
# grpc-swift-protobuf), so the output only changes when Package.swift's pins or the protos change. The repository
# holds no OTLP .proto files: their source of truth is PyPI's opentelemetry-proto at the version pinned below, whose
# *_pb2.py modules embed each file's descriptor; pip installs it into a temporary folder (python3 with the protobuf
# package must be present).
# OTLP gets message types only, internal to their module: EOS speaks OTLP over HTTP with protobuf bodies, not gRPC.
# Output is byte-for-byte deterministic: the same inputs give the same files.
set -euo pipefail

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
}

mode=generate
case "${1:-}" in
    "") ;;
    --check) mode=check ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
proto_root="$root/Protos"
output="$root/Sources/EOSKit/Margo/Generated"
otlp_output="$root/Sources/EOSKit/Telemetry/OTLP/Generated"
# The opentelemetry-proto release whose descriptors are the OTLP source of truth, and the files taken from it, in
# dependency order (no profiles: EOS does not send them).
otlp_version=1.45.2
otlp_protos=(
    opentelemetry/proto/common/v1/common.proto
    opentelemetry/proto/resource/v1/resource.proto
    opentelemetry/proto/metrics/v1/metrics.proto
    opentelemetry/proto/trace/v1/trace.proto
    opentelemetry/proto/logs/v1/logs.proto
    opentelemetry/proto/collector/metrics/v1/metrics_service.proto
    opentelemetry/proto/collector/trace/v1/trace_service.proto
    opentelemetry/proto/collector/logs/v1/logs_service.proto
)

log() { printf '==> %s\n' "$*" >&2; }

# protoc, with its well-known types (google/protobuf/*.proto).
if ! command -v protoc >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing protoc (protobuf-compiler)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends protobuf-compiler libprotobuf-dev >/dev/null ||
            { apt-get update -qq &&
                apt-get install -y -qq --no-install-recommends protobuf-compiler libprotobuf-dev >/dev/null; }
    else
        echo "protoc is missing: install Debian's protobuf-compiler (apt-get install protobuf-compiler)" >&2
        exit 1
    fi
fi
well_known="$(dirname "$(command -v protoc)")/../include"
if [ ! -f "$well_known/google/protobuf/timestamp.proto" ]; then
    well_known=/usr/include
fi
if [ ! -f "$well_known/google/protobuf/timestamp.proto" ]; then
    echo "protoc's well-known types (google/protobuf/timestamp.proto) are missing: on Debian they come with" \
        "libprotobuf-dev (apt-get install libprotobuf-dev)" >&2
    exit 1
fi

# python3 with the protobuf package, to read the descriptors out of opentelemetry-proto's modules.
if ! command -v python3 >/dev/null; then
    echo "python3 is missing: it is needed to read the OTLP descriptors from opentelemetry-proto" >&2
    exit 1
fi
if ! python3 -c 'import google.protobuf' 2>/dev/null; then
    echo "python3 cannot import google.protobuf: install the protobuf package (pip install protobuf or" \
        "apt-get install python3-protobuf); it is needed to read the OTLP descriptors" >&2
    exit 1
fi

# The plugins, from the versions Package.swift pins.
log "building protoc-gen-swift and protoc-gen-grpc-swift-2"
# One product per call: given several --product flags, `swift build` builds only the last.
for plugin in protoc-gen-swift protoc-gen-grpc-swift-2; do
    swift build --package-path "$root" --product "$plugin" >&2
done
bin="$(swift build --package-path "$root" --show-bin-path)"
for plugin in protoc-gen-swift protoc-gen-grpc-swift-2; do
    if [ ! -x "$bin/$plugin" ]; then
        echo "$plugin was not built into $bin" >&2
        exit 1
    fi
done

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
generated="$scratch/Generated"
mkdir -p "$generated"

# Relative paths in a fixed order: the generated headers name each source as eos/margo/v1/x.proto whatever the
# checkout's location, and the order never depends on the file system.
protos=()
while IFS= read -r file; do protos+=("$file"); done < <(cd "$proto_root" && find eos -name '*.proto' | LC_ALL=C sort)
if [ "${#protos[@]}" = 0 ]; then
    echo "no .proto files under $proto_root" >&2
    exit 1
fi

log "protoc ${protos[*]}"
# UseAccessLevelOnImports: the package enables InternalImportsByDefault, so public generated types need
# `public import SwiftProtobuf` / `public import GRPCCore`.
(
    cd "$proto_root"
    protoc \
        --proto_path=. \
        --proto_path="$well_known" \
        --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
        --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
        --swift_opt=Visibility=Public,FileNaming=DropPath,UseAccessLevelOnImports=true \
        --swift_out="$generated" \
        --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true,FileNaming=DropPath,UseAccessLevelOnImports=true \
        --grpc-swift-2_out="$generated" \
        "${protos[@]}"
)

# grpc-swift-2 writes a file for every proto, saying "This file contained no services." for those without one.
for file in "$generated"/*.grpc.swift; do
    if grep -q 'This file contained no services\.' "$file"; then rm -f "$file"; fi
done

# OTLP. With FileNaming=DropPath each file is named after its proto's base name, so two protos sharing one
# (say a future v2/metrics.proto) would overwrite each other: refuse, rather than lose a file.
clashes="$(for file in "${otlp_protos[@]}"; do basename "$file" .proto; done | LC_ALL=C sort | uniq -d)"
if [ -n "$clashes" ]; then
    echo "OTLP protos share a base name ($(echo "$clashes" | tr '\n' ' ')): with FileNaming=DropPath their" \
        "generated files would collide; switch the OTLP set to FileNaming=PathToUnderscores" >&2
    exit 1
fi

log "installing opentelemetry-proto $otlp_version"
PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$scratch/otlp-python" "opentelemetry-proto==$otlp_version" >&2

# One FileDescriptorSet, each file after its dependencies, serialized deterministically: the descriptors are the
# bytes embedded in the package's modules, so the set only changes with the pinned version.
otlp_descriptors="$scratch/otlp-descriptors.pb"
PYTHONPATH="$scratch/otlp-python" python3 - "$otlp_descriptors" "${otlp_protos[@]}" <<'PYTHON'
import importlib
import sys

from google.protobuf import descriptor_pb2

output, names = sys.argv[1], sys.argv[2:]
descriptor_set = descriptor_pb2.FileDescriptorSet()
added = set()


def add(file):
    if file.name in added:
        return
    for dependency in file.dependencies:
        add(dependency)
    descriptor_set.file.add().MergeFromString(file.serialized_pb)
    added.add(file.name)


for name in names:
    # opentelemetry/proto/common/v1/common.proto is the module opentelemetry.proto.common.v1.common_pb2.
    module = importlib.import_module(name.removesuffix(".proto").replace("/", ".") + "_pb2")
    if module.DESCRIPTOR.name != name:
        sys.exit(f"{module.__name__} describes {module.DESCRIPTOR.name}, not {name}")
    add(module.DESCRIPTOR)

with open(output, "wb") as file:
    file.write(descriptor_set.SerializeToString(deterministic=True))
PYTHON

otlp_generated="$scratch/OTLP"
mkdir -p "$otlp_generated"
log "protoc ${otlp_protos[*]}"
# Visibility=Internal: EOS wraps OTLP in its own types and never exposes the wire messages.
protoc \
    --descriptor_set_in="$otlp_descriptors" \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --swift_opt=Visibility=Internal,FileNaming=DropPath \
    --swift_out="$otlp_generated" \
    "${otlp_protos[@]}"

# publish GENERATED OUTPUT SOURCE: in generate mode, replaces OUTPUT's .swift files with GENERATED's wholesale (so a
# removed proto leaves no stale file behind); in check mode, fails when they differ, naming SOURCE.
failed=0
publish() {
    local generated="$1" output="$2" source="$3"
    case "$mode" in
        generate)
            mkdir -p "$output"
            find "$output" -maxdepth 1 -name '*.swift' -delete
            cp "$generated"/*.swift "$output"/
            log "wrote $(find "$output" -maxdepth 1 -name '*.swift' | wc -l | tr -d ' ') files to ${output#"$root"/}"
            ;;
        check)
            if [ ! -d "$output" ]; then
                echo "${output#"$root"/} is missing: run scripts/generate-protos.sh" >&2
                failed=1
            elif ! diff -r "$generated" "$output" >"$scratch/diff"; then
                cat "$scratch/diff" >&2
                echo "${output#"$root"/} differs from what $source generates: run scripts/generate-protos.sh" >&2
                failed=1
            else
                log "${output#"$root"/} matches $source"
            fi
            ;;
    esac
}

publish "$generated" "$output" "Protos/"
publish "$otlp_generated" "$otlp_output" "opentelemetry-proto $otlp_version"
exit "$failed"
