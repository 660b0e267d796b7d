// SPDX-License-Identifier: GPL-2.0
/*
 * Our own x86_64 page-table walk, for hosts that cannot translate vmalloc
 * addresses (crash --minimal).  4- and 5-level tables from init_top_pgt,
 * 1 GiB and 2 MiB leaves, physical reads through ops->read_phys.  The 6.1
 * vb-region derivation uses the same walk through vx_translate().
 */
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"

#define PTE_PRESENT	0x001ULL
#define PTE_PSE		0x080ULL	/* leaf at PUD / PMD level */
#define PTE_PFN_MASK	0x000ffffffffff000ULL
#define START_KERNEL_MAP 0xffffffff80000000ULL
/* PAGE_OFFSET without CONFIG_DYNAMIC_MEMORY_LAYOUT, and the map's size */
#define DIRECT_MAP_L4	0xffff888000000000ULL
#define DIRECT_MAP_L5	0xff11000000000000ULL
#define DIRECT_MAP_SIZE_L4 (1ULL << 46)
#define DIRECT_MAP_SIZE_L5 (1ULL << 52)

/*
 * Slab objects (vmap_area, vm_struct, vmap_block) live in the direct map,
 * where virtual minus PAGE_OFFSET is physical.  crash --minimal walks the
 * page tables for every such read (four reads of the dump per page);
 * translating them here makes it one.  The map's base is page_offset_base
 * where the kernel has it (KASLR), the fixed PAGE_OFFSET otherwise, and
 * it is used only once the walk maps the page tables' own direct-map
 * address to where they are.
 */
static void dm_probe(struct vx_ctx *ctx)
{
	uint64_t start, addr, pa;

	start = ctx->pt_levels == 5 ? DIRECT_MAP_L5 : DIRECT_MAP_L4;
	if (ctx->ops->symbol(ctx->priv, "page_offset_base", &addr) == 0 &&
	    vx_read_ulong(ctx, addr, &start))
		return;
	if (vx_pt_translate(ctx, start + ctx->pgd_phys, &pa) ||
	    pa != ctx->pgd_phys)
		return;
	ctx->dm_start = start;
	ctx->dm_size = ctx->pt_levels == 5 ? DIRECT_MAP_SIZE_L5 :
					     DIRECT_MAP_SIZE_L4;
}

int vx_pt_init(struct vx_ctx *ctx)
{
	uint64_t pgt, addr, phys_base = 0;
	uint32_t l5 = 0;

	if (!ctx->ops->read_phys)
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no physical reads");
	if (ctx->ops->symbol(ctx->priv, "init_top_pgt", &pgt))
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no init_top_pgt");
	/* __START_KERNEL_map + phys_base maps the kernel image */
	if (ctx->ops->symbol(ctx->priv, "phys_base", &addr) == 0 &&
	    vx_read_ulong(ctx, addr, &phys_base))
		return VX_ERR_FAULT;
	/* CONFIG_X86_5LEVEL kernels decide at boot */
	if (ctx->ops->symbol(ctx->priv, "__pgtable_l5_enabled", &addr) == 0 &&
	    vx_read_uint(ctx, addr, &l5))
		return VX_ERR_FAULT;
	ctx->pgd_phys = pgt - START_KERNEL_MAP + phys_base;
	ctx->pt_levels = l5 ? 5 : 4;
	ctx->pte_valid = false;
	ctx->hole_shift = 0;
	ctx->pt_ready = true;
	if (ctx->ops->symbol(ctx->priv, "_text", &ctx->kimage_start) ||
	    ctx->ops->symbol(ctx->priv, "_end", &ctx->kimage_end))
		ctx->kimage_start = ctx->kimage_end = 0;
	dm_probe(ctx);
	return VX_OK;
}

int vx_pt_enable(struct vx_ctx *ctx)
{
	int ret = ctx->pt_ready ? VX_OK : vx_pt_init(ctx);

	if (ret == VX_OK)
		ctx->own_pt = true;
	return ret;
}

int vx_pt_phys_first(struct vx_ctx *ctx)
{
	int ret = ctx->pt_ready ? VX_OK : vx_pt_init(ctx);

	if (ret == VX_OK)
		ctx->phys_first = true;
	return ret;
}

static void leaf(uint64_t entry, uint64_t vaddr, int shift, uint64_t *paddr)
{
	uint64_t mask = (1ULL << shift) - 1;

	*paddr = (entry & PTE_PFN_MASK & ~mask) | (vaddr & mask);
}

int vx_pt_translate(struct vx_ctx *ctx, uint64_t vaddr, uint64_t *paddr)
{
	uint64_t table = ctx->pgd_phys, entry;
	int level, shift;

	/* sparse areas: one read per missing PMD / PUD, not per page */
	if (ctx->hole_shift && (vaddr >> ctx->hole_shift) == ctx->hole_key)
		return 1;
	/* sequential pages share one PTE table per 2 MiB: keep it whole */
	if (ctx->pte_valid && ctx->pte_key == (vaddr >> 21)) {
		entry = ctx->pte[(vaddr >> 12) & 511];
		if (!(entry & PTE_PRESENT))
			return 1;
		leaf(entry, vaddr, 12, paddr);
		return 0;
	}
	for (level = ctx->pt_levels; level >= 2; level--) {
		shift = 12 + 9 * (level - 1);
		if (ctx->ops->read_phys(ctx->priv, table +
					((vaddr >> shift) & 511) * 8,
					&entry, sizeof(entry)))
			return -1;
		if (!(entry & PTE_PRESENT)) {
			ctx->hole_key = vaddr >> shift;
			ctx->hole_shift = shift;
			return 1;
		}
		/* a PSE bit at PUD or PMD level ends the walk early */
		if ((level == 2 || level == 3) && (entry & PTE_PSE)) {
			leaf(entry, vaddr, shift, paddr);
			return 0;
		}
		table = entry & PTE_PFN_MASK;
	}
	if (ctx->ops->read_phys(ctx->priv, table, ctx->pte,
				sizeof(ctx->pte))) {
		ctx->pte_valid = false;
		return -1;
	}
	ctx->pte_key = vaddr >> 21;
	ctx->pte_valid = true;
	entry = ctx->pte[(vaddr >> 12) & 511];
	if (!(entry & PTE_PRESENT))
		return 1;
	leaf(entry, vaddr, 12, paddr);
	return 0;
}

int vx_translate(struct vx_ctx *ctx, uint64_t vaddr, uint64_t *paddr)
{
	if (ctx->pt_ready)
		return vx_pt_translate(ctx, vaddr, paddr);
	return ctx->ops->translate(ctx->priv, vaddr, paddr);
}

/*
 * Kernel objects are small and packed into slab pages (56 vmap_areas to
 * a page): a small direct-mapped cache of whole pages turns thousands of
 * host reads into one per page.  Flushed per command.
 */
#define CACHE_PAGES	256
#define CACHE_MAX_READ	512

struct vx_page_cache {
	struct {
		uint64_t page;		/* 0: empty */
		const unsigned char *data;	/* own[], or a ring page */
	} slot[CACHE_PAGES];
	unsigned char own[CACHE_PAGES][4096];
	/* the read-ahead helper's reads put off (vx_kread_later) */
	unsigned int nr_later;
	struct {
		uint64_t page;
		uint64_t pos;		/* walk_pos when it was put off */
	} later[VX_PHYS_BATCH - 1];
};

void vx_cache_flush(struct vx_ctx *ctx)
{
	/* a command cut off by a longjmp (Ctrl-C) left its batch of rows,
	 * on its stack, as the output to write before a warning */
	ctx->flush_out = NULL;
	vx_prefetch_stop(ctx);
	if (ctx->cache) {
		memset(ctx->cache->slot, 0, sizeof(ctx->cache->slot));
		ctx->cache->nr_later = 0;
	}
}

static int kread_uncached(struct vx_ctx *ctx, uint64_t vaddr, void *buf,
			  size_t len);

/*
 * Helper: the ring page for its read at walk position POS, AHEAD entries
 * after the next, or NULL (vx_prefetch_slot); a slot of its cache still
 * pointing to that ring page from the ring's last round is forgotten.
 */
static unsigned char *ring_page(struct vx_ctx *ctx, uint64_t pos,
				unsigned int ahead)
{
	struct vx_page_cache *c = ctx->cache;
	unsigned int stale;
	unsigned char *ring = vx_prefetch_slot(ctx->pf_out, pos, ahead,
					       &stale);

	if (ring && stale && c->slot[stale - 1].data == ring)
		c->slot[stale - 1].page = 0;
	return ring;
}

/* Helper: what it publishes is complete up to its oldest read not yet
 * made: the oldest put off, or the one it makes now. */
static void published_to(struct vx_ctx *ctx)
{
	const struct vx_page_cache *c = ctx->cache;

	vx_prefetch_at(ctx->pf_out, c->nr_later ? c->later[0].pos :
						  ctx->walk_pos);
}

/*
 * A read-ahead helper's miss (ctx->pf_out): read straight into the ring
 * page it will publish, which its cache then points to, unless it has
 * nothing to publish (it is behind the command); a slot of its cache
 * still pointing to that ring page from the ring's last round is
 * forgotten first.
 */
static const unsigned char *helper_fill(struct vx_ctx *ctx, uint64_t page,
					unsigned int idx)
{
	struct vx_page_cache *c = ctx->cache;
	unsigned char *ring, *dst;

	published_to(ctx);
	ring = ring_page(ctx, ctx->walk_pos, 0);
	dst = ring ? ring : c->own[idx];
	if (kread_uncached(ctx, page, dst, 4096))
		return NULL;
	if (ring)
		vx_prefetch_publish(ctx->pf_out, page, ctx->walk_pos, idx + 1);
	return dst;
}

static bool in_direct_map(const struct vx_ctx *ctx, uint64_t vaddr,
			  size_t len);
static bool cacheable(struct vx_ctx *ctx, uint64_t vaddr, size_t len);

/* Helper: can PAGE go into a batch?  The direct map's pages, read as
 * physical memory, can (kread_uncached's first way). */
static bool batchable(const struct vx_ctx *ctx, uint64_t page)
{
	return ctx->pf_out && vx_prefetch_batches(ctx->pf_out) &&
	       (ctx->own_pt || ctx->phys_first) &&
	       in_direct_map(ctx, page, 4096);
}

/* A batch of the helper's reads, in the order it publishes them. */
struct batch {
	struct vx_phys_read rd[VX_PHYS_BATCH];
	uint64_t pos[VX_PHYS_BATCH];	/* walk_pos of each */
	unsigned int n;
	unsigned int reserved;		/* of them, into ring entries */
};

/*
 * Helper: add PAGE, missed at walk position POS, to batch B, into the
 * ring page it will publish, or for the miss of its walk (NOW) into its
 * own cache if the command is past it; a page put off that the command
 * no longer needs is dropped.
 */
static void batch_add(struct vx_ctx *ctx, struct batch *b, uint64_t page,
		      uint64_t pos, bool now)
{
	unsigned int idx = (page >> 12) % CACHE_PAGES;
	unsigned char *ring = ring_page(ctx, pos, b->reserved);

	if (!ring && !now)
		return;
	b->reserved += ring != NULL;
	b->rd[b->n].paddr = page - ctx->dm_start;
	b->rd[b->n].buf = ring ? ring : ctx->cache->own[idx];
	b->rd[b->n].len = 4096;
	b->rd[b->n].ret = -1;
	b->pos[b->n++] = pos;
}

/*
 * Helper: its reads put off, and NOW (its walk's miss, 0 if none) after
 * them, made in one batch and published in that order.  NOW's page, or
 * NULL if unreadable.
 */
static const unsigned char *helper_batch(struct vx_ctx *ctx, uint64_t now)
{
	struct vx_page_cache *c = ctx->cache;
	struct batch b = { .n = 0 };
	const unsigned char *got = NULL;
	unsigned int i;

	published_to(ctx);
	for (i = 0; i < c->nr_later; i++)
		if (c->later[i].page != now)
			batch_add(ctx, &b, c->later[i].page, c->later[i].pos,
				  false);
	c->nr_later = 0;
	if (now)
		batch_add(ctx, &b, now, ctx->walk_pos, true);
	if (!b.n)
		return NULL;
	ctx->ops->read_phys_batch_mt(ctx->priv, b.rd, b.n);
	/* the walk's own miss, last, goes every way a read can */
	if (now && b.rd[b.n - 1].ret)
		b.rd[b.n - 1].ret = kread_uncached(ctx, now, b.rd[b.n - 1].buf,
						   4096);
	for (i = 0; i < b.n; i++) {
		const struct vx_phys_read *rd = &b.rd[i];
		uint64_t page = rd->paddr + ctx->dm_start;
		unsigned int idx = (page >> 12) % CACHE_PAGES;

		/* a failed read still takes its entry (the later ones are
		 * where their slots were given): a page no one looks for */
		if (rd->buf != c->own[idx])
			vx_prefetch_publish(ctx->pf_out, rd->ret ? 0 : page,
					    b.pos[i], rd->ret ? 0 : idx + 1);
		if (rd->ret)
			continue;
		c->slot[idx].page = page;
		c->slot[idx].data = rd->buf;
		if (page == now)
			got = rd->buf;
	}
	return got;
}

/* Helper: is PAGE among the reads it put off? */
static bool put_off(const struct vx_ctx *ctx, uint64_t page)
{
	const struct vx_page_cache *c = ctx->cache;
	unsigned int i;

	for (i = 0; i < c->nr_later; i++)
		if (c->later[i].page == page)
			return true;
	return false;
}

/*
 * Helper: the page of [VADDR, VADDR + LEN), which nothing in its walk
 * reads from (it is only for the command's cache), is read later, with
 * others, in one system call where the host can (read_phys_batch_mt):
 * once VX_PHYS_BATCH - 1 wait, at the walk's end, or when the walk needs
 * one of them.  Otherwise it is read now.  (Batching them also with each
 * page the walk misses, 2-3 reads a batch, was 7% slower on 6.12: those
 * are 18 a thousand areas, the vm_structs 24.)
 */
void vx_kread_later(struct vx_ctx *ctx, uint64_t vaddr, void *buf,
		    size_t len)
{
	uint64_t page = vaddr & ~4095ULL;
	struct vx_page_cache *c;

	if (!cacheable(ctx, vaddr, len) || !batchable(ctx, page)) {
		vx_kview(ctx, vaddr, buf, len);
		return;
	}
	if (vx_kpeek(ctx, page) || put_off(ctx, page))
		return;
	c = ctx->cache;
	c->later[c->nr_later].page = page;
	c->later[c->nr_later].pos = ctx->walk_pos;
	if (++c->nr_later == VX_PHYS_BATCH - 1)
		helper_batch(ctx, 0);
}

/* Helper: the reads it put off, made now (its walk is over). */
void vx_kread_later_flush(struct vx_ctx *ctx)
{
	if (ctx->cache && ctx->cache->nr_later)
		helper_batch(ctx, 0);
}

/* The cached page holding VADDR, filled if need be; NULL if unreadable. */
static const unsigned char *cached_page(struct vx_ctx *ctx, uint64_t vaddr)
{
	uint64_t page = vaddr & ~4095ULL;
	unsigned int idx = (page >> 12) % CACHE_PAGES;
	struct vx_page_cache *c = ctx->cache;
	const unsigned char *data;

	/* (an empty or forgotten slot has page 0: never a hit for page 0) */
	if ((data = vx_kpeek(ctx, page)))
		return data;
	/* a page from the helper's ring is read there, in place */
	data = ctx->pf_in ? vx_prefetch_take(ctx, page, idx + 1) : NULL;
	if (data)
		ctx->ra_pages++;
	else if (ctx->pf_out && put_off(ctx, page))
		data = helper_batch(ctx, page);
	else if (ctx->pf_out)
		data = helper_fill(ctx, page, idx);
	else if (!kread_uncached(ctx, page, c->own[idx], 4096))
		data = c->own[idx];
	c->slot[idx].page = data ? page : 0;
	c->slot[idx].data = data;
	return data;
}

/*
 * The read-ahead ring will write RING_PAGE again: if cache slot
 * CACHE_SLOT still reads it in place, the slot forgets it.  A walk
 * seldom comes back to a page 256 pages on (one such slot in 500 on the
 * benchmark's dumps), and a copy of each cost more than the one page
 * read again.
 */
void vx_cache_forget(struct vx_ctx *ctx, unsigned int cache_slot,
		     const unsigned char *ring_page)
{
	struct vx_page_cache *c = ctx->cache;

	if (c && c->slot[cache_slot].data == ring_page)
		c->slot[cache_slot].page = 0;
}

static bool cacheable(struct vx_ctx *ctx, uint64_t vaddr, size_t len)
{
	if (len > CACHE_MAX_READ || ctx->page_size != 4096 ||
	    (vaddr >> 12) != ((vaddr + len - 1) >> 12))
		return false;
	if (!ctx->cache)
		ctx->cache = calloc(1, sizeof(*ctx->cache));
	return ctx->cache;
}

/*
 * LEN bytes at VADDR: in place in the cached page when they lie in one,
 * else copied to BUF.  NULL if unreadable.  What it points to is good
 * until the next read.
 */
const void *vx_kview(struct vx_ctx *ctx, uint64_t vaddr, void *buf,
		     size_t len)
{
	const unsigned char *page;

	if (cacheable(ctx, vaddr, len) && (page = cached_page(ctx, vaddr)))
		return page + (vaddr & 4095);
	return kread_uncached(ctx, vaddr, buf, len) ? NULL : buf;
}

/* VADDR in place if its page is in the cache already, else NULL. */
const void *vx_kpeek(struct vx_ctx *ctx, uint64_t vaddr)
{
	uint64_t page = vaddr & ~4095ULL;
	unsigned int idx = (page >> 12) % CACHE_PAGES;
	struct vx_page_cache *c = ctx->cache;

	if (!c || !page || c->slot[idx].page != page)
		return NULL;
	return c->slot[idx].data + (vaddr & 4095);
}

int vx_kread(struct vx_ctx *ctx, uint64_t vaddr, void *buf, size_t len)
{
	const void *src = vx_kview(ctx, vaddr, buf, len);

	if (!src)
		return -1;
	if (src != buf)
		memcpy(buf, src, len);
	return 0;
}

static bool in_direct_map(const struct vx_ctx *ctx, uint64_t vaddr,
			  size_t len)
{
	return vaddr - ctx->dm_start < ctx->dm_size &&
	       len <= ctx->dm_size - (vaddr - ctx->dm_start);
}

/*
 * As much of [VADDR, VADDR + LEN) as our page-table walk translates and
 * reads as physical, up to the first page that does not.  Returns the
 * bytes read.
 */
static size_t kread_phys(struct vx_ctx *ctx, uint64_t vaddr,
			 unsigned char *dst, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t off = (vaddr + done) & (ctx->page_size - 1);
		size_t n = ctx->page_size - off < len - done ?
			   ctx->page_size - off : len - done;
		uint64_t pa;

		if (vx_pt_translate(ctx, vaddr + done, &pa) ||
		    ctx->ops->read_phys(ctx->priv, pa, dst + done, n))
			break;
		done += n;
	}
	return done;
}

/*
 * Read kernel virtual memory.  The host reads what it can translate; in
 * own-page-table mode what it cannot is walked here, page by page.
 */
static int kread_uncached(struct vx_ctx *ctx, uint64_t vaddr, void *buf,
			  size_t len)
{
	unsigned char *dst = buf;

	/* the direct map is physically contiguous: one read */
	if ((ctx->own_pt || ctx->phys_first) &&
	    in_direct_map(ctx, vaddr, len) &&
	    ctx->ops->read_phys(ctx->priv, vaddr - ctx->dm_start, buf,
				len) == 0)
		return 0;
	if (ctx->phys_first && !in_direct_map(ctx, vaddr, len)) {
		size_t done = kread_phys(ctx, vaddr, dst, len);

		if (done == len)
			return 0;
		vaddr += done;
		dst += done;
		len -= done;
	}

	/*
	 * In own-page-table mode vmalloc space is ours alone to translate,
	 * and so is what lies above __START_KERNEL_map beyond the kernel
	 * image (modules, bpf_prog_pack): crash --minimal takes all of it
	 * for kernel text at phys_base and, under KASLR, reads the wrong
	 * memory without an error.
	 */
	bool ours = ctx->own_pt &&
		    ((vaddr >= ctx->vmalloc_start && vaddr < ctx->vmalloc_end) ||
		     (vaddr >= START_KERNEL_MAP &&
		      (vaddr < ctx->kimage_start || vaddr >= ctx->kimage_end)));

	if (!ours && ctx->ops->read(ctx->priv, vaddr, dst, len) == 0)
		return 0;
	if (!ctx->own_pt)
		return -1;
	return kread_phys(ctx, vaddr, dst, len) == len ? 0 : -1;
}
