// SPDX-License-Identifier: GPL-2.0
/*
 * Target "api": the core's entry points with fuzzed arguments, the way
 * the vmap command hands user input to them: read ranges (any address,
 * any length), list options (type bits, node, address, caller), dump
 * widths, physical pages to look up.
 *
 * Input: a mode byte (fuzz_world.h), then operations: an opcode byte and
 * its little-endian arguments, at most 32 per input.  The world is clean
 * (one per mode, built once): what is fuzzed is the arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_world.h"
#include "vx.h"

#define BUDGET	4000000UL

static FILE *devnull;
static struct fworld worlds[32];
static bool built[32];

struct in {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct in *in, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes && in->left; i++, in->p++, in->left--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

/* addresses near what exists, and anywhere */
static uint64_t addr_of(struct in *in)
{
	uint64_t sel = take(in, 1), off = take(in, 4);

	switch (sel & 7) {
	case 0:
		return FW_V + off;
	case 1:
		return FW_D + off % (8 * IMG_BLOCK);
	case 2:
		return FW_V - off;
	case 3:
		return IMG_VMALLOC_END - off;
	case 4:
		return off | (take(in, 4) << 32);
	case 5:
		return FW_OBJ_BASE + off;
	default:
		return FW_V + (off & 0xfffff);
	}
}

static uint64_t len_of(struct in *in)
{
	uint64_t sel = take(in, 1), v = take(in, 4);

	switch (sel & 3) {
	case 0:
		return v & 0xffff;
	case 1:
		return v | (take(in, 4) << 32);		/* absurd ones too */
	case 2:
		return 1ULL << (v % 31);
	default:
		return v & 0x3fffff;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const callers[] = {
		"caller_ffffffff81001000", "caller_ffffffff81004000", "", "x",
		"caller_ffffffff81001000+0x10",
	};
	struct in in = { data + 1, size ? size - 1 : 0 };
	struct fworld *w;
	struct vx_ctx ctx;
	unsigned int m, ops = 0;

	if (size < 1)
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	m = data[0] & 31;
	w = &worlds[m];
	if (!built[m]) {
		fworld_build(w, m);
		built[m] = true;
	}
	fw_budget_reset(BUDGET);
	/* vx_ctx_deinit() after a failed init too, as vmap_ext.c does */
	if (vx_ctx_init(&ctx, &fw_ops, &w->world.img) != VX_OK)
		goto out;
	if (w->own_pt && vx_pt_enable(&ctx) != VX_OK)
		goto out;

	while (in.left && ops++ < 32) {
		unsigned int op = take(&in, 1) % 6;
		struct vx_list_opts lo = { .node = -1 };
		struct vx_dump_opts dopts = { .width = 8 };
		struct vx_area area;
		uint64_t addr, len, pages[8];
		unsigned long problems;
		size_t nr, i;

		switch (op) {
		case 0:
			addr = addr_of(&in);
			len = len_of(&in);
			fw_read_checked(&ctx, addr, len);
			break;
		case 1:
			addr = addr_of(&in);
			len = len_of(&in) & 0xfffff;
			dopts.width = 1 << (take(&in, 1) & 3);
			dopts.ascii = take(&in, 1) & 1;
			vx_print_read(&ctx, devnull, addr, len, &dopts);
			break;
		case 2:
			lo.kinds = take(&in, 2);
			lo.node = (int)(int16_t)take(&in, 2);
			lo.regions = take(&in, 1) & 1;
			lo.have_addr = take(&in, 1) & 1;
			lo.addr = addr_of(&in);
			i = take(&in, 1);
			lo.caller = i < 5 ? callers[i] : NULL;
			/* as the adapter does first; the printers must cope
			 * with any node either way */
			vx_check_list_opts(&ctx, &lo);
			switch (take(&in, 1) % 4) {
			case 0:
				vx_print_list(&ctx, devnull, &lo);
				break;
			case 1:
				vx_print_summary(&ctx, devnull, &lo);
				break;
			case 2:
				vx_print_callers(&ctx, devnull, &lo);
				break;
			default:
				vx_print_fragmentation(&ctx, devnull, &lo);
			}
			break;
		case 3:
			vx_find_area(&ctx, addr_of(&in), &area);
			break;
		case 4:
			nr = take(&in, 1) % 9;
			for (i = 0; i < nr; i++)
				pages[i] = take(&in, 1) & 1 ?
					   take(&in, 8) : take(&in, 4) << 12;
			vx_page_lookup(&ctx, devnull, pages, nr);
			break;
		default:
			vx_check(&ctx, devnull, &problems);
		}
	}
out:
	vx_ctx_deinit(&ctx);
	return 0;
}
