// SPDX-License-Identifier: GPL-2.0
/*
 * vx_uring: a batch of file reads in one system call (io_uring, raw
 * system calls: no library to depend on).
 *
 * On guests where a system call is dear (an AMD EPYC guest with PTI: 1.1
 * µs for getppid(), 2.1 µs for a 4 KiB pread() of a page in the host's
 * page cache), 16 page reads in one io_uring_enter() cost 0.84 µs a page.
 * The read-ahead helper puts off the reads that nothing in its walk
 * depends on (vm_structs) and makes them together (vx_pgtable.c).
 *
 * One thread at a time: the ring is the read-ahead helper's, and there
 * is one helper at a time.  Where io_uring is missing or refused
 * (seccomp, io_uring_disabled, a kernel before 5.6), or any read of a
 * batch comes back short or failed, that read is made with pread().
 */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vx_uring.h"

#define ENTRIES		32	/* >= VX_URING_BATCH */

struct vx_uring {
	int ring_fd;
	unsigned int sq_mask, cq_mask;
	_Atomic unsigned int *sq_tail, *cq_head, *cq_tail;
	unsigned int *sq_array;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	void *sq_ring, *cq_ring;
	size_t sq_len, cq_len, sqes_len;
};

static void unmap(struct vx_uring *ur)
{
	if (ur->sqes && ur->sqes != MAP_FAILED)
		munmap(ur->sqes, ur->sqes_len);
	if (ur->cq_ring && ur->cq_ring != MAP_FAILED &&
	    ur->cq_ring != ur->sq_ring)
		munmap(ur->cq_ring, ur->cq_len);
	if (ur->sq_ring && ur->sq_ring != MAP_FAILED)
		munmap(ur->sq_ring, ur->sq_len);
}

static bool map_rings(struct vx_uring *ur, const struct io_uring_params *p)
{
	const int prot = PROT_READ | PROT_WRITE;
	const int flags = MAP_SHARED | MAP_POPULATE;
	char *sq, *cq;

	ur->sq_len = p->sq_off.array + p->sq_entries * sizeof(unsigned int);
	ur->cq_len = p->cq_off.cqes +
		     p->cq_entries * sizeof(struct io_uring_cqe);
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		if (ur->cq_len > ur->sq_len)
			ur->sq_len = ur->cq_len;
		ur->cq_len = ur->sq_len;
	}
	ur->sq_ring = mmap(NULL, ur->sq_len, prot, flags, ur->ring_fd,
			   IORING_OFF_SQ_RING);
	if (ur->sq_ring == MAP_FAILED)
		return false;
	ur->cq_ring = ur->sq_ring;
	if (!(p->features & IORING_FEAT_SINGLE_MMAP))
		ur->cq_ring = mmap(NULL, ur->cq_len, prot, flags, ur->ring_fd,
				   IORING_OFF_CQ_RING);
	if (ur->cq_ring == MAP_FAILED)
		return false;
	ur->sqes_len = p->sq_entries * sizeof(struct io_uring_sqe);
	ur->sqes = mmap(NULL, ur->sqes_len, prot, flags, ur->ring_fd,
			IORING_OFF_SQES);
	if (ur->sqes == MAP_FAILED)
		return false;
	sq = ur->sq_ring;
	cq = ur->cq_ring;
	ur->sq_mask = *(unsigned int *)(sq + p->sq_off.ring_mask);
	ur->sq_tail = (_Atomic unsigned int *)(sq + p->sq_off.tail);
	ur->sq_array = (unsigned int *)(sq + p->sq_off.array);
	ur->cq_mask = *(unsigned int *)(cq + p->cq_off.ring_mask);
	ur->cq_head = (_Atomic unsigned int *)(cq + p->cq_off.head);
	ur->cq_tail = (_Atomic unsigned int *)(cq + p->cq_off.tail);
	ur->cqes = (struct io_uring_cqe *)(cq + p->cq_off.cqes);
	return true;
}

struct vx_uring *vx_uring_open(void)
{
	struct io_uring_params p;
	struct vx_uring *ur = calloc(1, sizeof(*ur));

	if (!ur)
		return NULL;
	memset(&p, 0, sizeof(p));
	ur->ring_fd = syscall(__NR_io_uring_setup, ENTRIES, &p);
	if (ur->ring_fd < 0) {
		free(ur);
		return NULL;
	}
	if (!map_rings(ur, &p)) {
		vx_uring_close(ur);
		return NULL;
	}
	return ur;
}

void vx_uring_close(struct vx_uring *ur)
{
	if (!ur)
		return;
	unmap(ur);
	close(ur->ring_fd);
	free(ur);
}

static void queue(struct vx_uring *ur, unsigned int tail, int fd,
		  const struct vx_uring_read *rd, unsigned int i)
{
	unsigned int idx = tail & ur->sq_mask;
	struct io_uring_sqe *sqe = &ur->sqes[idx];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_READ;
	sqe->fd = fd;
	sqe->addr = (uint64_t)(uintptr_t)rd->buf;
	sqe->len = rd->len;
	sqe->off = rd->offset;
	sqe->user_data = i;
	ur->sq_array[idx] = idx;
}

/* Reap completions until N arrived; false if the kernel stopped giving
 * them (the reads still in flight then write into their buffers later:
 * the caller must not reuse the ring, see vx_uring_read). */
static bool reap(struct vx_uring *ur, struct vx_uring_read *rd,
		 unsigned int n)
{
	unsigned int got = 0, head = atomic_load_explicit(ur->cq_head,
						memory_order_relaxed);

	while (got < n) {
		unsigned int tail = atomic_load_explicit(ur->cq_tail,
							 memory_order_acquire);

		for (; head != tail; head++, got++) {
			const struct io_uring_cqe *cqe =
				&ur->cqes[head & ur->cq_mask];

			if (cqe->user_data < n)
				rd[cqe->user_data].ret =
					cqe->res == (int)rd[cqe->user_data].len ?
					0 : -1;
		}
		atomic_store_explicit(ur->cq_head, head, memory_order_release);
		if (got < n &&
		    syscall(__NR_io_uring_enter, ur->ring_fd, 0, n - got,
			    IORING_ENTER_GETEVENTS, NULL, 0) < 0 &&
		    errno != EINTR)
			return false;
	}
	return true;
}

/*
 * Read each of RD[0..N) (N <= VX_URING_BATCH) from FD: RD[i].ret 0 if all
 * of it was read, else -1.  Returns false if the ring is unusable from
 * now on (the caller closes it and reads on its own).
 */
bool vx_uring_read(struct vx_uring *ur, int fd, struct vx_uring_read *rd,
		   unsigned int n)
{
	unsigned int tail, i;
	long sent;

	if (n > VX_URING_BATCH)
		return false;
	tail = atomic_load_explicit(ur->sq_tail, memory_order_relaxed);
	for (i = 0; i < n; i++) {
		rd[i].ret = -1;
		queue(ur, tail + i, fd, &rd[i], i);
	}
	atomic_store_explicit(ur->sq_tail, tail + n, memory_order_release);
	do
		sent = syscall(__NR_io_uring_enter, ur->ring_fd, n, n,
			       IORING_ENTER_GETEVENTS, NULL, 0);
	while (sent < 0 && errno == EINTR);
	if (sent == (long)n)
		return reap(ur, rd, n);
	/* the kernel took only some or none: give the ring up, once the
	 * reads it took are over (their buffers are the caller's) */
	if (sent > 0)
		reap(ur, rd, sent);
	return false;
}
