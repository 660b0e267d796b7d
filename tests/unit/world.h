/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The synthetic world the unit tests and the fuzz targets start from:
 * vmalloc, ioremap, vm_map_ram, lazy, vmalloc_user, vmap and (6.3+)
 * transient areas and two vmap_blocks, with rb-trees beside the lists,
 * in any era (tests/unit/memimg.c underneath).
 */
#ifndef WORLD_H
#define WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "memimg.h"
#include "vx.h"

#define V IMG_VMALLOC
#define P IMG_PAGE

#define A_START	(V + 0x0)		/* vmalloc, 4 pages + guard */
#define B_START	(V + 0x10000)		/* ioremap, 2 pages + guard */
#define C_START	(V + 0x20000)		/* vm_map_ram, 80 pages */
#define E_START	(V + 0x80000)		/* lazy, 3 pages */
#define F_START	(V + 0x90000)		/* vmalloc_user, 2 pages + guard */
#define G_START	(V + 0xa0000)		/* vmap, 3 pages + guard */
#define H_START	(V + 0xb0000)		/* transient (6.3+) */
#define D_START	(V + 2 * IMG_BLOCK)	/* vmap_block */
#define D2_START (V + 5 * IMG_BLOCK)	/* second vmap_block */
#define SEED_A	0x1001
#define SEED_C	0x1003
#define SEED_D	0x4000
#define D_HW	12	/* pages ever handed out in block D */

struct world {
	struct img img;
	struct vx_ctx ctx;
	uint64_t va[16];	/* the vmap_areas, in the order added */
	int nr;
};

/* block D's used pages (of D_HW handed out) */
extern const unsigned long d_used[7];

/* the vmap node (6.9+) of an area starting at START, as the image has it */
int node_of(uint64_t start);
uint64_t add_area(struct world *w, uint64_t start, uint64_t end,
		  uint64_t vm, uint64_t flags, bool lazy);
/* a vmap_block area at START, USED pages in use, HW handed out */
uint64_t add_block(struct world *w, uint64_t start,
		   const unsigned long *used, int nr_used, unsigned long hw);
void world_build(struct world *w, enum img_era era, unsigned int nr_cpus,
		 uint64_t possible);
int world_ctx(struct world *w);
/* the kernel's modules list with two modules (see world.c); its head */
#define WORLD_MOD_TEXT	0xffffffffa0000000ULL
#define WORLD_MOD_DATA	(WORLD_MOD_TEXT + 0x10000)
uint64_t world_add_modules(struct world *w);
/* one more module NAME on the list at HEAD, no memory; its address */
uint64_t world_add_module(struct img *img, uint64_t head,
			  const char *name);
void world_free(struct world *w);

#endif /* WORLD_H */
