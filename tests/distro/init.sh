#!/bin/busybox sh
# shellcheck shell=dash
# /init of the distro-kernel initramfs (busybox-static, run as PID 1).
# Like tests/e2e/init.sh, without the vx_fixture driver (Debian's kernel has
# none): prints the kernel release, /proc/vmallocinfo and /proc/meminfo
# between the same markers on the serial console, then VXFIX-READY, then
# sleeps until the host dumps and kills QEMU.
export PATH=/bin:/sbin

/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
exec </dev/console >/dev/console 2>&1

# real addresses in /proc/vmallocinfo (%pK): kptr_restrict=0 here,
# no_hash_pointers on the kernel command line
echo 0 > /proc/sys/kernel/kptr_restrict 2>/dev/null || true
# qemu_fw_cfg (a module in Debian's kernel) hands the guest's VMCOREINFO to
# QEMU's -device vmcoreinfo, so that the dump carries it (phys_base,
# KERNELOFFSET, ...) as dumps of real machines do
if [ -f /lib/modules/qemu_fw_cfg.ko ]; then
	insmod /lib/modules/qemu_fw_cfg.ko ||
		echo "VXFIX-WARNING insmod qemu_fw_cfg.ko failed"
fi
echo VXFIX-MODULES-BEGIN
cat /proc/modules
echo VXFIX-MODULES-END

# keep kernel messages off the console while the tables are printed
echo 1 > /proc/sys/kernel/printk 2>/dev/null || true

# let boot-time kworkers and deferred initcalls settle, so that fewer
# thread stacks come and go between the print and the dump
sleep 3

echo VXFIX-UNAME-BEGIN
uname -r
echo VXFIX-UNAME-END
echo VXFIX-CMDLINE-BEGIN
cat /proc/cmdline
echo VXFIX-CMDLINE-END
echo VXFIX-VMALLOCINFO-BEGIN
cat /proc/vmallocinfo
echo VXFIX-VMALLOCINFO-END
echo VXFIX-MEMINFO-BEGIN
cat /proc/meminfo
echo VXFIX-MEMINFO-END
echo VXFIX-READY

while :; do
	sleep 3600
done
