// SPDX-License-Identifier: GPL-2.0
/*
 * vmap_block: find the block behind a VMAP_BLOCK area in the vmap_blocks
 * xarray(s) and decode its pages into used / dirty / free regions.
 */
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"

#define XA_MAX_DEPTH	16

static bool xa_is_node(uint64_t entry)
{
	/* xa_is_internal(entry) && entry > 4096 */
	return (entry & 3) == 2 && entry > 4096;
}

int vx_xa_load(struct vx_ctx *ctx, uint64_t xa, uint64_t index,
	       uint64_t *entry)
{
	const struct vx_layout *l = &ctx->l;
	uint64_t slots = l->xn_slots.size / 8, mask = slots - 1, cur;
	int depth;

	*entry = 0;
	if (!vx_has(l->xa_head) || !vx_has(l->xn_shift) ||
	    !vx_has(l->xn_slots) || !slots || (slots & mask))
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no xarray layout");
	if (vx_read_ulong(ctx, xa + l->xa_head.off, &cur))
		return VX_ERR_FAULT;
	if (!xa_is_node(cur)) {
		*entry = index == 0 ? cur : 0;
		return VX_OK;
	}
	for (depth = 0; depth < XA_MAX_DEPTH; depth++) {
		uint64_t node = cur - 2, offset;
		unsigned char shift;

		if (vx_read_mem(ctx, node + l->xn_shift.off, &shift, 1))
			return VX_ERR_FAULT;
		if (shift >= 64)
			return vx_err(ctx, VX_ERR_CORRUPT,
				      "xa_node %llx: shift %u",
				      (unsigned long long)node, shift);
		offset = index >> shift;
		if (depth == 0 && offset > mask)
			return VX_OK;	/* beyond the tree's reach */
		offset &= mask;
		if (vx_read_ulong(ctx, node + l->xn_slots.off + offset * 8,
				  &cur))
			return VX_ERR_FAULT;
		if (shift == 0) {
			*entry = (cur & 3) == 2 ? 0 : cur;
			return VX_OK;
		}
		if (!xa_is_node(cur))
			return VX_OK;
	}
	return vx_err(ctx, VX_ERR_CORRUPT, "xarray %llx deeper than %d",
		      (unsigned long long)xa, XA_MAX_DEPTH);
}

/*
 * Call FN for every entry of the xarray at XA.  Node shifts must strictly
 * decrease on the way down, which bounds the depth even in a corrupted
 * tree; BUDGET bounds the nodes visited.
 */
static int xa_walk_node(struct vx_ctx *ctx, uint64_t entry, uint64_t base,
			int shift_above, unsigned long *budget,
			vx_xa_fn fn, void *arg)
{
	const struct vx_layout *l = &ctx->l;
	uint64_t node = entry - 2, slots[64];
	unsigned long nr = l->xn_slots.size / 8, i;
	unsigned char shift;
	int ret;

	if (!xa_is_node(entry))
		return entry && (entry & 3) != 2 ? fn(ctx, entry, base, arg) :
						   VX_OK;
	if (!*budget || nr > 64 || nr == 0)
		return vx_err(ctx, VX_ERR_CORRUPT, "xarray too large at %llx",
			      (unsigned long long)node);
	--*budget;
	if (vx_read_mem(ctx, node + l->xn_shift.off, &shift, 1) ||
	    vx_read_mem(ctx, node + l->xn_slots.off, slots, nr * 8))
		return VX_ERR_FAULT;
	if (shift >= 64 || (shift_above >= 0 && shift >= shift_above))
		return vx_err(ctx, VX_ERR_CORRUPT,
			      "xa_node %llx: shift %u under shift %d",
			      (unsigned long long)node, shift, shift_above);
	for (i = 0; i < nr; i++) {
		if (!slots[i])
			continue;
		if (shift == 0 && xa_is_node(slots[i]))
			continue;
		ret = xa_walk_node(ctx, slots[i], base + (i << shift), shift,
				   budget, fn, arg);
		if (ret)
			return ret;
	}
	return VX_OK;
}

int vx_xa_for_each(struct vx_ctx *ctx, uint64_t xa, vx_xa_fn fn, void *arg)
{
	unsigned long budget = 1UL << 16;
	uint64_t head;

	if (!vx_has(ctx->l.xa_head) || !vx_has(ctx->l.xn_shift) ||
	    !vx_has(ctx->l.xn_slots))
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no xarray layout");
	if (vx_read_ulong(ctx, xa + ctx->l.xa_head.off, &head))
		return VX_ERR_FAULT;
	return xa_walk_node(ctx, head, 0, -1, &budget, fn, arg);
}

/* Is VB a vmap_block whose va is AREA? */
static bool vb_matches(struct vx_ctx *ctx, uint64_t vb,
		       const struct vx_area *area)
{
	uint64_t va;

	if (!vb || (vb & 7))
		return false;
	if (vx_read_ulong(ctx, vb + ctx->l.vb_va.off, &va))
		return false;
	return va == area->va;
}

uint64_t vx_vbq_xa(const struct vx_ctx *ctx, unsigned int cpu)
{
	return ctx->vbq + ctx->cpu_off[cpu] + ctx->l.vbq_vmap_blocks.off;
}

static unsigned int nr_possible(const struct vx_ctx *ctx)
{
	unsigned int cpu, n = 0;

	for (cpu = 0; cpu < ctx->nr_cpu_ids; cpu++)
		n += vx_cpu_possible(ctx, cpu);
	return n ? n : 1;
}

/*
 * The per-CPU bucket the kernel hashes ADDR to.  Since a34acf30b19b
 * ("mm: vmalloc: check if a hash-index is in cpu_possible_mask", 6.10 and
 * stable) it is (addr / BS) % nr_cpu_ids, moved up to the next possible
 * CPU; before, (addr / BS) % num_possible_cpus().
 */
unsigned int vx_vb_bucket(const struct vx_ctx *ctx, uint64_t addr,
			  uint64_t bs, bool fixed)
{
	unsigned int cpu;

	if (!fixed)
		return (addr / bs) % nr_possible(ctx);
	cpu = (addr / bs) % ctx->nr_cpu_ids;
	while (cpu < ctx->nr_cpu_ids && !vx_cpu_possible(ctx, cpu))
		cpu++;
	return cpu < ctx->nr_cpu_ids ? cpu : ctx->nr_cpu_ids - 1;
}

static uint64_t vb_try(struct vx_ctx *ctx, uint64_t xa, uint64_t idx,
		       const struct vx_area *area)
{
	uint64_t vb;

	if (vx_xa_load(ctx, xa, idx, &vb))
		return 0;
	return vb_matches(ctx, vb, area) ? vb : 0;
}

struct vb_scan {
	const struct vx_area *area;
	uint64_t vb;
};

static int vb_scan_cb(struct vx_ctx *ctx, uint64_t entry, uint64_t index,
		      void *arg)
{
	struct vb_scan *scan = arg;

	(void)index;
	if (!vb_matches(ctx, entry, scan->area))
		return VX_OK;
	scan->vb = entry;
	return VX_STOP;
}

/* Last resort: look at every entry (our VMALLOC_START may be off). */
static uint64_t vb_scan(struct vx_ctx *ctx, uint64_t xa,
			const struct vx_area *area)
{
	struct vb_scan scan = { .area = area };

	vx_xa_for_each(ctx, xa, vb_scan_cb, &scan);
	return scan.vb;
}

uint64_t vx_vb_lookup(struct vx_ctx *ctx, const struct vx_area *area)
{
	uint64_t bs = area->end - area->start, idx, vb;
	unsigned int cpu;

	if (!vx_has(ctx->l.vb_va))
		return 0;
	if (ctx->vb_bits && bs != ctx->vb_bits * ctx->page_size)
		return 0;
	/*
	 * blocks are allocated with size == alignment == VMAP_BLOCK_SIZE,
	 * and VMAP_BBMAP_BITS is between 2 * VMAP_MAX_ALLOC and 1024
	 */
	if (!bs || (bs & (bs - 1)) || (area->start & (bs - 1)) ||
	    bs < 2 * 64 * ctx->page_size || bs > 1024 * ctx->page_size)
		return 0;
	idx = (area->start - (ctx->vmalloc_start & ~(bs - 1))) / bs;
	if (!ctx->percpu_xa) {
		if (!ctx->vmap_blocks)
			return 0;
		vb = vb_try(ctx, ctx->vmap_blocks, idx, area);
		return vb ? vb : vb_scan(ctx, ctx->vmap_blocks, area);
	}

	cpu = vx_vb_bucket(ctx, area->start, bs, true);
	if ((vb = vb_try(ctx, vx_vbq_xa(ctx, cpu), idx, area)))
		return vb;
	cpu = vx_vb_bucket(ctx, area->start, bs, false);
	if ((vb = vb_try(ctx, vx_vbq_xa(ctx, cpu), idx, area)))
		return vb;
	for (cpu = 0; cpu < ctx->nr_cpu_ids; cpu++) {
		if (!vx_cpu_possible(ctx, cpu))
			continue;
		if ((vb = vb_try(ctx, vx_vbq_xa(ctx, cpu), idx, area)) ||
		    (vb = vb_scan(ctx, vx_vbq_xa(ctx, cpu), area))) {
			vx_warn(ctx, "vmap_block %llx found in CPU %u's "
				"vmap_blocks, not where the kernel hashes it",
				(unsigned long long)vb, cpu);
			return vb;
		}
	}
	return 0;
}

static int block_map_used(struct vx_ctx *ctx, struct vx_block *blk,
			  const unsigned char *buf)
{
	const unsigned char *map = buf + ctx->l.vb_used_map.off;
	unsigned long i, hw = blk->bits - blk->free;

	blk->used = 0;
	for (i = 0; i < blk->bits; i++) {
		if (map[i / 8] & (1u << (i % 8))) {
			blk->map[i] = VX_VB_USED;
			blk->used++;
		} else {
			blk->map[i] = i < hw ? VX_VB_DIRTY : VX_VB_FREE;
		}
	}
	return VX_OK;
}

/*
 * Unmapped pages right after a mapped run may be the tail of a live
 * allocation: vb_alloc() rounds to a power of two but vm_map_ram() maps
 * only what was asked.  The last allocation of a mapped run of M pages
 * mapped some n <= M pages of 2^k (2^(k-1) < n < 2^k), so a tail follows
 * only a run of 3 or more mapped pages and is at most 2^j - 1 pages,
 * 2^j + 1 <= M.  When more pages are unmapped than vb->dirty says were
 * freed, hand the excess to such runs one page per run, in address order,
 * round after round: most tails are one page (n = 3, 7, 15, ...).
 */
static unsigned long max_tail(unsigned long mapped)
{
	unsigned long j = 1;

	if (mapped < 3)
		return 0;
	if (mapped > 64)
		mapped = 64;		/* VMAP_MAX_ALLOC */
	while (2 * j + 1 <= mapped)
		j *= 2;
	return j - 1;
}

struct slack_run {
	unsigned long start, cap, given;
};

static void derived_slack(struct vx_block *blk, unsigned long excess)
{
	unsigned long i = 0, mapped = 0, runs = 0, r, used_runs = 0;
	/* a run needs a dirty page after it: at most bits / 2 runs */
	struct slack_run *run = calloc(blk->bits / 2 + 1, sizeof(*run));
	int progress = 1;

	if (!run)
		return;

	while (i < blk->bits && blk->map[i] != VX_VB_FREE) {
		unsigned long len = 0;

		if (blk->map[i] != VX_VB_DIRTY) {
			mapped = blk->map[i] == VX_VB_USED ? mapped + 1 : 0;
			i++;
			continue;
		}
		while (i + len < blk->bits && blk->map[i + len] == VX_VB_DIRTY)
			len++;
		if (runs <= blk->bits / 2 && max_tail(mapped)) {
			run[runs].start = i;
			run[runs].cap = max_tail(mapped) < len ?
					max_tail(mapped) : len;
			runs++;
		}
		i += len;
		mapped = 0;
	}
	while (excess && progress) {
		progress = 0;
		for (r = 0; r < runs && excess; r++) {
			if (run[r].given < run[r].cap) {
				run[r].given++;
				excess--;
				progress = 1;
			}
		}
	}
	for (r = 0; r < runs; r++) {
		memset(blk->map + run[r].start, VX_VB_USED, run[r].given);
		used_runs += run[r].given > 0;
	}
	blk->ambiguous = used_runs > 1;
	free(run);
}

/*
 * No used_map before 6.3: vb_alloc() is a bump allocator, so pages from
 * BITS - free on were never handed out; below that, vb_free() clears the
 * PTEs synchronously, so a page still mapped is in use, and an unmapped
 * page outside [dirty_min, dirty_max) was never freed.
 */
static int block_map_derived(struct vx_ctx *ctx, struct vx_block *blk)
{
	unsigned long i, hw = blk->bits - blk->free, unmapped = 0;
	uint64_t pa;

	blk->derived = true;
	for (i = 0; i < blk->bits; i++) {
		int mapped;

		if (i >= hw) {
			blk->map[i] = VX_VB_FREE;
			continue;
		}
		mapped = vx_translate(ctx, blk->start + i * ctx->page_size,
				      &pa);
		if (mapped < 0)
			return vx_err(ctx, VX_ERR_FAULT,
				      "vmap_block %llx: no page tables",
				      (unsigned long long)blk->vb);
		if (mapped == 0 || i < blk->dirty_min || i >= blk->dirty_max) {
			blk->map[i] = VX_VB_USED;
			continue;
		}
		blk->map[i] = VX_VB_DIRTY;
		unmapped++;
	}
	if (unmapped > blk->dirty)
		derived_slack(blk, unmapped - blk->dirty);
	blk->used = 0;
	for (i = 0; i < hw; i++)
		blk->used += blk->map[i] == VX_VB_USED;
	return VX_OK;
}

int vx_block_get(struct vx_ctx *ctx, const struct vx_area *area,
		 struct vx_block *blk)
{
	const struct vx_layout *l = &ctx->l;
	unsigned char buf[VX_SCRATCH];
	int ret;

	memset(blk, 0, sizeof(*blk));
	if (area->kind != VX_K_VMAP_BLOCK || !area->vb)
		return vx_err(ctx, VX_ERR_INVAL, "%llx: not a vmap_block area",
			      (unsigned long long)area->va);
	if (l->vb_sz <= 0 || l->vb_sz > VX_SCRATCH)
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no vmap_block layout");
	if (vx_read_mem(ctx, area->vb, buf, l->vb_sz))
		return VX_ERR_FAULT;
	blk->vb = area->vb;
	blk->va = area->va;
	blk->start = area->start;
	blk->bits = (area->end - area->start) / ctx->page_size;
	blk->free = vx_get(buf, l->vb_free);
	blk->dirty = vx_get(buf, l->vb_dirty);
	blk->dirty_min = vx_get(buf, l->vb_dirty_min);
	blk->dirty_max = vx_get(buf, l->vb_dirty_max);
	blk->cpu = vx_has(l->vb_cpu) ? (long)vx_get(buf, l->vb_cpu) : -1;
	if (ctx->vb_bits && blk->bits != ctx->vb_bits)
		return vx_err(ctx, VX_ERR_CORRUPT,
			      "vmap_block %llx: area of %lu pages, "
			      "VMAP_BBMAP_BITS is %lu",
			      (unsigned long long)blk->vb, blk->bits,
			      ctx->vb_bits);
	if (blk->free > blk->bits || blk->dirty > blk->bits)
		return vx_err(ctx, VX_ERR_CORRUPT,
			      "vmap_block %llx: free %lu dirty %lu exceed "
			      "%lu pages", (unsigned long long)blk->vb,
			      blk->free, blk->dirty, blk->bits);
	blk->map = malloc(blk->bits);
	if (!blk->map)
		return vx_err(ctx, VX_ERR_FAULT, "out of memory");
	if (vx_has(l->vb_used_map))
		ret = block_map_used(ctx, blk, buf);
	else
		ret = block_map_derived(ctx, blk);
	if (ret)
		vx_block_release(blk);
	return ret;
}

void vx_block_release(struct vx_block *blk)
{
	free(blk->map);
	blk->map = NULL;
}

int vx_block_for_each_region(const struct vx_block *blk,
			     int (*fn)(const struct vx_vb_region *, void *),
			     void *arg)
{
	const uint64_t page = 4096;
	unsigned long i = 0, j;
	int ret;

	while (i < blk->bits) {
		struct vx_vb_region reg;

		for (j = i + 1; j < blk->bits && blk->map[j] == blk->map[i];
		     j++)
			;
		reg.first_page = i;
		reg.pages = j - i;
		reg.start = blk->start + i * page;
		reg.end = blk->start + j * page;
		reg.state = blk->map[i];
		if ((ret = fn(&reg, arg)))
			return ret;
		i = j;
	}
	return VX_OK;
}
