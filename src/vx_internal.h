/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the core's files; not part of the API. */
#ifndef VX_INTERNAL_H
#define VX_INTERNAL_H

#include <string.h>

#include "vx.h"
#include "vx_flags.h"

#define VX_SCRATCH	1024	/* largest struct read in one go */

static inline bool vx_has(struct vx_field f)
{
	return f.off >= 0;
}

/* Little-endian load of a field of 1, 2, 4 or 8 bytes from BUF. */
static inline uint64_t vx_get(const void *buf, struct vx_field f)
{
	const unsigned char *p = (const unsigned char *)buf + f.off;
	uint64_t val = 0;
	long i;

	if (f.off < 0 || f.size <= 0 || f.size > 8)
		return 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (f.size == 8) {
		memcpy(&val, p, 8);
		return val;
	}
	if (f.size == 4) {
		uint32_t word;

		memcpy(&word, p, 4);
		return word;
	}
#endif
	for (i = f.size - 1; i >= 0; i--)
		val = (val << 8) | p[i];
	return val;
}

bool vx_seen(struct vx_ctx *ctx, const char *msg);
int vx_read_mem(struct vx_ctx *ctx, uint64_t addr, void *buf, size_t len);
int vx_read_ulong(struct vx_ctx *ctx, uint64_t addr, uint64_t *val);
int vx_read_uint(struct vx_ctx *ctx, uint64_t addr, uint32_t *val);
bool vx_interrupted(struct vx_ctx *ctx);
/* every core read and translation goes through these (vx_pgtable.c) */
int vx_kread(struct vx_ctx *ctx, uint64_t vaddr, void *buf, size_t len);
int vx_translate(struct vx_ctx *ctx, uint64_t vaddr, uint64_t *paddr);
const void *vx_kview(struct vx_ctx *ctx, uint64_t vaddr, void *buf,
		     size_t len);
const void *vx_kpeek(struct vx_ctx *ctx, uint64_t vaddr);
void vx_kread_later(struct vx_ctx *ctx, uint64_t vaddr, void *buf,
		    size_t len);
void vx_kread_later_flush(struct vx_ctx *ctx);
/* vmap_init_nodes(): clamp(num_possible_cpus(), 1, 128) vmap nodes */
#define VX_NODES_MAX	128
/* read-ahead by a helper thread (vx_prefetch.c) */
bool vx_prefetch_start(struct vx_ctx *ctx, unsigned int flags, uint64_t from);
void vx_prefetch_stop(struct vx_ctx *ctx);
void vx_prefetch_release(struct vx_ctx *ctx);
unsigned char *vx_prefetch_slot(struct vx_prefetch *pf, uint64_t walk_pos,
				unsigned int ahead, unsigned int *stale);
void vx_prefetch_at(struct vx_prefetch *pf, uint64_t pos);
bool vx_prefetch_batches(const struct vx_prefetch *pf);
bool vx_prefetch_behind(struct vx_prefetch *pf, uint64_t walk_pos);
bool vx_prefetch_checks(const struct vx_prefetch *pf, unsigned int list);
void vx_prefetch_checked(struct vx_prefetch *pf, unsigned int list,
			 unsigned long count);
unsigned long vx_prefetch_checked_to(struct vx_prefetch *pf,
				     unsigned int list);
void vx_prefetch_publish(struct vx_prefetch *pf, uint64_t page,
			 uint64_t walk_pos, unsigned int cache_slot);
const unsigned char *vx_prefetch_take(struct vx_ctx *ctx, uint64_t page,
				      unsigned int cache_slot);
void vx_cache_forget(struct vx_ctx *ctx, unsigned int cache_slot,
		     const unsigned char *ring_page);
bool vx_cpu_possible(const struct vx_ctx *ctx, unsigned int cpu);

bool vx_area_wanted(struct vx_ctx *ctx, const struct vx_list_opts *opts,
		    const struct vx_area *area);
bool vx_caller_matches(struct vx_ctx *ctx, const struct vx_area *area,
		       const char *name);
uint64_t vx_area_pages(const struct vx_ctx *ctx, const struct vx_area *area);

/* the reads of a whole walk only: the read-ahead helper's (vx_walk.c) */
void vx_walk_reads(struct vx_ctx *ctx, unsigned int flags, uint64_t from);

/* area classification (vx_walk.c) */
void vx_area_classify(struct vx_ctx *ctx, struct vx_area *area);

int vx_compare_trees(struct vx_ctx *ctx, unsigned long *lists,
		     unsigned long *problems);

/* vmap_block lookup (vx_block.c) */
uint64_t vx_vb_lookup(struct vx_ctx *ctx, const struct vx_area *area);
int vx_xa_load(struct vx_ctx *ctx, uint64_t xa, uint64_t index,
	       uint64_t *entry);
typedef int (*vx_xa_fn)(struct vx_ctx *ctx, uint64_t entry, uint64_t index,
			void *arg);
int vx_xa_for_each(struct vx_ctx *ctx, uint64_t xa, vx_xa_fn fn, void *arg);
uint64_t vx_vbq_xa(const struct vx_ctx *ctx, unsigned int cpu);
unsigned int vx_vb_bucket(const struct vx_ctx *ctx, uint64_t addr,
			  uint64_t bs, bool fixed);

#endif /* VX_INTERNAL_H */
