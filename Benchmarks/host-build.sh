# Sourced by the scripts that measure eosd. Builds eosd as Docs/operations.md builds it for hosts, and sets:
#   release     the build flags, which the benchmark drivers are built with too;
#   benchmarks  this folder, the benchmarks' package;
#   eosd        the built eosd;
#   drivers     where the benchmarks' package puts the drivers it builds with those flags.
# The flags: whole-program specialisation across modules, and each function in a section of its own, so that the link
# lays them out as eosd.order and eosd.ld say. A first build so takes 15 to 25 minutes on two cores (per package),
# since every dependency is compiled that way too.
release=(-c release -Xswiftc -cross-module-optimization -Xswiftc -Xfrontend -Xswiftc -function-sections)
benchmarks="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# eosd is built in the main package, exactly as hosts get it (the Swift runtime linked in): its link settings (lld,
# packed relocations, the function order) apply there only. So a first run builds twice, this package's driver and the
# main package's eosd.
swift build "${release[@]}" --static-swift-stdlib --package-path "$benchmarks/.." --product eosd
eosd="$(swift build "${release[@]}" --package-path "$benchmarks/.." --show-bin-path)/eosd"
drivers="$(swift build "${release[@]}" --package-path "$benchmarks" --show-bin-path)"
