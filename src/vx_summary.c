// SPDX-License-Identifier: GPL-2.0
/*
 * Summaries for "who holds vmalloc memory": areas, pages and bytes per
 * caller and type, checked against the kernel's own counter, and a
 * picture of how vmalloc space is used per vmap node.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"

#define MAX_CALLERS	65536

struct caller_row {
	uint64_t caller;
	enum vx_kind kind;
	unsigned long areas;
	uint64_t pages, bytes;
};

struct callers {
	const struct vx_list_opts *opts;
	struct caller_row *rows;
	unsigned long nr, cap;
	struct caller_row total;
	uint64_t alloc_pages;	/* what nr_vmalloc_pages counts */
};

bool vx_caller_matches(struct vx_ctx *ctx, const struct vx_area *area,
		       const char *name)
{
	char sym[128];
	size_t len = strlen(name);

	if (!area->vm_valid || !area->vm_caller)
		return !strcmp(name, "-");
	ctx->ops->symbolize(ctx->priv, area->vm_caller, sym, sizeof(sym));
	/* "func" matches every offset, "func+0x1a" only that one */
	return !strncmp(sym, name, len) && (sym[len] == '\0' ||
					    sym[len] == '+');
}

uint64_t vx_area_pages(const struct vx_ctx *ctx, const struct vx_area *area)
{
	if (area->kind == VX_K_LAZY || area->kind == VX_K_TRANSIENT)
		return 0;
	if (area->vm_valid)
		return area->vm_nr_pages;
	return (area->end - area->start) / ctx->page_size;
}

static struct caller_row *caller_slot(struct callers *cs, uint64_t caller,
				      enum vx_kind kind)
{
	unsigned long i;

	for (i = 0; i < cs->nr; i++)
		if (cs->rows[i].caller == caller && cs->rows[i].kind == kind)
			return &cs->rows[i];
	if (cs->nr == cs->cap) {
		unsigned long cap = cs->cap ? 2 * cs->cap : 256;
		struct caller_row *grown;

		if (cap > MAX_CALLERS)
			return NULL;
		grown = realloc(cs->rows, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		cs->rows = grown;
		cs->cap = cap;
	}
	cs->rows[cs->nr] = (struct caller_row){ .caller = caller,
						.kind = kind };
	return &cs->rows[cs->nr++];
}

static void caller_add(struct caller_row *row, uint64_t pages,
		       uint64_t bytes)
{
	row->areas++;
	row->pages += pages;
	row->bytes += bytes;
}

static int callers_cb(struct vx_ctx *ctx, const struct vx_area *area,
		      void *arg)
{
	struct callers *cs = arg;
	uint64_t pages = vx_area_pages(ctx, area);
	uint64_t bytes = area->end - area->start;
	struct caller_row *row;

	if (!vx_area_wanted(ctx, cs->opts, area))
		return VX_OK;
	if (area->kind == VX_K_VMAP_BLOCK && area->vb) {
		struct vx_block blk;

		if (vx_block_get(ctx, area, &blk) == VX_OK) {
			pages = blk.used;
			vx_block_release(&blk);
		}
	}
	/* __vmalloc_area_node() adds nr_pages of every VM_ALLOC area */
	if (area->state == VX_BUSY && area->vm_valid &&
	    (area->vm_flags & VX_VM_ALLOC))
		cs->alloc_pages += area->vm_nr_pages;
	row = caller_slot(cs, area->vm_valid ? area->vm_caller : 0,
			  area->kind);
	if (row)
		caller_add(row, pages, bytes);
	caller_add(&cs->total, pages, bytes);
	return VX_OK;
}

static int by_bytes(const void *a, const void *b)
{
	const struct caller_row *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x->caller < y->caller ? -1 : x->caller > y->caller;
}

/*
 * Per-CPU deltas of node statistic IDX not yet folded into vm_node_stat
 * (UMA kernels: contig_page_data's per_cpu_nodestats).
 */
static int64_t node_stat_deltas(struct vx_ctx *ctx, long idx)
{
	struct vx_field pcp, diff;
	uint64_t pgdat, stats;
	unsigned int cpu;
	int64_t sum = 0;

	if (ctx->ops->symbol(ctx->priv, "contig_page_data", &pgdat) ||
	    ctx->ops->member(ctx->priv, "pglist_data", "per_cpu_nodestats",
			     &pcp.off, &pcp.size) ||
	    ctx->ops->member(ctx->priv, "per_cpu_nodestat",
			     "vm_node_stat_diff", &diff.off, &diff.size) ||
	    idx >= diff.size || vx_read_ulong(ctx, pgdat + pcp.off, &stats))
		return 0;
	for (cpu = 0; cpu < ctx->nr_cpu_ids; cpu++) {
		int8_t delta;

		if (vx_cpu_possible(ctx, cpu) &&
		    vx_read_mem(ctx, stats + ctx->cpu_off[cpu] + diff.off + idx,
				&delta, 1) == 0)
			sum += delta;
	}
	return sum;
}

/*
 * The kernel's count of vmalloc'ed pages: nr_vmalloc_pages up to 7.1,
 * the node statistic NR_VMALLOC after it.  *pages is what /proc/meminfo's
 * VmallocUsed shows (the global counter); *deltas what the CPUs hold
 * back from it (0 where there is no such lag).
 */
int vx_vmalloc_counter(struct vx_ctx *ctx, uint64_t *pages, int64_t *deltas,
		       const char **name)
{
	uint64_t addr;
	long idx;

	*deltas = 0;
	if (ctx->ops->symbol(ctx->priv, "nr_vmalloc_pages", &addr) == 0) {
		*name = "nr_vmalloc_pages";
		return vx_read_ulong(ctx, addr, pages);
	}
	if (ctx->ops->enumerator &&
	    ctx->ops->enumerator(ctx->priv, "NR_VMALLOC", &idx) == 0 &&
	    idx >= 0 && idx < 256 &&
	    ctx->ops->symbol(ctx->priv, "vm_node_stat", &addr) == 0) {
		*name = "vm_node_stat[NR_VMALLOC]";
		*deltas = node_stat_deltas(ctx, idx);
		return vx_read_ulong(ctx, addr + 8 * idx, pages);
	}
	return vx_err(ctx, VX_ERR_UNSUPPORTED, "no vmalloc page counter");
}

int vx_print_callers(struct vx_ctx *ctx, FILE *fp,
		     const struct vx_list_opts *opts)
{
	struct callers cs = { .opts = opts };
	const char *counter_name;
	uint64_t counter;
	int64_t deltas;
	unsigned long i;
	int ret;

	ret = vx_for_each_area(ctx, VX_WALK_ALL, callers_cb, &cs);
	if (ret)
		goto out;
	if (cs.nr)
		qsort(cs.rows, cs.nr, sizeof(*cs.rows), by_bytes);
	fprintf(fp, "%8s  %10s  %14s  %-13s CALLER\n", "AREAS", "PAGES",
		"BYTES", "TYPE");
	for (i = 0; i < cs.nr; i++) {
		const struct caller_row *row = &cs.rows[i];
		char sym[128] = "-";

		if (row->caller) {
			ctx->ops->symbolize(ctx->priv, row->caller, sym,
					    sizeof(sym));
			if (!sym[0])
				snprintf(sym, sizeof(sym), "%" PRIx64,
					 row->caller);
		}
		fprintf(fp, "%8lu  %10" PRIu64 "  %14" PRIu64 "  %-13s %s\n",
			row->areas, row->pages, row->bytes,
			vx_kind_name(row->kind), sym);
	}
	fprintf(fp, "%8lu  %10" PRIu64 "  %14" PRIu64 "  total\n",
		cs.total.areas, cs.total.pages, cs.total.bytes);
	if (opts->kinds || opts->node >= 0 || opts->caller)
		goto out;
	if (vx_vmalloc_counter(ctx, &counter, &deltas, &counter_name)) {
		fprintf(fp, "vmalloc pages: %" PRIu64 " in busy VM_ALLOC "
			"areas (%s)\n", cs.alloc_pages, ctx->err);
		goto out;
	}
	fprintf(fp, "vmalloc pages: %" PRIu64 " in busy VM_ALLOC areas, "
		"kernel %s: %" PRIu64, cs.alloc_pages, counter_name, counter);
	if (deltas) {
		counter += deltas;
		fprintf(fp, " %+" PRId64 " per-CPU = %" PRIu64, deltas,
			counter);
	}
	if (counter == cs.alloc_pages)
		fprintf(fp, " (same)\n");
	else
		fprintf(fp, " (differs by %" PRId64 " pages)\n",
			(int64_t)(counter - cs.alloc_pages));
out:
	free(cs.rows);
	return ret;
}

/* one picture column: which kinds of space it holds */
#define FRAG_COLS	32

struct frag {
	const struct vx_list_opts *opts;
	unsigned int nr_rows;		/* nodes, or 1 */
	uint64_t base, span;		/* the picture covers [base, +span) */
	unsigned char cell[129][FRAG_COLS];	/* bit 0 busy, 1 lazy */
	uint64_t last_end[129];		/* per row, for the gaps */
	uint64_t gap_max[129];
	unsigned long gaps[129], areas[129];
	uint64_t busy_bytes[129], lazy_bytes[129];
};

static void frag_row_add(struct frag *fr, unsigned int row,
			 const struct vx_area *area)
{
	uint64_t from = area->start, to = area->end, col;

	if (fr->last_end[row] && area->start > fr->last_end[row]) {
		uint64_t gap = area->start - fr->last_end[row];

		fr->gaps[row]++;
		if (gap > fr->gap_max[row])
			fr->gap_max[row] = gap;
	}
	if (area->end > fr->last_end[row])
		fr->last_end[row] = area->end;
	fr->areas[row]++;
	if (area->state == VX_BUSY)
		fr->busy_bytes[row] += area->end - area->start;
	else
		fr->lazy_bytes[row] += area->end - area->start;
	if (from < fr->base)
		from = fr->base;
	if (to > fr->base + fr->span)
		to = fr->base + fr->span;
	for (col = (from - fr->base) * FRAG_COLS / fr->span;
	     from < to && col < FRAG_COLS &&
	     fr->base + col * (fr->span / FRAG_COLS) < to; col++)
		fr->cell[row][col] |= area->state == VX_BUSY ? 1 : 2;
}

static int frag_cb(struct vx_ctx *ctx, const struct vx_area *area, void *arg)
{
	struct frag *fr = arg;

	(void)ctx;
	if (area->start < ctx->vmalloc_start ||
	    area->start >= ctx->vmalloc_end ||
	    !vx_area_wanted(ctx, fr->opts, area))
		return VX_OK;
	frag_row_add(fr, 0, area);
	if (fr->nr_rows > 1 && area->node >= 0 &&
	    (unsigned int)area->node < fr->nr_rows - 1)
		frag_row_add(fr, area->node + 1, area);
	return VX_OK;
}

struct extent {
	uint64_t end;
};

static int extent_cb(struct vx_ctx *ctx, const struct vx_area *area,
		     void *arg)
{
	struct extent *ext = arg;

	if (area->start >= ctx->vmalloc_start &&
	    area->start < ctx->vmalloc_end && area->end > ext->end)
		ext->end = area->end;
	return VX_OK;
}

/* K below 4 MiB, M above: keeps a row within 80 columns */
static const char *human(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= (4ULL << 20))
		snprintf(buf, len, "%" PRIu64 "M", bytes >> 20);
	else
		snprintf(buf, len, "%" PRIu64 "K", bytes >> 10);
	return buf;
}

static void frag_print_row(FILE *fp, struct frag *fr, unsigned int row,
			   const char *label)
{
	char a[24], b[24];
	static const char glyph[] = ".#l+";
	unsigned int col;

	fprintf(fp, "%-3s |", label);
	for (col = 0; col < FRAG_COLS; col++)
		fputc(glyph[fr->cell[row][col] & 3], fp);
	/* free space is global (free_vmap_area_root): gaps only for "all" */
	if (row == 0)
		fprintf(fp, "| %lu areas, %lu gaps, max %s\n",
			fr->areas[row], fr->gaps[row],
			human(a, sizeof(a), fr->gap_max[row]));
	else
		fprintf(fp, "| %lu areas, %s busy, %s lazy\n",
			fr->areas[row],
			human(a, sizeof(a), fr->busy_bytes[row]),
			human(b, sizeof(b), fr->lazy_bytes[row]));
}

int vx_print_fragmentation(struct vx_ctx *ctx, FILE *fp,
			   const struct vx_list_opts *opts)
{
	struct extent ext = { 0 };
	struct frag *fr;
	unsigned int row;
	char label[8];
	int ret;

	if ((ret = vx_for_each_area(ctx, VX_WALK_ALL, extent_cb, &ext)))
		return ret;
	if (!ext.end)
		return vx_err(ctx, VX_ERR_RANGE, "no area in vmalloc space");
	fr = calloc(1, sizeof(*fr));
	if (!fr)
		return vx_err(ctx, VX_ERR_FAULT, "out of memory");
	fr->opts = opts;
	fr->base = ctx->vmalloc_start;
	/* whole columns of pages, up to the highest area */
	fr->span = ext.end - fr->base;
	fr->span = (fr->span + FRAG_COLS * ctx->page_size - 1) /
		   (FRAG_COLS * ctx->page_size) * FRAG_COLS * ctx->page_size;
	fr->nr_rows = 1 + (ctx->era == VX_ERA_NODES && ctx->nr_nodes > 1 ?
			   (ctx->nr_nodes > 128 ? 128 : ctx->nr_nodes) : 0);
	ret = vx_for_each_area(ctx, VX_WALK_ALL, frag_cb, fr);
	if (ret)
		goto out;
	fprintf(fp, "vmalloc %" PRIx64 " - %" PRIx64 " in use, %" PRIu64
		" KiB per column\n# busy, l lazy, + busy and lazy, . free; "
		"rows: all areas, then per vmap node\n", fr->base,
		fr->base + fr->span, fr->span / FRAG_COLS >> 10);
	frag_print_row(fp, fr, 0, "all");
	for (row = 1; row < fr->nr_rows; row++) {
		snprintf(label, sizeof(label), "%u", row - 1);
		frag_print_row(fp, fr, row, label);
	}
	fprintf(fp, "free above the highest area: %" PRIu64 " GiB\n",
		(ctx->vmalloc_end - ext.end) >> 30);
out:
	free(fr);
	return ret;
}
