/*
 * preadtime.so -- LD_PRELOAD shim for the benchmark: counts the pread64()
 * calls of the process's main thread, crash's own, and the time spent in
 * them, and at exit, if there were any, prints "VXPREAD <calls>
 * <nanoseconds>" on stderr; those of its other threads (vmap's read-ahead
 * helper, whose reads the command does not wait for) as "VXPREAD_OTHER".
 *
 * It splits `vmap list`'s time per area into what the host kernel spends
 * copying dump pages out of the page cache and everything else (issue 6:
 * 6.12's vmap_area and vm_struct take 168 bytes of slab an area, 6.1's
 * 128, so a listing reads more of the dump per area).  Never used outside
 * tests/bench.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static ssize_t (*real_pread64)(int, void *, size_t, off_t);
static unsigned long long calls, nanoseconds;
static unsigned long long other_calls, other_nanoseconds;

static unsigned long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	unsigned long long t0;
	ssize_t ret;

	if (!real_pread64)
		real_pread64 = (ssize_t (*)(int, void *, size_t, off_t))
			dlsym(RTLD_NEXT, "pread64");
	t0 = now();
	ret = real_pread64(fd, buf, len, off);
	if (gettid() == getpid()) {
		nanoseconds += now() - t0;
		calls++;
	} else {
		/* the helper thread is the only other one that reads */
		__atomic_add_fetch(&other_nanoseconds, now() - t0,
				   __ATOMIC_RELAXED);
		__atomic_add_fetch(&other_calls, 1, __ATOMIC_RELAXED);
	}
	return ret;
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
	__attribute__((alias("pread64")));

__attribute__((destructor)) static void report(void)
{
	if (calls)
		fprintf(stderr, "VXPREAD %llu %llu\n", calls, nanoseconds);
	if (other_calls)
		fprintf(stderr, "VXPREAD_OTHER %llu %llu\n", other_calls,
			other_nanoseconds);
}
