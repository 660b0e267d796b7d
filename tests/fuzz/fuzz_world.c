// SPDX-License-Identifier: GPL-2.0
/* The fuzz targets' synthetic kernel: see fuzz_world.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_world.h"
#include "vx_flags.h"

/* ---- own page tables: every data page of the world, copied to phys ---- */

static void pt_build(struct fworld *w, int levels)
{
	static const struct { uint64_t start; unsigned long pages; } runs[] = {
		{ FW_A, 4 }, { FW_C, 80 }, { FW_F, 2 }, { FW_G, 3 },
		{ FW_D, 4 }, { FW_D + 6 * P, 1 }, { FW_D + 10 * P, 2 },
		{ FW_D2, 2 },
	};
	unsigned char page[P];
	uint64_t pgd, phys = FW_DATA_PHYS, l5;
	size_t r;
	unsigned long i;

	w->pt_end = FW_PT_BASE;
	pgd = img_pt_table(&w->world.img, &w->pt_end);
	img_sym_add(&w->world.img, "init_top_pgt", 0xffffffff80000000ULL + pgd);
	if (levels == 5) {
		l5 = img_alloc(&w->world.img, 8);
		img_w32(&w->world.img, l5, 1);
		img_sym_add(&w->world.img, "__pgtable_l5_enabled", l5);
	}
	for (r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		for (i = 0; i < runs[r].pages; i++, phys += P) {
			uint64_t va = runs[r].start + i * P;
			size_t k;

			for (k = 0; k < P; k += 8) {
				uint64_t word = img_r64(&w->world.img, va + k);

				memcpy(page + k, &word, 8);
			}
			img_write(&w->world.img, phys, page, P);
			img_pt_map(&w->world.img, &w->pt_end, pgd, levels,
				   va, phys, 1);
		}
	}
	/* a 2 MiB leaf where no area is */
	img_pt_map(&w->world.img, &w->pt_end, pgd, levels,
		   FW_V + 0x40000000ULL, 0x4000000, 2);
}

void fworld_build(struct fworld *w, unsigned char mode)
{
	struct img *img = &w->world.img;
	uint64_t counter;

	memset(w, 0, sizeof(*w));
	world_build(&w->world, mode & 3, 4, mode & 4 ? 0xd : 0xf);

	/* the kernel's NR_VMALLOC counter, for vmap list -c */
	counter = img_alloc(img, 8);
	img_w64(img, counter, 6);
	img_sym_add(img, "nr_vmalloc_pages", counter);
	/* the modules list, for vx_module_owner() (objects added last) */
	world_add_modules(&w->world);

	w->own_pt = mode & 8;
	if (w->own_pt)
		pt_build(w, mode & 16 ? 5 : 4);
	w->obj_end = img->brk;
}

void fworld_free(struct fworld *w)
{
	img_free(&w->world.img);
	free(w->saved);
	w->saved = NULL;
}

static void copy_out(struct fworld *w, uint64_t addr, uint64_t end,
		     unsigned char *buf)
{
	for (; addr < end; addr += 8, buf += 8) {
		uint64_t word = img_r64(&w->world.img, addr);

		memcpy(buf, &word, 8);
	}
}

void fworld_save(struct fworld *w)
{
	uint64_t objs = w->obj_end - FW_OBJ_BASE;
	uint64_t pts = w->own_pt ? w->pt_end - FW_PT_BASE : 0;

	w->saved = malloc(objs + pts);
	if (!w->saved)
		abort();
	copy_out(w, FW_OBJ_BASE, w->obj_end, w->saved);
	if (pts)
		copy_out(w, FW_PT_BASE, w->pt_end, w->saved + objs);
}

void fworld_restore(struct fworld *w)
{
	uint64_t objs = w->obj_end - FW_OBJ_BASE;

	/* img_write() maps again what a patch unmapped */
	img_write(&w->world.img, FW_OBJ_BASE, w->saved, objs);
	if (w->own_pt)
		img_write(&w->world.img, FW_PT_BASE, w->saved + objs,
			  w->pt_end - FW_PT_BASE);
	w->world.img.warnings[0] = '\0';
	w->world.img.nr_warn = 0;
}

/* ---- patches ---- */

enum patch_type {
	PT_RAW,		/* LEN raw bytes */
	PT_OBJPTR,	/* u64: FW_OBJ_BASE + u16 (a pointer into the objects) */
	PT_VMALLOC,	/* u64: FW_V + u16 pages */
	PT_COPY,	/* u64 copied from offset u16 */
	PT_SPECIAL,	/* u64 from a table of awkward values */
	PT_UNMAP,	/* the page at the offset disappears */
	PT_PGTABLE,	/* own_pt: LEN raw bytes into the page tables */
	PT_DELTA,	/* u64 at offset += (int8) * 8 or * page */
	PT_NR,
};

static const uint64_t specials[] = {
	0, ~0ULL, 1, 2, 3, 7, 8, 0x1000, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ULL, 1ULL << 40, 1ULL << 63, ~0ULL - 4095,
	IMG_VMALLOC, IMG_VMALLOC_END, IMG_VMALLOC - IMG_PAGE,
	FW_OBJ_BASE, FW_OBJ_BASE - 8, 0xffff888000000000ULL,
	0xffffffff81000000ULL, 0xdead000000000000ULL, 0xdead000000000122ULL,
	FW_D, FW_D + IMG_BLOCK, FW_C + 40 * IMG_PAGE, FW_V + 0x40000000ULL,
	0x8000000000000001ULL, 0x00000000deadbeefULL,
};

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

unsigned int fworld_patch(struct fworld *w, const uint8_t *data, size_t size)
{
	uint64_t region = w->obj_end - FW_OBJ_BASE, val, addr;
	uint64_t pt_size = w->own_pt ? w->pt_end - FW_PT_BASE : 0;
	unsigned int applied = 0;
	size_t i = 0;

	while (i + 3 <= size && applied < 64) {
		unsigned int type = (data[i] >> 4) % PT_NR;
		size_t len = (data[i] & 7) + 1;
		uint16_t off16 = get16(data + i + 1);

		i += 3;
		addr = FW_OBJ_BASE + off16 % region;
		switch (type) {
		case PT_RAW:
			if (i + len > size)
				return applied;
			if (addr + len > w->obj_end)
				addr = w->obj_end - len;
			img_write(&w->world.img, addr, data + i, len);
			i += len;
			break;
		case PT_PGTABLE:
			if (i + len > size)
				return applied;
			if (pt_size) {
				addr = FW_PT_BASE + off16 % pt_size;
				if (addr + len > w->pt_end)
					addr = w->pt_end - len;
				img_write(&w->world.img, addr, data + i, len);
			}
			i += len;
			break;
		case PT_UNMAP:
			img_unmap(&w->world.img, addr);
			break;
		default:
			if (i + 2 > size)
				return applied;
			val = get16(data + i);
			i += 2;
			addr &= ~7ULL;
			if (addr + 8 > w->obj_end)
				addr = (w->obj_end - 8) & ~7ULL;
			if (type == PT_OBJPTR)
				val = FW_OBJ_BASE + val % region;
			else if (type == PT_VMALLOC)
				val = FW_V + val * FW_P;
			else if (type == PT_COPY)
				val = img_r64(&w->world.img,
					      (FW_OBJ_BASE + val % region) &
					      ~7ULL);
			else if (type == PT_SPECIAL)
				val = specials[val % (sizeof(specials) /
						      sizeof(specials[0]))];
			else	/* PT_DELTA */
				val = img_r64(&w->world.img, addr) +
				      (int64_t)(int8_t)(val & 0xff) *
				      (val & 0x100 ? (int64_t)FW_P : 8);
			img_w64(&w->world.img, addr, val);
			break;
		}
		applied++;
	}
	return applied;
}

/* ---- ops with an access budget ---- */

static unsigned long budget, used;

static int fw_read(void *priv, uint64_t addr, void *buf, size_t len);
static int fw_read_phys(void *priv, uint64_t addr, void *buf, size_t len);
static int fw_translate(void *priv, uint64_t addr, uint64_t *paddr);
static void fw_warn(void *priv, const char *msg);

void fw_budget_reset(unsigned long accesses)
{
	budget = accesses;
	used = 0;
	fw_ops = img_ops;
	fw_ops.read = fw_read;
	fw_ops.read_phys = fw_read_phys;
	fw_ops.translate = fw_translate;
	fw_ops.warn = fw_warn;
}

unsigned long fw_budget_used(void)
{
	return used;
}

static void spend(const char *what)
{
	if (++used > budget) {
		fprintf(stderr, "fuzz: more than %lu target accesses (last: "
			"%s) on a world of a dozen areas: an unbounded walk\n",
			budget, what);
		abort();
	}
}

static int fw_read(void *priv, uint64_t addr, void *buf, size_t len)
{
	spend("read");
	return img_ops.read(priv, addr, buf, len);
}

static int fw_read_phys(void *priv, uint64_t addr, void *buf, size_t len)
{
	spend("read_phys");
	return img_ops.read_phys(priv, addr, buf, len);
}

static int fw_translate(void *priv, uint64_t addr, uint64_t *paddr)
{
	spend("translate");
	return img_ops.translate(priv, addr, paddr);
}

static void fw_warn(void *priv, const char *msg)
{
	struct img *img = priv;
	static int shown;

	/* FUZZ_VERBOSE=1: show the first warnings (reproducing an input) */
	if (getenv("FUZZ_VERBOSE") && shown++ < 40)
		fprintf(stderr, "vmap warning: %s\n", msg);
	/* memimg keeps the first 4 KiB of warnings; count the rest */
	if (img->nr_warn < 64)
		img_ops.warn(priv, msg);
	else
		img->nr_warn++;
}

struct vx_ops fw_ops;

void fw_die(const char *what, unsigned long long a, unsigned long long b)
{
	fprintf(stderr, "fuzz: %s (%llx, %llx)\n", what, a, b);
	abort();
}

/* What vx_read promises whatever the dump holds: [addr, end) in order. */
struct sink {
	uint64_t pos, end;
};

static int sink_data(void *arg, uint64_t addr, const void *buf, size_t len)
{
	struct sink *s = arg;
	volatile unsigned char c = 0;

	if (addr != s->pos || len == 0 || len > s->end - s->pos)
		fw_die("vx_read data out of order", addr, s->pos);
	/* touch every byte: ASan sees a short buffer */
	for (size_t i = 0; i < len; i++)
		c ^= ((const unsigned char *)buf)[i];
	(void)c;
	s->pos += len;
	return VX_OK;
}

static int sink_hole(void *arg, uint64_t addr, uint64_t len,
		     const char *reason)
{
	struct sink *s = arg;

	if (addr != s->pos || len == 0 || len > s->end - s->pos || !reason)
		fw_die("vx_read hole out of order", addr, s->pos);
	s->pos += len;
	return VX_OK;
}

void fw_read_checked(struct vx_ctx *ctx, uint64_t addr, uint64_t len)
{
	struct sink s = { addr, addr + len };
	struct vx_read_sink sink = { sink_data, sink_hole, &s };

	if (vx_read(ctx, addr, len, &sink) == VX_OK && s.pos != s.end)
		fw_die("vx_read stopped short", s.pos, s.end);
}
