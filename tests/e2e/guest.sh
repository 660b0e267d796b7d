# shellcheck shell=bash
# guest.sh: boot a kernel under QEMU with a busybox initramfs and dump its
# memory over QMP.  Sourced by tests/e2e/mkfixture.sh (fixture kernels)
# and tests/distro/run.sh (Debian's kernel); both put this file's text in
# their dump cache keys.  The caller defines log() and sets PY (python3).
#
# The guest runs tests/e2e/init.sh, which prints its tables between
# VXFIX-<NAME>-BEGIN/END markers on the serial console and VXFIX-READY.

GUEST_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}
QEMU=${QEMU:-qemu-system-x86_64}

# guest_initramfs OUT [MODULE.ko ...]: busybox, tests/e2e/init.sh as
# /init, the modules in /lib/modules (init.sh loads them)
guest_initramfs() {
	local out=$1 root a
	shift
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lib/modules}
	cp "$BUSYBOX" "$root/bin/busybox"
	for a in $("$BUSYBOX" --list); do
		[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
	done
	for a in "$@"; do
		cp "$a" "$root/lib/modules/"
	done
	cp "$GUEST_HERE/init.sh" "$root/init"
	chmod 755 "$root/init"
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	mknod -m 666 "$root/dev/null" c 1 3 2>/dev/null || true
	(cd "$root" && find . | sort | cpio -o -H newc -R 0:0 --reproducible --quiet | gzip -9n) >"$out"
	rm -rf "$root"
}

guest_console_tail() { # $1 = console log
	log "console tail:"
	tr -d '\r' <"$1" 2>/dev/null | tail -n 40 >&2 || true
}

# guest_boot_dump KERNEL INITRAMFS DIR MEM TIMEOUT APPEND: boot (TCG,
# -smp $GUEST_SMP, default 4 vCPUs), wait for VXFIX-READY, dump to
# DIR/vmcore, stop QEMU.  Leaves
# DIR/{console.log,qemu.out,qemu-cmdline.txt,boot-seconds,dump-seconds}.
# 1 (said why) on a failure.
guest_boot_dump() {
	local kernel=$1 initrd=$2 dir=$3 mem=$4 timeout=$5 append=$6
	local qdir sock qpid t
	local -a args
	qdir=$(mktemp -d /tmp/vxqmp.XXXXXX)
	sock="$qdir/qmp.sock"
	args=(-accel tcg -smp "${GUEST_SMP:-4}" -m "$mem" -no-reboot
		-display none -vga none -monitor none -serial "file:$dir/console.log"
		-kernel "$kernel" -initrd "$initrd"
		-device vmcoreinfo -qmp "unix:$sock,server,nowait"
		-append "$append")
	printf '%q ' "$QEMU" "${args[@]}" |
		sed -e "s|$(dirname "$kernel")/|KERNELDIR/|g" -e "s|$dir/|DUMPDIR/|g" \
			-e "s|$sock|QMP.sock|" >"$dir/qemu-cmdline.txt"
	echo >>"$dir/qemu-cmdline.txt"
	log "booting in QEMU (TCG, -smp ${GUEST_SMP:-4}, $mem; timeout ${timeout}s)"
	t=$SECONDS
	"$QEMU" "${args[@]}" </dev/null >"$dir/qemu.out" 2>&1 &
	qpid=$!
	# shellcheck disable=SC2064
	trap "kill $qpid 2>/dev/null; rm -rf '$qdir'" EXIT
	while ! { [ -f "$dir/console.log" ] && grep -q '^VXFIX-READY' "$dir/console.log"; }; do
		if ! kill -0 "$qpid" 2>/dev/null; then
			guest_console_tail "$dir/console.log"
			cat "$dir/qemu.out" >&2
			log "ERROR: QEMU exited before VXFIX-READY ($dir)"
			rm -rf "$qdir"
			return 1
		fi
		if [ $((SECONDS - t)) -ge "$timeout" ]; then
			kill "$qpid" 2>/dev/null || true
			guest_console_tail "$dir/console.log"
			log "ERROR: timeout: no VXFIX-READY after ${timeout}s ($dir)"
			rm -rf "$qdir"
			return 1
		fi
		sleep 1
	done
	echo "$((SECONDS - t))" >"$dir/boot-seconds"
	log "guest ready after $((SECONDS - t)) s; dumping guest memory"
	t=$SECONDS
	if ! timeout 900 "$PY" "$GUEST_HERE/qmp_dump.py" "$sock" "$dir/vmcore" 600 >&2; then
		kill "$qpid" 2>/dev/null || true
		guest_console_tail "$dir/console.log"
		log "ERROR: QMP dump failed"
		rm -rf "$qdir"
		return 1
	fi
	for _ in $(seq 1 30); do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 1
	done
	kill "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	trap - EXIT
	rm -rf "$qdir"
	echo "$((SECONDS - t))" >"$dir/dump-seconds"
	if [ ! -s "$dir/vmcore" ]; then
		log "ERROR: no vmcore written"
		return 1
	fi
	chmod 0644 "$dir/vmcore"
	tr -d '\r' <"$dir/console.log" >"$dir/console.clean"
	mv "$dir/console.clean" "$dir/console.log"
}

# guest_section NAME CONSOLE: the lines between VXFIX-NAME-BEGIN and -END
# (kernel messages that slipped in left out)
guest_section() {
	awk -v b="VXFIX-$1-BEGIN" -v e="VXFIX-$1-END" \
		'$0 == b { f = 1; next } $0 == e { f = 0 } f && !/^\[ *[0-9]+\.[0-9]+\]/' "$2"
}
