/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vx: the kernel-structure core of vmap_ext.
 *
 * The core knows mm/vmalloc.c (vmap_area, vm_struct, vmap_node,
 * vmap_block, the vmap_blocks xarrays) but nothing about crash.  It reads
 * the target only through struct vx_ops, so the same code runs inside
 * crash (vmap_ext.c) and over synthetic memory images (tests/unit).
 */
#ifndef VX_H
#define VX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum vx_status {
	VX_OK = 0,
	VX_ERR_FAULT,		/* target memory unreadable */
	VX_ERR_UNSUPPORTED,	/* a required symbol or member is missing */
	VX_ERR_CORRUPT,		/* target data inconsistent */
	VX_ERR_RANGE,		/* address outside vmap space / no such area */
	VX_ERR_INVAL,		/* bad argument */
	VX_ERR_INTR,		/* interrupted by the user */
	VX_STOP,		/* a callback asked the walk to stop */
};

/* How the core reaches the target.  Every hook returns 0 on success. */
/* One read of a batch (vx_ops.read_phys_batch_mt). */
struct vx_phys_read {
	uint64_t paddr;
	void *buf;
	size_t len;
	int ret;		/* out: 0, or -1 as read_phys_mt's */
};

#define VX_PHYS_BATCH	16

struct vx_ops {
	/* Read kernel virtual memory; must never abort the caller. */
	int (*read)(void *priv, uint64_t kvaddr, void *buf, size_t len);
	/* Address of a kernel symbol (per-CPU symbols: their offset). */
	int (*symbol)(void *priv, const char *name, uint64_t *addr);
	/* Offset and size of TYPE.MEMBER (size of the whole type if
	 * MEMBER is NULL, offset 0 then). */
	int (*member)(void *priv, const char *type, const char *member,
		      long *offset, long *size);
	/* Page-table translation: 0 mapped, 1 not mapped, <0 unknown. */
	int (*translate)(void *priv, uint64_t kvaddr, uint64_t *paddr);
	/* "func+0xoff" for a text address; empty string if unknown.
	 * Returns its length. */
	size_t (*symbolize)(void *priv, uint64_t addr, char *buf, size_t len);
	/* Optional: VMALLOC_START / VMALLOC_END as the host knows them. */
	int (*vmalloc_range)(void *priv, uint64_t *start, uint64_t *end);
	/* Optional: value of an enumerator (NR_VMALLOC &c.). */
	int (*enumerator)(void *priv, const char *name, long *val);
	/* Optional: read physical memory (own page-table walk). */
	int (*read_phys)(void *priv, uint64_t paddr, void *buf, size_t len);
	/* Optional: read_phys that is safe on another thread while the
	 * command runs (touches no host state): lets a helper thread
	 * read a walk's pages ahead of it (vx_prefetch.c). */
	int (*read_phys_mt)(void *priv, uint64_t paddr, void *buf, size_t len);
	/* Optional: N (<= VX_PHYS_BATCH) read_phys_mt reads at once, each
	 * one's result in its ret; a host where a system call is dear
	 * makes them in one. */
	void (*read_phys_batch_mt)(void *priv, struct vx_phys_read *rd,
				   unsigned int n);
	/* Optional: one-line diagnostics (corruption found during a walk). */
	void (*warn)(void *priv, const char *msg);
	/* Optional: non-zero once the user pressed Ctrl-C. */
	int (*interrupted)(void *priv);
};

struct vx_field {
	long off;		/* < 0: member absent */
	long size;
};

/* Type layouts taken from the dump's type information, never tabled. */
struct vx_layout {
	long va_sz;
	struct vx_field va_start, va_end, va_list, va_vm, va_flags,
		va_purge_list;
	long vm_sz;
	struct vx_field vm_addr, vm_size, vm_flags, vm_pages, vm_nr_pages,
		vm_phys_addr, vm_caller, vm_page_order;
	long vn_sz;
	struct vx_field vn_busy, vn_lazy, rbl_head;
	long vb_sz;
	struct vx_field vb_va, vb_free, vb_dirty, vb_used_map, vb_dirty_min,
		vb_dirty_max, vb_cpu;
	struct vx_field vbq_vmap_blocks;
	struct vx_field xa_head, xn_shift, xn_slots;
	struct vx_field lh_next;
	struct vx_field va_rb_node, rb_left, rb_right, root_node, rbl_root;
};

enum vx_era {
	VX_ERA_LIST,		/* <= 6.8: vmap_area_list + purge list */
	VX_ERA_NODES,		/* >= 6.9: vmap_nodes[] busy/lazy */
};

enum vx_kind {
	VX_K_VMALLOC,
	VX_K_VMALLOC_USER,
	VX_K_VMAP,
	VX_K_IOREMAP,
	VX_K_DMA_COHERENT,
	VX_K_SPARSE,
	VX_K_UNINIT,
	VX_K_VM_OTHER,		/* vm_struct with no type bit we know */
	VX_K_VM_MAP_RAM,
	VX_K_VMAP_BLOCK,
	VX_K_TRANSIENT,		/* vm == NULL, no VMAP_RAM: being set up */
	VX_K_LAZY,
	VX_K_NR,
};

enum vx_state { VX_BUSY, VX_LAZY };

struct vx_area {
	uint64_t va;		/* struct vmap_area address */
	uint64_t start, end;
	uint64_t vm;		/* struct vm_struct address or 0 */
	uint64_t va_flags;
	int node;		/* vmap node, -1 before 6.9 */
	enum vx_state state;
	enum vx_kind kind;
	bool vm_valid;		/* vm_* below were read and checked */
	uint64_t vm_addr, vm_size, vm_flags, vm_pages, vm_phys_addr,
		vm_caller, vm_nr_pages;
	unsigned int vm_page_order;
	uint64_t vb;		/* struct vmap_block for VX_K_VMAP_BLOCK */
};

/* One region of a vmap_block: a run of pages in one state. */
enum vx_vb_state { VX_VB_USED, VX_VB_DIRTY, VX_VB_FREE };

struct vx_vb_region {
	uint64_t start, end;
	unsigned long first_page, pages;
	enum vx_vb_state state;
};

struct vx_block {
	uint64_t vb, va, start;
	unsigned long bits;	/* VMAP_BBMAP_BITS */
	unsigned long free, dirty, dirty_min, dirty_max;
	long cpu;		/* vb->cpu, -1 where absent */
	bool derived;		/* no used_map: inferred from page tables */
	bool ambiguous;		/* derived, and more than one reading fits */
	unsigned long used;	/* pages in use */
	unsigned char *map;	/* one byte per page: enum vx_vb_state */
};

#define VX_MAX_NODES	1024
#define VX_MAX_CPUS	8192
#define VX_ERRLEN	256

struct vx_prefetch;

struct vx_ctx {
	const struct vx_ops *ops;
	void *priv;
	struct vx_layout l;
	enum vx_era era;
	bool has_va_flags;	/* 6.3+ semantics of vmap_area.flags */
	bool percpu_xa;		/* 6.4+: vmap_block_queue.vmap_blocks */
	uint64_t vmalloc_start, vmalloc_end;
	uint64_t page_size;
	/* list era */
	uint64_t busy_head, lazy_head;
	uint64_t busy_root, lazy_root;	/* vmap_area_root &c., 0 if absent */
	/* node era */
	uint64_t nodes;
	unsigned int nr_nodes;
	uint64_t zone_size;
	/* blocks */
	uint64_t vmap_blocks;	/* global xarray (<= 6.3) */
	uint64_t vbq;		/* per-CPU vmap_block_queue offset */
	unsigned long vb_bits;	/* VMAP_BBMAP_BITS, 0 until known */
	unsigned int nr_cpu_ids;
	unsigned long *possible;	/* cpu_possible_mask bits */
	uint64_t *cpu_off;		/* __per_cpu_offset[] */
	/* own page-table walk */
	bool pt_ready;		/* translations use it (vx_pt_init) */
	bool own_pt;		/* the host cannot translate vmalloc space */
	bool phys_first;	/* host physical reads are cheap: prefer them */
	int pt_levels;
	uint64_t pgd_phys;
	/* the direct map, once the walk confirmed it (0 size: not used) */
	uint64_t dm_start, dm_size;
	/* the kernel image [_text, _end): the one range above
	 * __START_KERNEL_map that crash --minimal translates right */
	uint64_t kimage_start, kimage_end;
	/* the last upper-level entry found not present: every address
	 * under it is a hole (vaddr >> hole_shift == hole_key; shift 0:
	 * none) */
	uint64_t hole_key;
	int hole_shift;
	uint64_t pte_key;	/* vaddr >> 21 of the cached PTE table */
	bool pte_valid;
	uint64_t pte[512];	/* that table, read whole */
	/* small reads are served from whole pages (vx_cache_flush) */
	struct vx_page_cache *cache;
	/* read-ahead: the helper feeding this walk, or the one this
	 * context is the helper's copy for (vx_prefetch.c) */
	struct vx_prefetch *pf_in, *pf_out;
	/* the last helper's memory (ring, cache), kept for the next one:
	 * fresh pages cost a fault each, ~3 MiB of them a listing */
	struct vx_prefetch *pf_spare;
	uint64_t walk_pos;	/* start of the area the walk is at */
	unsigned long ra_pages;	/* pages a helper read for this context */
	bool long_walks;	/* a whole walk handed out many areas */
	/* limits derived from the dump */
	unsigned long max_areas;
	/* diagnostics */
	unsigned long nr_warnings;
	/* vmap check: say each finding once (set while it runs) */
	uint32_t *warn_seen;		/* hash set of warnings said */
	unsigned int warn_seen_size;	/* power of two */
	int quiet;			/* > 0: warnings are dropped */
	/* output held back (a listing's batch of rows): written out
	 * before a warning, which belongs after the rows before it */
	void (*flush_out)(void *arg);
	void *flush_arg;
	char err[VX_ERRLEN];
};

/* Lifecycle: probe symbols and layouts; vx_ctx_deinit frees. */
int vx_ctx_init(struct vx_ctx *ctx, const struct vx_ops *ops, void *priv);
void vx_ctx_deinit(struct vx_ctx *ctx);

/*
 * Translate kernel virtual addresses ourselves from init_top_pgt instead
 * of asking the host: vx_pt_init for translations only (one read per
 * 2 MiB of sequential pages), vx_pt_enable also for reads the host
 * cannot do (crash --minimal has no vmalloc translation).  Both need
 * ops->read_phys.
 */
int vx_pt_init(struct vx_ctx *ctx);
int vx_pt_enable(struct vx_ctx *ctx);
/*
 * The host's physical reads cost less than its virtual ones (it reads
 * the dump file directly): translate every read here, read it as
 * physical, and ask the host's virtual read only for what that leaves.
 */
int vx_pt_phys_first(struct vx_ctx *ctx);
/* 0 mapped (*paddr set), 1 not mapped, <0 page tables unreadable. */
int vx_pt_translate(struct vx_ctx *ctx, uint64_t vaddr, uint64_t *paddr);

/*
 * Whole walks (vx_for_each_area) have a helper thread read their pages
 * ahead when the host reads physical memory from any thread
 * (ops->read_phys_mt) and the process may use two CPUs.  Why not, or
 * NULL if so.  VMAP_EXT_READAHEAD=0 in the environment: never.
 */
const char *vx_prefetch_off(const struct vx_ctx *ctx);
/* areas a walk hands out before it is long enough for one */
#define VX_READ_AHEAD_AFTER	256

/* Forget cached pages: call at the start of every command. */
void vx_cache_flush(struct vx_ctx *ctx);

/* Walk flags */
#define VX_WALK_BUSY	0x1
#define VX_WALK_LAZY	0x2
#define VX_WALK_ALL	(VX_WALK_BUSY | VX_WALK_LAZY)
#define VX_WALK_TREE	0x4	/* walk the rb-trees, not the lists */
#define VX_WALK_STRICT	0x8	/* no fall-back from a broken list */

typedef int (*vx_area_fn)(struct vx_ctx *ctx, const struct vx_area *area,
			  void *arg);

/*
 * Call FN for every area, in address order across all lists and nodes.
 * FN returning non-zero stops the walk (VX_STOP is then returned as
 * VX_OK).  Corruption found on the way is reported through ops->warn and
 * the walk goes on with what is still reachable.
 */
int vx_for_each_area(struct vx_ctx *ctx, unsigned int flags, vx_area_fn fn,
		     void *arg);
/*
 * The same from the area holding FROM (or the first above it) on: each
 * list starts in its rb-tree, in O(log n), where it has one.
 */
int vx_for_each_area_from(struct vx_ctx *ctx, unsigned int flags,
			  uint64_t from, vx_area_fn fn, void *arg);

/* The area containing ADDR (busy or lazy).  VX_ERR_RANGE if none. */
int vx_find_area(struct vx_ctx *ctx, uint64_t addr, struct vx_area *ret);

/* Decode the vmap_block behind AREA; vx_block_release frees ret->map. */
int vx_block_get(struct vx_ctx *ctx, const struct vx_area *area,
		 struct vx_block *ret);
void vx_block_release(struct vx_block *blk);
/* Call FN for each maximal run of pages in one state. */
int vx_block_for_each_region(const struct vx_block *blk,
			     int (*fn)(const struct vx_vb_region *, void *),
			     void *arg);

/* Sink for vx_read(): data is delivered in address order, holes too. */
struct vx_read_sink {
	int (*data)(void *arg, uint64_t addr, const void *buf, size_t len);
	int (*hole)(void *arg, uint64_t addr, uint64_t len,
		    const char *reason);
	void *arg;
};

/* Read [addr, addr+len) of vmap space as the kernel means it. */
int vx_read(struct vx_ctx *ctx, uint64_t addr, uint64_t len,
	    const struct vx_read_sink *sink);

/* Output (vx_print.c): crash-style tables on any FILE *. */
struct vx_list_opts {
	unsigned int kinds;	/* bit (1 << enum vx_kind); 0: all kinds */
	int node;		/* -1: every node */
	bool regions;		/* show the vb regions of each vmap_block */
	bool have_addr;		/* only the area containing addr */
	uint64_t addr;
	const char *caller;	/* only areas with this caller symbol */
};

/* OPTS fit this kernel (a -n node it has): VX_OK, or an error */
int vx_check_list_opts(struct vx_ctx *ctx, const struct vx_list_opts *opts);
int vx_print_list(struct vx_ctx *ctx, FILE *fp,
		  const struct vx_list_opts *opts);
int vx_print_summary(struct vx_ctx *ctx, FILE *fp,
		     const struct vx_list_opts *opts);

/* Per caller and type: areas, pages, bytes; totals vs the kernel. */
int vx_print_callers(struct vx_ctx *ctx, FILE *fp,
		     const struct vx_list_opts *opts);
/* A picture of vmalloc space per vmap node, gaps and the largest. */
int vx_print_fragmentation(struct vx_ctx *ctx, FILE *fp,
			   const struct vx_list_opts *opts);
/*
 * Every vmap mapping of the physical pages at ADDRS; ADDRS is rewritten
 * (to sorted pfns).
 */
int vx_page_lookup(struct vx_ctx *ctx, FILE *fp, uint64_t *addrs, size_t nr);
/* Pages of vmap space one vx_page_lookup() translates at most (8 GiB). */
#define VX_PAGE_SCAN_MAX	(1UL << 21)
struct vx_task {
	uint64_t task;
	long pid;
	char comm[17];
};

/* The task whose kernel stack starts at STACK (CONFIG_VMAP_STACK). */
int vx_stack_owner(struct vx_ctx *ctx, uint64_t stack, struct vx_task *ret);

struct vx_module {
	uint64_t module;	/* struct module */
	char name[64];
	const char *part;	/* "text", "data", "init text", ... */
	uint64_t base, size;	/* of that part */
};

/* The loaded module whose memory holds ADDR, from the kernel's list. */
int vx_module_owner(struct vx_ctx *ctx, uint64_t addr, struct vx_module *ret);
int vx_vmalloc_counter(struct vx_ctx *ctx, uint64_t *pages, int64_t *deltas,
		       const char **name);

struct vx_dump_opts {
	int width;		/* bytes per unit: 1, 2, 4 or 8 */
	bool ascii;		/* ASCII column, as rd */
	FILE *raw;		/* non-NULL: write raw bytes here instead */
};

int vx_print_read(struct vx_ctx *ctx, FILE *fp, uint64_t addr, uint64_t len,
		  const struct vx_dump_opts *opts);

/*
 * Audit the bookkeeping: every inconsistency goes through ops->warn, one
 * line each; a summary line ends up on FP.
 */
int vx_check(struct vx_ctx *ctx, FILE *fp, unsigned long *problems);

const char *vx_kind_name(enum vx_kind kind);
int vx_kind_parse(const char *name, enum vx_kind *ret);
const char *vx_vb_state_name(enum vx_vb_state state);

/* Record an error message in ctx->err and return STATUS. */
int vx_err(struct vx_ctx *ctx, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Report a corruption through ops->warn (never stops the caller). */
void vx_warn(struct vx_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VX_H */
