#!/usr/bin/env bash
# What an idle Edge Node costs its host: builds eosd and the sampler in release mode, starts `eosd node` with the
# process runtime, applies five process workloads from a parent it heartbeats to, and samples the node's RSS and
# CPU time from /proc for 60 seconds (the issue's targets: under 20 MB RSS, under 1% of one core).
#
#   Benchmarks/edge-footprint.sh [--seconds N] [--workloads N] [--heartbeat N]
set -euo pipefail
source "$(dirname "$0")/host-build.sh"
swift build "${release[@]}" --package-path "$benchmarks" --product EdgeFootprint
"$drivers/EdgeFootprint" --eosd "$eosd" "$@"
