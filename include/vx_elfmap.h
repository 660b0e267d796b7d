/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vx_elfmap: the physical memory of an ELF vmcore (kdump's /proc/vmcore
 * copy, QEMU's dump-guest-memory), read straight from the file.
 *
 * crash reads such a dump with an lseek and a read per page behind its
 * readmem() machinery; an object walk misses a few thousand pages per
 * listing and spent a quarter of its time there.  The map finds the file
 * offset of a physical range from the PT_LOAD headers, as crash's
 * read_netdump() does, reads it with one pread(), and leaves everything
 * else (zero-fill beyond p_filesz, addresses in no segment, other dump
 * formats, I/O errors) to the host.  The file is not mmap()ed: a mapping
 * would count every page the kernel maps around a fault in the process's
 * RSS (110 MiB for one 50,000-area listing) and turn I/O errors into
 * SIGBUS.
 */
#ifndef VX_ELFMAP_H
#define VX_ELFMAP_H

#include <stddef.h>
#include <stdint.h>

#include "vx.h"

struct vx_elfmap;

/* NULL, with a one-line reason in ERR, if PATH is not a usable ELF64
 * little-endian core file. */
struct vx_elfmap *vx_elfmap_open(const char *path, char *err, size_t errlen);
/* The same over a file already in memory (tests, fuzzing). */
struct vx_elfmap *vx_elfmap_from_buf(const void *buf, size_t size, char *err,
				     size_t errlen);
void vx_elfmap_close(struct vx_elfmap *map);

/* The file offset of [PADDR, PADDR + LEN), if it lies in the
 * file-backed part of one segment: 0, else -1. */
int vx_elfmap_offset(struct vx_elfmap *map, uint64_t paddr, size_t len,
		     uint64_t *offset);
/* Read [PADDR, PADDR + LEN): 0, or -1 if not in the file or unreadable. */
int vx_elfmap_read(struct vx_elfmap *map, uint64_t paddr, void *buf,
		   size_t len);

/* vx_elfmap_read of each of RD[0..N) (N <= VX_PHYS_BATCH), in one
 * system call where the kernel lets us (io_uring).  One thread at a
 * time. */
void vx_elfmap_read_batch(struct vx_elfmap *map, struct vx_phys_read *rd,
			  unsigned int n);

unsigned int vx_elfmap_segments(const struct vx_elfmap *map);
/* [*start, *end) of segment I's file-backed part; -1 if no such one. */
int vx_elfmap_segment(const struct vx_elfmap *map, unsigned int i,
		      uint64_t *start, uint64_t *end);

#endif /* VX_ELFMAP_H */
