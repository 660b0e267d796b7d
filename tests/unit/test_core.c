// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the core over synthetic images of each kernel era.
 * Expected values come from how the image was built (addresses, seeded
 * patterns, which pages were mapped), never from the core's own output.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memimg.h"
#include "vx_elfmap.h"
#include "vx_flags.h"
#include "vx_internal.h"

static int failures, checks;

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		checks++;                                                   \
		if (!(cond)) {                                              \
			failures++;                                         \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__,  \
				__func__);                                  \
			fprintf(stderr, __VA_ARGS__);                       \
			fputc('\n', stderr);                                \
		}                                                           \
	} while (0)

#include "world.h"

struct collected {
	struct vx_area areas[32];
	int nr;
};

static int collect_cb(struct vx_ctx *ctx, const struct vx_area *area,
		      void *arg)
{
	struct collected *col = arg;

	(void)ctx;
	if (col->nr < 32)
		col->areas[col->nr++] = *area;
	return VX_OK;
}

static const struct vx_area *by_start(struct collected *col, uint64_t start)
{
	int i;

	for (i = 0; i < col->nr; i++)
		if (col->areas[i].start == start)
			return &col->areas[i];
	return NULL;
}

static const char *era_name(enum img_era era)
{
	static const char *const names[] = { "6.1", "6.3", "6.4", "6.9" };

	return names[era];
}

static void check_kind(struct collected *col, uint64_t start,
		       enum vx_kind kind, enum img_era era)
{
	const struct vx_area *area = by_start(col, start);

	CHECK(area, "era %s: no area at %llx", era_name(era),
	      (unsigned long long)start);
	if (area)
		CHECK(area->kind == kind, "era %s: %llx is %s, want %s",
		      era_name(era), (unsigned long long)start,
		      vx_kind_name(area->kind), vx_kind_name(kind));
}

/* the walk hands areas out in ascending address order */
static void check_sorted(const struct collected *col, enum img_era era)
{
	int i;

	for (i = 1; i < col->nr; i++)
		CHECK(col->areas[i - 1].start < col->areas[i].start,
		      "era %s: area %d out of order", era_name(era), i);
}

static void test_list_era(enum img_era era)
{
	struct collected col = { .nr = 0 };
	struct world w;
	int i, ret;

	world_build(&w, era, 4, 0xf);
	ret = world_ctx(&w);
	CHECK(ret == VX_OK, "era %s: init: %s", era_name(era), w.ctx.err);
	if (ret)
		goto out;
	CHECK(w.ctx.era == (era == ERA_69 ? VX_ERA_NODES : VX_ERA_LIST),
	      "era %s: wrong walk", era_name(era));
	ret = vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
	CHECK(ret == VX_OK, "walk: %s", w.ctx.err);
	CHECK(col.nr == w.nr, "era %s: %d areas, built %d", era_name(era),
	      col.nr, w.nr);
	check_sorted(&col, era);
	check_kind(&col, A_START, VX_K_VMALLOC, era);
	check_kind(&col, B_START, VX_K_IOREMAP, era);
	check_kind(&col, C_START, VX_K_VM_MAP_RAM, era);
	check_kind(&col, D_START, VX_K_VMAP_BLOCK, era);
	check_kind(&col, D2_START, VX_K_VMAP_BLOCK, era);
	check_kind(&col, E_START, VX_K_LAZY, era);
	check_kind(&col, F_START, VX_K_VMALLOC_USER, era);
	check_kind(&col, G_START, VX_K_VMAP, era);
	if (era != ERA_61)
		check_kind(&col, H_START, VX_K_TRANSIENT, era);
	if (era == ERA_69) {
		for (i = 0; i < col.nr; i++)
			if (col.areas[i].state == VX_BUSY)
				CHECK(col.areas[i].node ==
				      node_of(col.areas[i].start),
				      "node of %llx",
				      (unsigned long long)col.areas[i].start);
	}
	CHECK(by_start(&col, E_START) && by_start(&col, E_START)->vm == 0,
	      "lazy area kept its stale vm");
	CHECK(w.img.nr_warn == 0, "era %s: warnings on a clean image:\n%s",
	      era_name(era), w.img.warnings);
out:
	world_free(&w);
}

static void test_block_regions(enum img_era era)
{
	static const struct { unsigned long first, pages; int state; } want[] = {
		{ 0, 4, VX_VB_USED }, { 4, 2, VX_VB_DIRTY },
		{ 6, 1, VX_VB_USED }, { 7, 3, VX_VB_DIRTY },
		{ 10, 2, VX_VB_USED }, { 12, IMG_BITS - 12, VX_VB_FREE },
	};
	struct world w;
	struct vx_area area;
	struct vx_block blk;
	unsigned long i, j, page;

	world_build(&w, era, 4, 0xf);
	if (world_ctx(&w) || vx_find_area(&w.ctx, D_START + 5 * P, &area)) {
		CHECK(0, "era %s: %s", era_name(era), w.ctx.err);
		goto out;
	}
	CHECK(area.start == D_START, "find_area found %llx",
	      (unsigned long long)area.start);
	CHECK(vx_block_get(&w.ctx, &area, &blk) == VX_OK, "block: %s",
	      w.ctx.err);
	if (!blk.map)
		goto out;
	CHECK(blk.bits == IMG_BITS, "bits %lu", blk.bits);
	CHECK(blk.used == 7, "used %lu", blk.used);
	CHECK(blk.derived == (era == ERA_61), "derived flag");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		for (j = 0; j < want[i].pages; j++) {
			page = want[i].first + j;
			CHECK(blk.map[page] == want[i].state,
			      "era %s: page %lu is %s", era_name(era), page,
			      vx_vb_state_name(blk.map[page]));
		}
	vx_block_release(&blk);
out:
	world_free(&w);
}

/*
 * 6.1 has no used_map: a 3-page vm_map_ram() takes 4 pages (order 2) and
 * maps 3.  The unmapped tail must come out used, the freed pages dirty.
 */
static void test_derived_slack(void)
{
	/* 0: 1 page; 1-4 freed; 5-6: 2 pages; 7-10: 3 pages + tail;
	 * 11-14 freed; 15: 1 page */
	static const unsigned long used[] = { 0, 5, 6, 7, 8, 9, 10, 15 };
	static const char want[] = "UDDDDUUUUUUDDDDU";
	struct collected col = { .nr = 0 };
	struct vx_block blk;
	struct world w;
	unsigned long p;

	memset(&w, 0, sizeof(w));
	img_init(&w.img, ERA_61, 4, 0xf);
	add_block(&w, D_START, used, 8, 16);
	img_unmap(&w.img, D_START + 10 * P);	/* the tail is never mapped */
	img_build_trees(&w.img);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
	CHECK(col.nr == 1 && col.areas[0].kind == VX_K_VMAP_BLOCK, "block");
	if (col.nr != 1 || vx_block_get(&w.ctx, &col.areas[0], &blk))
		goto out;
	CHECK(blk.derived && !blk.ambiguous, "derived %d ambiguous %d",
	      blk.derived, blk.ambiguous);
	for (p = 0; p < 16; p++)
		CHECK(blk.map[p] == (want[p] == 'U' ? VX_VB_USED : VX_VB_DIRTY),
		      "page %lu is %s", p, vx_vb_state_name(blk.map[p]));
	CHECK(blk.map[16] == VX_VB_FREE, "page 16");
	vx_block_release(&blk);
out:
	world_free(&w);
}

/* read sink that rebuilds the byte range and records holes */
struct capture {
	uint64_t base, len;
	unsigned char *buf;
	struct { uint64_t addr, len; char reason[40]; } holes[16];
	int nr_holes;
	uint64_t data_bytes;
};

static int cap_data(void *arg, uint64_t addr, const void *buf, size_t len)
{
	struct capture *cap = arg;

	if (addr < cap->base || addr + len > cap->base + cap->len)
		return VX_ERR_RANGE;
	memcpy(cap->buf + (addr - cap->base), buf, len);
	cap->data_bytes += len;
	return VX_OK;
}

static int cap_hole(void *arg, uint64_t addr, uint64_t len,
		    const char *reason)
{
	struct capture *cap = arg;

	if (cap->nr_holes < 16) {
		cap->holes[cap->nr_holes].addr = addr;
		cap->holes[cap->nr_holes].len = len;
		snprintf(cap->holes[cap->nr_holes].reason,
			 sizeof(cap->holes[0].reason), "%s", reason);
		cap->nr_holes++;
	}
	return VX_OK;
}

static int capture(struct vx_ctx *ctx, struct capture *cap, uint64_t addr,
		   uint64_t len)
{
	struct vx_read_sink sink = { cap_data, cap_hole, cap };

	memset(cap, 0, sizeof(*cap));
	cap->base = addr;
	cap->len = len;
	cap->buf = calloc(1, len);
	return vx_read(ctx, addr, len, &sink);
}

/* expected byte at ADDR of block D: pattern where used, else 0 */
static unsigned char block_byte(uint64_t addr)
{
	uint64_t off = addr - D_START, word;
	unsigned long page = off / P;
	size_t i;

	for (i = 0; i < sizeof(d_used) / sizeof(d_used[0]); i++) {
		if (d_used[i] == page) {
			word = pattern_word(SEED_D, off / 8);
			return word >> (8 * (off % 8));
		}
	}
	return 0;
}

static void test_read_block(enum img_era era)
{
	struct capture cap;
	struct world w;
	uint64_t addr, i;
	int ret;

	world_build(&w, era, 4, 0xf);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	/* inside a multi-page used run: the kernel gets this one wrong */
	addr = D_START + 2 * P + 100;
	ret = capture(&w.ctx, &cap, addr, 16);
	CHECK(ret == VX_OK && cap.data_bytes == 16 && cap.nr_holes == 0,
	      "mid-run read: ret %d, %llu bytes, %d holes", ret,
	      (unsigned long long)cap.data_bytes, cap.nr_holes);
	for (i = 0; i < 16; i++)
		CHECK(cap.buf[i] == block_byte(addr + i),
		      "era %s: mid-run byte %llu", era_name(era),
		      (unsigned long long)i);
	free(cap.buf);

	/* from a used run across a dirty one into the next used page */
	addr = D_START + 3 * P + 4000;
	ret = capture(&w.ctx, &cap, addr, 3 * P);
	CHECK(ret == VX_OK, "cross read: %s", w.ctx.err);
	for (i = 0; i < 3 * P; i++)
		if (cap.buf[i] != block_byte(addr + i)) {
			CHECK(0, "era %s: cross byte %llu", era_name(era),
			      (unsigned long long)i);
			break;
		}
	CHECK(cap.nr_holes == 1 && cap.holes[0].addr == D_START + 4 * P &&
	      cap.holes[0].len == 2 * P &&
	      !strcmp(cap.holes[0].reason, "vb region dirty"),
	      "era %s: holes %d first %s", era_name(era), cap.nr_holes,
	      cap.holes[0].reason);
	free(cap.buf);

	/* the never-allocated tail is "free" */
	ret = capture(&w.ctx, &cap, D_START + 11 * P, 2 * P);
	CHECK(ret == VX_OK && cap.nr_holes == 1 &&
	      !strcmp(cap.holes[0].reason, "vb region free") &&
	      cap.holes[0].addr == D_START + 12 * P,
	      "free tail: %d holes", cap.nr_holes);
	free(cap.buf);
out:
	world_free(&w);
}

static void test_read_areas(void)
{
	struct capture cap;
	struct world w;
	uint64_t i, word;
	int ret;

	world_build(&w, ERA_69, 4, 0xf);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	/* vmalloc tail into the guard page and the gap behind it */
	ret = capture(&w.ctx, &cap, A_START + 4 * P - 8, P + 16);
	CHECK(ret == VX_OK, "guard read: %s", w.ctx.err);
	memcpy(&word, cap.buf, 8);
	CHECK(word == pattern_word(SEED_A, (4 * P - 8) / 8),
	      "last word of A");
	CHECK(cap.nr_holes == 2 && !strcmp(cap.holes[0].reason,
					   "guard page") &&
	      cap.holes[0].len == P && !strcmp(cap.holes[1].reason,
					       "no vmap area"),
	      "guard holes: %d %s", cap.nr_holes, cap.holes[0].reason);
	free(cap.buf);

	/* ioremap is never read */
	ret = capture(&w.ctx, &cap, B_START, 2 * P);
	CHECK(ret == VX_OK && cap.data_bytes == 0 && cap.nr_holes == 1 &&
	      !strcmp(cap.holes[0].reason, "ioremap"), "ioremap read");
	free(cap.buf);

	/* vm_map_ram whole area: every byte */
	ret = capture(&w.ctx, &cap, C_START + 5 * P + 8, 8 * P);
	CHECK(ret == VX_OK && cap.data_bytes == 8 * P, "vm_map_ram read");
	for (i = 0; i < 8 * P / 8; i++) {
		memcpy(&word, cap.buf + 8 * i, 8);
		if (word != pattern_word(SEED_C, (5 * P + 8) / 8 + i)) {
			CHECK(0, "vm_map_ram word %llu",
			      (unsigned long long)i);
			break;
		}
	}
	free(cap.buf);

	/* lazy areas are not read */
	ret = capture(&w.ctx, &cap, E_START, P);
	CHECK(ret == VX_OK && cap.nr_holes == 1 &&
	      !strncmp(cap.holes[0].reason, "lazy", 4), "lazy read");
	free(cap.buf);

	/* bad arguments */
	ret = capture(&w.ctx, &cap, 0xffff888000000000ULL, 16);
	CHECK(ret == VX_ERR_RANGE, "outside vmalloc: ret %d", ret);
	free(cap.buf);
	ret = capture(&w.ctx, &cap, A_START, 0);
	CHECK(ret == VX_ERR_INVAL, "zero length: ret %d", ret);
	free(cap.buf);
	CHECK(vx_read(&w.ctx, A_START, 1ULL << 40, NULL) == VX_ERR_INVAL,
	      "huge length accepted");
out:
	world_free(&w);
}

/* cpu_possible_mask with a hole: CPUs 0, 2, 3 of nr_cpu_ids 4 */
static void test_percpu_hash(void)
{
	static const unsigned long used[] = { 0 };
	struct collected col = { .nr = 0 };
	struct world w;
	unsigned long b;

	memset(&w, 0, sizeof(w));
	img_init(&w.img, ERA_64, 4, 0xd);
	for (b = 8; b < 16; b++)
		add_block(&w, V + b * IMG_BLOCK, used, 1, 1);
	img_build_trees(&w.img);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
	CHECK(col.nr == 8, "%d blocks", col.nr);
	for (b = 0; b < (unsigned long)col.nr; b++)
		CHECK(col.areas[b].kind == VX_K_VMAP_BLOCK && col.areas[b].vb,
		      "block %lu not found", b);
	CHECK(w.img.nr_warn == 0, "warnings:\n%s", w.img.warnings);
out:
	world_free(&w);
}

/*
 * A summary over several nodes: its "all" rows are the per-type sums of
 * the node rows, and they add up to the total.
 */
static void check_summary_all(const char *out)
{
	unsigned long areas[VX_K_NR] = { 0 }, all_areas = 0, total = 0, n;
	unsigned int all_rows = 0, kind;
	char node[16], type[32];
	const char *line;

	for (line = out; line && *line; line = strchr(line, '\n') ?
	     strchr(line, '\n') + 1 : NULL) {
		if (sscanf(line, " total %lu", &n) == 1) {
			total = n;
		} else if (sscanf(line, "%15s %31s %lu", node, type,
				  &n) == 3) {
			for (kind = 0; kind < VX_K_NR; kind++)
				if (!strcmp(type, vx_kind_name(kind)))
					break;
			if (kind == VX_K_NR)
				continue;
			if (strcmp(node, "all")) {
				areas[kind] += n;
				continue;
			}
			all_rows++;
			all_areas += n;
			CHECK(n == areas[kind], "all %s: %lu, nodes %lu",
			      type, n, areas[kind]);
		}
	}
	CHECK(all_rows >= 2 && all_areas == total,
	      "%u all rows, %lu areas, total %lu:\n%s", all_rows, all_areas,
	      total, out);
}

/* -n before Linux 6.9: there are no vmap nodes to pick from */
static void test_node_opt_pre69(void)
{
	struct vx_list_opts opts = { .node = 0, .regions = true };
	struct world w;

	world_build(&w, ERA_64, 4, 0xf);
	if (world_ctx(&w) == VX_OK)
		CHECK(vx_check_list_opts(&w.ctx, &opts) == VX_ERR_RANGE &&
		      strstr(w.ctx.err, "no vmap nodes"), "-n 0 on 6.4: %s",
		      w.ctx.err);
	world_free(&w);
}

static void test_print(void)
{
	struct vx_list_opts opts = { .node = -1, .regions = true };
	struct world w;
	char *out = NULL;
	size_t len = 0;
	FILE *mem;

	world_build(&w, ERA_69, 4, 0xf);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	mem = open_memstream(&out, &len);
	CHECK(vx_print_list(&w.ctx, mem, &opts) == VX_OK, "print list");
	fclose(mem);
	CHECK(strstr(out, "NODE") && strstr(out, "VMAP_AREA") &&
	      strstr(out, "ADDRESS RANGE"), "header:\n%s", out);
	CHECK(strstr(out, "ffffc90000800000 - ffffc90000c00000"),
	      "block row:\n%s", out);
	CHECK(strstr(out, "ffffc90000804000 - ffffc90000806000       2  "
			  "dirty"), "region row:\n%s", out);
	CHECK(strstr(out, "phys=fed00000"), "ioremap phys:\n%s", out);
	free(out);

	opts.kinds = 1u << VX_K_IOREMAP;
	mem = open_memstream(&out, &len);
	vx_print_list(&w.ctx, mem, &opts);
	fclose(mem);
	CHECK(strstr(out, "ioremap") && !strstr(out, "vmap_block"),
	      "type filter:\n%s", out);
	free(out);

	opts.kinds = 0;
	mem = open_memstream(&out, &len);
	vx_print_summary(&w.ctx, mem, &opts);
	fclose(mem);
	CHECK(strstr(out, "total") && strstr(out, "vmap_block"),
	      "summary:\n%s", out);
	check_summary_all(out);
	free(out);

	/* -n: a node the kernel has, and one it does not */
	opts.node = IMG_NODES - 1;
	CHECK(vx_check_list_opts(&w.ctx, &opts) == VX_OK, "node %d: %s",
	      opts.node, w.ctx.err);
	opts.node = IMG_NODES;
	CHECK(vx_check_list_opts(&w.ctx, &opts) == VX_ERR_RANGE &&
	      strstr(w.ctx.err, "has 3 vmap nodes, 0-2"), "node %d: %s",
	      opts.node, w.ctx.err);
	opts.node = -1;
out:
	world_free(&w);
}

/*
 * Every row's numbers as printf formats them: the hand-made formatting
 * of list_row() (SWAR hex, two decimal digits a division) against libc.
 */
static void test_print_rows(enum img_era era)
{
	struct vx_list_opts opts = { .node = -1 };
	struct collected col = { .nr = 0 };
	char *out = NULL, *row, want[160], vm[20];
	int i, callers = 0;
	size_t len = 0;
	struct world w;
	FILE *mem;

	world_build(&w, era, 4, 0xf);
	if (world_ctx(&w)) {
		CHECK(0, "era %s: init: %s", era_name(era), w.ctx.err);
		goto out;
	}
	vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
	mem = open_memstream(&out, &len);
	CHECK(vx_print_list(&w.ctx, mem, &opts) == VX_OK, "print list");
	fclose(mem);
	for (i = 0; i < col.nr; i++) {
		const struct vx_area *area = &col.areas[i];
		int n = 0;

		if (area->vm)
			snprintf(vm, sizeof(vm), "%16llx",
				 (unsigned long long)area->vm);
		else
			snprintf(vm, sizeof(vm), "%16s", "-");
		if (era == ERA_69)
			n = snprintf(want, sizeof(want), "%4d  ",
				     area->node < 0 ? 0 : area->node);
		snprintf(want + n, sizeof(want) - n,
			 "%16llx  %s  %16llx - %16llx  %10llu  %-13s ",
			 (unsigned long long)area->va, vm,
			 (unsigned long long)area->start,
			 (unsigned long long)area->end,
			 (unsigned long long)(area->end - area->start),
			 vx_kind_name(area->kind));
		row = strstr(out, want);
		CHECK(row, "era %s: no row starting\n%s\nin\n%s",
		      era_name(era), want, out);
		if (!row || !area->vm_valid || !area->vm_caller)
			continue;
		/* the caller ends the row, or comes before " phys=" */
		snprintf(want, sizeof(want), "  caller_%llx+0x10%s",
			 (unsigned long long)area->vm_caller,
			 area->vm_phys_addr ? " phys=" : "\n");
		CHECK(strstr(row, want) && strstr(row, want) < strchr(row, '\n') + 1,
		      "era %s: row of %llx without \"%s\"", era_name(era),
		      (unsigned long long)area->start, want);
		callers++;
	}
	CHECK(callers > 0, "era %s: no row with a caller", era_name(era));
	free(out);
out:
	world_free(&w);
}

/* warnings into the listing's own stream, as crash's adapter does */
static FILE *warn_fp;

static void warn_inline(void *priv, const char *msg)
{
	(void)priv;
	fprintf(warn_fp, "WARN %s\n", msg);
}

/*
 * Rows go out in batches: a warning about a damaged list must still come
 * after the rows of the areas walked before it, and before the ones the
 * walk gives after it (here from the rb-tree).
 */
static void test_print_warning_order(void)
{
	struct vx_list_opts opts = { .node = -1 };
	struct vx_ops ops;
	char *out = NULL, *warn, *first;
	size_t len = 0;
	struct world w;

	world_build(&w, ERA_61, 4, 0xf);
	img_w64(&w.img, w.va[5] + 40, w.va[0] + 40);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	ops = *w.ctx.ops;
	ops.warn = warn_inline;
	w.ctx.ops = &ops;
	warn_fp = open_memstream(&out, &len);
	vx_print_list(&w.ctx, warn_fp, &opts);
	fclose(warn_fp);
	warn = strstr(out, "WARN ");
	first = strstr(out, " - ");
	CHECK(warn && first && first < warn && strstr(warn, " - "),
	      "warning not between the rows around it:\n%s", out);
	free(out);
out:
	world_free(&w);
}

/* corruptions: every walk must end, report, and keep what it can */
static void test_corrupt_list(enum img_era era)
{
	struct collected col = { .nr = 0 };
	struct world w;
	uint64_t va_a, va_g;

	world_build(&w, era, 4, 0xf);
	va_a = w.va[0];
	va_g = w.va[5];
	/* cycle: G's next points back at A (not through the head) */
	if (era != ERA_69) {
		img_w64(&w.img, va_g + 40, va_a + 40);
	} else {
		/* self loop in one node */
		img_w64(&w.img, va_g + 40, va_g + 40);
	}
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
	CHECK(w.img.nr_warn >= 1 && strstr(w.img.warnings, "out of order"),
	      "era %s: cycle not reported:\n%s", era_name(era),
	      w.img.warnings);
	CHECK(col.nr == w.nr, "era %s: %d of %d areas after the rb-tree "
	      "fall-back:\n%s", era_name(era), col.nr, w.nr, w.img.warnings);
	CHECK(strstr(w.img.warnings, "continuing from the rb-tree"),
	      "era %s: no fall-back:\n%s", era_name(era), w.img.warnings);
out:
	world_free(&w);
}

/*
 * The read-ahead helper's walk (vx_walk_reads) must end on damage as the
 * command's does: an inverted vmap_area linked to itself came back up to
 * max_areas times.  It straddles two pages here, so that every visit is
 * a host read (img->reads) rather than a page-cache hit.
 */
static void test_reads_walk_bounded(enum img_era era)
{
	struct world w;
	unsigned long before;
	uint64_t fake;

	world_build(&w, era, 4, 0xf);
	fake = ((w.img.brk + 8191) & ~4095ULL) - 32;
	w.img.brk = fake + 128;
	img_w64(&w.img, fake, V + 0x40000);
	img_w64(&w.img, fake + 8, V + 0x40000 - P);	/* inverted */
	img_w64(&w.img, fake + 40, fake + 40);		/* next: itself */
	img_w64(&w.img, w.va[0] + 40, fake + 40);
	if (world_ctx(&w)) {
		CHECK(0, "era %s init: %s", era_name(era), w.ctx.err);
		goto out;
	}
	w.ctx.max_areas = 100000;	/* a regression ends, and fails */
	before = w.img.reads;
	vx_walk_reads(&w.ctx, VX_WALK_ALL, 0);
	CHECK(w.img.reads - before < 1000, "era %s: the helper's walk read "
	      "%lu times around an inverted self-loop", era_name(era),
	      w.img.reads - before);
out:
	world_free(&w);
}

/*
 * Damage that leaves a valid-looking list: two neighbours swapped
 * (A -> C -> B -> D, prev links consistent) and a list cut short
 * (B -> head).  Every area must still come out, in order, named.
 */
static void test_list_damage(enum img_era era, bool swap)
{
	struct collected col = { .nr = 0 };
	struct world w;

	world_build(&w, era, 4, 0xf);
	if (swap) {
		img_w64(&w.img, w.va[0] + 40, w.va[2] + 40);
		img_w64(&w.img, w.va[2] + 40, w.va[1] + 40);
		img_w64(&w.img, w.va[1] + 40, w.va[3] + 40);
	} else {
		img_w64(&w.img, w.va[1] + 40, img_busy_head(&w.img, 0));
	}
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
	CHECK(col.nr == w.nr, "era %s %s: %d of %d areas:\n%s",
	      era_name(era), swap ? "swapped" : "cut", col.nr, w.nr,
	      w.img.warnings);
	check_sorted(&col, era);
	CHECK(strstr(w.img.warnings, swap ? "out of order" :
		     "list ends after 2 entries"),
	      "era %s: damage not named:\n%s", era_name(era),
	      w.img.warnings);
out:
	world_free(&w);
}

/*
 * vmap list ADDR, vmap read: the walk starts in the rb-trees at ADDR's
 * area (fewer reads than walking up to it), and still finds it when the
 * list before it is broken.
 */
static void test_find_from(enum img_era era)
{
	struct collected col = { .nr = 0 };
	struct vx_area area;
	struct world w;

	world_build(&w, era, 4, 0xf);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	/* the first area delivered is the one holding FROM */
	vx_for_each_area_from(&w.ctx, VX_WALK_ALL, G_START + P, collect_cb,
			      &col);
	CHECK(col.nr > 0 && col.areas[0].start == G_START,
	      "era %s: from G: first %llx", era_name(era),
	      col.nr ? (unsigned long long)col.areas[0].start : 0ULL);
	/* A's list link broken: the tree still leads to G */
	img_w64(&w.img, w.va[0] + 40, 0x10);
	vx_cache_flush(&w.ctx);
	CHECK(vx_find_area(&w.ctx, G_START, &area) == VX_OK &&
	      area.start == G_START && area.kind == VX_K_VMAP,
	      "era %s: G not found past a broken list: %s", era_name(era),
	      w.ctx.err);
	CHECK(w.img.nr_warn == 0, "era %s: warnings:\n%s", era_name(era),
	      w.img.warnings);
out:
	world_free(&w);
}

/*
 * A damaged va_start right after an intact area (the sweep's "va_start
 * -> its own address"): the look-ahead must not take it for a reorder,
 * the tree walk after a fall-back must skip it; only it is lost.
 */
static void test_bad_start(enum img_era era, bool list_broken_too)
{
	struct collected col = { .nr = 0 };
	struct world w;

	world_build(&w, era, 4, 0xf);
	img_w64(&w.img, w.va[2], w.va[2]);	/* C.va_start = &C */
	if (list_broken_too)	/* A -> unmapped: on to the tree */
		img_w64(&w.img, w.va[0] + 40, 0xffffc9dead000000ULL);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
	CHECK(col.nr == w.nr - 1 && !by_start(&col, C_START),
	      "era %s%s: %d of %d areas:\n%s", era_name(era),
	      list_broken_too ? " (tree)" : "", col.nr, w.nr,
	      w.img.warnings);
	check_sorted(&col, era);
	CHECK(strstr(w.img.warnings, "skipped"), "era %s: not named:\n%s",
	      era_name(era), w.img.warnings);
out:
	world_free(&w);
}

/*
 * A walk that starts in the tree (vmap read, vmap list ADDR) and meets a
 * broken rb_node goes on from the list; with the list broken too, it
 * ends, named.  Each area's rb_right in turn.
 */
static void test_tree_broken(enum img_era era)
{
	int i, j;

	for (i = 0; i < 16; i++) {
		struct collected col = { .nr = 0 };
		struct world w;

		world_build(&w, era, 4, 0xf);
		if (i >= w.nr) {
			world_free(&w);
			break;
		}
		img_w64(&w.img, w.va[i] + 16 + 8, 0x10);	/* rb_right */
		if (world_ctx(&w)) {
			CHECK(0, "init: %s", w.ctx.err);
			world_free(&w);
			continue;
		}
		vx_for_each_area_from(&w.ctx, VX_WALK_ALL, A_START + 1,
				      collect_cb, &col);
		CHECK(col.nr == w.nr, "era %s, area %d's rb_right: %d of %d "
		      "areas:\n%s", era_name(era), i, col.nr, w.nr,
		      w.img.warnings);
		for (j = 1; j < col.nr; j++)
			CHECK(col.areas[j - 1].start < col.areas[j].start,
			      "era %s: area %d out of order", era_name(era), j);
		/* the list broken as well: an end, not a hang */
		img_w64(&w.img, w.va[0] + 40, 0x10);
		vx_cache_flush(&w.ctx);
		col.nr = 0;
		vx_for_each_area_from(&w.ctx, VX_WALK_ALL, A_START + 1,
				      collect_cb, &col);
		CHECK(w.img.nr_warn > 0, "era %s: both broken, nothing said",
		      era_name(era));
		world_free(&w);
	}
}

static void test_corrupt_values(void)
{
	struct collected col = { .nr = 0 };
	struct world w;
	uint64_t sym;

	/* va_end < va_start is skipped and reported */
	world_build(&w, ERA_64, 4, 0xf);
	img_w64(&w.img, w.va[1] + 8, B_START - P);
	if (world_ctx(&w) == VX_OK) {
		vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
		CHECK(!by_start(&col, B_START) && by_start(&col, C_START),
		      "inverted area not skipped");
		CHECK(strstr(w.img.warnings, "is empty, inverted"),
		      "inverted area not reported:\n%s", w.img.warnings);
	}
	world_free(&w);

	/* NULL next */
	col.nr = 0;
	world_build(&w, ERA_61, 4, 0xf);
	img_w64(&w.img, w.va[2] + 40, 0);
	if (world_ctx(&w) == VX_OK) {
		vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &col);
		CHECK(strstr(w.img.warnings, "broken link"),
		      "NULL next not reported:\n%s", w.img.warnings);
		CHECK(col.nr == w.nr, "NULL next: %d of %d areas", col.nr,
		      w.nr);
	}
	world_free(&w);

	/* absurd nr_vmap_nodes */
	col.nr = 0;
	world_build(&w, ERA_69, 4, 0xf);
	sym = 0;
	for (int i = 0; i < w.img.nr_syms; i++)
		if (!strcmp(w.img.syms[i].name, "nr_vmap_nodes"))
			sym = w.img.syms[i].addr;
	img_w32(&w.img, sym, 100000);
	CHECK(world_ctx(&w) == VX_OK, "init with bad nr_vmap_nodes");
	CHECK(strstr(w.img.warnings, "nr_vmap_nodes 100000"),
	      "bad nr_vmap_nodes not reported:\n%s", w.img.warnings);
	/* 4 possible CPUs: the kernel would have made 4 nodes */
	CHECK(w.ctx.nr_nodes == 4, "nr_nodes %u", w.ctx.nr_nodes);
	if (w.ctx.nr_nodes == 4) {
		struct collected all = { .nr = 0 };

		vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb, &all);
		CHECK(all.nr >= w.nr, "bad nr_vmap_nodes lost areas: %d of %d",
		      all.nr, w.nr);
	}
	world_free(&w);

	/* a missing member is named */
	world_build(&w, ERA_69, 4, 0xf);
	img_member_drop(&w.img, "vmap_area", "va_end");
	CHECK(world_ctx(&w) == VX_ERR_UNSUPPORTED &&
	      strstr(w.ctx.err, "vmap_area.va_end"), "missing member: %s",
	      w.ctx.err);
	world_free(&w);

	/* vmap_block pointing at the wrong area */
	col.nr = 0;
	world_build(&w, ERA_64, 4, 0xf);
	if (world_ctx(&w) == VX_OK) {
		struct vx_area area;

		vx_find_area(&w.ctx, D_START, &area);
		img_w64(&w.img, area.vb + 8, w.va[0]);
		vx_cache_flush(&w.ctx);		/* a new command */
		vx_find_area(&w.ctx, D_START, &area);
		CHECK(area.kind == VX_K_VMAP_BLOCK && !area.vb,
		      "mismatched vb accepted");
		CHECK(strstr(w.img.warnings, "no vmap_block"),
		      "mismatch not reported:\n%s", w.img.warnings);
	}
	world_free(&w);
}

static unsigned long run_check(struct world *w, char **out)
{
	unsigned long problems = 0;
	size_t len = 0;
	FILE *mem = open_memstream(out, &len);

	w->img.warnings[0] = '\0';
	vx_cache_flush(&w->ctx);		/* a new command */
	CHECK(vx_check(&w->ctx, mem, &problems) == VX_OK, "check failed");
	fclose(mem);
	return problems;
}

static void test_check(void)
{
	enum img_era era;
	struct world w;
	char *out;
	unsigned long n;

	for (era = ERA_61; era <= ERA_69; era++) {
		world_build(&w, era, 4, 0xf);
		if (world_ctx(&w) == VX_OK) {
			n = run_check(&w, &out);
			CHECK(n == 0 && strstr(out, "clean"),
			      "era %s: clean image: %s\n%s", era_name(era),
			      out, w.img.warnings);
			free(out);
		}
		world_free(&w);
	}

	/* list order swapped against the tree: A and B trade places */
	world_build(&w, ERA_64, 4, 0xf);
	{
		uint64_t head = img_busy_head(&w.img, 0), a = w.va[0] + 40,
			 b = w.va[1] + 40, c = img_r64(&w.img, b);

		img_w64(&w.img, head, b);
		img_w64(&w.img, b, a);
		img_w64(&w.img, a, c);
	}
	if (world_ctx(&w) == VX_OK) {
		n = run_check(&w, &out);
		/* named once: by the walk, not again by the comparison */
		CHECK(n == 1 && strstr(w.img.warnings, "out of order"),
		      "swap not found once (%lu):\n%s", n, w.img.warnings);
		free(out);
	}
	world_free(&w);

	/* one inverted area meets three walks; it is one problem */
	world_build(&w, ERA_64, 4, 0xf);
	img_w64(&w.img, w.va[1] + 8, B_START - P);
	if (world_ctx(&w) == VX_OK) {
		n = run_check(&w, &out);
		CHECK(n == 1 && strstr(w.img.warnings, "inverted"),
		      "inverted area: %lu problems:\n%s", n, w.img.warnings);
		free(out);
	}
	world_free(&w);

	/* a list cut short (next = head) is named, once */
	world_build(&w, ERA_61, 4, 0xf);
	img_w64(&w.img, w.va[1] + 40, img_busy_head(&w.img, 0));
	if (world_ctx(&w) == VX_OK) {
		n = run_check(&w, &out);
		CHECK(n == 1 && strstr(w.img.warnings, "list ends after 2"),
		      "cut list: %lu problems:\n%s", n, w.img.warnings);
		free(out);
	}
	world_free(&w);

	/* an area in the wrong node */
	world_build(&w, ERA_69, 4, 0xf);
	{
		uint64_t start = V + 0x200000 + IMG_ZONE * 2, va;

		va = img_va(&w.img, start, start + P, 0, VX_VMAP_RAM);
		img_list_add_tail(&w.img, img_busy_head(&w.img, 0), va + 40);
		img_build_trees(&w.img);
	}
	if (world_ctx(&w) == VX_OK) {
		n = run_check(&w, &out);
		CHECK(n && strstr(w.img.warnings, "belongs to node 1"),
		      "wrong node not found:\n%s", w.img.warnings);
		free(out);
	}
	world_free(&w);

	/* all-ones used_map */
	world_build(&w, ERA_69, 4, 0xf);
	if (world_ctx(&w) == VX_OK) {
		struct vx_area area;
		unsigned char ones[IMG_BITS / 8];

		vx_find_area(&w.ctx, D_START, &area);
		memset(ones, 0xff, sizeof(ones));
		img_write(&w.img, area.vb + 32, ones, sizeof(ones));
		n = run_check(&w, &out);
		CHECK(n && strstr(w.img.warnings, "above the high-water") &&
		      strstr(w.img.warnings, "dirty 5 but"),
		      "all-ones used_map:\n%s", w.img.warnings);
		free(out);
	}
	world_free(&w);

	/* vmap_block whose va is another area */
	world_build(&w, ERA_61, 4, 0xf);
	if (world_ctx(&w) == VX_OK) {
		struct vx_area area;

		vx_find_area(&w.ctx, D_START, &area);
		img_w64(&w.img, area.vb + 8, w.va[2]);
		n = run_check(&w, &out);
		CHECK(n && strstr(w.img.warnings, "is not a busy vmap_block"),
		      "bad vb->va:\n%s", w.img.warnings);
		free(out);
	}
	world_free(&w);
}

static void test_summaries(void)
{
	struct vx_list_opts opts = { .node = -1 };
	uint64_t counter, pages[2];
	struct world w;
	char *out;
	size_t len;
	FILE *mem;

	world_build(&w, ERA_69, 4, 0xf);
	/* A (4 pages) and F (2 pages) are the VM_ALLOC areas */
	counter = img_alloc(&w.img, 8);
	img_w64(&w.img, counter, 6);
	img_sym_add(&w.img, "nr_vmalloc_pages", counter);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	mem = open_memstream(&out, &len);
	CHECK(vx_print_callers(&w.ctx, mem, &opts) == VX_OK, "callers");
	fclose(mem);
	CHECK(strstr(out, "       1           4           20480  vmalloc       "
			  "caller_ffffffff81001000+0x10"), "A's row:\n%s", out);
	CHECK(strstr(out, "kernel nr_vmalloc_pages: 6 (same)"),
	      "counter:\n%s", out);
	free(out);

	opts.caller = "caller_ffffffff81004000";
	mem = open_memstream(&out, &len);
	vx_print_list(&w.ctx, mem, &opts);
	fclose(mem);
	CHECK(strstr(out, "vmap") && !strstr(out, "vmalloc "),
	      "caller filter:\n%s", out);
	free(out);
	opts.caller = NULL;

	mem = open_memstream(&out, &len);
	CHECK(vx_print_fragmentation(&w.ctx, mem, &opts) == VX_OK, "frag");
	fclose(mem);
	CHECK(strstr(out, "all |") && strstr(out, "9 areas, 8 gaps"),
	      "fragmentation:\n%s", out);
	free(out);

	/* memimg maps page V+x to physical x & 0xffffffff */
	pages[0] = (C_START + 5 * P) & 0xffffffffULL;
	pages[1] = 0xfed00000;
	mem = open_memstream(&out, &len);
	CHECK(vx_page_lookup(&w.ctx, mem, pages, 2) == VX_OK, "page");
	fclose(mem);
	CHECK(strstr(out, "ffffc90000025000  vm_map_ram") &&
	      strstr(out, "ffffc90000010000  ioremap"), "page lookup:\n%s",
	      out);
	free(out);
out:
	world_free(&w);
}

/* flip bytes in the kernel objects; only require termination, no crash */
static void test_fuzz_flips(void)
{
	unsigned int round, flips;
	uint64_t seed = 42;

	for (round = 0; round < 300; round++) {
		struct collected col = { .nr = 0 };
		struct capture cap;
		struct world w;

		world_build(&w, round % 4, 4, round & 1 ? 0xd : 0xf);
		for (flips = 0; flips < 4; flips++) {
			uint64_t r = splitmix64(seed++);
			uint64_t addr = 0xffff888000100000ULL +
					r % (w.img.brk - 0xffff888000100000ULL);
			unsigned char byte = r >> 56;

			img_write(&w.img, addr, &byte, 1);
		}
		if (world_ctx(&w) == VX_OK) {
			vx_for_each_area(&w.ctx, VX_WALK_ALL, collect_cb,
					 &col);
			if (capture(&w.ctx, &cap, D_START, 16 * P) == VX_OK ||
			    cap.buf)
				free(cap.buf);
		}
		world_free(&w);
	}
	CHECK(1, "fuzz rounds done");
}

/* x86_64 page tables built by hand: 4- and 5-level, huge leaves, holes */
#define PT_P	0x1ULL	/* present, as memimg.c's tables have it */

/*
 * Module owners: a 6.4+ module with mem[] and a 6.1 module with
 * core_layout/init_layout, both on the kernel's modules list; plus a
 * list that loops without coming back to its head.
 */
static void check_owner(struct world *w, uint64_t addr, const char *name,
			const char *part)
{
	struct vx_module mod;
	int ret = vx_module_owner(&w->ctx, addr, &mod);

	if (!name) {
		CHECK(ret != VX_OK, "%llx: owner %s", (unsigned long long)addr,
		      mod.name);
		return;
	}
	CHECK(ret == VX_OK && !strcmp(mod.name, name) &&
	      !strcmp(mod.part, part), "%llx: want %s %s, got %d %s %s",
	      (unsigned long long)addr, name, part, ret,
	      ret == VX_OK ? mod.name : "", ret == VX_OK ? mod.part : "");
}

static void test_modules(bool per_type)
{
	const uint64_t text = WORLD_MOD_TEXT, data = WORLD_MOD_DATA;
	struct world w;
	uint64_t head, mod2;

	memset(&w, 0, sizeof(w));
	img_init(&w.img, per_type ? ERA_69 : ERA_61, 2, 0x3);
	head = world_add_modules(&w);
	img_build_trees(&w.img);
	if (world_ctx(&w)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	check_owner(&w, text, "vx_mod", "text");
	check_owner(&w, text + 0x2fff, "vx_mod", "text");
	if (per_type) {
		check_owner(&w, text + 0x3000, NULL, NULL);
		check_owner(&w, data + 0x10, "vx_mod", "data");
		check_owner(&w, data + 0x4010, "vx_mod", "rodata");
	} else {
		check_owner(&w, text + 0x3000, "vx_mod", "rodata");
		check_owner(&w, text + 0x4000, "vx_mod", "ro_after_init");
		check_owner(&w, text + 0x5fff, "vx_mod", "data");
		check_owner(&w, text + 0x6000, NULL, NULL);
	}
	check_owner(&w, 0xffffffff81000000ULL, NULL, NULL);
	/* a loop that never returns to the head ends, with an error */
	mod2 = world_add_module(&w.img, head, "looped");
	img_w64(&w.img, mod2 + 8, mod2 + 8);
	vx_cache_flush(&w.ctx);
	check_owner(&w, 0xffffffff81000000ULL, NULL, NULL);
	CHECK(strstr(w.ctx.err, "broken"), "loop: %s", w.ctx.err);
out:
	world_free(&w);
}

static void test_pgtable(int levels)
{
	const uint64_t v4k = V + 0x123000, v2m = V + 0x40000000,
		       v1g = V + 0x80000000ULL, vnone = V + 0x7000;
	const uint64_t dm = levels == 5 ? 0xff11000000000000ULL :
					  0xffff888000000000ULL;
	struct world w;
	uint64_t pgd, pa, word, next = 0x100000;
	unsigned long reads;
	struct capture cap;
	int ret, i;

	world_build(&w, ERA_69, 4, 0xf);
	pgd = img_pt_table(&w.img, &next);
	img_sym_add(&w.img, "init_top_pgt", 0xffffffff80000000ULL + pgd);
	if (levels == 5) {
		uint64_t l5 = img_alloc(&w.img, 8);

		img_w32(&w.img, l5, 1);
		img_sym_add(&w.img, "__pgtable_l5_enabled", l5);
	}
	img_pt_map(&w.img, &next, pgd, levels, v4k, 0x3000000, 1);
	img_pt_map(&w.img, &next, pgd, levels, v2m, 0x4000000, 2);
	img_pt_map(&w.img, &next, pgd, levels, v1g, 0x40000000, 3);
	img_pt_map(&w.img, &next, pgd, levels, vnone + P, 0x5000000, 1);
	img_w64(&w.img, 0x3000000 + 0x10, 0x1122334455667788ULL);
	/* a loop: a PMD entry pointing back at the PGD */
	img_pt_map(&w.img, &next, pgd, levels, V + 0xc0000000ULL, pgd, 2);
	img_w64(&w.img, pgd + 8 * 3, pgd | PT_P);

	if (world_ctx(&w) || vx_pt_enable(&w.ctx)) {
		CHECK(0, "init: %s", w.ctx.err);
		goto out;
	}
	CHECK(w.ctx.pt_levels == levels, "levels %d", w.ctx.pt_levels);
	CHECK(vx_pt_translate(&w.ctx, v4k + 0x10, &pa) == 0 &&
	      pa == 0x3000010, "4K leaf: %llx", (unsigned long long)pa);
	CHECK(vx_pt_translate(&w.ctx, v2m + 0x12345, &pa) == 0 &&
	      pa == 0x4012345, "2M leaf: %llx", (unsigned long long)pa);
	CHECK(vx_pt_translate(&w.ctx, v1g + 0x1234567, &pa) == 0 &&
	      pa == 0x41234567, "1G leaf: %llx", (unsigned long long)pa);
	CHECK(vx_pt_translate(&w.ctx, vnone, &pa) == 1, "hole mapped");
	CHECK(vx_pt_translate(&w.ctx, V + 0x7fff0000000ULL, &pa) == 1,
	      "empty PGD slot mapped");
	/* the rest of a missing upper level costs no read, and hides
	 * nothing mapped elsewhere */
	reads = w.img.reads;
	for (i = 1; i < 4096; i++)
		if (vx_pt_translate(&w.ctx, V + 0x7fff0000000ULL + i * P,
				    &pa) != 1)
			break;
	CHECK(i == 4096 && w.img.reads == reads,
	      "known hole: %d of 4095 pages unmapped, %lu reads", i - 1,
	      w.img.reads - reads);
	CHECK(vx_pt_translate(&w.ctx, v4k + 0x10, &pa) == 0 &&
	      pa == 0x3000010, "4K leaf after a hole: %llx",
	      (unsigned long long)pa);
	ret = vx_pt_translate(&w.ctx, (3ULL << 39) | 0xffff000000000000ULL,
			      &pa);
	CHECK(ret >= 0, "looping tables: %d", ret);
	/* reads through the walk: A's pages are not in these tables */
	memset(&cap, 0, sizeof(cap));
	ret = capture(&w.ctx, &cap, A_START, 16);
	CHECK(ret == VX_OK && cap.nr_holes == 1 &&
	      !strcmp(cap.holes[0].reason, "not mapped"),
	      "unmapped vmalloc page: %d holes", cap.nr_holes);
	free(cap.buf);
	CHECK(vx_kread(&w.ctx, v4k + 0x10, &word, 8) == 0 &&
	      word == 0x1122334455667788ULL, "read through own tables");
	/*
	 * The direct map is taken as virtual minus PAGE_OFFSET only once
	 * the tables map the PGD's own alias there; then reads of it are
	 * physical (the store's page at the virtual address holds a decoy).
	 */
	CHECK(w.ctx.dm_size == 0, "direct map used unconfirmed");
	img_pt_map(&w.img, &next, pgd, levels, dm + pgd, pgd, 1);
	img_pt_map(&w.img, &next, pgd, levels, dm + 0x3000000, 0x3000000, 1);
	img_w64(&w.img, dm + 0x3000010, 0xdec0dec0dec0dec0ULL);
	CHECK(vx_pt_init(&w.ctx) == VX_OK && w.ctx.dm_start == dm &&
	      w.ctx.dm_size, "direct map at %llx not confirmed",
	      (unsigned long long)dm);
	vx_cache_flush(&w.ctx);
	CHECK(vx_kread(&w.ctx, dm + 0x3000010, &word, 8) == 0 &&
	      word == 0x1122334455667788ULL, "direct-map read: %llx",
	      (unsigned long long)word);
	/*
	 * Above __START_KERNEL_map only the kernel image [_text, _end) is
	 * the host's to translate; module space is walked here (crash
	 * --minimal would read it as kernel text: the decoy).
	 */
	img_sym_add(&w.img, "_text", 0xffffffff81000000ULL);
	img_sym_add(&w.img, "_end", 0xffffffff82000000ULL);
	img_pt_map(&w.img, &next, pgd, levels, 0xffffffffc0001000ULL,
		   0x3000000, 1);
	img_w64(&w.img, 0xffffffffc0001010ULL, 0xdec0dec0dec0dec0ULL);
	img_w64(&w.img, 0xffffffff81000010ULL, 0x5555aaaa5555aaaaULL);
	CHECK(vx_pt_init(&w.ctx) == VX_OK &&
	      w.ctx.kimage_end == 0xffffffff82000000ULL, "no kernel image");
	vx_cache_flush(&w.ctx);
	CHECK(vx_kread(&w.ctx, 0xffffffffc0001010ULL, &word, 8) == 0 &&
	      word == 0x1122334455667788ULL, "module-space read: %llx",
	      (unsigned long long)word);
	CHECK(vx_kread(&w.ctx, 0xffffffff81000010ULL, &word, 8) == 0 &&
	      word == 0x5555aaaa5555aaaaULL, "kernel-image read: %llx",
	      (unsigned long long)word);
out:
	world_free(&w);
}

/* An ELF64 core file in memory: SEGS PT_LOADs {paddr, filesz, memsz}. */
static size_t elf_core(unsigned char *file, size_t cap,
		       const uint64_t (*segs)[3], int nr, int phnum_field)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)file;
	Elf64_Phdr *ph = (Elf64_Phdr *)(file + sizeof(*eh));
	size_t off = sizeof(*eh) + (nr + 1) * sizeof(*ph);
	int i;

	memset(file, 0, cap);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = phnum_field < 0 ? nr + 1 : phnum_field;
	ph[0].p_type = PT_NOTE;		/* not a segment of memory */
	for (i = 0; i < nr; i++) {
		ph[i + 1].p_type = PT_LOAD;
		ph[i + 1].p_paddr = segs[i][0];
		ph[i + 1].p_filesz = segs[i][1];
		ph[i + 1].p_memsz = segs[i][2];
		ph[i + 1].p_offset = off;
		/* each segment's bytes: its physical address, byte by byte */
		for (uint64_t b = 0; b < segs[i][1] && off + b < cap; b++)
			file[off + b] = (unsigned char)(segs[i][0] + b);
		off += segs[i][1];
	}
	return off < cap ? off : cap;
}

/* vx_elfmap: PT_LOAD arithmetic as crash's read_netdump() does it */
static void test_elfmap(void)
{
	static const uint64_t segs[][3] = {
		{ 0x100000, 0x3000, 0x3000 },
		{ 0x0, 0x1000, 0x1000 },	/* out of order in the file */
		{ 0x200000, 0x1000, 0x4000 },	/* zero-fill past filesz */
	};
	static const uint64_t overlap[][3] = {
		{ 0x1000, 0x2000, 0x2000 }, { 0x2000, 0x1000, 0x1000 },
	};
	static unsigned char file[0x8000];
	unsigned char bytes[0x40];
	struct vx_elfmap *map;
	uint64_t start, end, off;
	char err[96], path[64];
	size_t size;
	FILE *tmp;

	size = elf_core(file, sizeof(file), segs, 3, -1);
	map = vx_elfmap_from_buf(file, size, err, sizeof(err));
	CHECK(map != NULL, "elfmap: %s", err);
	if (!map)
		return;
	CHECK(vx_elfmap_segments(map) == 3 &&
	      vx_elfmap_segment(map, 0, &start, &end) == 0 && start == 0 &&
	      end == 0x1000, "elfmap: segments sorted by address");
	CHECK(vx_elfmap_read(map, 0x101ff0, bytes, 0x20) == 0 &&
	      bytes[0] == 0xf0 && bytes[0x1f] == 0x0f,
	      "elfmap: bytes of 101ff0");
	CHECK(vx_elfmap_offset(map, 0x100000, 8, &off) == 0 &&
	      off == sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr),
	      "elfmap: offset of the first segment in the file");
	CHECK(vx_elfmap_read(map, 0xfff, bytes, 1) == 0 && bytes[0] == 0xff,
	      "elfmap: last byte of a segment");
	CHECK(vx_elfmap_read(map, 0xfff, bytes, 2), "elfmap: across a gap");
	CHECK(vx_elfmap_read(map, 0x201000, bytes, 8),
	      "elfmap: zero-fill part is crash's to give");
	CHECK(vx_elfmap_read(map, 0x5000, bytes, 8), "elfmap: in no segment");
	CHECK(vx_elfmap_read(map, ~0ULL - 4, bytes, 8), "elfmap: wraps");
	vx_elfmap_close(map);

	/* a truncated file: the part present is served, the rest is not */
	map = vx_elfmap_from_buf(file, size - 0x800, err, sizeof(err));
	CHECK(map && !vx_elfmap_read(map, 0x200000, bytes, 0x20) &&
	      vx_elfmap_read(map, 0x200800, bytes, 1), "elfmap: truncated file");
	vx_elfmap_close(map);

	/* the same through a file: pread at the offsets */
	size = elf_core(file, sizeof(file), segs, 3, -1);
	snprintf(path, sizeof(path), "/tmp/vx-elfmap-%d", (int)getpid());
	tmp = fopen(path, "wb");
	CHECK(tmp && fwrite(file, 1, size, tmp) == size, "elfmap: temp file");
	if (tmp)
		fclose(tmp);
	map = vx_elfmap_open(path, err, sizeof(err));
	CHECK(map && vx_elfmap_read(map, 0x101ff0, bytes, 0x20) == 0 &&
	      bytes[0] == 0xf0 && bytes[0x1f] == 0x0f &&
	      vx_elfmap_read(map, 0x5000, bytes, 8),
	      "elfmap: file: %s", map ? "bytes" : err);
	vx_elfmap_close(map);
	/* program headers beyond the first 4 KiB: read from the file */
	memcpy(file + 0x6000, file + sizeof(Elf64_Ehdr), 4 * sizeof(Elf64_Phdr));
	((Elf64_Ehdr *)file)->e_phoff = 0x6000;
	tmp = fopen(path, "wb");
	CHECK(tmp && fwrite(file, 1, 0x6100, tmp) == 0x6100, "elfmap: temp");
	if (tmp)
		fclose(tmp);
	map = vx_elfmap_open(path, err, sizeof(err));
	CHECK(map && vx_elfmap_segments(map) == 3 &&
	      vx_elfmap_read(map, 0x101ff0, bytes, 0x20) == 0 &&
	      bytes[0] == 0xf0, "elfmap: far program headers: %s",
	      map ? "bytes" : err);
	/* cut short under the open map: a failed read, no signal */
	CHECK(truncate(path, 0x400) == 0 &&
	      vx_elfmap_read(map, 0x101ff0, bytes, 0x20) == -1,
	      "elfmap: file truncated under it");
	vx_elfmap_close(map);
	unlink(path);
	CHECK(!vx_elfmap_open(path, err, sizeof(err)) && strstr(err, path),
	      "elfmap: no file: %s", err);

	/* refusals, each with a reason */
	CHECK(!vx_elfmap_from_buf(file, 16, err, sizeof(err)) &&
	      strstr(err, "shorter"), "elfmap: short file: %s", err);
	size = elf_core(file, sizeof(file), overlap, 2, -1);
	CHECK(!vx_elfmap_from_buf(file, size, err, sizeof(err)) &&
	      strstr(err, "overlapping"), "elfmap: overlap: %s", err);
	size = elf_core(file, sizeof(file), segs, 3, 60000);
	CHECK(!vx_elfmap_from_buf(file, size, err, sizeof(err)) &&
	      strstr(err, "beyond"), "elfmap: phnum too large: %s", err);
	size = elf_core(file, sizeof(file), segs, 3, -1);
	file[EI_CLASS] = ELFCLASS32;
	CHECK(!vx_elfmap_from_buf(file, size, err, sizeof(err)) &&
	      strstr(err, "ELF64"), "elfmap: ELF32: %s", err);
	file[EI_CLASS] = ELFCLASS64;
	((Elf64_Ehdr *)file)->e_type = ET_EXEC;
	CHECK(!vx_elfmap_from_buf(file, size, err, sizeof(err)),
	      "elfmap: not a core file");
	memcpy(file, "KDUMP   ", 8);
	CHECK(!vx_elfmap_from_buf(file, size, err, sizeof(err)) &&
	      !strcmp(err, "not ELF"), "elfmap: compressed kdump: %s", err);
}

/* Fields are read in place: one beyond its struct's size is refused. */
static void test_layout_bounds(void)
{
	struct world w;

	world_build(&w, ERA_69, 4, 0xf);
	img_member_drop(&w.img, "vm_struct", "caller");
	img_member_set(&w.img, "vm_struct", "caller", 4096, 8);
	CHECK(world_ctx(&w) == VX_ERR_UNSUPPORTED &&
	      strstr(w.ctx.err, "implausible layout: a vm_struct member"),
	      "field beyond vm_struct: %s", w.ctx.err);
	world_free(&w);
}

static char *listing(struct vx_ctx *ctx, bool summary)
{
	struct vx_list_opts opts = { .node = -1, .regions = true };
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);

	if (summary)
		vx_print_summary(ctx, mem, &opts);
	else
		vx_print_list(ctx, mem, &opts);
	fclose(mem);
	return out;
}

/*
 * Cheap physical reads (a dump read directly, vx_pt_phys_first): the core
 * translates every read itself, through the direct map and its own page
 * tables, the host's virtual reads only for what those do not map.
 * Listings, summaries and reads must be the same bytes as through the
 * host alone, with few host reads left.
 */
static void test_mapped(enum img_era era)
{
	struct world plain, mapped;
	struct capture want, got;
	uint64_t pgd, next = 0x40000000, pa = 0x50000000, va;
	char *a, *b;
	int i;

	world_build(&plain, era, 4, 0xf);
	world_build(&mapped, era, 4, 0xf);
	pgd = img_pt_table(&mapped.img, &next);
	img_sym_add(&mapped.img, "init_top_pgt", 0xffffffff80000000ULL + pgd);
	/* the PGD's direct-map alias confirms the direct map */
	img_pt_map(&mapped.img, &next, pgd, 4, IMG_DIRECT_MAP + pgd, pgd, 1);
	/*
	 * vmalloc pages but C's from its third on, copied to physical pages
	 * in the tables: a read of C crosses from ours to the host's
	 */
	for (va = V; va < D2_START + IMG_BLOCK; va += P) {
		unsigned char page[P];

		if ((va >= C_START + 2 * P && va < C_START + 80 * P) ||
		    img_ops.read(&mapped.img, va, page, P))
			continue;
		img_write(&mapped.img, pa, page, P);
		img_pt_map(&mapped.img, &next, pgd, 4, va, pa, 1);
		pa += P;
	}
	if (world_ctx(&plain) ||
	    vx_ctx_init(&mapped.ctx, &img_ops_phys, &mapped.img) ||
	    vx_pt_phys_first(&mapped.ctx)) {
		CHECK(0, "init: %s / %s", plain.ctx.err, mapped.ctx.err);
		goto out;
	}
	CHECK(mapped.ctx.dm_size && mapped.ctx.phys_first,
	      "era %d: direct map not confirmed", era);
	vx_cache_flush(&plain.ctx);
	vx_cache_flush(&mapped.ctx);
	plain.img.reads = mapped.img.reads = mapped.img.phys_reads = 0;
	for (i = 0; i < 2; i++) {
		a = listing(&plain.ctx, i);
		b = listing(&mapped.ctx, i);
		CHECK(!strcmp(a, b), "era %d %s differs:\n%s\nmapped:\n%s",
		      era, i ? "summary" : "listing", a, b);
		free(a);
		free(b);
	}
	CHECK(mapped.img.phys_reads && mapped.img.reads * 4 < plain.img.reads,
	      "era %d: %lu host reads, %lu plain, %lu physical", era,
	      mapped.img.reads, plain.img.reads, mapped.img.phys_reads);
	/* A through the tables; C partly through them, then the host */
	for (i = 0; i < 2; i++) {
		uint64_t start = i ? C_START : A_START + 0x123;

		capture(&plain.ctx, &want, start, 3 * P);
		capture(&mapped.ctx, &got, start, 3 * P);
		CHECK(want.data_bytes == got.data_bytes &&
		      want.nr_holes == got.nr_holes &&
		      !memcmp(want.buf, got.buf, 3 * P),
		      "era %d: read at %llx differs", era,
		      (unsigned long long)start);
		free(want.buf);
		free(got.buf);
	}
out:
	world_free(&plain);
	world_free(&mapped);
}

/*
 * Read-ahead (vx_prefetch.c): a host whose physical reads are safe on
 * another thread gets a helper that reads every whole walk's pages
 * ahead of it.  Listings and summaries must be, byte for byte and every
 * time, those of the same world without it, and the helper must have
 * handed pages over.  (make unit also runs this under ThreadSanitizer.)
 */
#define RA_AREAS	3000
#define RA_RUN		64	/* vm_structs a page */
#ifdef VX_PF_RING
#define RA_FULL_RING	0
#else
#define RA_FULL_RING	1
#endif

static int ra_world(struct world *w, enum img_era era,
		    const struct vx_ops *ops)
{
	uint64_t vm[RA_RUN], pgd, next = 0x40000000,
		 start = V + 8 * IMG_BLOCK;
	int i;

	world_build(w, era, 4, 0xf);
	/* the vm_structs in pages of their own, as in a kernel's slabs
	 * (a page of them, then their vmap_areas): the helper's walk never
	 * reads them, and batches their reads */
	for (i = 0; i < RA_AREAS; i++, start += 2 * P) {
		if (i % RA_RUN == 0) {
			int j;

			for (j = 0; j < RA_RUN; j++)
				vm[j] = img_vm(&w->img, start + 2 * P * j,
					       2 * P, VX_VM_ALLOC, 1,
					       0xffffffff81002000ULL +
					       (i + j) % 7 * 0x40, 0);
		}
		add_area(w, start, start + 2 * P, vm[i % RA_RUN], 0, false);
	}
	/* the helper enters the lists through their trees */
	img_build_trees(&w->img);
	pgd = img_pt_table(&w->img, &next);
	img_sym_add(&w->img, "init_top_pgt", 0xffffffff80000000ULL + pgd);
	img_pt_map(&w->img, &next, pgd, 4, IMG_DIRECT_MAP + pgd, pgd, 1);
	if (vx_ctx_init(&w->ctx, ops, &w->img) || vx_pt_phys_first(&w->ctx))
		return -1;
	return 0;
}

static int ra_nothing(struct vx_ctx *ctx, const struct vx_area *area,
		      void *arg)
{
	(void)ctx, (void)area, (void)arg;
	return VX_OK;
}

static void test_readahead(enum img_era era, const struct vx_ops *ops)
{
	struct world plain, ra;
	const char *off;
	unsigned long before;
	int i, round;

	if (ra_world(&plain, era, &img_ops_phys) ||
	    ra_world(&ra, era, ops)) {
		CHECK(0, "era %d init: %s / %s", era, plain.ctx.err,
		      ra.ctx.err);
		goto out;
	}
	off = vx_prefetch_off(&ra.ctx);
	CHECK(!off || !strcmp(off, "one CPU"), "era %d: read-ahead off: %s",
	      era, off);
	off = vx_prefetch_off(&plain.ctx);
	CHECK(off && !strcmp(off, "the dump is not read directly"),
	      "era %d: read-ahead without read_phys_mt: %s", era, off);
	/* the last rounds in wait mode, where the command waits for the
	 * helper on every miss: pages are handed over however slow the
	 * helper runs (under ThreadSanitizer it may never lead otherwise) */
	for (round = 0; round < 6; round++) {
		if (round == 3)
			setenv("VMAP_EXT_READAHEAD", "wait", 1);
		for (i = 0; i < 2; i++) {
			unsigned long own = ra.img.page_reads,
				      all = plain.img.page_reads;
			char *a, *b;

			vx_cache_flush(&plain.ctx);
			vx_cache_flush(&ra.ctx);
			a = listing(&plain.ctx, i);
			b = listing(&ra.ctx, i);
			/* waited for, the helper's walk (only the reads)
			 * must have read the pages the command's needs:
			 * what the command read itself (img_ops_phys_mt
			 * counts only its reads) is its set-up's */
			own = ra.img.page_reads - own;
			all = plain.img.page_reads - all;
			/* (the bad batches leave a third to it; so does
			 * ThreadSanitizer's 8-page ring, 6 pages ahead at
			 * most, with the vm_structs' pages between the
			 * vmap_areas': the helper waits there for room,
			 * the command stops waiting and reads) */
			if (round >= 3 && !vx_prefetch_off(&ra.ctx) &&
			    ops != &img_ops_phys_batch_bad && RA_FULL_RING)
				CHECK(own * 20 < all, "era %d round %d: the "
				      "command read %lu of %lu pages itself",
				      era, round, own, all);
			CHECK(a && b && !strcmp(a, b), "era %d round %d: %s "
			      "differs with read-ahead", era, round,
			      i ? "summary" : "listing");
			free(a);
			free(b);
		}
	}
	unsetenv("VMAP_EXT_READAHEAD");
	CHECK(plain.ctx.ra_pages == 0, "era %d: %lu pages read ahead "
	      "without a helper", era, plain.ctx.ra_pages);
	if (!vx_prefetch_off(&ra.ctx))
		CHECK(ra.ctx.ra_pages > 0, "era %d: the helper gave no page "
		      "in 12 walks, 6 of them waiting for it", era);

	/* a command that stops taking pages (crash longjmp()ed out of it):
	 * the helper gives up on its own, the next command ends it */
	vx_cache_flush(&ra.ctx);
	vx_prefetch_start(&ra.ctx, VX_WALK_ALL, V);
	usleep(150 * 1000);
	vx_cache_flush(&ra.ctx);
	CHECK(!ra.ctx.pf_in, "era %d: helper left running", era);
	/* ... and one still running when the session ends */
	vx_prefetch_start(&ra.ctx, VX_WALK_ALL, V);

	setenv("VMAP_EXT_READAHEAD", "0", 1);
	off = vx_prefetch_off(&ra.ctx);
	CHECK(off && !strcmp(off, "VMAP_EXT_READAHEAD=0"),
	      "era %d: VMAP_EXT_READAHEAD=0 ignored: %s", era, off);
	vx_cache_flush(&ra.ctx);
	before = ra.ctx.ra_pages;
	vx_for_each_area(&ra.ctx, VX_WALK_ALL, ra_nothing, NULL);
	CHECK(ra.ctx.ra_pages == before && !ra.ctx.pf_in,
	      "era %d: read ahead despite VMAP_EXT_READAHEAD=0", era);
	unsetenv("VMAP_EXT_READAHEAD");
	vx_prefetch_start(&ra.ctx, VX_WALK_ALL, V);
out:
	world_free(&plain);
	world_free(&ra);
}

/* Node 0's busy list A, B, C, D from its entry K on becomes A, C, B, D. */
static void ra_swap(struct world *w, int k)
{
	uint64_t a = img_busy_head(&w->img, 0), b, c, d;
	int i;

	for (i = 0; i <= k; i++)
		a = img_r64(&w->img, a);
	b = img_r64(&w->img, a);
	c = img_r64(&w->img, b);
	d = img_r64(&w->img, c);
	img_w64(&w->img, a, c);
	img_w64(&w->img, c, b);
	img_w64(&w->img, b, d);
}

/*
 * Two neighbours swapped deep in a list, which a helper walks ahead: a
 * helper from the walk's start checks the order for the command
 * (vx_prefetch_checks), and the command looks ahead itself only where
 * the helper has not been; the listing and its warnings must be those of
 * the command alone, both sides of the swap left to the tree.
 */
static void test_readahead_damage(enum img_era era,
				  const struct vx_ops *ops)
{
	struct world plain, ra;
	int round;

	if (ra_world(&plain, era, &img_ops_phys) ||
	    ra_world(&ra, era, ops)) {
		CHECK(0, "era %d init: %s / %s", era, plain.ctx.err,
		      ra.ctx.err);
		goto out;
	}
	ra_swap(&plain, RA_AREAS / 6);
	ra_swap(&ra, RA_AREAS / 6);
	/* the first walk starts its helper late; the last ones wait for it */
	for (round = 0; round < 5; round++) {
		char *a, *b;

		if (round == 2)
			setenv("VMAP_EXT_READAHEAD", "wait", 1);
		vx_cache_flush(&plain.ctx);
		vx_cache_flush(&ra.ctx);
		a = listing(&plain.ctx, false);
		b = listing(&ra.ctx, false);
		CHECK(a && b && !strcmp(a, b), "era %d round %d: the listing "
		      "of a damaged list differs with read-ahead", era, round);
		free(a);
		free(b);
	}
	unsetenv("VMAP_EXT_READAHEAD");
	CHECK(strstr(plain.img.warnings, "out of order") &&
	      !strcmp(plain.img.warnings, ra.img.warnings),
	      "era %d: warnings on the swap differ with read-ahead:\n%s---\n%s",
	      era, plain.img.warnings, ra.img.warnings);
	CHECK(plain.ctx.ra_pages == 0 && ra.ctx.ra_pages > 0,
	      "era %d: pages read ahead %lu / %lu", era, plain.ctx.ra_pages,
	      ra.ctx.ra_pages);
out:
	world_free(&plain);
	world_free(&ra);
}

/* read-ahead over a host that reads one page at a time, and over hosts
 * that read batches (in reverse order; failing some) */
static void test_readaheads(enum img_era era)
{
	static const struct vx_ops *const ops[] = {
		&img_ops_phys_mt, &img_ops_phys_batch, &img_ops_phys_batch_bad,
	};
	unsigned int i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		test_readahead(era, ops[i]);
		test_readahead_damage(era, ops[i]);
	}
}

int main(int argc, char **argv)
{
	enum img_era era;

	/* ThreadSanitizer's run (make unit): the threaded part only */
	if (argc > 1 && !strcmp(argv[1], "readahead")) {
		for (era = ERA_61; era <= ERA_69; era++)
			test_readaheads(era);
		printf("unit (readahead): %d checks, %d failures\n", checks,
		       failures);
		return failures ? 1 : 0;
	}
	for (era = ERA_61; era <= ERA_69; era++) {
		test_readaheads(era);
		test_list_era(era);
		test_print_rows(era);
		test_block_regions(era);
		test_read_block(era);
		test_corrupt_list(era);
		test_reads_walk_bounded(era);
		test_find_from(era);
		test_bad_start(era, false);
		test_tree_broken(era);
		test_mapped(era);
		if (era != ERA_69) {
			test_bad_start(era, true);
			test_list_damage(era, true);
			test_list_damage(era, false);
		}
	}
	test_elfmap();
	test_layout_bounds();
	test_read_areas();
	test_derived_slack();
	test_percpu_hash();
	test_print();
	test_print_warning_order();
	test_node_opt_pre69();
	test_corrupt_values();
	test_fuzz_flips();
	test_check();
	test_summaries();
	test_modules(true);
	test_modules(false);
	test_pgtable(4);
	test_pgtable(5);
	printf("unit: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
