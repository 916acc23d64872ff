#!/bin/bash
# tests/e2e/mkinitramfs.sh KERNEL_DIR OUTPUT — a busybox initramfs for the
# VM tier. Its /init loads virtio_pci, 9pnet_virtio, 9p and overlay (in
# dependency order), mounts the host's / read-only over 9p, lays a tmpfs
# over it so the guest can write, gives it a fresh /run, mounts the
# writable "results" share on /e2e and switch_roots into the stage-2
# script named by LACTD_STAGE2 on the kernel command line.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

kdir=${1:?usage: mkinitramfs.sh KERNEL_DIR OUTPUT}
out=${2:?usage: mkinitramfs.sh KERNEL_DIR OUTPUT}
kver=$(ls "$kdir/lib/modules")
# busybox-static's binary: it needs no libraries in the initramfs.
busybox=$(command -v busybox)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,newroot,host,rw,modules}
cp "$busybox" "$work/bin/busybox"

# Modules in load order, each once.
declare -A seen=()
order=()
for mod in virtio_pci 9pnet_virtio 9p overlay; do
  while read -r _ path _; do
    [[ -n "${seen[$path]:-}" ]] && continue
    seen[$path]=1
    cp "$path" "$work/modules/"
    order+=("$(basename "$path")")
  done < <(modprobe -d "$kdir" -S "$kver" --show-depends "$mod" | grep '^insmod ')
done

cat > "$work/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in ${order[*]}; do insmod /modules/\$m || echo "init: insmod \$m failed"; done
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /host || exec sh
mount -t tmpfs -o size=256m tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work /newroot || exec sh
mount -t tmpfs tmpfs /newroot/run
mkdir -p /newroot/e2e
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results /newroot/e2e || echo "init: no results share"
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
echo "init: switching to \${LACTD_STAGE2:-/bin/sh}"
exec switch_root /newroot /bin/bash \${LACTD_STAGE2:-/bin/sh}
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
