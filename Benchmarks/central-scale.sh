#!/usr/bin/env bash
# The fleet at scale, from the central's side: builds eosd and the driver in release mode, starts `eosd central`,
# runs S Local Orchestrators of N Edge Nodes each on simulated runtimes (in the driver's process) over loopback
# mutual TLS, and times POST /deploy/fleet to every node installed in /status, an update, and the status intake,
# with the central's RSS after each (the issue's targets, for 10 × 100 nodes over mTLS: under 5 s; at least 50,000
# status messages a second; the central under 200 MB).
#
#   Benchmarks/central-scale.sh [--sites 10] [--nodes-per-site 100] [--reports 2000]
set -euo pipefail
cd "$(dirname "$0")"
swift build -c release --product eosd
swift build -c release --product CentralScale
bin="$(swift build -c release --show-bin-path)"
# Every node holds a few sockets and SQLite files, in the driver and in the sites: about 8 descriptors a node, so
# a hard limit of 20,000 open files caps one driver at about 2,400 nodes.
ulimit -n "$(ulimit -Hn)"
"$bin/CentralScale" --eosd "$bin/eosd" "$@"
