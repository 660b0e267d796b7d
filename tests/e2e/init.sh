#!/bin/busybox sh
# shellcheck shell=dash
# /init of the guest initramfs (busybox-static, run as PID 1), for the
# fixture kernels and for Debian's own (tests/e2e/guest.sh builds it).
# Loads the modules in /lib/modules, prints /proc/vmallocinfo and more
# between VXFIX-<NAME>-BEGIN/END markers on the serial console, then
# VXFIX-READY, then sleeps until the host dumps and kills QEMU.
export PATH=/bin:/sbin

/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
exec </dev/console >/dev/console 2>&1

# real addresses in /proc/vmallocinfo (%pK): kptr_restrict=0 here,
# no_hash_pointers on the kernel command line
echo 0 > /proc/sys/kernel/kptr_restrict 2>/dev/null || true

# The modules: the fixture module (it prints where its text and data
# landed, "VXFIX module ..."), or Debian's qemu_fw_cfg, which hands the
# guest's VMCOREINFO to QEMU's -device vmcoreinfo, so that the dump
# carries it as dumps of real machines do.  Loaded before the lazy free
# below: setting module memory read-only calls vm_unmap_aliases(), which
# would purge that lazy area.
for ko in /lib/modules/*.ko; do
	[ -f "$ko" ] || continue
	insmod "$ko" || echo "VXFIX-WARNING insmod $ko failed"
done
echo VXFIX-MODULES-BEGIN
cat /proc/modules
echo VXFIX-MODULES-END

if [ -e /sys/module/vx_fixture/parameters/free_lazy ]; then
	# the fixture module's init memory is vfree()d by a worker after an
	# RCU grace period: let that happen now, so the tables below and the
	# dump agree (the areas are lazy in both)
	[ -f /lib/modules/vx_fixture_mod.ko ] && sleep 2
	# vfree() the driver's "vmalloc_freed" area now (after
	# mark_rodata_ro, whose vm_unmap_aliases() would have purged it)
	# and print "VXFIX done"
	echo 1 > /sys/module/vx_fixture/parameters/free_lazy
else
	# no fixture driver (a distribution's kernel): let boot-time
	# kworkers and deferred initcalls settle, so that fewer thread
	# stacks come and go between the print and the dump
	sleep 3
fi

# keep kernel messages off the console while the tables are printed
echo 1 > /proc/sys/kernel/printk 2>/dev/null || true

# fold the per-CPU vmstat deltas into the global counters first: on 7.x
# VmallocUsed is the node statistic NR_VMALLOC, which global_node_page_state()
# reads without the per-CPU deltas (it lagged by 27 pages on the 7.2 fixture)
echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null || true

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
