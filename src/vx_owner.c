// SPDX-License-Identifier: GPL-2.0
/*
 * Whose kernel stack is this vmalloc area (CONFIG_VMAP_STACK), whose
 * module memory?  The
 * kernel's own task lists are walked, not the host's task table (crash's
 * may be partial, and --minimal has none): the per-CPU idle threads, then
 * every process on init_task.tasks and every thread on its
 * signal->thread_head.  Both walks are bounded.
 */
#include <inttypes.h>
#include <string.h>

#include "vx_internal.h"

#define MAX_TASKS	(1UL << 22)	/* PID_MAX_LIMIT */

struct task_layout {
	struct vx_field tasks, stack, pid, comm, signal, thread_node;
	struct vx_field thread_head;
};

static bool task_layout(struct vx_ctx *ctx, struct task_layout *tl)
{
	struct { struct vx_field *f; const char *type, *member; } want[] = {
		{ &tl->tasks, "task_struct", "tasks" },
		{ &tl->stack, "task_struct", "stack" },
		{ &tl->pid, "task_struct", "pid" },
		{ &tl->comm, "task_struct", "comm" },
		{ &tl->signal, "task_struct", "signal" },
		{ &tl->thread_node, "task_struct", "thread_node" },
		{ &tl->thread_head, "signal_struct", "thread_head" },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (ctx->ops->member(ctx->priv, want[i].type, want[i].member,
				     &want[i].f->off, &want[i].f->size))
			return false;
	return true;
}

static bool task_is_owner(struct vx_ctx *ctx, const struct task_layout *tl,
			  uint64_t task, uint64_t stack, struct vx_task *ret)
{
	uint64_t val;
	uint32_t pid;

	if (vx_read_ulong(ctx, task + tl->stack.off, &val) || val != stack)
		return false;
	ret->task = task;
	ret->pid = -1;
	if (vx_read_uint(ctx, task + tl->pid.off, &pid) == 0)
		ret->pid = (int32_t)pid;
	memset(ret->comm, 0, sizeof(ret->comm));
	vx_read_mem(ctx, task + tl->comm.off, ret->comm,
		    sizeof(ret->comm) - 1);
	return true;
}

/* Walk the list at HEAD of tasks linked at LINK_OFF; *budget bounds it. */
static int walk_tasks(struct vx_ctx *ctx, const struct task_layout *tl,
		      uint64_t head, long link_off, uint64_t stack,
		      unsigned long *budget, struct vx_task *ret, bool threads)
{
	uint64_t link;

	if (vx_read_ulong(ctx, head, &link))
		return VX_ERR_FAULT;
	while (link != head) {
		uint64_t task = link - link_off, signal;

		if (!link || !--*budget)
			return VX_ERR_CORRUPT;
		if (task_is_owner(ctx, tl, task, stack, ret))
			return VX_STOP;
		if (threads && vx_read_ulong(ctx, task + tl->signal.off,
					     &signal) == 0 && signal &&
		    walk_tasks(ctx, tl, signal + tl->thread_head.off,
			       tl->thread_node.off, stack, budget, ret,
			       false) == VX_STOP)
			return VX_STOP;
		if (vx_read_ulong(ctx, link, &link))
			return VX_ERR_FAULT;
	}
	return VX_OK;
}

int vx_stack_owner(struct vx_ctx *ctx, uint64_t stack, struct vx_task *ret)
{
	unsigned long budget = MAX_TASKS;
	struct task_layout tl;
	uint64_t init, idle, task;
	unsigned int cpu;

	if (!task_layout(ctx, &tl) ||
	    ctx->ops->symbol(ctx->priv, "init_task", &init))
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no task layout");
	/* idle threads of secondary CPUs are on no task list */
	if (ctx->ops->symbol(ctx->priv, "idle_threads", &idle) == 0) {
		for (cpu = 0; cpu < ctx->nr_cpu_ids; cpu++) {
			if (!vx_cpu_possible(ctx, cpu) ||
			    vx_read_ulong(ctx, idle + ctx->cpu_off[cpu], &task))
				continue;
			if (task && task_is_owner(ctx, &tl, task, stack, ret))
				return VX_OK;
		}
	}
	if (task_is_owner(ctx, &tl, init, stack, ret))
		return VX_OK;
	switch (walk_tasks(ctx, &tl, init + tl.tasks.off, tl.tasks.off, stack,
			   &budget, ret, true)) {
	case VX_STOP:
		return VX_OK;
	case VX_ERR_CORRUPT:
		return vx_err(ctx, VX_ERR_CORRUPT, "task list broken or "
			      "longer than %lu", MAX_TASKS);
	default:
		return vx_err(ctx, VX_ERR_RANGE, "no task has this stack");
	}
}

/*
 * Modules.  6.4+ keep each kind of module memory in its own allocation,
 * module->mem[MOD_TEXT .. MOD_INIT_RODATA]; before, core_layout and
 * init_layout each hold text, then rodata, then ro_after_init data, then
 * data, at the offsets text_size, ro_size and ro_after_init_size.
 */
#define MAX_MODULES	65536
#define MODULE_NAME_MAX	64

static const char *const mod_mem_types[][2] = {
	{ "MOD_TEXT", "text" }, { "MOD_DATA", "data" },
	{ "MOD_RODATA", "rodata" }, { "MOD_RO_AFTER_INIT", "ro_after_init" },
	{ "MOD_INIT_TEXT", "init text" }, { "MOD_INIT_DATA", "init data" },
	{ "MOD_INIT_RODATA", "init rodata" },
};
#define NR_MOD_MEM_TYPES (sizeof(mod_mem_types) / sizeof(mod_mem_types[0]))

struct module_layout {
	struct vx_field list, name, mem, core, init;
	struct vx_field base, size, text_size, ro_size, ro_after_init_size;
	long mem_size;			/* of one struct module_memory */
	long mem_index[NR_MOD_MEM_TYPES];	/* -1: no such type */
	bool per_type;			/* 6.4+ mem[] */
};

static bool field(struct vx_ctx *ctx, const char *type, const char *member,
		  struct vx_field *f)
{
	return ctx->ops->member(ctx->priv, type, member, &f->off,
				&f->size) == 0;
}

static bool module_layout(struct vx_ctx *ctx, struct module_layout *ml)
{
	long nr;
	size_t i;

	if (!field(ctx, "module", "list", &ml->list) ||
	    !field(ctx, "module", "name", &ml->name))
		return false;
	if (field(ctx, "module", "mem", &ml->mem)) {
		struct vx_field type;

		if (!field(ctx, "module_memory", NULL, &type) ||
		    !field(ctx, "module_memory", "base", &ml->base) ||
		    !field(ctx, "module_memory", "size", &ml->size) ||
		    type.size <= 0)
			return false;
		ml->per_type = true;
		ml->mem_size = type.size;
		nr = ml->mem.size / type.size;
		for (i = 0; i < NR_MOD_MEM_TYPES; i++) {
			ml->mem_index[i] = -1;
			if (ctx->ops->enumerator &&
			    ctx->ops->enumerator(ctx->priv, mod_mem_types[i][0],
						 &ml->mem_index[i]) == 0 &&
			    (ml->mem_index[i] < 0 || ml->mem_index[i] >= nr))
				ml->mem_index[i] = -1;
		}
		/* without enumerators, MOD_TEXT is 0 at least */
		if (ml->mem_index[0] < 0 && nr > 0)
			ml->mem_index[0] = 0;
		return true;
	}
	return field(ctx, "module", "core_layout", &ml->core) &&
	       field(ctx, "module", "init_layout", &ml->init) &&
	       field(ctx, "module_layout", "base", &ml->base) &&
	       field(ctx, "module_layout", "size", &ml->size) &&
	       field(ctx, "module_layout", "text_size", &ml->text_size) &&
	       field(ctx, "module_layout", "ro_size", &ml->ro_size) &&
	       field(ctx, "module_layout", "ro_after_init_size",
		     &ml->ro_after_init_size);
}

static int read_uint_field(struct vx_ctx *ctx, uint64_t addr,
			   const struct vx_field *f, uint64_t *val)
{
	uint32_t val32;

	if (f->size == 8)
		return vx_read_ulong(ctx, addr + f->off, val);
	if (vx_read_uint(ctx, addr + f->off, &val32))
		return VX_ERR_FAULT;
	*val = val32;
	return VX_OK;
}

/* Which part of one pre-6.4 layout at LAYOUT holds ADDR; NULL if none. */
static const char *layout_part(struct vx_ctx *ctx,
			       const struct module_layout *ml, uint64_t layout,
			       uint64_t addr, bool init, struct vx_module *ret)
{
	uint64_t base, size, text, ro, ro_after, off;

	if (vx_read_ulong(ctx, layout + ml->base.off, &base) ||
	    read_uint_field(ctx, layout, &ml->size, &size) ||
	    read_uint_field(ctx, layout, &ml->text_size, &text) ||
	    read_uint_field(ctx, layout, &ml->ro_size, &ro) ||
	    read_uint_field(ctx, layout, &ml->ro_after_init_size, &ro_after) ||
	    !base || addr < base || addr - base >= size)
		return NULL;
	ret->base = base;
	ret->size = size;
	off = addr - base;
	if (off < text)
		return init ? "init text" : "text";
	if (off < ro)
		return init ? "init rodata" : "rodata";
	if (off < ro_after)
		return "ro_after_init";
	return init ? "init data" : "data";
}

static const char *module_part(struct vx_ctx *ctx,
			       const struct module_layout *ml, uint64_t mod,
			       uint64_t addr, struct vx_module *ret)
{
	const char *part;
	size_t i;

	if (!ml->per_type) {
		part = layout_part(ctx, ml, mod + ml->core.off, addr, false,
				   ret);
		return part ? part : layout_part(ctx, ml, mod + ml->init.off,
						 addr, true, ret);
	}
	for (i = 0; i < NR_MOD_MEM_TYPES; i++) {
		uint64_t mem, base, size;

		if (ml->mem_index[i] < 0)
			continue;
		mem = mod + ml->mem.off + ml->mem_index[i] * ml->mem_size;
		if (vx_read_ulong(ctx, mem + ml->base.off, &base) ||
		    read_uint_field(ctx, mem, &ml->size, &size) ||
		    !base || addr < base || addr - base >= size)
			continue;
		ret->base = base;
		ret->size = size;
		return mod_mem_types[i][1];
	}
	return NULL;
}

int vx_module_owner(struct vx_ctx *ctx, uint64_t addr, struct vx_module *ret)
{
	struct module_layout ml = { 0 };
	unsigned long budget = MAX_MODULES;
	uint64_t head, link;

	if (ctx->ops->symbol(ctx->priv, "modules", &head) ||
	    !module_layout(ctx, &ml))
		return vx_err(ctx, VX_ERR_UNSUPPORTED, "no module layout");
	if (vx_read_ulong(ctx, head, &link))
		return vx_err(ctx, VX_ERR_FAULT, "modules list unreadable "
			      "at %" PRIx64, head);
	while (link != head) {
		uint64_t mod = link - ml.list.off;
		size_t len = ml.name.size < MODULE_NAME_MAX ?
			     (size_t)ml.name.size : MODULE_NAME_MAX;

		if (!link || !--budget)
			return vx_err(ctx, VX_ERR_CORRUPT, "modules list "
				      "broken at %" PRIx64, link);
		ret->part = module_part(ctx, &ml, mod, addr, ret);
		if (ret->part) {
			ret->module = mod;
			memset(ret->name, 0, sizeof(ret->name));
			vx_read_mem(ctx, mod + ml.name.off, ret->name,
				    len ? len - 1 : 0);
			return VX_OK;
		}
		if (vx_read_ulong(ctx, link, &link))
			return vx_err(ctx, VX_ERR_FAULT, "modules list "
				      "unreadable at %" PRIx64, link);
	}
	return vx_err(ctx, VX_ERR_RANGE, "no module holds %" PRIx64, addr);
}
