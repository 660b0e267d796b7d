// SPDX-License-Identifier: GPL-2.0
/*
 * Reverse lookup: which vmap mappings does a physical page have?
 * Every mapped page of every busy area is translated through the page
 * tables (vm->pages[] would need page_to_pfn, which depends on the
 * memory model; vm_map_ram and vb regions have no pages array anyway),
 * ioremap areas through vm->phys_addr.  One pass over all areas answers
 * every queried page: O(pages mapped * log N).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"


struct lookup {
	const uint64_t *pfns;	/* sorted queried pfns */
	size_t nr;
	FILE *fp;
	unsigned long hits;
	uint64_t scanned;	/* pages translated so far */
};

static bool wanted(const struct lookup *lk, uint64_t pfn)
{
	size_t lo = 0, hi = lk->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (lk->pfns[mid] == pfn)
			return true;
		if (lk->pfns[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static void hit(struct vx_ctx *ctx, struct lookup *lk,
		const struct vx_area *area, uint64_t pfn, uint64_t vaddr,
		const char *how)
{
	char caller[128] = "-";

	if (area->vm_valid && area->vm_caller)
		ctx->ops->symbolize(ctx->priv, area->vm_caller, caller,
				    sizeof(caller));
	if (lk->hits++ == 0)
		fprintf(lk->fp, "%12s  %16s  %-13s %16s  %-11s CALLER\n",
			"PHYSICAL", "VADDR", "TYPE", "VMAP_AREA", "FOUND IN");
	fprintf(lk->fp, "%12" PRIx64 "  %16" PRIx64 "  %-13s %16" PRIx64
		"  %-11s %s\n", pfn * ctx->page_size, vaddr,
		vx_kind_name(area->kind), area->va, how, caller);
}

/*
 * Bounds, so that a corrupted size cannot make the search endless: one
 * area is searched up to 1 GiB unless vm->nr_pages vouches for more, one
 * command up to 8 GiB of vmap space; each cut is reported.
 */
#define AREA_SCAN_PAGES		(1UL << 18)
#define TOTAL_SCAN_PAGES	VX_PAGE_SCAN_MAX

static void by_page_tables(struct vx_ctx *ctx, struct lookup *lk,
			   const struct vx_area *area)
{
	uint64_t addr, pa, end = area->end;
	uint64_t pages = (end - area->start) / ctx->page_size;
	uint64_t limit = AREA_SCAN_PAGES;

	if (area->vm_valid && area->vm_nr_pages > limit)
		limit = area->vm_nr_pages;
	if (limit > TOTAL_SCAN_PAGES - lk->scanned)
		limit = TOTAL_SCAN_PAGES - lk->scanned;
	if (pages > limit) {
		vx_warn(ctx, "vmap_area %" PRIx64 ": only its first %" PRIu64
			" of %" PRIu64 " pages are searched", area->va, limit,
			pages);
		end = area->start + limit * ctx->page_size;
	}
	lk->scanned += (end - area->start) / ctx->page_size;
	for (addr = area->start; addr < end; addr += ctx->page_size) {
		if (vx_translate(ctx, addr, &pa) != 0)
			continue;
		if (wanted(lk, pa / ctx->page_size))
			hit(ctx, lk, area, pa / ctx->page_size, addr,
			    "page tables");
	}
}

static void by_phys_addr(struct vx_ctx *ctx, struct lookup *lk,
			 const struct vx_area *area)
{
	uint64_t first = area->vm_phys_addr / ctx->page_size, i;
	uint64_t n = (area->vm_size > ctx->page_size ?
		      area->vm_size - ctx->page_size : area->vm_size) /
		     ctx->page_size;

	for (i = 0; i < n; i++)
		if (wanted(lk, first + i))
			hit(ctx, lk, area, first + i, area->start +
			    i * ctx->page_size, "phys_addr");
}

static int lookup_cb(struct vx_ctx *ctx, const struct vx_area *area,
		     void *arg)
{
	struct lookup *lk = arg;

	if (area->kind == VX_K_LAZY || area->kind == VX_K_TRANSIENT ||
	    area->kind == VX_K_UNINIT)
		return VX_OK;
	if (area->kind == VX_K_IOREMAP) {
		if (area->vm_valid)
			by_phys_addr(ctx, lk, area);
		return VX_OK;
	}
	by_page_tables(ctx, lk, area);
	return VX_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int vx_page_lookup(struct vx_ctx *ctx, FILE *fp, uint64_t *addrs, size_t nr)
{
	struct lookup lk = { .fp = fp, .pfns = addrs, .nr = nr };
	size_t i;
	int ret;

	if (!nr)
		return vx_err(ctx, VX_ERR_INVAL, "no page given");
	for (i = 0; i < nr; i++)
		addrs[i] /= ctx->page_size;
	qsort(addrs, nr, sizeof(*addrs), cmp_u64);
	ret = vx_for_each_area(ctx, VX_WALK_BUSY, lookup_cb, &lk);
	if (!ret && !lk.hits)
		fprintf(fp, "no vmap mapping of %s\n",
			nr == 1 ? "that page" : "those pages");
	return ret;
}
