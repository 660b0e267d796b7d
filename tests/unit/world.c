// SPDX-License-Identifier: GPL-2.0
/* The synthetic world of the unit tests and fuzz targets: see world.h. */
#include <string.h>

#include "vx_flags.h"
#include "world.h"

const unsigned long d_used[7] = { 0, 1, 2, 3, 6, 10, 11 };

int node_of(uint64_t start)
{
	return (start / IMG_ZONE) % IMG_NODES;
}

uint64_t add_area(struct world *w, uint64_t start, uint64_t end,
		  uint64_t vm, uint64_t flags, bool lazy)
{
	struct img *img = &w->img;
	int node = node_of(start);
	uint64_t va;

	if (img->era == ERA_69 && flags)
		flags |= (uint64_t)(node + 1) << VX_VMAP_VN_SHIFT;
	va = img_va(img, start, end, vm, flags);
	if (lazy)
		img_list_add_tail(img, img_lazy_head(img, 1), va + 40);
	else
		img_list_add_tail(img, img_busy_head(img, node), va + 40);
	if (w->nr < (int)(sizeof(w->va) / sizeof(w->va[0])))
		w->va[w->nr++] = va;
	return va;
}

static void map_pages(struct img *img, uint64_t start, unsigned long pages,
		      uint64_t seed)
{
	img_fill_pattern(img, start, pages * P, seed);
}

uint64_t add_block(struct world *w, uint64_t start,
		   const unsigned long *used, int nr_used, unsigned long hw)
{
	struct img *img = &w->img;
	uint64_t va, vb;
	int i;

	va = add_area(w, start, start + IMG_BLOCK, 0,
		      VX_VMAP_RAM | VX_VMAP_BLOCK, false);
	vb = img_vb(img, va, IMG_BITS - hw, hw - nr_used, used, nr_used);
	/* the block's bytes: one pattern over the whole block */
	for (i = 0; i < nr_used; i++) {
		uint64_t k0 = used[i] * P / 8, k;

		for (k = 0; k < P / 8; k++)
			img_w64(img, start + used[i] * P + 8 * k,
				pattern_word(SEED_D, k0 + k));
	}
	img_xa_store(img, img_vb_xa(img, start), img_vb_idx(start), vb);
	return va;
}

void world_build(struct world *w, enum img_era era, unsigned int nr_cpus,
		 uint64_t possible)
{
	struct img *img = &w->img;
	uint64_t vm;

	memset(w, 0, sizeof(*w));
	img_init(img, era, nr_cpus, possible);

	vm = img_vm(img, A_START, 5 * P, VX_VM_ALLOC, 4, 0xffffffff81001000,
		    0);
	add_area(w, A_START, A_START + 5 * P, vm, 0, false);
	map_pages(img, A_START, 4, SEED_A);

	vm = img_vm(img, B_START, 3 * P, VX_VM_IOREMAP, 0, 0xffffffff81002000,
		    0xfed00000);
	add_area(w, B_START, B_START + 3 * P, vm, 0, false);

	add_area(w, C_START, C_START + 80 * P, 0, VX_VMAP_RAM, false);
	map_pages(img, C_START, 80, SEED_C);

	/* lazy: stale vm pointer that must never be followed */
	add_area(w, E_START, E_START + 3 * P, 0xdead000000000000ULL, 0,
		 true);

	vm = img_vm(img, F_START, 3 * P, VX_VM_ALLOC | VX_VM_USERMAP, 2,
		    0xffffffff81003000, 0);
	add_area(w, F_START, F_START + 3 * P, vm, 0, false);
	map_pages(img, F_START, 2, 0x1006);

	vm = img_vm(img, G_START, 4 * P, VX_VM_MAP, 3, 0xffffffff81004000,
		    0);
	add_area(w, G_START, G_START + 4 * P, vm, 0, false);
	map_pages(img, G_START, 3, 0x1007);

	if (era != ERA_61)
		add_area(w, H_START, H_START + 2 * P, 0, 0, false);

	add_block(w, D_START, d_used, 7, D_HW);
	{
		static const unsigned long used2[] = { 0, 1 };

		add_block(w, D2_START, used2, 2, 2);
	}
	/* trees reflect the intact lists; corruptions hit lists only */
	img_build_trees(img);
}

int world_ctx(struct world *w)
{
	return vx_ctx_init(&w->ctx, &img_ops, &w->img);
}

void world_free(struct world *w)
{
	vx_ctx_deinit(&w->ctx);
	img_free(&w->img);
}


/*
 * Modules: "other" with no memory, and "vx_mod" with text at
 * WORLD_MOD_TEXT: 6.4+ eras (mem[]) text 3 pages, data and rodata a page
 * each at WORLD_MOD_DATA and 16 KiB above; 6.1, 6.3 (core_layout) 6 pages:
 * text 3, rodata 1, ro_after_init 1, data 1.
 */
uint64_t world_add_module(struct img *img, uint64_t head, const char *name)
{
	uint64_t mod = img_alloc(img, 0x400);

	img_write(img, mod + img_off(img, "module", "name"), name,
		  strlen(name) + 1);
	img_list_add_tail(img, head, mod + img_off(img, "module", "list"));
	return mod;
}

uint64_t world_add_modules(struct world *w)
{
	struct img *img = &w->img;
	bool per_type = img->era >= ERA_64;	/* memimg's layouts */
	uint64_t head, mod, layout;

	head = img_alloc(img, 16);
	img_list_init(img, head);
	img_sym_add(img, "modules", head);
	world_add_module(img, head, "other");
	mod = world_add_module(img, head, "vx_mod");
	if (per_type) {
		img_w64(img, mod + 0x100, WORLD_MOD_TEXT);	/* MOD_TEXT */
		img_w32(img, mod + 0x108, 0x3000);
		img_w64(img, mod + 0x140, WORLD_MOD_DATA);	/* MOD_DATA */
		img_w32(img, mod + 0x148, 0x1000);
		img_w64(img, mod + 0x180, WORLD_MOD_DATA + 0x4000);
		img_w32(img, mod + 0x188, 0x1000);	/* MOD_RODATA */
		return head;
	}
	layout = mod + 0x100;
	img_w64(img, layout, WORLD_MOD_TEXT);
	img_w32(img, layout + 8, 0x6000);	/* size */
	img_w32(img, layout + 12, 0x3000);	/* text_size */
	img_w32(img, layout + 16, 0x4000);	/* ro_size */
	img_w32(img, layout + 20, 0x5000);	/* ro_after_init_size */
	return head;
}
