// SPDX-License-Identifier: GPL-2.0
/*
 * Context set-up: find the symbols and type layouts of this kernel and
 * decide, by presence of symbols and members only, which era it is.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"

int vx_err(struct vx_ctx *ctx, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return status;
}

/*
 * The same damage meets several walks of vmap check (the area walk, then
 * the list and the tree it compares): a message already said is said
 * once.  When the set fills up, later messages are all said.  True if
 * MSG was in the set (it is now), false if not or if no set is kept.
 */
bool vx_seen(struct vx_ctx *ctx, const char *msg)
{
	uint32_t hash = 2166136261u, mask = ctx->warn_seen_size - 1;
	unsigned int i, probe;

	if (!ctx->warn_seen)
		return false;
	for (; *msg; msg++)
		hash = (hash ^ (unsigned char)*msg) * 16777619u;
	hash |= 1;			/* 0 marks a free slot */
	for (probe = 0, i = hash & mask; probe < 16; probe++,
	     i = (i + 1) & mask) {
		if (ctx->warn_seen[i] == hash)
			return true;
		if (!ctx->warn_seen[i]) {
			ctx->warn_seen[i] = hash;
			return false;
		}
	}
	return false;
}

void vx_warn(struct vx_ctx *ctx, const char *fmt, ...)
{
	char msg[VX_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->quiet || vx_seen(ctx, msg))
		return;
	ctx->nr_warnings++;
	if (ctx->flush_out)
		ctx->flush_out(ctx->flush_arg);
	if (ctx->ops->warn)
		ctx->ops->warn(ctx->priv, msg);
}

int vx_read_mem(struct vx_ctx *ctx, uint64_t addr, void *buf, size_t len)
{
	if (vx_kread(ctx, addr, buf, len))
		return vx_err(ctx, VX_ERR_FAULT, "read fault at %llx",
			      (unsigned long long)addr);
	return VX_OK;
}

int vx_read_ulong(struct vx_ctx *ctx, uint64_t addr, uint64_t *val)
{
	return vx_read_mem(ctx, addr, val, sizeof(*val));
}

int vx_read_uint(struct vx_ctx *ctx, uint64_t addr, uint32_t *val)
{
	return vx_read_mem(ctx, addr, val, sizeof(*val));
}

bool vx_interrupted(struct vx_ctx *ctx)
{
	return ctx->ops->interrupted && ctx->ops->interrupted(ctx->priv);
}

bool vx_cpu_possible(const struct vx_ctx *ctx, unsigned int cpu)
{
	if (cpu >= ctx->nr_cpu_ids)
		return false;
	return ctx->possible[cpu / 64] & (1UL << (cpu % 64));
}

static bool sym(struct vx_ctx *ctx, const char *name, uint64_t *addr)
{
	return ctx->ops->symbol(ctx->priv, name, addr) == 0;
}

static struct vx_field member(struct vx_ctx *ctx, const char *type,
			      const char *name)
{
	struct vx_field f = { -1, 0 };

	if (ctx->ops->member(ctx->priv, type, name, &f.off, &f.size))
		f.off = -1;
	return f;
}

static long type_size(struct vx_ctx *ctx, const char *type)
{
	struct vx_field f = member(ctx, type, NULL);

	return f.off < 0 ? -1 : f.size;
}

/* Members without which no era can be walked. */
static int require(struct vx_ctx *ctx, struct vx_field f, const char *what)
{
	if (!vx_has(f) || f.size <= 0)
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no %s in type info",
			      what);
	return VX_OK;
}

/* Every present field of FIELDS lies within TYPE's SIZE. */
static int fits(struct vx_ctx *ctx, const char *type, long size,
		const struct vx_field *fields, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		struct vx_field f = fields[i];

		if (!vx_has(f) ||
		    (f.size >= 0 && f.off <= size && f.size <= size - f.off))
			continue;
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "implausible layout: "
			      "a %s member at %ld, %ld bytes, beyond its size "
			      "%ld", type, f.off, f.size, size);
	}
	return VX_OK;
}

static int layout_init(struct vx_ctx *ctx)
{
	struct vx_layout *l = &ctx->l;
	int ret;

	l->va_sz = type_size(ctx, "vmap_area");
	l->va_start = member(ctx, "vmap_area", "va_start");
	l->va_end = member(ctx, "vmap_area", "va_end");
	l->va_list = member(ctx, "vmap_area", "list");
	l->va_vm = member(ctx, "vmap_area", "vm");
	l->va_flags = member(ctx, "vmap_area", "flags");
	l->va_purge_list = member(ctx, "vmap_area", "purge_list");

	l->vm_sz = type_size(ctx, "vm_struct");
	l->vm_addr = member(ctx, "vm_struct", "addr");
	l->vm_size = member(ctx, "vm_struct", "size");
	l->vm_flags = member(ctx, "vm_struct", "flags");
	l->vm_pages = member(ctx, "vm_struct", "pages");
	l->vm_nr_pages = member(ctx, "vm_struct", "nr_pages");
	l->vm_phys_addr = member(ctx, "vm_struct", "phys_addr");
	l->vm_caller = member(ctx, "vm_struct", "caller");
	l->vm_page_order = member(ctx, "vm_struct", "page_order");

	l->vn_sz = type_size(ctx, "vmap_node");
	l->vn_busy = member(ctx, "vmap_node", "busy");
	l->vn_lazy = member(ctx, "vmap_node", "lazy");
	l->rbl_head = member(ctx, "rb_list", "head");

	l->vb_sz = type_size(ctx, "vmap_block");
	l->vb_va = member(ctx, "vmap_block", "va");
	l->vb_free = member(ctx, "vmap_block", "free");
	l->vb_dirty = member(ctx, "vmap_block", "dirty");
	l->vb_used_map = member(ctx, "vmap_block", "used_map");
	l->vb_dirty_min = member(ctx, "vmap_block", "dirty_min");
	l->vb_dirty_max = member(ctx, "vmap_block", "dirty_max");
	l->vb_cpu = member(ctx, "vmap_block", "cpu");
	l->vbq_vmap_blocks = member(ctx, "vmap_block_queue", "vmap_blocks");

	l->xa_head = member(ctx, "xarray", "xa_head");
	l->xn_shift = member(ctx, "xa_node", "shift");
	l->xn_slots = member(ctx, "xa_node", "slots");
	l->lh_next = member(ctx, "list_head", "next");
	l->va_rb_node = member(ctx, "vmap_area", "rb_node");
	l->rb_left = member(ctx, "rb_node", "rb_left");
	l->rb_right = member(ctx, "rb_node", "rb_right");
	l->root_node = member(ctx, "rb_root", "rb_node");
	l->rbl_root = member(ctx, "rb_list", "root");

	if ((ret = require(ctx, l->va_start, "vmap_area.va_start")) ||
	    (ret = require(ctx, l->va_end, "vmap_area.va_end")) ||
	    (ret = require(ctx, l->va_list, "vmap_area.list")) ||
	    (ret = require(ctx, l->va_vm, "vmap_area.vm")) ||
	    (ret = require(ctx, l->vm_addr, "vm_struct.addr")) ||
	    (ret = require(ctx, l->vm_size, "vm_struct.size")) ||
	    (ret = require(ctx, l->vm_flags, "vm_struct.flags")) ||
	    (ret = require(ctx, l->lh_next, "list_head.next")))
		return ret;
	if (l->va_sz <= 0 || l->va_sz > VX_SCRATCH ||
	    l->vm_sz <= 0 || l->vm_sz > VX_SCRATCH)
		return vx_err(ctx, VX_ERR_UNSUPPORTED,
			      "implausible sizes: vmap_area %ld, vm_struct %ld",
			      l->va_sz, l->vm_sz);
	/* fields are read in place from the page that holds the object */
	const struct vx_field va_fields[] = {
		l->va_start, l->va_end, l->va_vm, l->va_flags, l->va_rb_node,
		{ l->va_list.off + l->lh_next.off, 8 },
	};
	const struct vx_field vm_fields[] = {
		l->vm_addr, l->vm_size, l->vm_flags, l->vm_pages,
		l->vm_nr_pages, l->vm_phys_addr, l->vm_caller,
		l->vm_page_order,
	};
	if ((ret = fits(ctx, "vmap_area", l->va_sz, va_fields,
			sizeof(va_fields) / sizeof(va_fields[0]))) ||
	    (ret = fits(ctx, "vm_struct", l->vm_sz, vm_fields,
			sizeof(vm_fields) / sizeof(vm_fields[0]))))
		return ret;
	/*
	 * 6.3 brought vmap_area.flags back with new meaning (VMAP_RAM,
	 * VMAP_BLOCK); before 5.4 a member of that name meant VM_VM_AREA &c.
	 * crash's 342cf34 tells them apart by purge_list, and so do we.
	 */
	ctx->has_va_flags = vx_has(l->va_flags) && !vx_has(l->va_purge_list);
	return VX_OK;
}

static int cpus_init(struct vx_ctx *ctx)
{
	uint64_t addr;
	uint32_t nr = 1;
	size_t words;
	unsigned int cpu;

	if (sym(ctx, "nr_cpu_ids", &addr) && vx_read_uint(ctx, addr, &nr))
		return VX_ERR_FAULT;
	if (nr == 0 || nr > VX_MAX_CPUS)
		return vx_err(ctx, VX_ERR_CORRUPT, "nr_cpu_ids %u out of range",
			      nr);
	ctx->nr_cpu_ids = nr;
	words = (nr + 63) / 64;
	ctx->possible = calloc(words, sizeof(*ctx->possible));
	ctx->cpu_off = calloc(nr, sizeof(*ctx->cpu_off));
	if (!ctx->possible || !ctx->cpu_off)
		return vx_err(ctx, VX_ERR_FAULT, "out of memory");

	if (sym(ctx, "__cpu_possible_mask", &addr)) {
		if (vx_read_mem(ctx, addr, ctx->possible, words * 8))
			return VX_ERR_FAULT;
		if (nr % 64)
			ctx->possible[words - 1] &= (1UL << (nr % 64)) - 1;
	} else {
		for (cpu = 0; cpu < nr; cpu++)
			ctx->possible[cpu / 64] |= 1UL << (cpu % 64);
	}
	/* !SMP kernels have no __per_cpu_offset: every offset is 0 */
	if (sym(ctx, "__per_cpu_offset", &addr) &&
	    vx_read_mem(ctx, addr, ctx->cpu_off, nr * sizeof(uint64_t)))
		return VX_ERR_FAULT;
	return VX_OK;
}

static void vmalloc_range_init(struct vx_ctx *ctx)
{
	uint64_t addr, base;
	uint32_t l5 = 0;

	ctx->vmalloc_start = VX_X86_VMALLOC_START;
	ctx->vmalloc_end = VX_X86_VMALLOC_END;
	if (sym(ctx, "__pgtable_l5_enabled", &addr) &&
	    vx_read_uint(ctx, addr, &l5) == 0 && l5) {
		ctx->vmalloc_start = VX_X86_VMALLOC_START_L5;
		ctx->vmalloc_end = VX_X86_VMALLOC_END_L5;
	}
	if (ctx->ops->vmalloc_range &&
	    ctx->ops->vmalloc_range(ctx->priv, &ctx->vmalloc_start,
				    &ctx->vmalloc_end) == 0)
		return;
	/* KASLR / 5-level kernels keep the base in a variable */
	if (sym(ctx, "vmalloc_base", &addr) &&
	    vx_read_ulong(ctx, addr, &base) == 0 && base) {
		ctx->vmalloc_end += base - ctx->vmalloc_start;
		ctx->vmalloc_start = base;
	}
}

static int nodes_init(struct vx_ctx *ctx)
{
	struct vx_layout *l = &ctx->l;
	uint64_t addr;
	uint32_t val;
	int ret;

	if ((ret = require(ctx, l->vn_busy, "vmap_node.busy")) ||
	    (ret = require(ctx, l->vn_lazy, "vmap_node.lazy")) ||
	    (ret = require(ctx, l->rbl_head, "rb_list.head")))
		return ret;
	if (l->vn_sz <= 0)
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no size of vmap_node");
	ctx->era = VX_ERA_NODES;
	/* !SMP builds may fold vmap_nodes to &single (drgn 5b8c4670) */
	if (sym(ctx, "vmap_nodes", &addr)) {
		if (vx_read_ulong(ctx, addr, &ctx->nodes))
			return VX_ERR_FAULT;
	} else if (!sym(ctx, "single", &ctx->nodes)) {
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no vmap_nodes symbol");
	}
	ctx->nr_nodes = 1;
	if (sym(ctx, "nr_vmap_nodes", &addr)) {
		if (vx_read_uint(ctx, addr, &val))
			return VX_ERR_FAULT;
		/*
		 * vmap_init_nodes() sets clamp(num_possible_cpus(), 1, 128);
		 * anything else is corruption: use what the kernel would.
		 */
		if (val == 0 || val > VX_NODES_MAX) {
			unsigned int cpu, possible = 0;

			for (cpu = 0; cpu < ctx->nr_cpu_ids; cpu++)
				possible += vx_cpu_possible(ctx, cpu);
			possible = possible > VX_NODES_MAX ? VX_NODES_MAX :
				   possible ? possible : 1;
			vx_warn(ctx, "nr_vmap_nodes %u out of range 1..%u "
				"(at %llx): walking %u nodes, as for %u "
				"possible CPUs", val, VX_NODES_MAX,
				(unsigned long long)addr, possible, possible);
			val = possible;
		}
		ctx->nr_nodes = val;
	}
	ctx->zone_size = 1;
	if (sym(ctx, "vmap_zone_size", &addr) &&
	    vx_read_uint(ctx, addr, &val) == 0 && val)
		ctx->zone_size = val;
	if (!ctx->nodes)
		return vx_err(ctx, VX_ERR_CORRUPT, "vmap_nodes is NULL");
	return VX_OK;
}

static int list_init(struct vx_ctx *ctx)
{
	if (!sym(ctx, "vmap_area_list", &ctx->busy_head))
		return vx_err(ctx, VX_ERR_UNSUPPORTED,
			      "neither vmap_nodes nor vmap_area_list found");
	ctx->era = VX_ERA_LIST;
	/* 5.11 - 6.8: lazily freed areas wait on purge_vmap_area_list */
	if (!sym(ctx, "purge_vmap_area_list", &ctx->lazy_head))
		ctx->lazy_head = 0;
	/* the rb-trees beside the lists (static: need KALLSYMS_ALL) */
	if (!sym(ctx, "vmap_area_root", &ctx->busy_root))
		ctx->busy_root = 0;
	if (!sym(ctx, "purge_vmap_area_root", &ctx->lazy_root))
		ctx->lazy_root = 0;
	return VX_OK;
}

static void blocks_init(struct vx_ctx *ctx)
{
	struct vx_layout *l = &ctx->l;

	/* 062eacf57ad9 (6.4) moved vmap_blocks into vmap_block_queue */
	ctx->percpu_xa = vx_has(l->vbq_vmap_blocks) &&
			 sym(ctx, "vmap_block_queue", &ctx->vbq);
	if (!ctx->percpu_xa && !sym(ctx, "vmap_blocks", &ctx->vmap_blocks))
		ctx->vmap_blocks = 0;
	/* used_map is DECLARE_BITMAP(, VMAP_BBMAP_BITS): exact, 6.3+ */
	if (vx_has(l->vb_used_map))
		ctx->vb_bits = l->vb_used_map.size * 8;
}

int vx_ctx_init(struct vx_ctx *ctx, const struct vx_ops *ops, void *priv)
{
	uint64_t addr;
	int ret;

	memset(ctx, 0, sizeof(*ctx));
	ctx->ops = ops;
	ctx->priv = priv;
	ctx->page_size = 4096;

	if ((ret = layout_init(ctx)))
		return ret;
	if ((ret = cpus_init(ctx)))
		return ret;
	vmalloc_range_init(ctx);
	if (sym(ctx, "vmap_nodes", &addr) || sym(ctx, "nr_vmap_nodes", &addr))
		ret = nodes_init(ctx);
	else
		ret = list_init(ctx);
	if (ret)
		return ret;
	blocks_init(ctx);
	/* every area is at least one page; module space adds a little */
	ctx->max_areas = (ctx->vmalloc_end - ctx->vmalloc_start) /
			 ctx->page_size + (1UL << 20);
	if (ctx->max_areas > (1UL << 30))
		ctx->max_areas = 1UL << 30;
	return VX_OK;
}

void vx_ctx_deinit(struct vx_ctx *ctx)
{
	vx_prefetch_release(ctx);
	free(ctx->cache);
	ctx->cache = NULL;
	free(ctx->possible);
	free(ctx->cpu_off);
	ctx->possible = NULL;
	ctx->cpu_off = NULL;
}

static const char *const kind_names[VX_K_NR] = {
	[VX_K_VMALLOC] = "vmalloc",
	[VX_K_VMALLOC_USER] = "vmalloc_user",
	[VX_K_VMAP] = "vmap",
	[VX_K_IOREMAP] = "ioremap",
	[VX_K_DMA_COHERENT] = "dma-coherent",
	[VX_K_SPARSE] = "sparse",
	[VX_K_UNINIT] = "uninitialized",
	[VX_K_VM_OTHER] = "vm_struct",
	[VX_K_VM_MAP_RAM] = "vm_map_ram",
	[VX_K_VMAP_BLOCK] = "vmap_block",
	[VX_K_TRANSIENT] = "transient",
	[VX_K_LAZY] = "lazy",
};

const char *vx_kind_name(enum vx_kind kind)
{
	return kind < VX_K_NR ? kind_names[kind] : "?";
}

int vx_kind_parse(const char *name, enum vx_kind *ret)
{
	int kind;

	for (kind = 0; kind < VX_K_NR; kind++) {
		if (strcmp(name, kind_names[kind]) == 0) {
			*ret = kind;
			return VX_OK;
		}
	}
	return VX_ERR_INVAL;
}

const char *vx_vb_state_name(enum vx_vb_state state)
{
	switch (state) {
	case VX_VB_USED:
		return "used";
	case VX_VB_DIRTY:
		return "dirty";
	default:
		return "free";
	}
}
