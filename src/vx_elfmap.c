// SPDX-License-Identifier: GPL-2.0
/*
 * vx_elfmap: physical reads of an ELF vmcore straight from a mapping of
 * the file, by the same PT_LOAD arithmetic as crash's read_netdump().
 */
#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vx_elfmap.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "vx_elfmap reads ELFDATA2LSB headers in place"
#endif

#define MAX_SEGMENTS	(1u << 20)

struct elfseg {
	uint64_t start, end;	/* physical, file-backed part */
	uint64_t offset;	/* of START in the file */
};

struct vx_elfmap {
	const unsigned char *base;
	size_t size;
	bool mapped;		/* base is ours to munmap */
	unsigned int nr, last;
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
static bool phnum(const unsigned char *base, size_t size,
		  const Elf64_Ehdr *eh, uint64_t *nr)
{
	Elf64_Shdr sh;

	*nr = eh->e_phnum;
	if (eh->e_phnum != PN_XNUM)
		return true;
	if (eh->e_shoff > size || size - eh->e_shoff < sizeof(sh))
		return false;
	memcpy(&sh, base + eh->e_shoff, sizeof(sh));
	*nr = sh.sh_info;
	return true;
}

static struct vx_elfmap *parse(const unsigned char *base, size_t size,
			       char *err, size_t errlen)
{
	struct vx_elfmap *map;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t nr, i;

	if (size < sizeof(eh))
		return fail(err, errlen, "shorter than an ELF header");
	memcpy(&eh, base, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, "not ELF");
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_CORE)
		return fail(err, errlen, "not an ELF64 little-endian core file");
	if (eh.e_phentsize != sizeof(ph) || !phnum(base, size, &eh, &nr))
		return fail(err, errlen, "bad program header table");
	if (nr > MAX_SEGMENTS || eh.e_phoff > size ||
	    (size - eh.e_phoff) / sizeof(ph) < nr)
		return fail(err, errlen, "program headers beyond the file");
	map = calloc(1, sizeof(*map) + nr * sizeof(map->seg[0]));
	if (!map)
		return fail(err, errlen, "out of memory");
	map->base = base;
	map->size = size;
	for (i = 0; i < nr; i++) {
		struct elfseg *seg = &map->seg[map->nr];
		uint64_t len;

		memcpy(&ph, base + eh.e_phoff + i * sizeof(ph), sizeof(ph));
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

struct vx_elfmap *vx_elfmap_from_buf(const void *buf, size_t size, char *err,
				     size_t errlen)
{
	return parse(buf, size, err, errlen);
}

struct vx_elfmap *vx_elfmap_open(const char *path, char *err, size_t errlen)
{
	struct vx_elfmap *map;
	struct stat st;
	void *base;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "%s: %m", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return fail(err, errlen, "%s: not a regular file", path);
	}
	base = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return fail(err, errlen, "%s: mmap: %m", path);
	map = parse(base, st.st_size, err, errlen);
	if (!map) {
		munmap(base, st.st_size);
		return NULL;
	}
	map->mapped = true;
	return map;
}

void vx_elfmap_close(struct vx_elfmap *map)
{
	if (!map)
		return;
	if (map->mapped)
		munmap((void *)map->base, map->size);
	free(map);
}

static const struct elfseg *find(struct vx_elfmap *map, uint64_t paddr)
{
	const struct elfseg *seg = &map->seg[map->last];
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
			map->last = mid;
			return seg;
		}
	}
	return NULL;
}

const void *vx_elfmap_get(struct vx_elfmap *map, uint64_t paddr, size_t len)
{
	const struct elfseg *seg = find(map, paddr);

	if (!seg || len > seg->end - paddr)
		return NULL;
	return map->base + seg->offset + (paddr - seg->start);
}

bool vx_elfmap_holds(const struct vx_elfmap *map, const void *addr)
{
	const unsigned char *byte = addr;

	return byte >= map->base && byte < map->base + map->size;
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
