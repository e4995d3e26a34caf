#!/usr/bin/env bash
# What an idle Edge Node costs its host: builds eosd and the sampler in release mode, starts `eosd node` with the
# process runtime, applies five process workloads from a parent it heartbeats to, and samples the node's RSS and
# CPU time from /proc for 60 seconds (the issue's targets: under 20 MB RSS, under 1% of one core).
#
#   Benchmarks/edge-footprint.sh [--seconds N] [--workloads N] [--heartbeat N]
set -euo pipefail
cd "$(dirname "$0")"
# Built as Docs/operations.md builds eosd for hosts: whole-program specialisation across modules. A first build so
# takes about 25 minutes on two cores, since every dependency is compiled that way too.
release=(-c release -Xswiftc -cross-module-optimization)
# Both come from this package's build folder: eosd is the main package's product, built in release here too.
swift build "${release[@]}" --product eosd
swift build "${release[@]}" --product EdgeFootprint
bin="$(swift build "${release[@]}" --show-bin-path)"
"$bin/EdgeFootprint" --eosd "$bin/eosd" "$@"
