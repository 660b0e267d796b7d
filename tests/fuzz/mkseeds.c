// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the fuzz targets (corpus/<target>/): clean
 * worlds of every mode, and for "image" the named corruptions of the
 * corruption suite, encoded as fworld_patch() patches at the offsets the
 * world really has.  "make seeds" runs it; the output is committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_world.h"

static const char *dir;
static int nr_written;

struct seed {
	unsigned char buf[512];
	size_t len;
};

static void put(struct seed *s, const void *p, size_t n)
{
	if (s->len + n > sizeof(s->buf))
		abort();
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void write_seed(const char *target, const char *name,
		       const struct seed *s)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) && errno != EEXIST)
		abort();
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "w");
	if (!f || fwrite(s->buf, 1, s->len, f) != s->len || fclose(f))
		abort();
	nr_written++;
}

/* ---- image: patches ---- */

static uint16_t off_of(const struct fworld *w, uint64_t addr)
{
	uint64_t off = addr - FW_OBJ_BASE;

	if (addr < FW_OBJ_BASE || off >= w->obj_end - FW_OBJ_BASE ||
	    off > 0xffff) {
		fprintf(stderr, "mkseeds: %llx outside the patch region\n",
			(unsigned long long)addr);
		exit(1);
	}
	return off;
}

static void patch_raw(struct seed *s, const struct fworld *w, uint64_t addr,
		      const void *bytes, size_t len)
{
	uint16_t off = off_of(w, addr);
	unsigned char hdr[3] = { 0x00 | (len - 1), off & 0xff, off >> 8 };

	put(s, hdr, 3);
	put(s, bytes, len);
}

static void patch_u64(struct seed *s, const struct fworld *w, uint64_t addr,
		      uint64_t val)
{
	patch_raw(s, w, addr, &val, 8);
}

static void patch_unmap(struct seed *s, const struct fworld *w,
			uint64_t addr)
{
	uint16_t off = off_of(w, addr);
	unsigned char hdr[3] = { 0x50, off & 0xff, off >> 8 };

	put(s, hdr, 3);
}

static uint64_t sym(struct fworld *w, const char *name)
{
	uint64_t addr = 0;

	if (img_ops.symbol(&w->world.img, name, &addr))
		abort();
	return addr;
}

/* the vmap_block of the area at START: down its xarray as memimg built it */
static uint64_t block_of(struct fworld *w, uint64_t start)
{
	uint64_t xa = img_vb_xa(&w->world.img, start), idx = img_vb_idx(start);
	uint64_t node = img_r64(&w->world.img, xa + 8) - 2, shift;

	for (;;) {
		shift = img_r64(&w->world.img, node) & 0xff;
		if (!shift)
			return img_r64(&w->world.img,
				       node + 40 + 8 * (idx & 63));
		node = img_r64(&w->world.img, node + 40 +
			       8 * ((idx >> shift) & 63)) - 2;
	}
}

static void image_seeds(void)
{
	static const char *const era[] = { "61", "63", "64", "69" };
	unsigned char mode;
	char name[64];

	for (mode = 0; mode < 32; mode++) {
		struct fworld w;
		struct seed s = { .len = 0 };
		uint64_t va_a, va_c, va_g, head, vb, ones = ~0ULL;
		int i;

		/* clean: every era; 6.4 and 6.9 with a CPU mask hole; 6.1 and
		 * 6.9 with own 4-level tables; 6.9 with 5-level ones */
		if (mode >= 4 && mode != 6 && mode != 7 && mode != 8 &&
		    mode != 11 && mode != 27)
			continue;
		fworld_build(&w, mode);
		put(&s, &mode, 1);
		snprintf(name, sizeof(name), "clean-%s-m%02x", era[mode & 3],
			 mode);
		write_seed("image", name, &s);
		/* corruptions: 6.1, 6.3 (used_map, global xarray) and 6.9, the
		 * last also with own page tables */
		if (mode != 0 && mode != 1 && mode != 3 && mode != 11)
			goto next;

		va_a = w.world.va[0];
		va_c = w.world.va[2];
		va_g = w.world.va[5];
		head = img_busy_head(&w.world.img, 0);
#define SEED(label, ...)                                                     \
		do {                                                         \
			s.len = 1;                                           \
			__VA_ARGS__;                                         \
			snprintf(name, sizeof(name), "%s-%s-m%02x", label,   \
				 era[mode & 3], mode);                       \
			write_seed("image", name, &s);                       \
		} while (0)
		SEED("self-loop", patch_u64(&s, &w, va_g + 40, va_g + 40));
		SEED("cycle", patch_u64(&s, &w, va_g + 40, va_a + 40));
		SEED("unmapped-ptr",
		     patch_u64(&s, &w, va_a + 40, 0xffffc9dead000000ULL));
		SEED("random-ptr",
		     patch_u64(&s, &w, va_a + 40, FW_OBJ_BASE + 0x1234));
		SEED("truncated-list", patch_u64(&s, &w, va_a + 40, head));
		SEED("null-next", patch_u64(&s, &w, va_c + 40, 0));
		SEED("va-end-below-start",
		     patch_u64(&s, &w, w.world.va[1] + 8, FW_B - FW_P));
		SEED("va-start-zero", patch_u64(&s, &w, va_g, 0));
		SEED("vm-unmapped",
		     patch_u64(&s, &w, va_a + 56, 0xffffc9dead000000ULL));
		SEED("unmap-va", patch_unmap(&s, &w, va_c));
		SEED("rb-loop", patch_u64(&s, &w, va_a + 16 + 16, va_a + 16));
		/* swap A and B: head -> B -> A -> C */
		if (mode != 3) {
			uint64_t a = va_a + 40, b = w.world.va[1] + 40,
				 c = img_r64(&w.world.img, b);

			SEED("swapped", patch_u64(&s, &w, head, b);
			     patch_u64(&s, &w, b, a); patch_u64(&s, &w, a, c));
		}
		vb = block_of(&w, FW_D);
		SEED("vb-wrong-va", patch_u64(&s, &w, vb + 8, va_c));
		SEED("vb-free-huge", patch_u64(&s, &w, vb + 16, ~0ULL));
		if ((mode & 3) != 0)
			SEED("all-ones-used-map",
			     for (i = 0; i < 16; i++)
				     patch_raw(&s, &w, vb + 32 + 8 * i, &ones,
					       8));
		SEED("xa-head-garbage",
		     patch_u64(&s, &w, img_vb_xa(&w.world.img, FW_D) + 8,
			       FW_OBJ_BASE + 0x102));
		if ((mode & 3) == 3) {
			SEED("huge-nr-nodes",
			     patch_u64(&s, &w, sym(&w, "nr_vmap_nodes"),
				       0x7fffffff));
			/* vmap_nodes -> unmapped is crashes/image-qsort-null */
		} else {
			SEED("nr-cpu-ids-huge",
			     patch_u64(&s, &w, sym(&w, "nr_cpu_ids"), 1 << 20));
		}
#undef SEED
next:
		fworld_free(&w);
	}
}

/* ---- api: opcodes and arguments (fuzz_api.c) ---- */

static void api_seeds(void)
{
	static const struct {
		const char *name;
		unsigned char bytes[40];
		size_t len;
	} seeds[] = {
		/* read A's tail into its guard page: op 0, sel 0, off, len */
		{ "read-guard", { 0, 0, 0xf8, 0x3f, 0, 0, 0, 0x10, 0x10 }, 9 },
		/* read block D from page 2: sel 1 */
		{ "read-block", { 0, 1, 0, 0x20, 0, 0, 3, 0, 0x30, 0, 0 }, 11 },
		/* a huge length */
		{ "read-huge", { 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff,
				 0xff, 0xff, 0xff, 0xff }, 15 },
		/* wrap-around */
		{ "read-wrap", { 0, 4, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff,
				 0xff, 0xff, 0, 0, 1, 0, 0 }, 15 },
		{ "dump-width", { 1, 1, 0, 0x30, 0, 0, 0, 0x40, 0, 0, 0, 2,
				  1 }, 13 },
		{ "list-all", { 2, 0, 0, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0xff,
				0 }, 14 },
		{ "list-addr", { 2, 0, 0, 0xff, 0xff, 1, 1, 1, 0, 0x30, 0, 0,
				 0xff, 0 }, 14 },
		{ "list-node", { 2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
				 0 }, 14 },
		{ "list-caller", { 2, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1,
				   0 }, 14 },
		{ "summary", { 2, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff,
			       1 }, 14 },
		{ "callers", { 2, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff,
			       2 }, 14 },
		{ "fragmentation", { 2, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0,
				     0xff, 3 }, 14 },
		{ "find", { 3, 1, 0, 0x50, 0, 0 }, 6 },
		{ "page-lookup", { 4, 2, 0, 0, 0x25, 0, 0, 0, 0, 0xd0, 0xfe,
				   0 }, 12 },
		{ "check", { 5 }, 1 },
	};
	static const unsigned char modes[] = { 0, 1, 2, 3, 4, 8, 11, 27 };
	char name[64];
	size_t i, m;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		for (m = 0; m < sizeof(modes); m++) {
			struct seed s = { .len = 0 };

			if (m != i % sizeof(modes))
				continue;	/* one mode each, all modes */
			put(&s, &modes[m], 1);
			put(&s, seeds[i].bytes, seeds[i].len);
			snprintf(name, sizeof(name), "%s-m%02x", seeds[i].name,
				 modes[m]);
			write_seed("api", name, &s);
		}
	}
}

/* ---- cmd: command lines ---- */

static void cmd_seeds(void)
{
	static const char *const lines[] = {
		"list", "list -v", "list -s", "list -b", "list -c", "list -F",
		"list -t vmalloc,ioremap", "list -t vm_map_ram,vmap_block",
		"list -n 1", "list ffffc90000801234", "list -C caller_ffffffff81001000",
		"list -s -c", "read ffffc90000800ff0 64",
		"read -8 -x ffffc90000000000 0x40",
		"read -16 ffffc90000803f00 512", "read -32 ffffc90000020000 64",
		"read -r /tmp/x.bin ffffc90000800000 0x200000",
		"read ffffc90000003ff8 0x1010", "check",
		"page ffffea0000000940", "page ffffea0000000940 ffffea0000000980",
		"read zzzz 16", "read ffff888000000000 16",
		"read ffffc90000000000 0", "read ffffc90000000000 99999999999",
		"list -t bogus", "frob", "read ffffc90000000000",
		"list -n 99999", "list a b c", "read -64 -x 0xffffc90000090000 -1",
		"check extra", "",
	};
	static const unsigned char modes[] = { 0, 1, 2, 3, 0x23, 0x2b };
	char name[64];
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct seed s = { .len = 0 };
		unsigned char mode = modes[i % sizeof(modes)];

		put(&s, &mode, 1);
		put(&s, lines[i], strlen(lines[i]));
		snprintf(name, sizeof(name), "line-%02zu-m%02x", i, mode);
		write_seed("cmd", name, &s);
	}
	/* a session: several commands, each after the other's failure */
	{
		static const char session[] =
			"list -t bogus\nlist -s\nread zzzz 16\nread "
			"ffffc90000020000 64\ncheck\nlist -v";
		struct seed s = { .len = 0 };
		unsigned char mode = 3;

		put(&s, &mode, 1);
		put(&s, session, strlen(session));
		write_seed("cmd", "session-m03", &s);
		mode = 0x20;
		s.len = 0;
		put(&s, &mode, 1);
		put(&s, session, strlen(session));
		write_seed("cmd", "session-m20", &s);
	}
}

int main(int argc, char **argv)
{
	dir = argc > 1 ? argv[1] : "corpus";
	if (mkdir(dir, 0755) && errno != EEXIST)
		abort();
	image_seeds();
	api_seeds();
	cmd_seeds();
	printf("mkseeds: %d seeds in %s\n", nr_written, dir);
	return 0;
}
