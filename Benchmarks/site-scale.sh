#!/usr/bin/env bash
# One site at scale: builds eosd and the driver in release mode, starts `eosd site`, attaches N Edge Nodes on
# simulated runtimes (in the driver's process) over loopback mutual TLS, and times a first install, an update and
# the central's return after an outage, with the site's RSS after each (the issue's targets, for 500 nodes: all
# installed within 2 s of DeployFleet, under 60 MB RSS).
#
#   Benchmarks/site-scale.sh [--nodes N] [--concurrency N]
set -euo pipefail
cd "$(dirname "$0")"
# Built as Docs/operations.md builds eosd for hosts: whole-program specialisation across modules. A first build so
# takes about 25 minutes on two cores (per package), since every dependency is compiled that way too.
release=(-c release -Xswiftc -cross-module-optimization)
# eosd is built in the main package, exactly as hosts get it (the Swift runtime linked in): its link settings (lld,
# packed relocations) apply there only. So a first run builds twice, this package's driver and the main package's eosd.
swift build "${release[@]}" --static-swift-stdlib --package-path .. --product eosd
eosd="$(swift build "${release[@]}" --package-path .. --show-bin-path)/eosd"
swift build "${release[@]}" --product SiteScale
bin="$(swift build "${release[@]}" --show-bin-path)"
# Every node holds a few sockets and SQLite files, in the driver and in the site.
ulimit -n "$(ulimit -Hn)"
"$bin/SiteScale" --eosd "$eosd" "$@"
