#!/usr/bin/env bash
# Regenerates how lld lays out eosd's code: Sources/EOSDaemons/eosd.order (the symbol ordering file) and eosd.ld (a
# linker script for the code without symbols). Both name the code eosd's tiers run, tier by tier: first an edge node's,
# then what a site, the central and a whole dev fleet run besides. Laid out together, a tier's code shares a few
# megabytes of the binary's 43 MB of code instead of touching pages all over it, and a tier keeps that much less
# resident.
#
#   scripts/generate-link-order.sh
#
# It builds eosd as hosts get it (Benchmarks/host-build.sh, as Docs/operations.md says) with lld's map of the link, and
# the benchmark drivers. Then it runs each tier under valgrind's callgrind, which records every instruction a process
# runs: an edge node applying and running five process workloads, then at rest (EdgeFootprint), a site taking a
# deployment to 20 nodes (SiteScale), a central with two sites of ten nodes over mutual TLS, and a dev fleet of two
# sites of five (CentralScale). scripts/link-order.py finds the input sections those instructions are in, from the map.
# Takes about 30 minutes from scratch on two cores, most of it the build.
#
# Regenerate them after larger changes: code the files do not name is laid out after the code they name, so stale
# files only cost resident memory, never correctness.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind > /dev/null; then
    if [[ $(id -u) -eq 0 ]]; then
        apt-get install -y -qq valgrind > /dev/null
    else
        echo "generate-link-order: valgrind is missing (apt-get install valgrind)" >&2
        exit 1
    fi
fi

source Benchmarks/host-build.sh
for driver in EdgeFootprint SiteScale CentralScale; do
    swift build "${release[@]}" --package-path "$benchmarks" --product "$driver"
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The same link once more, with its map, which names symbols as the ordering file needs them (not demangled).
swift build "${release[@]}" --static-swift-stdlib --product eosd -Xlinker -Map="$work/eosd.map" -Xlinker --no-demangle
# valgrind 3.19 cannot read the DWARF 5 of Swift's debug information; the symbol table is all callgrind needs.
objcopy --strip-debug "$eosd" "$work/eosd"
cat > "$work/eosd-profiled" << SCRIPT
#!/bin/sh
exec valgrind --tool=callgrind --dump-instr=yes --demangle=no --log-file="$work/valgrind.%p.log" \
    --callgrind-out-file="$work/profile.%p.out" "$work/eosd" "\$@"
SCRIPT
chmod +x "$work/eosd-profiled"
ulimit -n "$(ulimit -Hn)"

# The node's profile comes in three parts (see scripts/link-order.py): its start, up to the driver's measurement; 25
# seconds at rest; its stop.
stdbuf -oL "$drivers/EdgeFootprint" --eosd "$work/eosd-profiled" --seconds 30 | while read -r line; do
    echo "$line"
    if [[ $line =~ ^eosd\ node\ pid\ ([0-9]+) ]]; then
        sleep 5
        callgrind_control --dump "${BASH_REMATCH[1]}" > /dev/null
        sleep 25
        callgrind_control --dump "${BASH_REMATCH[1]}" > /dev/null
    fi
done
"$drivers/SiteScale" --eosd "$work/eosd-profiled" --nodes 20
"$drivers/CentralScale" --eosd "$work/eosd-profiled" --network tls --sites 2 --nodes-per-site 10
"$drivers/CentralScale" --eosd "$work/eosd-profiled" --network in-process --sites 2 --nodes-per-site 5

layout=Sources/EOSDaemons
python3 scripts/link-order.py \
    "$work/eosd.map" "$work/eosd" "$layout/eosd.order" "$layout/eosd.ld" "$work"/profile.*.out*
# SwiftPM does not know the link reads these files: without its binary, the next build links eosd with them.
rm -f "$eosd"
echo "wrote $layout/eosd.order ($(wc -l < "$layout/eosd.order") sections by symbol) and $layout/eosd.ld" \
    "($(grep -c '("' "$layout/eosd.ld") by object file)"
