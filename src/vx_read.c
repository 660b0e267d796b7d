// SPDX-License-Identifier: GPL-2.0
/*
 * vx_read: the bytes of a vmap range as /proc/kcore's vread_iter() means
 * to give them.  Pages are read through the page tables; what the kernel
 * would zero-fill (ioremap, sparse, uninitialized, dirty or free vb pages,
 * guard pages, gaps between areas) is never read and comes out as a hole.
 *
 * Unlike the kernel's vmap_ram_vread_iter(), a read that starts inside a
 * multi-page used run returns that page's bytes, not the run's first page.
 */
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"

#define VX_READ_MAX	(1ULL << 30)
#define VX_READ_CHUNK	(256 * 1024)	/* one host read for mapped runs */

struct reader {
	struct vx_ctx *ctx;
	const struct vx_read_sink *sink;
	uint64_t pos, end;
	/* pending hole, merged while the reason stays the same */
	uint64_t hole_start, hole_len;
	const char *hole_reason;
	unsigned char *page;	/* VX_READ_CHUNK bytes */
	int err;
};

static int hole_flush(struct reader *rd)
{
	int ret = VX_OK;

	if (rd->hole_len)
		ret = rd->sink->hole(rd->sink->arg, rd->hole_start,
				     rd->hole_len, rd->hole_reason);
	rd->hole_len = 0;
	return ret;
}

static int emit_hole(struct reader *rd, uint64_t len, const char *reason)
{
	int ret;

	if (!len)
		return VX_OK;
	if (rd->hole_len && rd->hole_reason == reason &&
	    rd->hole_start + rd->hole_len == rd->pos) {
		rd->hole_len += len;
	} else {
		if ((ret = hole_flush(rd)))
			return ret;
		rd->hole_start = rd->pos;
		rd->hole_len = len;
		rd->hole_reason = reason;
	}
	rd->pos += len;
	return VX_OK;
}

/* Read up to the end of the current page (or TO) if it is mapped. */
static int emit_page(struct reader *rd, uint64_t to)
{
	struct vx_ctx *ctx = rd->ctx;
	uint64_t page_end = (rd->pos | (ctx->page_size - 1)) + 1, pa;
	uint64_t len = (to < page_end ? to : page_end) - rd->pos;
	int mapped, ret;

	/* read first: translating only to explain a failure halves the
	 * page-table walks of a large read */
	if (vx_kread(ctx, rd->pos, rd->page, len)) {
		mapped = vx_translate(ctx, rd->pos, &pa);
		return emit_hole(rd, len, mapped > 0 ? "not mapped" :
				 "not in dump");
	}
	if ((ret = hole_flush(rd)))
		return ret;
	if ((ret = rd->sink->data(rd->sink->arg, rd->pos, rd->page, len)))
		return ret;
	rd->pos += len;
	return VX_OK;
}

/*
 * Mapped pages: try a whole chunk in one host read; only when that fails
 * go page by page to find which pages are holes.
 */
static int emit_pages(struct reader *rd, uint64_t to)
{
	uint64_t chunk_end, page = rd->ctx->page_size;
	int ret;

	while (rd->pos < to) {
		chunk_end = (rd->pos & ~(page - 1)) + VX_READ_CHUNK;
		if (chunk_end > to)
			chunk_end = to;
		if (chunk_end - rd->pos > page &&
		    vx_kread(rd->ctx, rd->pos, rd->page,
			     chunk_end - rd->pos) == 0) {
			if ((ret = hole_flush(rd)) ||
			    (ret = rd->sink->data(rd->sink->arg, rd->pos,
						  rd->page,
						  chunk_end - rd->pos)))
				return ret;
			rd->pos = chunk_end;
			continue;
		}
		while (rd->pos < chunk_end)
			if ((ret = emit_page(rd, chunk_end)))
				return ret;
	}
	return VX_OK;
}

static int read_block(struct reader *rd, const struct vx_area *area,
		      uint64_t to)
{
	static const char *const reason[] = {
		[VX_VB_DIRTY] = "vb region dirty",
		[VX_VB_FREE] = "vb region free",
	};
	struct vx_ctx *ctx = rd->ctx;
	struct vx_block blk;
	int ret;

	if (!area->vb)
		return emit_hole(rd, to - rd->pos, "vmap_block not found");
	if (vx_block_get(ctx, area, &blk)) {
		vx_warn(ctx, "%s", ctx->err);
		return emit_hole(rd, to - rd->pos, "vmap_block unreadable");
	}
	ret = VX_OK;
	while (rd->pos < to && ret == VX_OK) {
		unsigned long idx = (rd->pos - area->start) / ctx->page_size;
		uint64_t next = area->start + (idx + 1) * ctx->page_size;

		if (next > to)
			next = to;
		if (blk.map[idx] == VX_VB_USED)
			ret = emit_pages(rd, next);
		else
			ret = emit_hole(rd, next - rd->pos,
					reason[blk.map[idx]]);
	}
	vx_block_release(&blk);
	return ret;
}

/* End of what the kernel reads of an area with a vm_struct. */
static uint64_t vm_readable_end(const struct vx_ctx *ctx,
				const struct vx_area *area)
{
	uint64_t size = area->vm_size;

	if (!(area->vm_flags & VX_VM_NO_GUARD) && size >= ctx->page_size)
		size -= ctx->page_size;	/* get_vm_area_size() */
	/* vrealloc() may shrink in place (7.x): nr_pages is the truth */
	if ((area->vm_flags & VX_VM_ALLOC) && area->vm_nr_pages &&
	    area->vm_nr_pages * ctx->page_size < size)
		size = area->vm_nr_pages * ctx->page_size;
	return area->start + size;
}

static int read_area(struct reader *rd, const struct vx_area *area,
		     uint64_t to)
{
	uint64_t readable;
	int ret;

	switch (area->kind) {
	case VX_K_LAZY:
		return emit_hole(rd, to - rd->pos, "lazy (freed, not purged)");
	case VX_K_UNINIT:
		return emit_hole(rd, to - rd->pos, "uninitialized");
	case VX_K_IOREMAP:
		return emit_hole(rd, to - rd->pos, "ioremap");
	case VX_K_SPARSE:
		return emit_hole(rd, to - rd->pos, "sparse");
	case VX_K_TRANSIENT:
		return emit_hole(rd, to - rd->pos, "transient (no vm_struct)");
	case VX_K_VMAP_BLOCK:
		return read_block(rd, area, to);
	case VX_K_VM_MAP_RAM:
		return emit_pages(rd, to);
	default:
		break;
	}
	if (!area->vm_valid)
		return emit_hole(rd, to - rd->pos, "vm_struct unreadable");
	readable = vm_readable_end(rd->ctx, area);
	if (rd->pos < readable &&
	    (ret = emit_pages(rd, to < readable ? to : readable)))
		return ret;
	return emit_hole(rd, to - rd->pos, "guard page");
}

static int read_cb(struct vx_ctx *ctx, const struct vx_area *area, void *arg)
{
	struct reader *rd = arg;
	uint64_t to;

	(void)ctx;
	if (area->end <= rd->pos)
		return VX_OK;
	if (area->start >= rd->end)
		return VX_STOP;
	if (area->start > rd->pos &&
	    (rd->err = emit_hole(rd, area->start - rd->pos, "no vmap area")))
		return VX_STOP;
	to = area->end < rd->end ? area->end : rd->end;
	if ((rd->err = read_area(rd, area, to)))
		return VX_STOP;
	return rd->pos >= rd->end ? VX_STOP : VX_OK;
}

static bool in_vmalloc(const struct vx_ctx *ctx, uint64_t addr)
{
	return addr >= ctx->vmalloc_start && addr < ctx->vmalloc_end;
}

int vx_read(struct vx_ctx *ctx, uint64_t addr, uint64_t len,
	    const struct vx_read_sink *sink)
{
	struct reader rd = { .ctx = ctx, .sink = sink, .pos = addr };
	struct vx_area area;
	int ret;

	if (len == 0 || len > VX_READ_MAX)
		return vx_err(ctx, VX_ERR_INVAL,
			      "length %llu out of range 1..%llu",
			      (unsigned long long)len, VX_READ_MAX);
	if (addr + len < addr)
		return vx_err(ctx, VX_ERR_INVAL, "range wraps around");
	rd.end = addr + len;
	/* module areas sit outside vmalloc space but are vmap areas too */
	if (!in_vmalloc(ctx, addr) && vx_find_area(ctx, addr, &area))
		return vx_err(ctx, VX_ERR_RANGE,
			      "%llx: outside vmalloc space (%llx-%llx) and "
			      "not in any vmap area",
			      (unsigned long long)addr,
			      (unsigned long long)ctx->vmalloc_start,
			      (unsigned long long)ctx->vmalloc_end);
	rd.page = malloc(VX_READ_CHUNK);
	if (!rd.page)
		return vx_err(ctx, VX_ERR_FAULT, "out of memory");
	ret = vx_for_each_area_from(ctx, VX_WALK_ALL, addr, read_cb, &rd);
	if (!ret)
		ret = rd.err;
	if (!ret && rd.pos < rd.end)
		ret = emit_hole(&rd, rd.end - rd.pos, "no vmap area");
	if (!ret)
		ret = hole_flush(&rd);
	free(rd.page);
	return ret;
}
