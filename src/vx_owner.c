// SPDX-License-Identifier: GPL-2.0
/*
 * Whose kernel stack is this vmalloc area (CONFIG_VMAP_STACK)?  The
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
