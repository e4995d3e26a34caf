#!/usr/bin/env bash
# Regenerates the committed Swift code for the Margo wire protocol from Protos/.
#
#   scripts/generate-protos.sh           regenerate Sources/EOSKit/Margo/Generated/
#   scripts/generate-protos.sh --check   regenerate into a temporary folder and fail if it differs from what is
#                                        committed (for CI: the protos and the generated code must agree)
#
# protoc comes from Debian's protobuf-compiler (installed with apt-get when missing and running as root); the two
# plugins are built from the package's pinned dependencies (swift-protobuf, grpc-swift-protobuf), so the output
# only changes when Package.swift's pins or the protos change. Output is byte-for-byte deterministic: the same
# inputs give the same files.
set -euo pipefail

usage() {
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
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

log() { printf '==> %s\n' "$*" >&2; }

# protoc, with its well-known types (google/protobuf/*.proto).
if ! command -v protoc >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing protoc (protobuf-compiler)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends protobuf-compiler >/dev/null ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends protobuf-compiler >/dev/null; }
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
    echo "protoc's well-known types (google/protobuf/timestamp.proto) are missing: install protobuf-compiler" >&2
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

case "$mode" in
    generate)
        mkdir -p "$output"
        # Replace the folder's .swift files wholesale, so a removed proto leaves no stale file behind.
        find "$output" -maxdepth 1 -name '*.swift' -delete
        cp "$generated"/*.swift "$output"/
        log "wrote $(find "$output" -maxdepth 1 -name '*.swift' | wc -l | tr -d ' ') files to ${output#"$root"/}"
        ;;
    check)
        if [ ! -d "$output" ]; then
            echo "${output#"$root"/} is missing: run scripts/generate-protos.sh" >&2
            exit 1
        fi
        if ! diff -r "$generated" "$output" >"$scratch/diff"; then
            cat "$scratch/diff" >&2
            echo "${output#"$root"/} differs from what Protos/ generates: run scripts/generate-protos.sh" >&2
            exit 1
        fi
        log "${output#"$root"/} matches Protos/"
        ;;
esac
