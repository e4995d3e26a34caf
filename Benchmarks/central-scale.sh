#!/usr/bin/env bash
# The fleet at scale, from the central's side: builds eosd and the driver in release mode, then times POST
# /deploy/fleet to every node installed in /status, and an update, with the measured process's RSS after each and
# how long one GET /status of the deployment then takes.
#
# --network tls (default): starts `eosd central`, runs S Local Orchestrators of N Edge Nodes each on simulated
#   runtimes (in the driver's process) over loopback mutual TLS, and also measures the central's status intake. The
#   issue's targets, for 10 × 100 nodes: under 5 s; at least 50,000 status messages a second; the central under
#   200 MB.
# --network nodes-in-process: as over TLS, but each site serves its nodes apart on an in-process network, so 100 × 100
#   nodes fit in the driver while the central stays a real peer over mutual TLS: the central's own memory and CPU at
#   10,000 nodes (the issue's target: under 200 MB RSS).
# --network in-process: the whole fleet in one `eosd dev --network in-process --runtime simulated` process, which is
#   what is measured (central, sites and nodes together). The issue's target, for 100 × 100 nodes: under 10 s.
#   --data-dir /dev/shm keeps 100 sites' stores off the disk they would not share in a real fleet. At 10,000 nodes
#   the central's /metrics, which the driver reads to see the nodes Ready, is about 11 MB (every node's host
#   telemetry), and reading it slows the fleet's attach several times over.
#
# With the central apart, --hold SECONDS waits between the update and the intake, reporting every 30 s, so the
# central's telemetry history fills to its budget; --telemetry-interval SECONDS (nodes-in-process) fills it sooner.
#
#   Benchmarks/central-scale.sh [--network tls|nodes-in-process|in-process] [--sites 10] [--nodes-per-site 100]
#                               [--reports 2000] [--hold SECONDS] [--telemetry-interval SECONDS] [--data-dir DIR]
set -euo pipefail
source "$(dirname "$0")/host-build.sh"
swift build "${release[@]}" --package-path "$benchmarks" --product CentralScale
# Over TLS every node holds a few sockets and SQLite files, in the driver and in the sites: about 8 descriptors a
# node, so a hard limit of 20,000 open files caps one driver at about 2,400 nodes. In process, simulated nodes hold
# none.
ulimit -n "$(ulimit -Hn)"
"$drivers/CentralScale" --eosd "$eosd" "$@"
