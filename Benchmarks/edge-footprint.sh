#!/usr/bin/env bash
# What an idle Edge Node costs its host: builds eosd and the sampler in release mode, starts `eosd node` with the
# process runtime, applies five process workloads from a parent it heartbeats to, and samples the node's RSS and
# CPU time from /proc for 60 seconds (the issue's targets: under 20 MB RSS, under 1% of one core).
#
#   Benchmarks/edge-footprint.sh [--seconds N] [--workloads N] [--heartbeat N]
set -euo pipefail
cd "$(dirname "$0")"
# Built as Docs/operations.md builds eosd for hosts: whole-program specialisation across modules. A first build so
# takes about 25 minutes on two cores (per package), since every dependency is compiled that way too.
release=(-c release -Xswiftc -cross-module-optimization)
# eosd is built in the main package, exactly as hosts get it (the Swift runtime linked in): its link settings (lld,
# packed relocations) apply there only. So a first run builds twice, this package's driver and the main package's eosd.
swift build "${release[@]}" --static-swift-stdlib --package-path .. --product eosd
eosd="$(swift build "${release[@]}" --package-path .. --show-bin-path)/eosd"
swift build "${release[@]}" --product EdgeFootprint
bin="$(swift build "${release[@]}" --show-bin-path)"
"$bin/EdgeFootprint" --eosd "$eosd" "$@"
