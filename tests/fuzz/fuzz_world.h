/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The synthetic kernel the fuzz targets start from: the unit tests' world
 * (tests/unit/world.c: vmalloc, ioremap, vm_map_ram, lazy, vmalloc_user,
 * vmap, transient areas and two vmap_blocks, rb-trees beside the lists)
 * for any era, plus the kernel's vmalloc counter, optionally with x86_64
 * page tables for the own-page-table mode of crash --minimal.  Built
 * through tests/unit/memimg.c and world.c, compiled in unchanged.
 */
#ifndef FUZZ_WORLD_H
#define FUZZ_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "memimg.h"
#include "world.h"

#define FW_OBJ_BASE	0xffff888000100000ULL	/* memimg's OBJ_BASE */
#define FW_PT_BASE	0x100000ULL		/* page-table pages (phys) */
#define FW_DATA_PHYS	0x10000000ULL		/* vmalloc data copies (phys) */

struct fworld {
	struct world world;	/* tests/unit/world.c's, as built there */
	uint64_t obj_end;	/* img.brk after the build */
	uint64_t pt_end;	/* own_pt: end of the page-table pages */
	bool own_pt;
	unsigned char *saved;	/* fworld_save(): objects, then tables */
};

/* Mode byte: bits 0-1 era, bit 2 a hole in cpu_possible_mask, bit 3 own
 * page tables, bit 4 five-level tables (with bit 3). */
void fworld_build(struct fworld *w, unsigned char mode);
void fworld_free(struct fworld *w);
/*
 * Keep the patchable regions as built, and put them back: the same world
 * as a fresh build after any fworld_patch(), at a fraction of the cost.
 */
void fworld_save(struct fworld *w);
void fworld_restore(struct fworld *w);

/*
 * Apply DATA as a list of patches onto the kernel objects (and, in
 * own_pt mode, the page tables).  Returns the number of patches applied.
 * Format, repeated: a header byte TTTTxLLL (type, length 1..8) and a
 * 16-bit little-endian offset into the region, then the type's payload.
 */
unsigned int fworld_patch(struct fworld *w, const uint8_t *data, size_t size);

/* ops wrapping img_ops with a budget of target accesses: a walk that
 * exceeds it is unbounded on a world of a dozen areas, and aborts with
 * a stack trace rather than spinning until libFuzzer's -timeout */
extern struct vx_ops fw_ops;
/* (re)arms the budget and sets fw_ops up: call before each input */
void fw_budget_reset(unsigned long accesses);
unsigned long fw_budget_used(void);

/* report a broken promise of the API (A, B: what was seen) and abort */
void fw_die(const char *what, unsigned long long a, unsigned long long b);
/*
 * vx_read of [ADDR, ADDR + LEN), checking what it promises whatever the
 * dump holds: data and holes in order, every byte readable, and on
 * success exactly the range.
 */
void fw_read_checked(struct vx_ctx *ctx, uint64_t addr, uint64_t len);

/* the world's well-known addresses (test_core.c's) */
#define FW_V		IMG_VMALLOC
#define FW_P		IMG_PAGE
#define FW_A		(FW_V + 0x0)
#define FW_B		(FW_V + 0x10000)
#define FW_C		(FW_V + 0x20000)
#define FW_E		(FW_V + 0x80000)
#define FW_F		(FW_V + 0x90000)
#define FW_G		(FW_V + 0xa0000)
#define FW_H		(FW_V + 0xb0000)
#define FW_D		(FW_V + 2 * IMG_BLOCK)
#define FW_D2		(FW_V + 5 * IMG_BLOCK)

#endif /* FUZZ_WORLD_H */
