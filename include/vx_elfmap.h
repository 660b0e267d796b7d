/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vx_elfmap: the physical memory of an ELF vmcore (kdump's /proc/vmcore
 * copy, QEMU's dump-guest-memory), mapped.
 *
 * A host reads the dump one page per read(2); an object walk touches a
 * few thousand pages per listing and spends a quarter of its time in
 * those system calls.  The map finds the file bytes of a physical range
 * from the PT_LOAD headers, as crash's read_netdump() does, and leaves
 * everything else (zero-fill beyond p_filesz, addresses in no segment,
 * other dump formats) to the host.
 */
#ifndef VX_ELFMAP_H
#define VX_ELFMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vx_elfmap;

/* NULL, with a one-line reason in ERR, if PATH is not a usable ELF64
 * little-endian core file. */
struct vx_elfmap *vx_elfmap_open(const char *path, char *err, size_t errlen);
/* The same over a file already in memory (tests, fuzzing). */
struct vx_elfmap *vx_elfmap_from_buf(const void *buf, size_t size, char *err,
				     size_t errlen);
void vx_elfmap_close(struct vx_elfmap *map);

/*
 * The file bytes of [PADDR, PADDR + LEN), or NULL if they are not all in
 * the file-backed part of one segment.  Touching them may raise SIGBUS
 * if the file shrinks or fails under the map (the adapter's guard).
 */
const void *vx_elfmap_get(struct vx_elfmap *map, uint64_t paddr, size_t len);

/* Whether ADDR lies in the mapping (a SIGBUS there is the file's). */
bool vx_elfmap_holds(const struct vx_elfmap *map, const void *addr);

unsigned int vx_elfmap_segments(const struct vx_elfmap *map);
/* [*start, *end) of segment I's file-backed part; -1 if no such one. */
int vx_elfmap_segment(const struct vx_elfmap *map, unsigned int i,
		      uint64_t *start, uint64_t *end);

#endif /* VX_ELFMAP_H */
