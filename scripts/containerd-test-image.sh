#!/usr/bin/env bash
# Builds the small OCI image archive the containerd integration tests run: Debian's static busybox in an otherwise
# empty root filesystem, made with umoci, no registry involved.
#
#   scripts/containerd-test-image.sh OUT.tar    write the OCI archive to OUT.tar (its folder is created)
#
# The archive is an OCI layout with one image tagged `latest`; `ctr -n NS images import --base-name local/busybox
# OUT.tar` makes it local/busybox:latest (ContainerdRuntime does this for local_busybox_latest.tar in its
# imageArchives folder; adding `--index-name local/busybox:latest` makes ctr 1.6 fail). Needs busybox-static and
# umoci (installed with apt-get when missing and running as root).
set -euo pipefail

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
    "" | -h | --help)
        usage
        [ -n "${1:-}" ] && exit 0
        exit 2
        ;;
esac
mkdir -p "$(dirname "$1")"
out="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"

busybox=/bin/busybox
if ! command -v umoci >/dev/null || ! [ -x "$busybox" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static umoci >/dev/null
    else
        echo "containerd-test-image.sh: needs umoci and $busybox (Debian: apt-get install umoci busybox-static)" >&2
        exit 1
    fi
fi
# A dynamically linked busybox would not run in a root filesystem without its libraries.
if ldd "$busybox" >/dev/null 2>&1; then
    echo "containerd-test-image.sh: $busybox is dynamically linked; install busybox-static" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

umoci init --layout oci
umoci new --image oci:latest
rootless=()
[ "$(id -u)" = 0 ] || rootless=(--rootless)
umoci unpack "${rootless[@]}" --image oci:latest bundle >/dev/null
mkdir -p bundle/rootfs/bin bundle/rootfs/tmp
cp "$busybox" bundle/rootfs/bin/busybox
for applet in sh echo sleep cat ls true false env head tail yes dd id kill seq; do
    ln -sf busybox "bundle/rootfs/bin/$applet"
done
umoci repack --image oci:latest bundle
umoci config --image oci:latest --config.cmd /bin/sh --config.env PATH=/bin \
    --clear=config.labels --created 2000-01-01T00:00:00Z --history.created 2000-01-01T00:00:00Z
umoci gc --layout oci

(cd oci && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - .) >"$out.partial"
mv "$out.partial" "$out"
echo "wrote $out"
