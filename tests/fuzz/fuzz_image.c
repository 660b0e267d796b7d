// SPDX-License-Identifier: GPL-2.0
/*
 * Target "image": the core over a mutated synthetic kernel.
 *
 * Input: a mode byte (era, CPU mask hole, own page tables: fuzz_world.h),
 * then patches onto the kernel objects and page tables (fworld_patch).
 * Every entry point of the core then runs over the damaged world: the
 * walks (lists, rb-trees, strict), find, vmap_block decoding, reads over
 * a few ranges, vmap check, every printer.  Beyond "no crash, no hang"
 * the target checks what the API promises whatever the dump holds:
 * areas come in address order with va_start < va_end, and a successful
 * vx_read() delivers exactly [addr, addr + len), in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_world.h"
#include "vx.h"

#define BUDGET	2000000UL	/* target accesses per input */

static FILE *devnull;

struct walk {
	uint64_t prev;
	unsigned long n;
	struct vx_area blocks[4];
	int nr_blocks;
};

static int walk_cb(struct vx_ctx *ctx, const struct vx_area *area, void *arg)
{
	struct walk *wk = arg;

	(void)ctx;
	if (area->end <= area->start)
		fw_die("area with va_end <= va_start", area->start, area->end);
	if (wk->n && area->start < wk->prev)
		fw_die("areas out of address order", wk->prev, area->start);
	if (area->kind >= VX_K_NR)
		fw_die("bad kind", area->kind, 0);
	wk->prev = area->start;
	wk->n++;
	if (area->kind == VX_K_VMAP_BLOCK && area->vb && wk->nr_blocks < 4)
		wk->blocks[wk->nr_blocks++] = *area;
	return VX_OK;
}

static int region_cb(const struct vx_vb_region *reg, void *arg)
{
	unsigned long *pages = arg;

	*pages += reg->pages;
	return VX_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_list_opts opts = { .node = -1, .regions = true };
	struct vx_dump_opts dopts = { .width = 8, .ascii = true };
	static struct fworld worlds[32];
	static bool built[32];
	struct fworld *wp;
	struct vx_ctx ctx;
	struct walk wk;
	struct vx_area area;
	struct vx_task task;
	struct vx_module mod;
	unsigned long problems;
	uint64_t pages[3];
	int i;

	if (size < 1)
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	/* one world per mode, built once, restored before each input */
	wp = &worlds[data[0] & 31];
	if (!built[data[0] & 31]) {
		fworld_build(wp, data[0] & 31);
		fworld_save(wp);
		built[data[0] & 31] = true;
	} else {
		fworld_restore(wp);
	}
	fworld_patch(wp, data + 1, size - 1);
	fw_budget_reset(BUDGET);

	/* vx_ctx_deinit() after a failed init too, as vmap_ext.c does */
	if (vx_ctx_init(&ctx, &fw_ops, &wp->world.img) != VX_OK)
		goto deinit;
	if (wp->own_pt && vx_pt_enable(&ctx) != VX_OK)
		goto deinit;

	memset(&wk, 0, sizeof(wk));
	vx_for_each_area(&ctx, VX_WALK_ALL, walk_cb, &wk);
	memset(&wk.prev, 0, sizeof(wk.prev));
	wk.n = 0;
	vx_for_each_area(&ctx, VX_WALK_ALL | VX_WALK_TREE, walk_cb, &wk);
	wk.n = 0;
	vx_for_each_area(&ctx, VX_WALK_BUSY | VX_WALK_STRICT, walk_cb, &wk);

	for (i = 0; i < wk.nr_blocks; i++) {
		struct vx_block blk;
		unsigned long pages_seen = 0;

		if (vx_block_get(&ctx, &wk.blocks[i], &blk) != VX_OK)
			continue;
		vx_block_for_each_region(&blk, region_cb, &pages_seen);
		if (pages_seen != blk.bits)
			fw_die("vb regions do not cover the block", pages_seen,
			    blk.bits);
		vx_block_release(&blk);
	}
	vx_find_area(&ctx, FW_D + 5 * FW_P, &area);
	vx_find_area(&ctx, FW_C + 7, &area);

	fw_read_checked(&ctx, FW_A + 4 * FW_P - 8, FW_P + 16);
	fw_read_checked(&ctx, FW_D + 2 * FW_P + 100, 3 * FW_P);
	fw_read_checked(&ctx, FW_C, 2 * FW_P);
	fw_read_checked(&ctx, FW_V, 0x400000);

	vx_check(&ctx, devnull, &problems);
	vx_print_list(&ctx, devnull, &opts);
	opts.have_addr = true;
	opts.addr = FW_D + 3 * FW_P;
	vx_print_list(&ctx, devnull, &opts);
	opts.have_addr = false;
	vx_print_summary(&ctx, devnull, &opts);
	vx_print_callers(&ctx, devnull, &opts);
	vx_print_fragmentation(&ctx, devnull, &opts);
	vx_print_read(&ctx, devnull, FW_D + 3 * FW_P + 4000, 200, &dopts);
	/* (vx_vmalloc_counter() runs inside vx_print_callers()) */
	vx_stack_owner(&ctx, FW_A, &task);
	vx_module_owner(&ctx, WORLD_MOD_TEXT + 0x10, &mod);
	vx_module_owner(&ctx, WORLD_MOD_DATA + 0x4010, &mod);
	pages[0] = (FW_C + 5 * FW_P) & 0xffffffffULL;
	pages[1] = wp->own_pt ? FW_DATA_PHYS + 3 * FW_P : FW_D & 0xffffffffULL;
	pages[2] = 0xfed00000;
	/* by design it may translate up to VX_PAGE_SCAN_MAX pages: a budget
	 * of its own, on top of its walk's */
	fw_budget_reset(VX_PAGE_SCAN_MAX + BUDGET);
	vx_page_lookup(&ctx, devnull, pages, 3);
deinit:
	vx_ctx_deinit(&ctx);
	return 0;
}
