// SPDX-License-Identifier: GPL-2.0
/*
 * Area walk: every busy and lazy vmap_area, in address order.
 *
 * Each kernel list we walk (vmap_area_list and purge_vmap_area_list up to
 * 6.8; every node's busy.head and lazy.head from 6.9) is kept sorted by
 * va_start by the kernel.  We walk them side by side and merge, so rows
 * stream out without holding every area.  Sortedness is also our cycle
 * detector: a list that revisits an entry must go backwards.
 */
#include <stdlib.h>
#include <string.h>

#include "vx_internal.h"

#define TREE_DEPTH	96	/* rb-trees of 2^47 nodes stay below this */

/*
 * One kernel container of vmap_areas: a sorted list_head list, with the
 * rb-tree the kernel keeps beside it.  The tree is where the walk goes on
 * when the list is broken, and what "vmap check" compares the list with.
 */
struct vx_list {
	uint64_t head;		/* address of the list_head */
	uint64_t root;		/* address of the rb_root, 0 if unknown */
	uint64_t next;		/* list mode: next link to visit */
	bool tree;		/* walking the tree instead of the list */
	bool no_fallback;	/* vmap check: keep list and tree apart */
	unsigned long skipped;	/* invalid entries in a row */
	uint64_t stack[TREE_DEPTH];
	int sp;
	uint64_t prev_start;
	uint64_t skip_below;	/* after a fall-back: the other side gave
				 * every area up to here, */
	uint64_t skip_prev;	/* ... and the last of those skipped */
	bool list_failed, tree_failed;	/* each side falls back once */
	unsigned long count;
	int node;
	enum vx_state state;
	bool done;
	unsigned int idx;	/* in the walk */
	/* the read-ahead helper checks this list's order for the command
	 * (vx_prefetch_checks): up to entry checked_to, as last read */
	bool led;
	unsigned long checked_to, ask_at;
	struct vx_area cur;
};

static const char *list_name(const struct vx_list *lst, char *buf,
			     size_t len)
{
	const char *which = lst->state == VX_BUSY ? "busy" : "lazy";

	if (lst->node >= 0)
		snprintf(buf, len, "vmap_nodes[%d].%s%s", lst->node, which,
			 lst->tree ? " tree" : "");
	else
		snprintf(buf, len, "%s", lst->state == VX_BUSY ?
			 (lst->tree ? "vmap_area_root" : "vmap_area_list") :
			 (lst->tree ? "purge_vmap_area_root" :
				      "purge_vmap_area_list"));
	return buf;
}

static int tree_push_left(struct vx_ctx *ctx, struct vx_list *lst,
			  uint64_t node)
{
	while (node) {
		if (lst->sp == TREE_DEPTH || (node & 7))
			return -1;
		lst->stack[lst->sp++] = node;
		if (vx_read_ulong(ctx, node + ctx->l.rb_left.off, &node))
			return -1;
	}
	return 0;
}

static bool tree_usable(const struct vx_ctx *ctx, const struct vx_list *lst)
{
	const struct vx_layout *l = &ctx->l;

	return lst->root && vx_has(l->va_rb_node) && vx_has(l->rb_left) &&
	       vx_has(l->rb_right) && vx_has(l->root_node);
}

static int tree_start(struct vx_ctx *ctx, struct vx_list *lst)
{
	uint64_t top;

	lst->tree = true;
	lst->sp = 0;
	if (vx_read_ulong(ctx, lst->root + ctx->l.root_node.off, &top))
		return -1;
	return tree_push_left(ctx, lst, top);
}

/* Could [START, END) be a vmap area at all? */
static bool range_ok(const struct vx_ctx *ctx, uint64_t start, uint64_t end)
{
	return start < end &&
	       end - start <= ctx->vmalloc_end - ctx->vmalloc_start;
}

/*
 * Start LST's tree walk at its first area whose va_start (or, with
 * BY_END, va_end: both grow in tree order) is above KEY, in O(depth):
 * the stack then holds the in-order successors to visit.  KEY 0: at the
 * first.  A node with a damaged range cannot steer the descent: -1.
 */
static int tree_seek_by(struct vx_ctx *ctx, struct vx_list *lst,
			bool by_end, uint64_t key)
{
	const struct vx_layout *l = &ctx->l;
	uint64_t node, start, end;
	int depth = 0;

	lst->tree = true;
	lst->sp = 0;
	if (vx_read_ulong(ctx, lst->root + l->root_node.off, &node))
		return -1;
	while (node) {
		if (lst->sp == TREE_DEPTH || ++depth > TREE_DEPTH ||
		    (node & 7) || node <= (uint64_t)l->va_rb_node.off ||
		    vx_read_ulong(ctx, node - l->va_rb_node.off +
				  l->va_start.off, &start) ||
		    vx_read_ulong(ctx, node - l->va_rb_node.off +
				  l->va_end.off, &end) ||
		    !range_ok(ctx, start, end))
			return -1;
		if (key && (by_end ? end : start) <= key) {
			if (vx_read_ulong(ctx, node + l->rb_right.off, &node))
				return -1;
			continue;
		}
		lst->stack[lst->sp++] = node;
		if (vx_read_ulong(ctx, node + l->rb_left.off, &node))
			return -1;
	}
	return 0;
}

/* ... after the area starting at AFTER. */
static int tree_seek(struct vx_ctx *ctx, struct vx_list *lst, uint64_t after)
{
	return tree_seek_by(ctx, lst, false, after);
}

static bool can_fall_back(struct vx_ctx *ctx, const struct vx_list *lst)
{
	return !lst->tree && !lst->no_fallback && !lst->tree_failed &&
	       tree_usable(ctx, lst);
}

/* After a fall-back, skip what the other side gave: up to prev_start. */
static void skip_given(struct vx_list *lst)
{
	lst->skip_below = lst->prev_start;
	lst->skip_prev = 0;
}

/*
 * The tree broke (a link, or its order): go on from the list, after the
 * last area given, unless the list broke before.
 */
static void tree_stop(struct vx_ctx *ctx, struct vx_list *lst,
		      const char *why, uint64_t addr)
{
	char name[48];
	uint64_t first;

	list_name(lst, name, sizeof(name));
	lst->tree_failed = true;
	if (!lst->list_failed && !lst->no_fallback &&
	    vx_read_ulong(ctx, lst->head + ctx->l.lh_next.off, &first) == 0) {
		vx_warn(ctx, "%s: %s at %llx after %lu entries; continuing "
			"from the list", name, why, (unsigned long long)addr,
			lst->count);
		lst->tree = false;
		lst->next = first;
		skip_given(lst);
		return;
	}
	vx_warn(ctx, "%s: %s at %llx; walk of this list stopped after %lu "
		"entries", name, why, (unsigned long long)addr, lst->count);
	lst->done = true;
}

/*
 * vmap check: mark LST's damage as reported (by the area walk); true if
 * it was already.  Outside vmap check nothing is kept: false.
 */
static bool mark_damaged(struct vx_ctx *ctx, const struct vx_list *lst)
{
	char key[48];

	snprintf(key, sizeof(key), "damaged list %llx",
		 (unsigned long long)lst->head);
	return vx_seen(ctx, key);
}

static void list_stop(struct vx_ctx *ctx, struct vx_list *lst,
		      const char *why, uint64_t addr)
{
	char name[48];

	list_name(lst, name, sizeof(name));
	if (!lst->tree) {
		mark_damaged(ctx, lst);
		lst->list_failed = true;
	}
	/*
	 * The rb-tree holds the same areas: go on from there, after the
	 * last area the list gave (it gave all below in order).
	 */
	if (can_fall_back(ctx, lst) &&
	    (tree_seek(ctx, lst, lst->prev_start) == 0 ||
	     tree_start(ctx, lst) == 0)) {
		/* from the first area, if damage stopped the descent */
		skip_given(lst);
		vx_warn(ctx, "%s: %s at %llx after %lu entries; continuing "
			"from the rb-tree", name, why,
			(unsigned long long)addr, lst->count);
		return;
	}
	vx_warn(ctx, "%s: %s at %llx; walk of this list stopped after %lu "
		"entries", name, why, (unsigned long long)addr, lst->count);
	lst->done = true;
}

static int list_start(struct vx_ctx *ctx, struct vx_list *lst)
{
	uint64_t first;

	lst->done = false;
	if (lst->tree)
		return tree_start(ctx, lst) ? VX_ERR_CORRUPT : VX_OK;
	if (vx_read_ulong(ctx, lst->head + ctx->l.lh_next.off, &first)) {
		list_stop(ctx, lst, "list head unreadable", lst->head);
		return lst->done ? VX_ERR_FAULT : VX_OK;
	}
	lst->next = first;
	return VX_OK;
}

/*
 * At the list's end: does the rb-tree go on beyond its last area?  Then
 * the list was cut short, and the walk goes on in the tree (O(depth)).
 */
static bool list_cut(struct vx_ctx *ctx, struct vx_list *lst)
{
	char name[48];

	if (tree_seek(ctx, lst, lst->prev_start) || !lst->sp) {
		lst->tree = false;
		return false;
	}
	mark_damaged(ctx, lst);
	/* lst->cur is still the last area the list gave */
	vx_warn(ctx, "%s: list ends after %lu entries, at vmap_area %llx, "
		"but the rb-tree has areas beyond %llx; continuing from the "
		"rb-tree", list_name(lst, name, sizeof(name)), lst->count,
		(unsigned long long)lst->cur.va,
		(unsigned long long)lst->prev_start);
	return true;
}

/*
 * Could LINK be a vmap_area's list member?  A link at or below the
 * member's offset would be area 0, which callers take for the end.
 */
static bool link_ok(const struct vx_layout *l, uint64_t link)
{
	return link > (uint64_t)l->va_list.off && !(link & 7);
}

/* Address of the next vmap_area, 0 at the end (lst->done then set). */
static uint64_t next_va(struct vx_ctx *ctx, struct vx_list *lst)
{
	const struct vx_layout *l = &ctx->l;
	uint64_t link, node, right;

	while (!lst->done) {
		if (lst->tree) {
			if (!lst->sp) {
				lst->done = true;
				return 0;
			}
			node = lst->stack[--lst->sp];
			if (node <= (uint64_t)l->va_rb_node.off ||
			    vx_read_ulong(ctx, node + l->rb_right.off,
					  &right) ||
			    tree_push_left(ctx, lst, right)) {
				tree_stop(ctx, lst, "rb-tree broken", node);
				continue;
			}
			return node - l->va_rb_node.off;
		}
		link = lst->next;
		if (link == lst->head) {
			/* next = head mid-list is a valid, shorter list */
			if (can_fall_back(ctx, lst) && list_cut(ctx, lst))
				continue;
			lst->done = true;
			return 0;
		}
		if (!link_ok(l, link)) {
			list_stop(ctx, lst, "broken link", link);
			continue;
		}
		return link - l->va_list.off;
	}
	return 0;
}

/*
 * Has the helper found LST's next entry in order after its current one?
 * It has, if it went past it (it stops its walk of a list where the
 * list goes back).  Asked again only every 16 entries where it has not.
 */
static bool helper_checked(struct vx_ctx *ctx, struct vx_list *lst)
{
	unsigned long next = lst->count + 1;

	if (!lst->led)
		return false;
	if (lst->checked_to >= next)
		return true;
	if (next < lst->ask_at)
		return false;
	lst->checked_to = vx_prefetch_checked_to(ctx->pf_in, lst->idx);
	if (lst->checked_to >= next)
		return true;
	lst->ask_at = next + 16;
	return false;
}

/* Does LST's next entry start at or below START?  (List mode only.) */
static bool list_goes_back(struct vx_ctx *ctx, struct vx_list *lst,
			   uint64_t start)
{
	const struct vx_layout *l = &ctx->l;
	uint64_t link = lst->next, next_start;
	unsigned char copy[VX_SCRATCH];
	const void *next;

	if (!can_fall_back(ctx, lst) || link == lst->head ||
	    !link_ok(l, link) || helper_checked(ctx, lst) ||
	    !(next = vx_kview(ctx, link - l->va_list.off, copy, l->va_sz)))
		return false;
	next_start = vx_get(next, l->va_start);
	/* a damaged entry is skipped when its turn comes, not a reorder */
	return range_ok(ctx, next_start, vx_get(next, l->va_end)) &&
	       next_start <= start;
}

/*
 * Where a list the helper checks jumps from VA to an entry that is not
 * its neighbour (6.9+: to its node's next run of areas, after the other
 * nodes' runs), that entry is read only a few runs later: fetched into
 * the cache now, if its page is there.  (A list the command checks
 * itself reads the entry at once.)
 */
static void fetch_run_start(struct vx_ctx *ctx, const struct vx_list *lst,
			    uint64_t va)
{
	const struct vx_layout *l = &ctx->l;
	uint64_t next = lst->next - l->va_list.off;
	const char *entry;

	if (!lst->led || next == va + l->va_sz || lst->next == lst->head ||
	    !(entry = vx_kpeek(ctx, next)))
		return;
	__builtin_prefetch(entry);
	__builtin_prefetch(entry + l->va_sz - 1);
}

/*
 * AREA anew from the vmap_area VA read at BUF, every field set one by
 * one: a memset() of its 128 bytes is a string store (rep stos), whose
 * start-up cost a tenth of an area's walk.
 */
_Static_assert(sizeof(struct vx_area) == 128,
	       "area_set() sets every field of struct vx_area");
static void area_set(struct vx_area *area, uint64_t va, const void *buf,
		     const struct vx_layout *l, const struct vx_list *lst)
{
	area->va = va;
	area->start = vx_get(buf, l->va_start);
	area->end = vx_get(buf, l->va_end);
	area->vm = vx_get(buf, l->va_vm);
	area->va_flags = vx_get(buf, l->va_flags);
	area->node = lst->node;
	area->state = lst->state;
	area->kind = 0;
	area->vm_valid = false;
	area->vm_addr = area->vm_size = area->vm_flags = area->vm_pages = 0;
	area->vm_phys_addr = area->vm_caller = area->vm_nr_pages = 0;
	area->vm_page_order = 0;
	area->vb = 0;
}

/* Advance LST to its next valid entry; sets lst->done at the end. */
static void list_advance(struct vx_ctx *ctx, struct vx_list *lst)
{
	const struct vx_layout *l = &ctx->l;
	unsigned char copy[VX_SCRATCH];
	struct vx_area *area = &lst->cur;
	const void *buf;
	uint64_t va;

	while ((va = next_va(ctx, lst))) {
		if (++lst->count > ctx->max_areas) {
			list_stop(ctx, lst, "too many entries", va);
			lst->done = true;
			return;
		}
		if (!(buf = vx_kview(ctx, va, copy, l->va_sz))) {
			list_stop(ctx, lst, "vmap_area unreadable", va);
			continue;
		}
		if (!lst->tree) {
			lst->next = vx_get(buf, (struct vx_field){
				l->va_list.off + l->lh_next.off, 8 });
			fetch_run_start(ctx, lst, va);
		}
		area_set(area, va, buf, l, lst);
		if (!range_ok(ctx, area->start, area->end)) {
			vx_warn(ctx, "vmap_area %llx: range %llx-%llx is "
				"empty, inverted or larger than vmalloc "
				"space; skipped", (unsigned long long)va,
				(unsigned long long)area->start,
				(unsigned long long)area->end);
			/* a cycle of invalid entries never goes backwards */
			if (++lst->skipped > 64) {
				/* falls back to the tree, or ends a tree */
				lst->skipped = 0;
				list_stop(ctx, lst, "too many invalid entries",
					  va);
			}
			continue;
		}
		lst->skipped = 0;
		/* after a fall-back: what the other side gave already */
		if (area->start <= lst->skip_below &&
		    area->start > lst->skip_prev) {
			/* sorted even here: going back is a cycle, below */
			lst->skip_prev = area->start;
			continue;
		}
		if (area->start <= lst->prev_start && lst->prev_start) {
			if (lst->tree) {
				tree_stop(ctx, lst, "tree out of order", va);
				continue;
			}
			list_stop(ctx, lst, "list out of order (cycle?)", va);
			continue;
		}
		/*
		 * Two neighbours swapped (B before A) show only at A, after
		 * B went out: look one entry ahead, and if the list goes
		 * backwards there, leave B to the tree too.
		 */
		if (list_goes_back(ctx, lst, area->start)) {
			list_stop(ctx, lst, "list out of order (cycle?)",
				  lst->next - l->va_list.off);
			continue;
		}
		lst->prev_start = area->start;
		/* remove_vm_area() leaves a stale vm in lazy areas */
		if (area->state == VX_LAZY)
			area->vm = 0;
		return;
	}
}

/*
 * The read-ahead helper's advance (vx_walk_reads): only what finds the
 * next entry, reading what the command's list_advance() reads (the
 * entry, and the one after it if the command looks at it).  Of its
 * checks only those that end a damaged list: the helper then reads no
 * further there, and the command's walk deals with the damage, reading
 * itself.  An entry in order after the one before is counted for the
 * command, which then need not look ahead to it (vx_prefetch_checks).
 */
static void reads_advance(struct vx_ctx *ctx, struct vx_list *lst)
{
	const struct vx_layout *l = &ctx->l;
	bool checks = ctx->pf_out && vx_prefetch_checks(ctx->pf_out,
							 lst->idx);
	unsigned char copy[VX_SCRATCH];
	const void *buf;
	uint64_t va, start, end, vm;

	while ((va = next_va(ctx, lst))) {
		if (++lst->count > ctx->max_areas ||
		    !(buf = vx_kview(ctx, va, copy, l->va_sz)))
			break;
		if (!lst->tree)
			lst->next = vx_get(buf, (struct vx_field){
				l->va_list.off + l->lh_next.off, 8 });
		start = vx_get(buf, l->va_start);
		end = vx_get(buf, l->va_end);
		vm = vx_get(buf, l->va_vm);
		/* the command looks one entry further (list_goes_back) */
		if (!checks && !lst->tree && lst->next != lst->head &&
		    link_ok(l, lst->next))
			vx_kview(ctx, lst->next - l->va_list.off, copy,
				 l->va_sz);
		/* the command skips it too, up to 64 in a row: an invalid
		 * entry does not move prev_start, and one linked to itself
		 * would come back up to max_areas times */
		if (!range_ok(ctx, start, end)) {
			if (++lst->skipped > 64)
				break;
			continue;
		}
		lst->skipped = 0;
		if (start <= lst->prev_start && lst->prev_start)
			break;
		lst->prev_start = start;
		if (checks)
			vx_prefetch_checked(ctx->pf_out, lst->idx, lst->count);
		lst->cur.va = va;
		lst->cur.start = start;
		lst->cur.end = end;
		lst->cur.vm = lst->state == VX_LAZY ? 0 : vm;
		lst->cur.va_flags = vx_get(buf, l->va_flags);
		lst->cur.state = lst->state;
		return;
	}
	lst->done = true;
}

/*
 * The helper's reads for an area the command classifies and prints: its
 * vm_struct, or for a vm_map_ram area the vmap_blocks xarray and the
 * vmap_block it finds there (the listing prints its regions).
 */
static void reads_area(struct vx_ctx *ctx, struct vx_area *area)
{
	unsigned char copy[VX_SCRATCH];

	if (ctx->pf_out && vx_prefetch_behind(ctx->pf_out, area->start))
		return;
	/* nothing in the helper's walk reads from it: put off, batched */
	if (area->vm) {
		vx_kread_later(ctx, area->vm, copy, ctx->l.vm_sz);
		return;
	}
	if (area->state == VX_LAZY)
		return;
	vx_area_classify(ctx, area);
	if (area->vb && ctx->l.vb_sz > 0 && ctx->l.vb_sz <= VX_SCRATCH)
		vx_kview(ctx, area->vb, copy, ctx->l.vb_sz);
}

static void vm_read(struct vx_ctx *ctx, struct vx_area *area)
{
	const struct vx_layout *l = &ctx->l;
	unsigned char copy[VX_SCRATCH];
	const void *buf = vx_kview(ctx, area->vm, copy, l->vm_sz);

	if (!buf) {
		vx_warn(ctx, "vmap_area %llx: vm_struct %llx unreadable",
			(unsigned long long)area->va,
			(unsigned long long)area->vm);
		return;
	}
	area->vm_addr = vx_get(buf, l->vm_addr);
	area->vm_size = vx_get(buf, l->vm_size);
	area->vm_flags = vx_get(buf, l->vm_flags);
	area->vm_pages = vx_get(buf, l->vm_pages);
	area->vm_nr_pages = vx_get(buf, l->vm_nr_pages);
	area->vm_phys_addr = vx_get(buf, l->vm_phys_addr);
	area->vm_caller = vx_get(buf, l->vm_caller);
	area->vm_page_order = vx_get(buf, l->vm_page_order);
	if (area->vm_addr != area->start ||
	    area->vm_size > area->end - area->start) {
		vx_warn(ctx, "vm_struct %llx (addr %llx size %llx) does not "
			"match vmap_area %llx (%llx-%llx)",
			(unsigned long long)area->vm,
			(unsigned long long)area->vm_addr,
			(unsigned long long)area->vm_size,
			(unsigned long long)area->va,
			(unsigned long long)area->start,
			(unsigned long long)area->end);
		return;
	}
	area->vm_valid = true;
}

static enum vx_kind vm_kind(uint64_t flags)
{
	/* the order of /proc/vmallocinfo's words decides ties */
	if (flags & VX_VM_UNINITIALIZED)
		return VX_K_UNINIT;
	if (flags & VX_VM_IOREMAP)
		return VX_K_IOREMAP;
	if (flags & VX_VM_SPARSE)
		return VX_K_SPARSE;
	if (flags & VX_VM_ALLOC)
		return flags & VX_VM_USERMAP ? VX_K_VMALLOC_USER :
					       VX_K_VMALLOC;
	if (flags & VX_VM_DMA_COHERENT)
		return VX_K_DMA_COHERENT;
	if (flags & VX_VM_MAP)
		return VX_K_VMAP;
	return VX_K_VM_OTHER;
}

void vx_area_classify(struct vx_ctx *ctx, struct vx_area *area)
{
	uint64_t type;

	if (area->state == VX_LAZY) {
		area->kind = VX_K_LAZY;
		return;
	}
	if (area->vm) {
		vm_read(ctx, area);
		area->kind = area->vm_valid ? vm_kind(area->vm_flags) :
					      VX_K_VM_OTHER;
		return;
	}
	if (ctx->has_va_flags) {
		type = area->va_flags & VX_VMAP_FLAGS_MASK;
		if (type == VX_VMAP_RAM) {
			area->kind = VX_K_VM_MAP_RAM;
			return;
		}
		if (type != (VX_VMAP_RAM | VX_VMAP_BLOCK)) {
			area->kind = VX_K_TRANSIENT;
			return;
		}
		area->kind = VX_K_VMAP_BLOCK;
		area->vb = vx_vb_lookup(ctx, area);
		if (!area->vb)
			vx_warn(ctx, "vmap_area %llx: VMAP_BLOCK but no "
				"vmap_block in the vmap_blocks xarrays",
				(unsigned long long)area->va);
		return;
	}
	/* Before 6.3 only the vmap_blocks xarray tells a block apart. */
	area->vb = vx_vb_lookup(ctx, area);
	area->kind = area->vb ? VX_K_VMAP_BLOCK : VX_K_VM_MAP_RAM;
}

struct vx_walk {
	struct vx_list *lists;
	unsigned int nr;
};

static int walk_setup(struct vx_ctx *ctx, unsigned int flags, uint64_t from,
		      struct vx_walk *walk)
{
	const struct vx_layout *l = &ctx->l;
	unsigned int i;

	walk->nr = 0;
	walk->lists = calloc(2 * (ctx->era == VX_ERA_NODES ?
				  ctx->nr_nodes : 1), sizeof(*walk->lists));
	/* ~1.5 KiB of stack per list: keep it off the C stack */
	if (!walk->lists)
		return vx_err(ctx, VX_ERR_FAULT, "out of memory");

	if (ctx->era == VX_ERA_LIST) {
		if (flags & VX_WALK_BUSY)
			walk->lists[walk->nr++] = (struct vx_list){
				.head = ctx->busy_head, .root = ctx->busy_root,
				.node = -1, .state = VX_BUSY };
		if ((flags & VX_WALK_LAZY) && ctx->lazy_head)
			walk->lists[walk->nr++] = (struct vx_list){
				.head = ctx->lazy_head, .root = ctx->lazy_root,
				.node = -1, .state = VX_LAZY };
	} else {
		for (i = 0; i < ctx->nr_nodes; i++) {
			uint64_t vn = ctx->nodes + (uint64_t)i * l->vn_sz;

			uint64_t busy = vn + l->vn_busy.off,
				 lazy = vn + l->vn_lazy.off;

			if (flags & VX_WALK_BUSY)
				walk->lists[walk->nr++] = (struct vx_list){
					.head = busy + l->rbl_head.off,
					.root = vx_has(l->rbl_root) ?
						busy + l->rbl_root.off : 0,
					.node = i, .state = VX_BUSY };
			if (flags & VX_WALK_LAZY)
				walk->lists[walk->nr++] = (struct vx_list){
					.head = lazy + l->rbl_head.off,
					.root = vx_has(l->rbl_root) ?
						lazy + l->rbl_root.off : 0,
					.node = i, .state = VX_LAZY };
		}
	}
	for (i = 0; i < walk->nr; i++) {
		walk->lists[i].idx = i;
		walk->lists[i].tree = !!(flags & VX_WALK_TREE);
		walk->lists[i].no_fallback = !!(flags & VX_WALK_STRICT);
		if (walk->lists[i].tree && !walk->lists[i].root) {
			walk->lists[i].done = true;
			continue;
		}
		/* from an address: start in the tree, at the area holding it */
		if (from && can_fall_back(ctx, &walk->lists[i])) {
			if (tree_seek_by(ctx, &walk->lists[i], true,
					 from) == 0) {
				list_advance(ctx, &walk->lists[i]);
				continue;
			}
			walk->lists[i].tree = false;	/* from the list */
		}
		if (list_start(ctx, &walk->lists[i]) == VX_OK)
			list_advance(ctx, &walk->lists[i]);
		else
			walk->lists[i].done = true;
	}
	return VX_OK;
}

/*
 * The k-way merge of the lists still going, keyed by their current
 * entry's start (ties: the lower list index, i.e. node order).  The top
 * list stays on top, with no other work, while its start is below the
 * smallest of the others' (m->limit): areas come in runs, one vmap zone
 * per node from 6.9, the zones dealt to the nodes in turn.
 *
 * Up to VX_MERGE_SORTED_MAX lists (a machine of a few CPUs: its nodes'
 * busy and lazy lists) they are kept sorted in an array: at the end of
 * a run the top list moves to its place further on, mostly the end, as
 * the zones are dealt in turn: the same steps every time, where a binary
 * heap's sift, or a scan for the smallest, branches either way.
 * More lists make a binary min-heap, so that 128 nodes cost 7
 * comparisons a run, not 256.  The keys sit in the array itself, away
 * from the lists' tree stacks.
 */
#ifndef VX_MERGE_SORTED_MAX
#define VX_MERGE_SORTED_MAX	8	/* (the unit tests try 0: all heap) */
#endif

struct merge_ent {
	uint64_t start;
	unsigned int idx;	/* into walk->lists */
};

struct merge {
	struct merge_ent *heap;	/* sorted, or a heap (nr at the start) */
	unsigned int nr;
	bool sorted;
	/* the top list stays on top while its start is below this: the
	 * smallest start of the others */
	uint64_t limit;
};

static bool merge_before(const struct merge_ent *a, const struct merge_ent *b)
{
	return a->start < b->start || (a->start == b->start && a->idx < b->idx);
}

static void merge_sift(struct merge *m, unsigned int pos)
{
	struct merge_ent ent = m->heap[pos];

	for (;;) {
		unsigned int kid = 2 * pos + 1;

		if (kid >= m->nr)
			break;
		if (kid + 1 < m->nr &&
		    merge_before(&m->heap[kid + 1], &m->heap[kid]))
			kid++;
		if (!merge_before(&m->heap[kid], &ent))
			break;
		m->heap[pos] = m->heap[kid];
		pos = kid;
	}
	m->heap[pos] = ent;
}

/* Sorted: the entry at POS, whose start grew, to its place after it. */
static void merge_sink(struct merge *m, unsigned int pos)
{
	struct merge_ent ent = m->heap[pos];

	while (pos + 1 < m->nr && merge_before(&m->heap[pos + 1], &ent)) {
		m->heap[pos] = m->heap[pos + 1];
		pos++;
	}
	m->heap[pos] = ent;
}

static void merge_set_limit(struct merge *m)
{
	m->limit = UINT64_MAX;
	if (m->nr > 1)
		m->limit = m->heap[1].start;
	if (!m->sorted && m->nr > 2 && m->heap[2].start < m->limit)
		m->limit = m->heap[2].start;
}

static int merge_init(struct vx_ctx *ctx, struct vx_walk *walk,
		      struct merge *m)
{
	unsigned int i;

	m->nr = 0;
	m->heap = calloc(walk->nr ? walk->nr : 1, sizeof(*m->heap));
	if (!m->heap)
		return vx_err(ctx, VX_ERR_FAULT, "out of memory");
	for (i = 0; i < walk->nr; i++)
		if (!walk->lists[i].done)
			m->heap[m->nr++] = (struct merge_ent){
				walk->lists[i].cur.start, i };
	m->sorted = m->nr <= VX_MERGE_SORTED_MAX;
	if (m->sorted)
		for (i = m->nr; i-- > 0;)
			merge_sink(m, i);
	else
		for (i = m->nr / 2; i-- > 0;)
			merge_sift(m, i);
	merge_set_limit(m);
	return VX_OK;
}

/* The top list LST moved on (its start only grows) or ended. */
static void merge_next(struct merge *m, const struct vx_list *lst)
{
	if (!lst->done && lst->cur.start < m->limit) {
		m->heap[0].start = lst->cur.start;
		return;
	}
	if (lst->done && m->sorted) {
		memmove(m->heap, m->heap + 1, --m->nr * sizeof(*m->heap));
		merge_set_limit(m);
		return;
	}
	if (lst->done)
		m->heap[0] = m->heap[--m->nr];
	else
		m->heap[0].start = lst->cur.start;
	if (m->sorted)
		merge_sink(m, 0);
	else
		merge_sift(m, 0);
	merge_set_limit(m);
}

int vx_for_each_area(struct vx_ctx *ctx, unsigned int flags, vx_area_fn fn,
		     void *arg)
{
	return vx_for_each_area_from(ctx, flags, 0, fn, arg);
}

/*
 * A whole walk (FROM 0) reads every slab page of its lists: a helper
 * thread reads them ahead.  Started with the walk it leads from the
 * first area; started later it must first catch up, and saves less.
 * But a thread costs more to start than a walk of a few hundred areas
 * takes, so it starts with the walk only once a whole walk of this dump
 * has been long (ctx->long_walks), and else at the walk's
 * VX_READ_AHEAD_AFTER'th area, from there.  FN NULL: the helper's own
 * walk (vx_walk_reads).
 */
int vx_for_each_area_from(struct vx_ctx *ctx, unsigned int flags,
			  uint64_t from, vx_area_fn fn, void *arg)
{
	uint64_t outer_pos = ctx->walk_pos;	/* a walk inside FN's walk */
	struct vx_walk walk;
	struct merge merge;
	unsigned long n = 0;
	unsigned int i;
	bool helper = fn && !from && ctx->long_walks &&
		      vx_prefetch_start(ctx, flags, 0);
	int ret;

	ctx->walk_pos = 0;
	if ((ret = walk_setup(ctx, flags, from, &walk)))
		goto out;
	if ((ret = merge_init(ctx, &walk, &merge))) {
		free(walk.lists);
		goto out;
	}
	/* a helper from the walk's start checks the lists' order too */
	for (i = 0; helper && i < walk.nr; i++)
		walk.lists[i].led = true;
	while (merge.nr) {
		struct vx_list *lst = &walk.lists[merge.heap[0].idx];
		struct vx_area area = lst->cur;

		ctx->walk_pos = area.start;
		if ((++n & 255) == 0 && vx_interrupted(ctx)) {
			ret = vx_err(ctx, VX_ERR_INTR, "interrupted");
			break;
		}
		if (!fn) {
			reads_advance(ctx, lst);
			merge_next(&merge, lst);
			reads_area(ctx, &area);
			continue;
		}
		if (n == VX_READ_AHEAD_AFTER && !from && !ctx->long_walks) {
			ctx->long_walks = true;
			helper = vx_prefetch_start(ctx, flags, area.start);
		}
		list_advance(ctx, lst);
		merge_next(&merge, lst);
		vx_area_classify(ctx, &area);
		if ((ret = fn(ctx, &area, arg))) {
			if (ret == VX_STOP)
				ret = VX_OK;
			break;
		}
	}
	free(merge.heap);
	free(walk.lists);
out:
	if (helper)
		vx_prefetch_stop(ctx);
	ctx->walk_pos = outer_pos;
	return ret;
}

/*
 * The read-ahead helper's walk: the same lists in the same order, with
 * only the reads of the command's walk and listing (reads_advance,
 * reads_area).  The whole walk, checks and classification, costs the
 * helper as much as the command's own walk: it kept barely ahead on
 * 6.1 and fell behind on 6.12, whose larger objects fill more pages
 * an area.
 */
void vx_walk_reads(struct vx_ctx *ctx, unsigned int flags, uint64_t from)
{
	vx_for_each_area_from(ctx, flags, from, NULL, NULL);
}

struct find_arg {
	uint64_t addr;
	struct vx_area *ret;
	bool found;
};

static int find_cb(struct vx_ctx *ctx, const struct vx_area *area, void *arg)
{
	struct find_arg *fa = arg;

	(void)ctx;
	if (area->start > fa->addr)
		return VX_STOP;
	if (fa->addr < area->end) {
		*fa->ret = *area;
		fa->found = true;
		return VX_STOP;
	}
	return VX_OK;
}

int vx_find_area(struct vx_ctx *ctx, uint64_t addr, struct vx_area *ret)
{
	struct find_arg fa = { .addr = addr, .ret = ret };
	int err;

	if ((err = vx_for_each_area_from(ctx, VX_WALK_ALL, addr, find_cb,
					 &fa)))
		return err;
	if (!fa.found)
		return vx_err(ctx, VX_ERR_RANGE, "%llx: not in any vmap area",
			      (unsigned long long)addr);
	return VX_OK;
}

/*
 * vmap check: walk every list and its rb-tree side by side; they must
 * hold the same areas in the same order.
 */
int vx_compare_trees(struct vx_ctx *ctx, unsigned long *lists,
		     unsigned long *problems)
{
	struct vx_walk lw, tw;
	unsigned int i;
	int ret;

	*lists = 0;
	ctx->quiet++;
	ret = walk_setup(ctx, VX_WALK_ALL | VX_WALK_STRICT, 0, &lw);
	ctx->quiet--;
	if (ret)
		return ret;
	if ((ret = walk_setup(ctx, VX_WALK_ALL | VX_WALK_STRICT | VX_WALK_TREE,
			      0, &tw))) {
		free(lw.lists);
		return ret;
	}
	for (i = 0; i < lw.nr && i < tw.nr; i++) {
		struct vx_list *a = &lw.lists[i], *b = &tw.lists[i];
		char name[48];

		if (!b->root || !tree_usable(ctx, b))
			continue;
		++*lists;
		while (!a->done || !b->done) {
			if (a->done != b->done || a->cur.va != b->cur.va) {
				/* the area walk named this damage */
				if (mark_damaged(ctx, a))
					break;
				vx_warn(ctx, "%s: list and rb-tree disagree at "
					"entry %lu: list has %llx, tree has "
					"%llx", list_name(a, name,
							  sizeof(name)),
					a->count, a->done ? 0ULL :
					(unsigned long long)a->cur.va,
					b->done ? 0ULL :
					(unsigned long long)b->cur.va);
				++*problems;
				break;
			}
			/* the area walk said what is wrong with the list */
			ctx->quiet++;
			list_advance(ctx, a);
			ctx->quiet--;
			list_advance(ctx, b);
		}
	}
	free(lw.lists);
	free(tw.lists);
	return VX_OK;
}
