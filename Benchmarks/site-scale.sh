#!/usr/bin/env bash
# One site at scale: builds eosd and the driver in release mode, starts `eosd site`, attaches N Edge Nodes on
# simulated runtimes (in the driver's process) over loopback mutual TLS, and times a first install, an update and
# the central's return after an outage, with the site's RSS after each (the issue's targets, for 500 nodes: all
# installed within 2 s of DeployFleet, under 60 MB RSS).
#
#   Benchmarks/site-scale.sh [--nodes N] [--concurrency N]
set -euo pipefail
source "$(dirname "$0")/host-build.sh"
swift build "${release[@]}" --package-path "$benchmarks" --product SiteScale
# Every node holds a few sockets and SQLite files, in the driver and in the site.
ulimit -n "$(ulimit -Hn)"
"$drivers/SiteScale" --eosd "$eosd" "$@"
