/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A synthetic kernel memory image for unit tests: sparse pages, a symbol
 * table and type layouts, served through struct vx_ops.  The builder lays
 * out real kernel structures in it (list_heads, xa_nodes, vmap_areas...),
 * using the x86_64 layouts of each kernel era.
 */
#ifndef MEMIMG_H
#define MEMIMG_H

#include <stdbool.h>
#include <stdint.h>

#include "vx.h"

#define IMG_PAGE	4096ULL
#define IMG_VMALLOC	0xffffc90000000000ULL
#define IMG_VMALLOC_END	0xffffe8ffffffffffULL

enum img_era {
	ERA_61,		/* vmap_area_list, no flags, no used_map, global xa */
	ERA_63,		/* + flags, used_map, still global vmap_blocks */
	ERA_64,		/* + per-CPU vmap_block_queue.vmap_blocks */
	ERA_69,		/* vmap_nodes[], per-node busy / lazy */
};

struct img_page {
	uint64_t addr;
	unsigned char data[IMG_PAGE];
};

struct img_sym {
	char name[40];
	uint64_t addr;
};

struct img_member {
	char type[24], member[24];
	long off, size;
};

struct img {
	enum img_era era;
	struct img_page **pages;
	unsigned long nr_pages, cap_pages;
	struct img_sym syms[64];
	int nr_syms;
	struct img_member members[96];
	int nr_members;
	uint64_t brk;		/* bump allocator for kernel objects */
	unsigned int nr_cpus;
	uint64_t cpu_off[8];
	char warnings[4096];
	int nr_warn;
	unsigned long reads;
	unsigned long phys_reads;	/* img_ops_phys's physical reads */
	unsigned long page_reads;	/* of them, whole pages (cache fills) */
	bool fail_reads;	/* every read fails (fault injection) */
};

void img_init(struct img *img, enum img_era era, unsigned int nr_cpus,
	      uint64_t possible_mask);
void img_free(struct img *img);
extern const struct vx_ops img_ops;
/* The same target with cheap physical reads (a dump read directly):
 * physical P is the page stored at P, else the direct map's alias of it
 * at IMG_DIRECT_MAP + P. */
extern const struct vx_ops img_ops_phys;
/* img_ops_phys with read_phys_mt: walks get a read-ahead helper */
extern const struct vx_ops img_ops_phys_mt;
extern const struct vx_ops img_ops_phys_batch;
extern const struct vx_ops img_ops_phys_batch_bad;
#define IMG_DIRECT_MAP	0xffff888000000000ULL

/* raw memory */
uint64_t img_alloc(struct img *img, uint64_t size);
void img_write(struct img *img, uint64_t addr, const void *buf, size_t len);
void img_w64(struct img *img, uint64_t addr, uint64_t val);
void img_w32(struct img *img, uint64_t addr, uint32_t val);
uint64_t img_r64(struct img *img, uint64_t addr);
void img_unmap(struct img *img, uint64_t addr);
void img_sym_add(struct img *img, const char *name, uint64_t addr);
void img_member_set(struct img *img, const char *type, const char *member,
		    long off, long size);
void img_member_drop(struct img *img, const char *type, const char *member);
long img_off(struct img *img, const char *type, const char *member);

/* seeded pattern, the same generator as the e2e fixture driver */
uint64_t splitmix64(uint64_t x);
void img_fill_pattern(struct img *img, uint64_t addr, uint64_t len,
		      uint64_t seed);
uint64_t pattern_word(uint64_t seed, uint64_t k);

/*
 * x86_64 page tables by hand: a zeroed table page at *NEXT (physical;
 * *NEXT moves on), and VA mapped at LEAF's granularity (1: 4K, 2: 2M,
 * 3: 1G) to PA in the LEVELS-level tables at PGD, tables added at *NEXT.
 */
uint64_t img_pt_table(struct img *img, uint64_t *next);
void img_pt_map(struct img *img, uint64_t *next, uint64_t pgd, int levels,
		uint64_t va, uint64_t pa, int leaf);

/* kernel structures */
void img_list_init(struct img *img, uint64_t head);
void img_list_add_tail(struct img *img, uint64_t head, uint64_t node);
uint64_t img_va(struct img *img, uint64_t start, uint64_t end, uint64_t vm,
		uint64_t flags);
uint64_t img_vm(struct img *img, uint64_t addr, uint64_t size,
		uint64_t flags, unsigned int nr_pages, uint64_t caller,
		uint64_t phys);
uint64_t img_xa_new(struct img *img);
void img_xa_store(struct img *img, uint64_t xa, uint64_t index,
		  uint64_t entry);
uint64_t img_vb(struct img *img, uint64_t va, unsigned long free,
		unsigned long dirty, const unsigned long *used_pages,
		int nr_used);

/* rb-trees beside every list, built from the lists as they are now */
void img_build_trees(struct img *img);

/* the busy / lazy list for an era (node ignored before 6.9) */
uint64_t img_busy_head(struct img *img, int node);
uint64_t img_lazy_head(struct img *img, int node);
/* vmap_blocks xarray a block at ADDR goes to (as the kernel hashes it) */
uint64_t img_vb_xa(struct img *img, uint64_t addr);
uint64_t img_vb_idx(uint64_t addr);

#define IMG_BITS	1024UL	/* VMAP_BBMAP_BITS for NR_CPUS <= 2048 */
#define IMG_BLOCK	(IMG_BITS * IMG_PAGE)
#define IMG_NODES	3
#define IMG_ZONE	(16 * IMG_PAGE)

#endif /* MEMIMG_H */
