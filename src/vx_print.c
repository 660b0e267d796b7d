// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering in crash's conventions: upper-case centered headers, hex
 * without 0x, one row per area, everything on the FILE * the caller
 * passes (crash's fp), so pipes and redirection work.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"

#define HEX	16	/* VADDR_PRLEN on 64-bit */

static void center(FILE *fp, const char *s, int width)
{
	int len = strlen(s), left = (width - len) / 2;

	if (left < 0)
		left = 0;
	fprintf(fp, "%*s%s%*s", left, "", s, width - len - left > 0 ?
		width - len - left : 0, "");
}

static void list_header(struct vx_ctx *ctx, FILE *fp)
{
	if (ctx->era == VX_ERA_NODES)
		fprintf(fp, "NODE  ");
	center(fp, "VMAP_AREA", HEX);
	fprintf(fp, "  ");
	center(fp, "VM_STRUCT", HEX);
	fprintf(fp, "  ");
	center(fp, "ADDRESS RANGE", 2 * HEX + 3);
	fprintf(fp, "  %10s  %-13s %6s  CALLER\n", "SIZE", "TYPE", "PAGES");
}

static unsigned long area_pages(const struct vx_ctx *ctx,
				const struct vx_area *area)
{
	if (area->vm_valid)
		return area->vm_nr_pages;
	return (area->end - area->start) / ctx->page_size;
}

/*
 * Rows are formatted by hand: with 50,000 areas, fprintf's format parsing
 * was most of the time `vmap list` spent in its own code, and then the
 * digit-by-digit loops that replaced it were.  Each helper right-aligns
 * (or, with LEFT, left-aligns) in WIDTH columns at P and returns the end.
 */

/* The 16 hex digits of VAL at DST, eight at a time in a register: its
 * nibbles spread to bytes, each made its digit without a branch. */
static inline __attribute__((always_inline)) void
hex16(char *dst, uint64_t val)
{
	for (int half = 0; half < 2; half++) {
		uint64_t x = half ? (uint32_t)val : val >> 32, ten;

		x = ((x & 0xffff0000ULL) << 16) | (x & 0xffffULL);
		x = ((x & 0x0000ff000000ff00ULL) << 8) |
		    (x & 0x000000ff000000ffULL);
		x = ((x & 0x00f000f000f000f0ULL) << 4) |
		    (x & 0x000f000f000f000fULL);
		/* 1 in each byte whose nibble is 10 or more */
		ten = ((x + 0x0606060606060606ULL) >> 4) &
		      0x0101010101010101ULL;
		x += 0x3030303030303030ULL + ten * ('a' - '0' - 10);
		/* the lowest nibble is in the lowest byte: the last digit */
		x = __builtin_bswap64(x);
		memcpy(dst + 8 * half, &x, 8);
	}
}

static inline __attribute__((always_inline)) char *
put_hex(char *p, uint64_t val, int width)
{
	int n = val ? (67 - __builtin_clzll(val)) / 4 : 1;
	char digits[16];

	for (; width > n; width--)
		*p++ = ' ';
	if (n == 16) {
		hex16(p, val);
		return p + 16;
	}
	hex16(digits, val);
	for (int i = 16 - n; i < 16; i++)
		*p++ = digits[i];
	return p;
}

static const char two_digits[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

/* decimal: two digits a division */
static inline __attribute__((always_inline)) char *
put_dec(char *p, uint64_t val, int width)
{
	static const uint64_t pow10[] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL,
		10000000000000000ULL, 100000000000000000ULL,
		1000000000000000000ULL, 10000000000000000000ULL,
	};
	int n = 1;
	char *q;

	while (n < 20 && val >= pow10[n])
		n++;
	for (; width > n; width--)
		*p++ = ' ';
	q = p + n;
	for (; val >= 100; val /= 100) {
		q -= 2;
		memcpy(q, two_digits + 2 * (val % 100), 2);
	}
	if (val >= 10)
		memcpy(q - 2, two_digits + 2 * val, 2);
	else
		q[-1] = '0' + val;
	return p + n;
}

static inline __attribute__((always_inline)) char *
put_num(char *p, uint64_t val, unsigned int base, int width)
{
	return base == 16 ? put_hex(p, val, width) : put_dec(p, val, width);
}

static inline __attribute__((always_inline)) char *
put_str(char *p, const char *str, int width, bool left)
{
	int len;

	/* a byte loop: gcc's inline memcpy of a short string of unknown
	 * length (rep movsq) cost a fifth of a row */
	if (!left && width > 0)
		for (len = strlen(str); width > len; width--)
			*p++ = ' ';
	for (len = 0; str[len]; len++)
		*p++ = str[len];
	for (; left && width > len; width--)
		*p++ = ' ';
	return p;
}

/*
 * TYPE, left-aligned in 13 columns and a space: one 16-byte copy from
 * the names made so once (rows are printed by one thread only; copying
 * a name into a padded field per row stalled on the field's reload).
 */
static char *put_kind(char *p, enum vx_kind kind)
{
	static char column[VX_K_NR][16];
	static bool ready;

	if (!ready) {
		for (int k = 0; k < VX_K_NR; k++) {
			const char *str = vx_kind_name(k);
			size_t len = strlen(str);

			memset(column[k], ' ', sizeof(column[k]));
			if (len <= 13)
				memcpy(column[k], str, len);
			else
				column[k][0] = '\0';
		}
		ready = true;
	}
	if (kind >= VX_K_NR || !column[kind][0])
		return put_str(put_str(p, vx_kind_name(kind), 13, true), " ",
			       0, false);
	memcpy(p, column[kind], 16);
	return p + 14;
}

/* CALLER: symbolized straight into the row; its hex if no symbol */
static char *put_caller(struct vx_ctx *ctx, char *p, size_t room,
			const struct vx_area *area)
{
	size_t len;

	if (!area->vm_valid || !area->vm_caller)
		return put_str(p, "-", 0, false);
	len = ctx->ops->symbolize(ctx->priv, area->vm_caller, p, room);
	if (!len)
		return put_hex(p, area->vm_caller, 0);
	return p + (len < room ? len : room - 1);
}

/* the caller's symbol gets at most CALLER_MAX bytes of a row */
enum { CALLER_MAX = 128, ROW_MAX = 64 + 5 * HEX + CALLER_MAX + 48 };

/* One row at P, which has ROW_MAX bytes; returns its end. */
static char *list_row(struct vx_ctx *ctx, char *p, const struct vx_area *area,
		      const struct vx_block *blk)
{
	unsigned long pages = 0;

	if (blk)
		pages = blk->used;
	else if (area->kind != VX_K_LAZY && area->kind != VX_K_TRANSIENT &&
		 area->kind != VX_K_VMAP_BLOCK)
		pages = area_pages(ctx, area);
	if (ctx->era == VX_ERA_NODES) {
		p = put_num(p, area->node < 0 ? 0 : area->node, 10, 4);
		p = put_str(p, "", 2, false);
	}
	p = put_num(p, area->va, 16, HEX);
	p = put_str(p, "", 2, false);
	p = area->vm ? put_num(p, area->vm, 16, HEX) :
		       put_str(p, "-", HEX, false);
	p = put_str(p, "", 2, false);
	p = put_num(p, area->start, 16, HEX);
	p = put_str(p, " - ", 3, false);
	p = put_num(p, area->end, 16, HEX);
	p = put_str(p, "", 2, false);
	p = put_num(p, area->end - area->start, 10, 10);
	p = put_str(p, "", 2, false);
	p = put_kind(p, area->kind);
	p = pages || blk ? put_num(p, pages, 10, 6) : put_str(p, "-", 6, false);
	p = put_str(p, "", 2, false);
	p = put_caller(ctx, p, CALLER_MAX, area);
	if (area->vm_valid && area->vm_phys_addr) {
		p = put_str(p, " phys=", 0, false);
		p = put_num(p, area->vm_phys_addr, 16, 0);
	}
	*p++ = '\n';
	return p;
}

static int region_row(const struct vx_vb_region *reg, void *arg)
{
	FILE *fp = arg;

	fprintf(fp, "%*s%16" PRIx64 " - %16" PRIx64 "  %6lu  %s\n",
		HEX + 4, "", reg->start, reg->end, reg->pages,
		vx_vb_state_name(reg->state));
	return VX_OK;
}

struct region_pick {
	FILE *fp;
	uint64_t addr;
};

static int region_if_holds(const struct vx_vb_region *reg, void *arg)
{
	struct region_pick *pick = arg;

	if (pick->addr >= reg->start && pick->addr < reg->end)
		region_row(reg, pick->fp);
	return VX_OK;
}

static void block_rows(FILE *fp, const struct vx_block *blk,
		       const struct vx_list_opts *opts)
{
	fprintf(fp, "%*sVMAP_BLOCK %" PRIx64, HEX + 2, "", blk->vb);
	if (blk->cpu >= 0)
		fprintf(fp, "  CPU %ld", blk->cpu);
	fprintf(fp, "  USED %lu  DIRTY %lu  FREE %lu  (%s)\n",
		blk->used, blk->dirty, blk->free,
		!blk->derived ? "used_map" : blk->ambiguous ?
		"derived, ambiguous: no used_map" :
		"derived from page tables: no used_map");
	if (opts->have_addr) {
		struct region_pick pick = { fp, opts->addr };

		vx_block_for_each_region(blk, region_if_holds, &pick);
		return;
	}
	vx_block_for_each_region(blk, region_row, fp);
}

/*
 * Rows go out in batches of up to 16 KiB, one fwrite() each: a write
 * per row, into stdio's buffer, cost a tenth of a listing.  Whatever
 * else the listing prints (a vmap_block's regions, a warning) writes
 * the batch out first.
 */
#define BATCH	16384

struct list_state {
	FILE *fp;
	const struct vx_list_opts *opts;
	unsigned long shown;
	size_t used;
	char batch[BATCH];
};

static void batch_flush(void *arg)
{
	struct list_state *st = arg;

	/* rows are written from one thread: no stdio lock */
	if (st->used)
		fwrite_unlocked(st->batch, 1, st->used, st->fp);
	st->used = 0;
}

int vx_check_list_opts(struct vx_ctx *ctx, const struct vx_list_opts *opts)
{
	if (opts->node < 0)
		return VX_OK;
	/* a node it does not have would list nothing, silently */
	if (ctx->era != VX_ERA_NODES)
		return vx_err(ctx, VX_ERR_RANGE, "-n %d: this kernel has no "
			      "vmap nodes (vmap_nodes[] came in Linux 6.9)",
			      opts->node);
	if ((unsigned int)opts->node >= ctx->nr_nodes)
		return vx_err(ctx, VX_ERR_RANGE, "-n %d: this kernel has %u "
			      "vmap nodes, 0-%u", opts->node, ctx->nr_nodes,
			      ctx->nr_nodes - 1);
	return VX_OK;
}

bool vx_area_wanted(struct vx_ctx *ctx, const struct vx_list_opts *opts,
		    const struct vx_area *area)
{
	if (opts->kinds && !(opts->kinds & (1u << area->kind)))
		return false;
	if (opts->node >= 0 && area->node != opts->node)
		return false;
	if (opts->caller && !vx_caller_matches(ctx, area, opts->caller))
		return false;
	return true;
}

static int list_cb(struct vx_ctx *ctx, const struct vx_area *area, void *arg)
{
	struct list_state *st = arg;
	struct vx_block blk;
	bool have_blk = false;

	if (st->opts->have_addr) {
		if (area->start > st->opts->addr)
			return VX_STOP;
		if (st->opts->addr >= area->end)
			return VX_OK;
	}
	if (!vx_area_wanted(ctx, st->opts, area))
		return VX_OK;
	if (area->kind == VX_K_VMAP_BLOCK && area->vb) {
		if (vx_block_get(ctx, area, &blk) == VX_OK)
			have_blk = true;
		else
			vx_warn(ctx, "%s", ctx->err);
	}
	if (st->shown++ == 0)
		list_header(ctx, st->fp);
	if (BATCH - st->used < ROW_MAX)
		batch_flush(st);
	st->used = list_row(ctx, st->batch + st->used, area,
			    have_blk ? &blk : NULL) - st->batch;
	if (have_blk) {
		if (st->opts->regions || st->opts->have_addr) {
			batch_flush(st);
			block_rows(st->fp, &blk, st->opts);
		}
		vx_block_release(&blk);
	}
	return st->opts->have_addr ? VX_STOP : VX_OK;
}

int vx_print_list(struct vx_ctx *ctx, FILE *fp,
		  const struct vx_list_opts *opts)
{
	struct list_state st;	/* its batch needs no zeroing */
	int ret;

	st.fp = fp;
	st.opts = opts;
	st.shown = 0;
	st.used = 0;
	ctx->flush_out = batch_flush;
	ctx->flush_arg = &st;
	ret = vx_for_each_area_from(ctx, VX_WALK_ALL,
				    opts->have_addr ? opts->addr : 0,
				    list_cb, &st);
	batch_flush(&st);
	ctx->flush_out = NULL;
	if (ret)
		return ret;
	if (opts->have_addr && !st.shown)
		return vx_err(ctx, VX_ERR_RANGE, "%" PRIx64
			      ": not in any vmap area", opts->addr);
	return VX_OK;
}

struct summary {
	const struct vx_list_opts *opts;
	unsigned int nr;	/* rows: nodes (1 before 6.9) */
	unsigned long areas[128][VX_K_NR];
	uint64_t bytes[128][VX_K_NR];
};

static int summary_cb(struct vx_ctx *ctx, const struct vx_area *area,
		      void *arg)
{
	struct summary *sum = arg;
	unsigned int node = area->node < 0 ? 0 : area->node;

	if (!vx_area_wanted(ctx, sum->opts, area) || node >= sum->nr)
		return VX_OK;
	sum->areas[node][area->kind]++;
	sum->bytes[node][area->kind] += area->end - area->start;
	return VX_OK;
}

/*
 * Per type over all nodes, when more than one node has areas: on a
 * machine of many CPUs (a node each, up to 128) the per-node rows are
 * hundreds.
 */
static void summary_all(FILE *fp, const struct summary *sum)
{
	unsigned long areas;
	unsigned int node, used = 0;
	uint64_t bytes;
	int kind;

	for (node = 0; node < sum->nr; node++)
		for (kind = 0; kind < VX_K_NR; kind++)
			if (sum->areas[node][kind]) {
				used++;
				break;
			}
	if (used < 2)
		return;
	for (kind = 0; kind < VX_K_NR; kind++) {
		areas = 0;
		bytes = 0;
		for (node = 0; node < sum->nr; node++) {
			areas += sum->areas[node][kind];
			bytes += sum->bytes[node][kind];
		}
		if (areas)
			fprintf(fp, "%4s  %-13s %8lu  %14" PRIu64 "\n", "all",
				vx_kind_name(kind), areas, bytes);
	}
}

int vx_print_summary(struct vx_ctx *ctx, FILE *fp,
		     const struct vx_list_opts *opts)
{
	unsigned long tot_areas = 0;
	uint64_t tot_bytes = 0;
	struct summary *sum;
	unsigned int node;
	int kind, ret;

	/* ~27 KiB: on the heap, not on crash's stack */
	sum = calloc(1, sizeof(*sum));
	if (!sum)
		return vx_err(ctx, VX_ERR_FAULT, "out of memory");
	sum->opts = opts;
	sum->nr = ctx->era == VX_ERA_NODES ? ctx->nr_nodes : 1;
	if ((ret = vx_for_each_area(ctx, VX_WALK_ALL, summary_cb, sum))) {
		free(sum);
		return ret;
	}
	fprintf(fp, "%4s  %-13s %8s  %14s\n", "NODE", "TYPE", "AREAS",
		"BYTES");
	for (node = 0; node < sum->nr; node++) {
		for (kind = 0; kind < VX_K_NR; kind++) {
			if (!sum->areas[node][kind])
				continue;
			if (ctx->era == VX_ERA_NODES)
				fprintf(fp, "%4u  ", node);
			else
				fprintf(fp, "%4s  ", "-");
			fprintf(fp, "%-13s %8lu  %14" PRIu64 "\n",
				vx_kind_name(kind), sum->areas[node][kind],
				sum->bytes[node][kind]);
			tot_areas += sum->areas[node][kind];
			tot_bytes += sum->bytes[node][kind];
		}
	}
	summary_all(fp, sum);
	fprintf(fp, "%4s  %-13s %8lu  %14" PRIu64 "\n", "", "total",
		tot_areas, tot_bytes);
	free(sum);
	return VX_OK;
}

/* rd-style hex dump of what vx_read() delivers */
struct dumper {
	FILE *fp;
	const struct vx_dump_opts *opts;
	unsigned char line[16];
	uint64_t line_addr;
	unsigned int fill;
	uint64_t bytes, holes;
};

static void dump_line(struct dumper *d)
{
	unsigned int i, w = d->opts->width;

	if (!d->fill)
		return;
	fprintf(d->fp, "%16" PRIx64 ":  ", d->line_addr);
	for (i = 0; i < 16; i += w) {
		uint64_t val = 0;
		int b;

		if (i + w > d->fill) {
			fprintf(d->fp, "%*s ", 2 * w, "");
			continue;
		}
		for (b = w - 1; b >= 0; b--)
			val = (val << 8) | d->line[i + b];
		fprintf(d->fp, "%0*" PRIx64 " ", 2 * w, val);
	}
	if (d->opts->ascii) {
		fprintf(d->fp, "  ");
		for (i = 0; i < d->fill; i++)
			fputc(d->line[i] >= 0x20 && d->line[i] < 0x7f ?
			      d->line[i] : '.', d->fp);
	}
	fputc('\n', d->fp);
	d->fill = 0;
}

static int dump_data(void *arg, uint64_t addr, const void *buf, size_t len)
{
	struct dumper *d = arg;
	const unsigned char *p = buf;
	size_t i;

	d->bytes += len;
	if (d->opts->raw) {
		if (fwrite(buf, 1, len, d->opts->raw) != len)
			return VX_ERR_FAULT;
		return VX_OK;
	}
	for (i = 0; i < len; i++) {
		if (d->fill && d->line_addr + d->fill != addr + i)
			dump_line(d);
		if (!d->fill)
			d->line_addr = addr + i;
		d->line[d->fill++] = p[i];
		if (d->fill == 16)
			dump_line(d);
	}
	return VX_OK;
}

static int dump_hole(void *arg, uint64_t addr, uint64_t len,
		     const char *reason)
{
	static const unsigned char zeros[4096];
	struct dumper *d = arg;

	d->holes += len;
	if (d->opts->raw) {
		uint64_t left = len;

		while (left) {
			size_t n = left < sizeof(zeros) ? left : sizeof(zeros);

			if (fwrite(zeros, 1, n, d->opts->raw) != n)
				return VX_ERR_FAULT;
			left -= n;
		}
	} else {
		dump_line(d);
	}
	fprintf(d->fp, "%16" PRIx64 ":  hole of %" PRIu64
		" bytes (to %" PRIx64 "): %s, zero-filled\n", addr, len,
		addr + len, reason);
	return VX_OK;
}

int vx_print_read(struct vx_ctx *ctx, FILE *fp, uint64_t addr, uint64_t len,
		  const struct vx_dump_opts *opts)
{
	struct dumper d = { .fp = fp, .opts = opts };
	struct vx_read_sink sink = { dump_data, dump_hole, &d };
	int ret;

	ret = vx_read(ctx, addr, len, &sink);
	if (!opts->raw)
		dump_line(&d);
	if (ret == VX_ERR_FAULT && !ctx->err[0])
		vx_err(ctx, ret, "write failed");
	return ret;
}
