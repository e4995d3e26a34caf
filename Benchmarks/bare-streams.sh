#!/usr/bin/env bash
# The memory of the gRPC stack every tier is built on, with no EOS code in the server: builds the driver in release
# mode, starts a grpc-swift-2 server over mutual TLS in a process of its own, opens N client connections each holding
# one bidirectional stream (as each node holds its attach stream at its site), and prints the server's resident
# memory. Beside site-scale.sh, it shows how much of a site's memory is the stack's and how much its own.
#
#   Benchmarks/bare-streams.sh [--connections N]
set -euo pipefail
source "$(dirname "$0")/host-build.sh"
swift build "${release[@]}" --package-path "$benchmarks" --product BareStreams
# Every connection holds a socket at each end, both in this machine's limits.
ulimit -n "$(ulimit -Hn)"
"$drivers/BareStreams" "$@"
