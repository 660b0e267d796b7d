// SPDX-License-Identifier: GPL-2.0
/* Synthetic kernel memory images for the core's unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memimg.h"

#define OBJ_BASE	0xffff888000100000ULL
#define PCPU_SYM	0x000000000002a000ULL	/* vmap_block_queue offset */
#define NBUCKET		4096

static unsigned long hash(uint64_t page)
{
	return (page / IMG_PAGE * 0x9E3779B97F4A7C15ULL) >> 52;
}

/* pages live in a chained hash: pages[] holds NBUCKET chain heads */
struct chain {
	struct img_page page;
	struct chain *next;
};

static struct chain **table(struct img *img)
{
	return (struct chain **)img->pages;
}

static struct img_page *page_find(struct img *img, uint64_t addr)
{
	struct chain *c;
	uint64_t page = addr & ~(IMG_PAGE - 1);

	for (c = table(img)[hash(page)]; c; c = c->next)
		if (c->page.addr == page)
			return &c->page;
	return NULL;
}

static struct img_page *page_get(struct img *img, uint64_t addr)
{
	struct img_page *pg = page_find(img, addr);
	struct chain *c;
	uint64_t page = addr & ~(IMG_PAGE - 1);

	if (pg)
		return pg;
	c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->page.addr = page;
	c->next = table(img)[hash(page)];
	table(img)[hash(page)] = c;
	img->nr_pages++;
	return &c->page;
}

void img_unmap(struct img *img, uint64_t addr)
{
	uint64_t page = addr & ~(IMG_PAGE - 1);
	struct chain **pp;

	for (pp = &table(img)[hash(page)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->page.addr == page) {
			struct chain *dead = *pp;

			*pp = dead->next;
			free(dead);
			img->nr_pages--;
			return;
		}
	}
}

void img_write(struct img *img, uint64_t addr, const void *buf, size_t len)
{
	const unsigned char *src = buf;

	while (len) {
		struct img_page *pg = page_get(img, addr);
		size_t off = addr & (IMG_PAGE - 1);
		size_t n = IMG_PAGE - off < len ? IMG_PAGE - off : len;

		memcpy(pg->data + off, src, n);
		addr += n;
		src += n;
		len -= n;
	}
}

/*
 * Copy [ADDR, ADDR + LEN) out of the store; with ALIAS, a page missing
 * at its address is looked for at ALIAS + its address.
 */
static int copy_out(struct img *img, uint64_t addr, uint64_t alias,
		    void *buf, size_t len)
{
	unsigned char *dst = buf;

	while (len) {
		struct img_page *pg = page_find(img, addr);
		size_t off = addr & (IMG_PAGE - 1);
		size_t n = IMG_PAGE - off < len ? IMG_PAGE - off : len;

		if (!pg && alias)
			pg = page_find(img, alias + addr);
		if (!pg)
			return -1;
		memcpy(dst, pg->data + off, n);
		addr += n;
		dst += n;
		len -= n;
	}
	return 0;
}

static int img_read(void *priv, uint64_t addr, void *buf, size_t len)
{
	struct img *img = priv;

	img->reads++;
	if (img->fail_reads)
		return -1;
	return copy_out(img, addr, 0, buf, len);
}

void img_w64(struct img *img, uint64_t addr, uint64_t val)
{
	img_write(img, addr, &val, 8);
}

void img_w32(struct img *img, uint64_t addr, uint32_t val)
{
	img_write(img, addr, &val, 4);
}

uint64_t img_r64(struct img *img, uint64_t addr)
{
	uint64_t val = 0;

	img_read(img, addr, &val, 8);
	return val;
}

uint64_t img_alloc(struct img *img, uint64_t size)
{
	uint64_t addr = img->brk;
	unsigned char zero[256] = { 0 };
	uint64_t left;

	img->brk = (img->brk + size + 63) & ~63ULL;
	for (left = 0; left < size; left += sizeof(zero))
		img_write(img, addr + left, zero,
			  size - left < sizeof(zero) ? size - left :
						      sizeof(zero));
	return addr;
}

void img_sym_add(struct img *img, const char *name, uint64_t addr)
{
	struct img_sym *s = &img->syms[img->nr_syms++];

	snprintf(s->name, sizeof(s->name), "%s", name);
	s->addr = addr;
}

static int img_symbol(void *priv, const char *name, uint64_t *addr)
{
	struct img *img = priv;
	int i;

	for (i = 0; i < img->nr_syms; i++) {
		if (!strcmp(img->syms[i].name, name)) {
			*addr = img->syms[i].addr;
			return 0;
		}
	}
	return -1;
}

void img_member_set(struct img *img, const char *type, const char *member,
		    long off, long size)
{
	struct img_member *m = &img->members[img->nr_members++];

	snprintf(m->type, sizeof(m->type), "%s", type);
	snprintf(m->member, sizeof(m->member), "%s", member ? member : "");
	m->off = off;
	m->size = size;
}

void img_member_drop(struct img *img, const char *type, const char *member)
{
	int i;

	for (i = 0; i < img->nr_members; i++)
		if (!strcmp(img->members[i].type, type) &&
		    !strcmp(img->members[i].member, member))
			img->members[i].type[0] = '\0';
}

static struct img_member *member_find(struct img *img, const char *type,
				      const char *member)
{
	int i;

	for (i = 0; i < img->nr_members; i++)
		if (!strcmp(img->members[i].type, type) &&
		    !strcmp(img->members[i].member, member ? member : ""))
			return &img->members[i];
	return NULL;
}

long img_off(struct img *img, const char *type, const char *member)
{
	struct img_member *m = member_find(img, type, member);

	if (!m) {
		fprintf(stderr, "memimg: no %s.%s\n", type, member);
		abort();
	}
	return m->off;
}

static int img_member(void *priv, const char *type, const char *member,
		      long *off, long *size)
{
	struct img_member *m = member_find(priv, type, member);

	if (!m)
		return -1;
	*off = m->off;
	*size = m->size;
	return 0;
}

/* physical pages share the store: they sit below every kernel address */
static int img_read_phys(void *priv, uint64_t paddr, void *buf, size_t len)
{
	if (paddr >= (1ULL << 52))
		return -1;
	return img_read(priv, paddr, buf, len);
}

static int img_translate(void *priv, uint64_t addr, uint64_t *paddr)
{
	struct img_page *pg = page_find(priv, addr);

	if (!pg)
		return 1;
	*paddr = addr & 0xffffffffULL;
	return 0;
}

static size_t img_symbolize(void *priv, uint64_t addr, char *buf, size_t len)
{
	(void)priv;
	if (!len)
		return 0;
	snprintf(buf, len, "caller_%llx+0x10", (unsigned long long)addr);
	return strlen(buf);
}

static int img_vmalloc_range(void *priv, uint64_t *start, uint64_t *end)
{
	(void)priv;
	*start = IMG_VMALLOC;
	*end = IMG_VMALLOC_END;
	return 0;
}

static void img_warn(void *priv, const char *msg)
{
	struct img *img = priv;
	size_t used = strlen(img->warnings);

	img->nr_warn++;
	snprintf(img->warnings + used, sizeof(img->warnings) - used, "%s\n",
		 msg);
}

/* enum mod_mem_type of 6.4+, as include/linux/module.h has it */
static int img_enumerator(void *priv, const char *name, long *val)
{
	static const char *const mod_mem[] = {
		"MOD_TEXT", "MOD_DATA", "MOD_RODATA", "MOD_RO_AFTER_INIT",
		"MOD_INIT_TEXT", "MOD_INIT_DATA", "MOD_INIT_RODATA",
		"MOD_MEM_NUM_TYPES",
	};
	long i;

	(void)priv;
	for (i = 0; i < (long)(sizeof(mod_mem) / sizeof(mod_mem[0])); i++)
		if (!strcmp(name, mod_mem[i])) {
			*val = i;
			return 0;
		}
	return -1;
}

/* both ops tables: they differ in what a physical read sees */
#define IMG_OPS_COMMON					\
	.enumerator = img_enumerator,			\
	.read = img_read,				\
	.symbol = img_symbol,				\
	.member = img_member,				\
	.translate = img_translate,			\
	.symbolize = img_symbolize,			\
	.vmalloc_range = img_vmalloc_range,		\
	.warn = img_warn

const struct vx_ops img_ops = {
	IMG_OPS_COMMON,
	.read_phys = img_read_phys,
};

/* physical P: the page stored at P, else its direct-map alias */
static int img_read_phys_alias(void *priv, uint64_t paddr, void *buf,
			       size_t len)
{
	struct img *img = priv;

	if (paddr >= (1ULL << 46) || len > (1ULL << 46) - paddr)
		return -1;
	img->phys_reads++;
	img->page_reads += len == 4096;
	return copy_out(img, paddr, IMG_DIRECT_MAP, buf, len);
}

const struct vx_ops img_ops_phys = {
	IMG_OPS_COMMON,
	.read_phys = img_read_phys_alias,
};

/* the same, uncounted: safe on a read-ahead thread (the store is only
 * read while a walk runs) */
static int img_read_phys_mt(void *priv, uint64_t paddr, void *buf,
			    size_t len)
{
	if (paddr >= (1ULL << 46) || len > (1ULL << 46) - paddr)
		return -1;
	return copy_out(priv, paddr, IMG_DIRECT_MAP, buf, len);
}

const struct vx_ops img_ops_phys_mt = {
	IMG_OPS_COMMON,
	.read_phys = img_read_phys_alias,
	.read_phys_mt = img_read_phys_mt,
};

/* a batch, read from its last to its first: the helper must publish
 * in its own order whatever the host's */
static void img_read_phys_batch(void *priv, struct vx_phys_read *rd,
				unsigned int n)
{
	while (n--)
		rd[n].ret = img_read_phys_mt(priv, rd[n].paddr, rd[n].buf,
					     rd[n].len);
}

const struct vx_ops img_ops_phys_batch = {
	IMG_OPS_COMMON,
	.read_phys = img_read_phys_alias,
	.read_phys_mt = img_read_phys_mt,
	.read_phys_batch_mt = img_read_phys_batch,
};

/* ... and one that fails a batch's every third read: the helper
 * publishes holes there, which the command reads itself */
static void img_read_phys_batch_bad(void *priv, struct vx_phys_read *rd,
				    unsigned int n)
{
	img_read_phys_batch(priv, rd, n);
	for (; n >= 3; n -= 3)
		rd[n - 3].ret = -1;
}

const struct vx_ops img_ops_phys_batch_bad = {
	IMG_OPS_COMMON,
	.read_phys = img_read_phys_alias,
	.read_phys_mt = img_read_phys_mt,
	.read_phys_batch_mt = img_read_phys_batch_bad,
};

/* x86_64 layouts, as pahole shows them for each era */
static void layouts(struct img *img)
{
	enum img_era era = img->era;

	img_member_set(img, "list_head", NULL, 0, 16);
	img_member_set(img, "list_head", "next", 0, 8);
	img_member_set(img, "xarray", NULL, 0, 16);
	img_member_set(img, "xarray", "xa_head", 8, 8);
	img_member_set(img, "xa_node", NULL, 0, 576);
	img_member_set(img, "xa_node", "shift", 0, 1);
	img_member_set(img, "xa_node", "slots", 40, 512);

	img_member_set(img, "vm_struct", NULL, 0, 64);
	img_member_set(img, "vm_struct", "addr", 8, 8);
	img_member_set(img, "vm_struct", "size", 16, 8);
	img_member_set(img, "vm_struct", "flags", 24, 8);
	img_member_set(img, "vm_struct", "pages", 32, 8);
	img_member_set(img, "vm_struct", "page_order", 40, 4);
	img_member_set(img, "vm_struct", "nr_pages", 44, 4);
	img_member_set(img, "vm_struct", "phys_addr", 48, 8);
	img_member_set(img, "vm_struct", "caller", 56, 8);

	img_member_set(img, "vmap_area", NULL, 0, era == ERA_61 ? 64 : 72);
	img_member_set(img, "vmap_area", "va_start", 0, 8);
	img_member_set(img, "vmap_area", "va_end", 8, 8);
	img_member_set(img, "vmap_area", "list", 40, 16);
	img_member_set(img, "vmap_area", "vm", 56, 8);
	img_member_set(img, "vmap_area", "rb_node", 16, 24);
	img_member_set(img, "rb_node", "rb_right", 8, 8);
	img_member_set(img, "rb_node", "rb_left", 16, 8);
	img_member_set(img, "rb_root", "rb_node", 0, 8);
	if (era != ERA_61)
		img_member_set(img, "vmap_area", "flags", 64, 8);

	img_member_set(img, "vmap_block", "va", 8, 8);
	img_member_set(img, "vmap_block", "free", 16, 8);
	img_member_set(img, "vmap_block", "dirty", 24, 8);
	if (era == ERA_61) {
		img_member_set(img, "vmap_block", NULL, 0, 96);
		img_member_set(img, "vmap_block", "dirty_min", 32, 8);
		img_member_set(img, "vmap_block", "dirty_max", 40, 8);
	} else {
		img_member_set(img, "vmap_block", NULL, 0, 232);
		img_member_set(img, "vmap_block", "used_map", 32,
			       IMG_BITS / 8);
		img_member_set(img, "vmap_block", "dirty_min", 160, 8);
		img_member_set(img, "vmap_block", "dirty_max", 168, 8);
	}
	if (era == ERA_69)
		img_member_set(img, "vmap_block", "cpu", 224, 4);
	if (era >= ERA_64) {
		img_member_set(img, "vmap_block_queue", NULL, 0, 40);
		img_member_set(img, "vmap_block_queue", "vmap_blocks", 24,
			       16);
	} else {
		img_member_set(img, "vmap_block_queue", NULL, 0, 24);
	}
	if (era == ERA_69) {
		img_member_set(img, "vmap_node", NULL, 0, 6272);
		img_member_set(img, "vmap_node", "busy", 6152, 32);
		img_member_set(img, "vmap_node", "lazy", 6184, 32);
		img_member_set(img, "rb_list", NULL, 0, 32);
		img_member_set(img, "rb_list", "head", 8, 16);
		img_member_set(img, "rb_list", "root", 0, 8);
	}

	img_member_set(img, "module", "list", 8, 16);
	img_member_set(img, "module", "name", 24, 56);
	/* struct module: mem[] from 6.4, core_layout/init_layout before */
	if (era >= ERA_64) {
		img_member_set(img, "module", "mem", 0x100, 7 * 0x40);
		img_member_set(img, "module_memory", NULL, 0, 0x40);
		img_member_set(img, "module_memory", "base", 0, 8);
		img_member_set(img, "module_memory", "size", 8, 4);
		return;
	}
	img_member_set(img, "module", "core_layout", 0x100, 0x40);
	img_member_set(img, "module", "init_layout", 0x140, 0x40);
	img_member_set(img, "module_layout", "base", 0, 8);
	img_member_set(img, "module_layout", "size", 8, 4);
	img_member_set(img, "module_layout", "text_size", 12, 4);
	img_member_set(img, "module_layout", "ro_size", 16, 4);
	img_member_set(img, "module_layout", "ro_after_init_size", 20, 4);
}

static void globals(struct img *img, uint64_t possible_mask)
{
	uint64_t addr;
	unsigned int cpu, i;

	addr = img_alloc(img, 8);
	img_w32(img, addr, img->nr_cpus);
	img_sym_add(img, "nr_cpu_ids", addr);
	addr = img_alloc(img, 8);
	img_w64(img, addr, possible_mask);
	img_sym_add(img, "__cpu_possible_mask", addr);

	addr = img_alloc(img, 8 * img->nr_cpus);
	img_sym_add(img, "__per_cpu_offset", addr);
	for (cpu = 0; cpu < img->nr_cpus; cpu++) {
		uint64_t area = img_alloc(img, 64);

		img->cpu_off[cpu] = area - PCPU_SYM;
		img_w64(img, addr + 8 * cpu, img->cpu_off[cpu]);
	}
	if (img->era >= ERA_64)
		img_sym_add(img, "vmap_block_queue", PCPU_SYM);
	else
		img_sym_add(img, "vmap_blocks", img_xa_new(img));

	if (img->era != ERA_69) {
		addr = img_alloc(img, 16);
		img_list_init(img, addr);
		img_sym_add(img, "vmap_area_list", addr);
		addr = img_alloc(img, 16);
		img_list_init(img, addr);
		img_sym_add(img, "purge_vmap_area_list", addr);
		img_sym_add(img, "vmap_area_root", img_alloc(img, 8));
		img_sym_add(img, "purge_vmap_area_root", img_alloc(img, 8));
		return;
	}
	addr = img_alloc(img, 6272 * IMG_NODES);
	for (i = 0; i < IMG_NODES; i++) {
		img_list_init(img, addr + 6272 * i + 6152 + 8);
		img_list_init(img, addr + 6272 * i + 6184 + 8);
	}
	img_sym_add(img, "vmap_nodes", img_alloc(img, 8));
	img_w64(img, img->syms[img->nr_syms - 1].addr, addr);
	img_sym_add(img, "nr_vmap_nodes", img_alloc(img, 8));
	img_w32(img, img->syms[img->nr_syms - 1].addr, IMG_NODES);
	img_sym_add(img, "vmap_zone_size", img_alloc(img, 8));
	img_w32(img, img->syms[img->nr_syms - 1].addr, IMG_ZONE);
}

void img_init(struct img *img, enum img_era era, unsigned int nr_cpus,
	      uint64_t possible_mask)
{
	memset(img, 0, sizeof(*img));
	img->era = era;
	img->nr_cpus = nr_cpus;
	img->brk = OBJ_BASE;
	img->pages = calloc(NBUCKET, sizeof(struct chain *));
	if (!img->pages)
		abort();
	layouts(img);
	globals(img, possible_mask);
}

void img_free(struct img *img)
{
	unsigned long b;

	for (b = 0; b < NBUCKET; b++) {
		struct chain *c = table(img)[b];

		while (c) {
			struct chain *next = c->next;

			free(c);
			c = next;
		}
	}
	free(img->pages);
}

uint64_t splitmix64(uint64_t x)
{
	uint64_t z = x + 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint64_t pattern_word(uint64_t seed, uint64_t k)
{
	return splitmix64(seed + k);
}

void img_fill_pattern(struct img *img, uint64_t addr, uint64_t len,
		      uint64_t seed)
{
	uint64_t k;

	for (k = 0; k < len / 8; k++)
		img_w64(img, addr + 8 * k, pattern_word(seed, k));
}

void img_list_init(struct img *img, uint64_t head)
{
	img_w64(img, head, head);
	img_w64(img, head + 8, head);
}

void img_list_add_tail(struct img *img, uint64_t head, uint64_t node)
{
	uint64_t prev = img_r64(img, head + 8);

	img_w64(img, node, head);
	img_w64(img, node + 8, prev);
	img_w64(img, prev, node);
	img_w64(img, head + 8, node);
}

uint64_t img_va(struct img *img, uint64_t start, uint64_t end, uint64_t vm,
		uint64_t flags)
{
	uint64_t va = img_alloc(img, img->era == ERA_61 ? 64 : 72);

	img_w64(img, va, start);
	img_w64(img, va + 8, end);
	img_w64(img, va + 56, vm);
	if (img->era != ERA_61)
		img_w64(img, va + 64, flags);
	return va;
}

uint64_t img_vm(struct img *img, uint64_t addr, uint64_t size,
		uint64_t flags, unsigned int nr_pages, uint64_t caller,
		uint64_t phys)
{
	uint64_t vm = img_alloc(img, 64);

	img_w64(img, vm + 8, addr);
	img_w64(img, vm + 16, size);
	img_w64(img, vm + 24, flags);
	img_w32(img, vm + 44, nr_pages);
	img_w64(img, vm + 48, phys);
	img_w64(img, vm + 56, caller);
	return vm;
}

uint64_t img_xa_new(struct img *img)
{
	return img_alloc(img, 16);
}

static uint64_t xa_node_new(struct img *img, unsigned int shift)
{
	uint64_t node = img_alloc(img, 576);
	unsigned char s = shift;

	img_write(img, node, &s, 1);
	return node;
}

void img_xa_store(struct img *img, uint64_t xa, uint64_t index,
		  uint64_t entry)
{
	uint64_t head = img_r64(img, xa + 8), node;
	unsigned char shift;

	if (!head) {
		head = xa_node_new(img, 6) | 2;
		img_w64(img, xa + 8, head);
	}
	node = head - 2;
	for (;;) {
		uint64_t slot, child;

		img_read(img, node, &shift, 1);
		slot = node + 40 + 8 * ((index >> shift) & 63);
		if (shift == 0) {
			img_w64(img, slot, entry);
			return;
		}
		child = img_r64(img, slot);
		if (!child) {
			child = xa_node_new(img, shift - 6) | 2;
			img_w64(img, slot, child);
		}
		node = child - 2;
	}
}

uint64_t img_vb(struct img *img, uint64_t va, unsigned long free,
		unsigned long dirty, const unsigned long *used_pages,
		int nr_used)
{
	uint64_t vb = img_alloc(img, img->era == ERA_61 ? 96 : 232);
	unsigned char map[IMG_BITS / 8] = { 0 };
	int i;

	img_w64(img, vb + 8, va);
	img_w64(img, vb + 16, free);
	img_w64(img, vb + 24, dirty);
	unsigned long hw = IMG_BITS - free, p, dmin = IMG_BITS, dmax = 0;
	long dirty_off = img->era == ERA_61 ? 32 : 160;

	for (i = 0; i < nr_used; i++)
		map[used_pages[i] / 8] |= 1u << (used_pages[i] % 8);
	if (img->era != ERA_61)
		img_write(img, vb + 32, map, sizeof(map));
	/* the range vb_free() widened: every page handed out and not used */
	for (p = 0; p < hw; p++) {
		if (map[p / 8] & (1u << (p % 8)))
			continue;
		dmin = p < dmin ? p : dmin;
		dmax = p + 1 > dmax ? p + 1 : dmax;
	}
	img_w64(img, vb + dirty_off, dmin);
	img_w64(img, vb + dirty_off + 8, dmax);
	return vb;
}

uint64_t img_busy_head(struct img *img, int node)
{
	uint64_t addr;

	if (img->era != ERA_69) {
		img_symbol(img, "vmap_area_list", &addr);
		return addr;
	}
	img_symbol(img, "vmap_nodes", &addr);
	return img_r64(img, addr) + 6272 * node + 6152 + 8;
}

uint64_t img_lazy_head(struct img *img, int node)
{
	uint64_t addr;

	if (img->era != ERA_69) {
		img_symbol(img, "purge_vmap_area_list", &addr);
		return addr;
	}
	img_symbol(img, "vmap_nodes", &addr);
	return img_r64(img, addr) + 6272 * node + 6184 + 8;
}

uint64_t img_vb_idx(uint64_t addr)
{
	return (addr - (IMG_VMALLOC & ~(IMG_BLOCK - 1))) / IMG_BLOCK;
}

uint64_t img_vb_xa(struct img *img, uint64_t addr)
{
	uint64_t mask, sym;
	unsigned int cpu;

	if (img->era < ERA_64) {
		img_symbol(img, "vmap_blocks", &sym);
		return sym;
	}
	/* addr_to_vb_xa() after a34acf30b19b */
	img_symbol(img, "__cpu_possible_mask", &sym);
	mask = img_r64(img, sym);
	cpu = (addr / IMG_BLOCK) % img->nr_cpus;
	while (!(mask & (1ULL << cpu)))
		cpu++;
	return PCPU_SYM + img->cpu_off[cpu] + 24;
}

/* a balanced binary search tree over VAS[lo, hi); colours do not matter */
static uint64_t tree_build(struct img *img, const uint64_t *vas, long lo,
			   long hi)
{
	long mid = (lo + hi) / 2;
	uint64_t node;

	if (lo >= hi)
		return 0;
	node = vas[mid] + 16;
	img_w64(img, node + 16, tree_build(img, vas, lo, mid));
	img_w64(img, node + 8, tree_build(img, vas, mid + 1, hi));
	return node;
}

static void tree_for_list(struct img *img, uint64_t head, uint64_t root)
{
	uint64_t *vas = NULL, link;
	long n = 0, max = 0;

	for (link = img_r64(img, head); link != head && n < (1L << 20);
	     link = img_r64(img, link)) {
		if (n == max) {
			max = max ? 2 * max : 512;
			vas = realloc(vas, max * sizeof(*vas));
			if (!vas)
				abort();
		}
		vas[n++] = link - 40;
	}
	img_w64(img, root, tree_build(img, vas, 0, n));
	free(vas);
}

void img_build_trees(struct img *img)
{
	uint64_t root;
	int node;

	if (img->era != ERA_69) {
		img_symbol(img, "vmap_area_root", &root);
		tree_for_list(img, img_busy_head(img, 0), root);
		img_symbol(img, "purge_vmap_area_root", &root);
		tree_for_list(img, img_lazy_head(img, 0), root);
		return;
	}
	for (node = 0; node < IMG_NODES; node++) {
		tree_for_list(img, img_busy_head(img, node),
			      img_busy_head(img, node) - 8);
		tree_for_list(img, img_lazy_head(img, node),
			      img_lazy_head(img, node) - 8);
	}
}

#define PT_P	0x1ULL
#define PT_RW	0x2ULL
#define PT_PSE	0x80ULL
#define PT_NX	(1ULL << 63)

uint64_t img_pt_table(struct img *img, uint64_t *next)
{
	unsigned char zero[IMG_PAGE];
	uint64_t pa = *next;

	memset(zero, 0, sizeof(zero));
	img_write(img, pa, zero, sizeof(zero));
	*next += IMG_PAGE;
	return pa;
}

void img_pt_map(struct img *img, uint64_t *next, uint64_t pgd, int levels,
		uint64_t va, uint64_t pa, int leaf)
{
	uint64_t table = pgd;
	int level;

	for (level = levels; level > leaf; level--) {
		uint64_t slot = table + ((va >> (12 + 9 * (level - 1))) & 511)
				* 8, entry = img_r64(img, slot);

		if (!(entry & PT_P)) {
			entry = img_pt_table(img, next) | PT_P | PT_RW;
			img_w64(img, slot, entry);
		}
		table = entry & 0x000ffffffffff000ULL;
	}
	img_w64(img, table + ((va >> (12 + 9 * (leaf - 1))) & 511) * 8,
		pa | PT_P | PT_RW | PT_NX | (leaf > 1 ? PT_PSE : 0));
}
