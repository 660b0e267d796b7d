/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vx_uring: a batch of file reads in one system call (src/vx_uring.c).
 */
#ifndef VX_URING_H
#define VX_URING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VX_URING_BATCH	16	/* reads a batch at most */

struct vx_uring_read {
	uint64_t offset;	/* in the file */
	void *buf;
	size_t len;
	int ret;		/* out: 0 read whole, -1 not */
};

struct vx_uring;

/* NULL where io_uring is missing or refused. */
struct vx_uring *vx_uring_open(void);
void vx_uring_close(struct vx_uring *ur);
/* false: the ring is unusable from now on (some reads may be unmade) */
bool vx_uring_read(struct vx_uring *ur, int fd, struct vx_uring_read *rd,
		   unsigned int n);

#endif /* VX_URING_H */
