// SPDX-License-Identifier: GPL-2.0
/*
 * vmap check: audit the vmap bookkeeping of a dump.  Every inconsistency
 * is one line on the report; the walks themselves report what they trip
 * over (broken links, cycles, vm_struct mismatches) the same way.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"

struct audit {
	struct vx_area prev;
	bool have_prev;
	unsigned long areas, busy, lazy, blocks;
	/* vmap_block vas seen in the walk, for the xarray cross-check */
	uint64_t *block_va;
	unsigned long nr_block_va, cap_block_va;
};

enum vb_finding { VB_OK, VB_MAPPED_UNUSED, VB_USED_ABOVE_HW };

static void vb_finding_report(struct vx_ctx *ctx, const struct vx_block *blk,
			      enum vb_finding what, unsigned long first,
			      unsigned long last)
{
	uint64_t addr = blk->start + first * ctx->page_size;

	if (what == VB_MAPPED_UNUSED)
		vx_warn(ctx, "vmap_block %" PRIx64 ": pages %lu-%lu (%" PRIx64
			") mapped but %s", blk->vb, first, last, addr,
			blk->derived ? "above the high-water mark" :
			"not in used_map");
	else if (what == VB_USED_ABOVE_HW)
		vx_warn(ctx, "vmap_block %" PRIx64 ": used_map bits %lu-%lu "
			"above the high-water mark %lu (free %lu)", blk->vb,
			first, last, blk->bits - blk->free, blk->free);
}

static void check_block(struct vx_ctx *ctx, const struct vx_area *area)
{
	enum vb_finding run = VB_OK;
	unsigned long i, hw, clear = 0, run_first = 0;
	struct vx_block blk;
	uint64_t pa;

	if (vx_block_get(ctx, area, &blk)) {
		vx_warn(ctx, "vmap_area %" PRIx64 ": %s", area->va, ctx->err);
		return;
	}
	hw = blk.bits - blk.free;
	for (i = 0; i <= blk.bits; i++) {
		enum vb_finding what = VB_OK;
		bool mapped = false, used = false;

		if (i < blk.bits) {
			mapped = vx_translate(ctx, blk.start +
					      i * ctx->page_size, &pa) == 0;
			used = blk.map[i] == VX_VB_USED;
			if (mapped && !used)
				what = VB_MAPPED_UNUSED;
			else if (!blk.derived && used && i >= hw)
				what = VB_USED_ABOVE_HW;
			clear += !used && i < hw;
			/* an allocation always maps its first page */
			if (!blk.derived && used && i < hw && !mapped &&
			    (i == 0 || blk.map[i - 1] != VX_VB_USED))
				vx_warn(ctx, "vmap_block %" PRIx64 ": used_map "
					"run at page %lu (%" PRIx64 ") not "
					"mapped", blk.vb, i,
					blk.start + i * ctx->page_size);
		}
		if (what == run)
			continue;
		vb_finding_report(ctx, &blk, run, run_first, i - 1);
		run = what;
		run_first = i;
	}
	if (!blk.derived && clear != blk.dirty)
		vx_warn(ctx, "vmap_block %" PRIx64 ": dirty %lu but used_map "
			"leaves %lu pages below the high-water mark clear",
			blk.vb, blk.dirty, clear);
	vx_block_release(&blk);
}

static void remember_block(struct audit *au, uint64_t va)
{
	if (au->nr_block_va == au->cap_block_va) {
		unsigned long cap = au->cap_block_va ? 2 * au->cap_block_va : 64;
		uint64_t *grown = realloc(au->block_va, cap * sizeof(*grown));

		if (!grown)
			return;
		au->block_va = grown;
		au->cap_block_va = cap;
	}
	au->block_va[au->nr_block_va++] = va;
}

static int audit_cb(struct vx_ctx *ctx, const struct vx_area *area, void *arg)
{
	struct audit *au = arg;
	const struct vx_area *prev = &au->prev;

	au->areas++;
	if (area->state == VX_BUSY)
		au->busy++;
	else
		au->lazy++;
	if (au->have_prev && area->va == prev->va)
		vx_warn(ctx, "vmap_area %" PRIx64 " is on both a busy and a "
			"lazy list", area->va);
	else if (au->have_prev && area->start < prev->end)
		vx_warn(ctx, "vmap_area %" PRIx64 " (%" PRIx64 "-%" PRIx64
			") overlaps vmap_area %" PRIx64 " (%" PRIx64 "-%"
			PRIx64 ")", area->va, area->start, area->end,
			prev->va, prev->start, prev->end);
	/* busy areas live in the node of their va_start (addr_to_node) */
	if (ctx->era == VX_ERA_NODES && area->state == VX_BUSY &&
	    (unsigned int)area->node !=
	    (area->start / ctx->zone_size) % ctx->nr_nodes)
		vx_warn(ctx, "vmap_area %" PRIx64 " (%" PRIx64 ") in node %d, "
			"its address belongs to node %" PRIu64, area->va,
			area->start, area->node,
			(area->start / ctx->zone_size) % ctx->nr_nodes);
	if (area->kind == VX_K_VMAP_BLOCK) {
		au->blocks++;
		remember_block(au, area->va);
		if (area->vb)
			check_block(ctx, area);
	}
	au->prev = *area;
	au->have_prev = true;
	return VX_OK;
}

struct xa_audit {
	struct audit *au;
	unsigned int cpu;	/* bucket being walked, -1u: global */
};

static int xa_audit_cb(struct vx_ctx *ctx, uint64_t vb, uint64_t index,
		       void *arg)
{
	struct xa_audit *xa = arg;
	uint64_t va, start, end, bs, want;
	unsigned long i;

	if (vx_read_ulong(ctx, vb + ctx->l.vb_va.off, &va) ||
	    vx_read_ulong(ctx, va + ctx->l.va_start.off, &start) ||
	    vx_read_ulong(ctx, va + ctx->l.va_end.off, &end)) {
		vx_warn(ctx, "vmap_blocks entry %" PRIx64 ": unreadable "
			"vmap_block or its va", vb);
		return VX_OK;
	}
	for (i = 0; i < xa->au->nr_block_va; i++)
		if (xa->au->block_va[i] == va)
			break;
	if (i == xa->au->nr_block_va)
		vx_warn(ctx, "vmap_block %" PRIx64 ": va %" PRIx64 " is not a "
			"busy vmap_block area", vb, va);
	bs = end - start;
	if (!bs || (bs & (bs - 1)))
		return VX_OK;
	want = (start - (ctx->vmalloc_start & ~(bs - 1))) / bs;
	if (index != want)
		vx_warn(ctx, "vmap_block %" PRIx64 " at xarray index %" PRIu64
			", its address %" PRIx64 " gives %" PRIu64, vb, index,
			start, want);
	if (xa->cpu != -1u && xa->cpu != vx_vb_bucket(ctx, start, bs, true) &&
	    xa->cpu != vx_vb_bucket(ctx, start, bs, false))
		vx_warn(ctx, "vmap_block %" PRIx64 " in CPU %u's vmap_blocks, "
			"its address hashes to CPU %u", vb, xa->cpu,
			vx_vb_bucket(ctx, start, bs, true));
	return VX_OK;
}

static void audit_xarrays(struct vx_ctx *ctx, struct audit *au)
{
	struct xa_audit xa = { .au = au, .cpu = -1u };
	unsigned int cpu;

	if (!ctx->percpu_xa) {
		if (ctx->vmap_blocks)
			vx_xa_for_each(ctx, ctx->vmap_blocks, xa_audit_cb, &xa);
		return;
	}
	for (cpu = 0; cpu < ctx->nr_cpu_ids; cpu++) {
		if (!vx_cpu_possible(ctx, cpu))
			continue;
		xa.cpu = cpu;
		if (vx_xa_for_each(ctx, vx_vbq_xa(ctx, cpu), xa_audit_cb, &xa))
			vx_warn(ctx, "CPU %u's vmap_blocks: %s", cpu,
				ctx->err);
	}
}

int vx_check(struct vx_ctx *ctx, FILE *fp, unsigned long *problems)
{
	struct audit au = { 0 };
	unsigned long before = ctx->nr_warnings, trees = 0, tree_problems = 0;
	int ret;

	ctx->warn_seen_size = 4096;
	ctx->warn_seen = calloc(ctx->warn_seen_size, sizeof(uint32_t));
	ret = vx_for_each_area(ctx, VX_WALK_ALL, audit_cb, &au);
	if (ret == VX_OK) {
		audit_xarrays(ctx, &au);
		ret = vx_compare_trees(ctx, &trees, &tree_problems);
	}
	free(ctx->warn_seen);
	ctx->warn_seen = NULL;
	free(au.block_va);
	*problems = ctx->nr_warnings - before;
	fprintf(fp, "vmap check: %lu areas (%lu busy, %lu lazy), %lu "
		"vmap_blocks, %lu lists checked against their rb-trees: ",
		au.areas, au.busy, au.lazy, au.blocks, trees);
	if (*problems)
		fprintf(fp, "%lu problem%s\n", *problems,
			*problems == 1 ? "" : "s");
	else
		fprintf(fp, "clean\n");
	return ret;
}
