// SPDX-License-Identifier: GPL-2.0
/*
 * vx_elfmap: physical reads of an ELF vmcore straight from the file, by
 * the same PT_LOAD arithmetic as crash's read_netdump().
 */
#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vx_elfmap.h"
#include "vx_uring.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "vx_elfmap reads ELFDATA2LSB headers in place"
#endif

#define MAX_SEGMENTS	(1u << 20)	/* kdumps have thousands at most */

struct elfseg {
	uint64_t start, end;	/* physical, file-backed part */
	uint64_t offset;	/* of START in the file */
};

struct vx_elfmap {
	int fd;			/* -1: BUF holds the file */
	const unsigned char *buf;
	uint64_t size;
	unsigned int nr;
	unsigned int last;	/* relaxed atomic: a helper thread reads too */
	struct vx_uring *uring;	/* the batches' (one thread's at a time) */
	bool uring_tried;
	struct elfseg seg[];
};

static void *fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return NULL;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct elfseg *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The program-header count, which PN_XNUM moves to section 0's sh_info. */
static bool phnum(const unsigned char *head, size_t have, uint64_t size,
		  const Elf64_Ehdr *eh, int fd, uint64_t *nr)
{
	Elf64_Shdr sh;

	*nr = eh->e_phnum;
	if (eh->e_phnum != PN_XNUM)
		return true;
	if (eh->e_shoff > size || size - eh->e_shoff < sizeof(sh))
		return false;
	if (fd < 0 || eh->e_shoff + sizeof(sh) <= have)
		memcpy(&sh, head + eh->e_shoff, sizeof(sh));
	else if (pread(fd, &sh, sizeof(sh), eh->e_shoff) != sizeof(sh))
		return false;
	*nr = sh.sh_info;
	return true;
}

/*
 * The segments of the core file of SIZE bytes whose program headers
 * are at PHDRS (NR of them).
 */
static struct vx_elfmap *segments(const unsigned char *phdrs, uint64_t nr,
				  uint64_t size, char *err, size_t errlen)
{
	struct vx_elfmap *map;
	Elf64_Phdr ph;
	uint64_t i;

	map = calloc(1, sizeof(*map) + nr * sizeof(map->seg[0]));
	if (!map)
		return fail(err, errlen, "out of memory");
	map->size = size;
	map->fd = -1;
	for (i = 0; i < nr; i++) {
		struct elfseg *seg = &map->seg[map->nr];
		uint64_t len;

		memcpy(&ph, phdrs + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_filesz || ph.p_offset >= size)
			continue;
		/* a truncated dump: what is missing stays the host's */
		len = ph.p_filesz < size - ph.p_offset ? ph.p_filesz :
							 size - ph.p_offset;
		if (ph.p_paddr + len < ph.p_paddr)
			continue;
		seg->start = ph.p_paddr;
		seg->end = ph.p_paddr + len;
		seg->offset = ph.p_offset;
		map->nr++;
	}
	if (!map->nr) {
		free(map);
		return fail(err, errlen, "no PT_LOAD segment with file data");
	}
	qsort(map->seg, map->nr, sizeof(map->seg[0]), seg_cmp);
	/* read_netdump() takes the first in header order: not ours to guess */
	for (i = 1; i < map->nr; i++)
		if (map->seg[i].start < map->seg[i - 1].end) {
			free(map);
			return fail(err, errlen, "overlapping PT_LOAD segments");
		}
	return map;
}

/*
 * HEAD: the file's first HAVE bytes (all of it when FD < 0).  The
 * program headers are read from FD if they lie beyond.
 */
static struct vx_elfmap *parse(const unsigned char *head, size_t have,
			       uint64_t size, int fd, char *err,
			       size_t errlen)
{
	struct vx_elfmap *map;
	unsigned char *phdrs = NULL;
	Elf64_Ehdr eh;
	uint64_t nr, len;

	if (have < sizeof(eh))
		return fail(err, errlen, "shorter than an ELF header");
	memcpy(&eh, head, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, "not ELF");
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_CORE)
		return fail(err, errlen, "not an ELF64 little-endian core file");
	if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !phnum(head, have, size, &eh, fd, &nr))
		return fail(err, errlen, "bad program header table");
	len = nr * sizeof(Elf64_Phdr);
	if (nr > MAX_SEGMENTS || eh.e_phoff > size || size - eh.e_phoff < len)
		return fail(err, errlen, "program headers beyond the file");
	if (fd < 0 || eh.e_phoff + len <= have)
		return segments(head + eh.e_phoff, nr, size, err, errlen);
	if (!(phdrs = malloc(len ? len : 1)))
		return fail(err, errlen, "out of memory");
	if (pread(fd, phdrs, len, eh.e_phoff) != (ssize_t)len)
		map = fail(err, errlen, "program headers unreadable");
	else
		map = segments(phdrs, nr, size, err, errlen);
	free(phdrs);
	return map;
}

struct vx_elfmap *vx_elfmap_from_buf(const void *buf, size_t size, char *err,
				     size_t errlen)
{
	struct vx_elfmap *map = parse(buf, size, size, -1, err, errlen);

	if (map)
		map->buf = buf;
	return map;
}

struct vx_elfmap *vx_elfmap_open(const char *path, char *err, size_t errlen)
{
	unsigned char head[4096];
	struct vx_elfmap *map;
	struct stat st;
	ssize_t have;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "%s: %m", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (have = pread(fd, head, sizeof(head), 0)) < 0) {
		close(fd);
		return fail(err, errlen, "%s: not a readable regular file",
			    path);
	}
	map = parse(head, have, st.st_size, fd, err, errlen);
	if (!map) {
		close(fd);
		return NULL;
	}
	map->fd = fd;
	return map;
}

void vx_elfmap_close(struct vx_elfmap *map)
{
	if (!map)
		return;
	vx_uring_close(map->uring);
	if (map->fd >= 0)
		close(map->fd);
	free(map);
}

static const struct elfseg *find(struct vx_elfmap *map, uint64_t paddr)
{
	const struct elfseg *seg =
		&map->seg[__atomic_load_n(&map->last, __ATOMIC_RELAXED)];
	unsigned int lo = 0, hi = map->nr;

	if (paddr - seg->start < seg->end - seg->start)
		return seg;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		seg = &map->seg[mid];
		if (paddr < seg->start) {
			hi = mid;
		} else if (paddr >= seg->end) {
			lo = mid + 1;
		} else {
			__atomic_store_n(&map->last, mid, __ATOMIC_RELAXED);
			return seg;
		}
	}
	return NULL;
}

int vx_elfmap_offset(struct vx_elfmap *map, uint64_t paddr, size_t len,
		     uint64_t *offset)
{
	const struct elfseg *seg = find(map, paddr);

	if (!seg || len > seg->end - paddr)
		return -1;
	*offset = seg->offset + (paddr - seg->start);
	return 0;
}

int vx_elfmap_read(struct vx_elfmap *map, uint64_t paddr, void *buf,
		   size_t len)
{
	uint64_t offset;

	if (vx_elfmap_offset(map, paddr, len, &offset))
		return -1;
	if (map->fd < 0) {
		memcpy(buf, map->buf + offset, len);
		return 0;
	}
	return pread(map->fd, buf, len, offset) == (ssize_t)len ? 0 : -1;
}

unsigned int vx_elfmap_segments(const struct vx_elfmap *map)
{
	return map->nr;
}

int vx_elfmap_segment(const struct vx_elfmap *map, unsigned int i,
		      uint64_t *start, uint64_t *end)
{
	if (i >= map->nr)
		return -1;
	*start = map->seg[i].start;
	*end = map->seg[i].end;
	return 0;
}

/*
 * The batch's reads inside the file, with their offsets, packed into
 * UR; IDX[j]: the read of RD that UR[j] is.  The count.
 */
static unsigned int batch_reads(struct vx_elfmap *map,
				const struct vx_phys_read *rd, unsigned int n,
				struct vx_uring_read *ur, unsigned int *idx)
{
	unsigned int i, nr = 0;

	for (i = 0; i < n; i++) {
		if (vx_elfmap_offset(map, rd[i].paddr, rd[i].len,
				     &ur[nr].offset))
			continue;
		ur[nr].buf = rd[i].buf;
		ur[nr].len = rd[i].len;
		idx[nr++] = i;
	}
	return nr;
}

_Static_assert(VX_PHYS_BATCH <= VX_URING_BATCH, "a batch fits the ring");

/* The batches' ring, set up at the first; NULL if io_uring is refused. */
static struct vx_uring *uring(struct vx_elfmap *map)
{
	if (!map->uring_tried) {
		map->uring_tried = true;
		map->uring = vx_uring_open();
	}
	return map->uring;
}

void vx_elfmap_read_batch(struct vx_elfmap *map, struct vx_phys_read *rd,
			  unsigned int n)
{
	struct vx_uring_read ur[VX_PHYS_BATCH];
	unsigned int i, nr, idx[VX_PHYS_BATCH];

	for (i = 0; i < n; i++)
		rd[i].ret = -1;
	if (map->fd >= 0 && n >= 2 && n <= VX_PHYS_BATCH && uring(map)) {
		nr = batch_reads(map, rd, n, ur, idx);
		if (!vx_uring_read(map->uring, map->fd, ur, nr)) {
			vx_uring_close(map->uring);
			map->uring = NULL;
		}
		for (i = 0; i < nr; i++)
			rd[idx[i]].ret = ur[i].ret;
	}
	/* what the ring did not read (it is off, or a read came back
	 * short), and every read outside the file, as a read of one */
	for (i = 0; i < n; i++)
		if (rd[i].ret)
			rd[i].ret = vx_elfmap_read(map, rd[i].paddr, rd[i].buf,
						   rd[i].len);
}
