// SPDX-License-Identifier: GPL-2.0
/*
 * vx_fixture: built-in test driver for the vmap_ext real-dump fixtures.
 *
 * mkfixture.sh copies this file to drivers/misc/ of a 6.1 / 6.12 (later 7.x)
 * tree, adds a VX_FIXTURE Kconfig entry and `obj-$(CONFIG_VX_FIXTURE)`.
 *
 * At late_initcall time it creates a known set of vmalloc-space areas,
 * fills each (except the ioremap) with a seeded pattern and reports it on
 * the console:
 *
 *   VXFIX kind=<k> addr=0x<16 hex> size=0x<hex> pages=<n> seed=0x<hex>
 *         state=<used|freed> cpu=<n> [phys0=0x<hex>]
 *
 * Pattern: 64-bit little-endian words, word k (k = byte offset / 8 from the
 * start of the mapping) = splitmix64(seed + k).
 *
 * The "vmalloc_freed" area is allocated and filled at boot, but vfree()d
 * only when userspace writes to /sys/module/vx_fixture/parameters/free_lazy
 * (init.sh does that). Freeing it inside the initcall would be useless:
 * mark_rodata_ro() -> set_memory_ro() -> vm_unmap_aliases() purges every
 * lazily freed area right after the initcalls. The trigger then prints the
 * vmalloc_freed line and the final `VXFIX done count=<n>`.
 *
 * The same write prints one line per thread, for the owner of every
 * kernel stack (for_each_process_thread() plus the per-CPU idle threads,
 * pid 0):
 *
 *   VXFIX task pid=<pid> comm=<comm> stack=0x<task->stack as 16 hex>
 *
 * Benchmark workload: with the parameter scale=N > 0 (kernel command line
 * vx_fixture.scale=N) the driver additionally creates, spread over all
 * online CPUs, after the areas above:
 *   - N small vmalloc areas of 1 page (only the first word written: the
 *     area's index),
 *   - small vm_map_ram mappings (1, 2, 3, 4 pages in turn; every 16th one
 *     vm_unmap_ram()ed again, a dirty region) until each CPU has taken
 *     ceil(ceil(N / 1000) / ncpus) * VX_VB_BITS pages of vmap_blocks, i.e.
 *     at least ceil(N / 1000) full blocks (50 for N = 50000); all mappings
 *     of a CPU alias the same 4 pages,
 *   - 3N/500 large vmalloc areas of 16..64 pages (300 for N = 50000), not
 *     filled,
 *   - one 64 MiB vmalloc area filled with the pattern of seed 0x6464.
 * Every bulk count is proportional to N, so scale=5000 is a tenth of
 * scale=50000. No manifest line per bulk area (the console would take
 * minutes): one summary line
 *
 *   VXFIX bulk small=<N> large=<L> blocks_pages=<pages taken in vmap_blocks,
 *         order-rounded> big=0x<16 hex> bigsize=0x4000000 seed=0x6464
 *         blocks=<distinct vmap_blocks used> vb_maps=<n> vb_unmapped=<n>
 *         large_pages=<n>
 *
 * Only APIs present in 6.1, 6.12 and 7.2 are used. Nothing is ever freed
 * except the deliberate vm_unmap_ram()/vfree() calls.
 */

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/io.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/rcupdate.h>

#define VX_HPET_BASE		0xfed00000UL
#define VX_HPET_SIZE		0x1000UL
#define VX_NR_SPREAD		40
#define VX_LARGE_PAGES		80	/* > VMAP_MAX_ALLOC (64): own vmap_area */
#define VX_MAX_RECS		(64 + VX_NR_SPREAD + 8 * NR_CPUS)

/* scale: benchmark workload (see the top comment), 0 = off */
static unsigned int vx_scale;
module_param_named(scale, vx_scale, uint, 0444);
MODULE_PARM_DESC(scale, "benchmark workload: N small vmalloc areas and proportional bulk (0 = off)");

#define VX_BULK_SEED		0x6464ULL
#define VX_BULK_BIGSIZE		(64UL << 20)
/* VMAP_BBMAP_BITS: min(1024, max(128, vmalloc space / NR_CPUS / 16 pages)) = 1024 here */
#define VX_VB_BITS		1024
#define VX_VB_ALIAS_PAGES	4
#define VX_VB_MAX_SEEN		64

static const unsigned int vx_vb_pages[8] = { 1, 4, 2, 3, 4, 1, 2, 3 };
static const int vx_vb_unmap[2] = { 1, 4 };	/* 0-based call numbers */

struct vx_rec {
	const char *kind;
	unsigned long addr;
	unsigned long size;
	unsigned int pages;
	u64 seed;
	bool freed;
	int cpu;
	bool has_phys;
	u64 phys0;
};

static struct vx_rec vx_recs[VX_MAX_RECS];
static int vx_nrecs;
static int vx_count;		/* lines printed */
static u64 vx_next_seed = 0x1000;
static DEFINE_MUTEX(vx_lock);

/* the lazily freed area, vfree()d on request */
static void *vx_lazy_addr;
static u64 vx_lazy_seed;
static int vx_lazy_cpu;
static u64 vx_lazy_phys0;
static bool vx_lazy_done;
static bool vx_boot_done;

static u64 vx_splitmix64(u64 x)
{
	u64 z = x + 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void vx_fill(void *addr, unsigned long size, u64 seed)
{
	u64 *p = addr;
	unsigned long k;

	for (k = 0; k < size / sizeof(u64); k++)
		p[k] = (__force u64)cpu_to_le64(vx_splitmix64(seed + k));
}

static u64 vx_seed(void)
{
	u64 s;

	mutex_lock(&vx_lock);
	s = vx_next_seed++;
	mutex_unlock(&vx_lock);
	return s;
}

static u64 vx_phys0(const void *addr)
{
	struct page *pg = vmalloc_to_page(addr);

	return pg ? (u64)page_to_phys(pg) : 0;
}

static struct vx_rec *vx_add(const char *kind, const void *addr,
			     unsigned int pages, unsigned long size, u64 seed,
			     int cpu, bool has_phys)
{
	struct vx_rec *r = NULL;

	mutex_lock(&vx_lock);
	if (vx_nrecs < VX_MAX_RECS) {
		r = &vx_recs[vx_nrecs++];
		r->kind = kind;
		r->addr = (unsigned long)addr;
		r->size = size;
		r->pages = pages;
		r->seed = seed;
		r->freed = false;
		r->cpu = cpu;
		r->has_phys = has_phys;
		r->phys0 = has_phys ? vx_phys0(addr) : 0;
	}
	mutex_unlock(&vx_lock);
	if (!r)
		pr_err("VXFIX-ERROR record table full\n");
	return r;
}

static void vx_print(const char *kind, unsigned long addr, unsigned long size,
		     unsigned int pages, u64 seed, bool freed, int cpu,
		     bool has_phys, u64 phys0)
{
	if (has_phys)
		pr_info("VXFIX kind=%s addr=0x%016lx size=0x%lx pages=%u seed=0x%llx state=%s cpu=%d phys0=0x%llx\n",
			kind, addr, size, pages, (unsigned long long)seed,
			freed ? "freed" : "used", cpu,
			(unsigned long long)phys0);
	else
		pr_info("VXFIX kind=%s addr=0x%016lx size=0x%lx pages=%u seed=0x%llx state=%s cpu=%d\n",
			kind, addr, size, pages, (unsigned long long)seed,
			freed ? "freed" : "used", cpu);
	vx_count++;
}

/* ---- vmalloc / vmalloc_user ------------------------------------------- */

static void vx_do_vmalloc(const char *kind, unsigned int pages, bool user)
{
	unsigned long size = (unsigned long)pages << PAGE_SHIFT;
	void *p = user ? vmalloc_user(size) : vmalloc(size);
	u64 seed;

	if (!p) {
		pr_err("VXFIX-ERROR %s of %u pages failed\n", kind, pages);
		return;
	}
	seed = vx_seed();
	vx_fill(p, size, seed);
	vx_add(kind, p, pages, size, seed, raw_smp_processor_id(), true);
}

struct vx_spread_arg {
	unsigned int pages;
};

static long vx_spread_fn(void *data)
{
	struct vx_spread_arg *a = data;

	vx_do_vmalloc("vmalloc", a->pages, false);
	return 0;
}

/* ---- vmap ---------------------------------------------------------------- */

static struct page **vx_alloc_pages(unsigned int n)
{
	struct page **pages = kcalloc(n, sizeof(*pages), GFP_KERNEL);
	unsigned int i;

	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			return NULL;	/* leak on purpose: boot-time fixture */
	}
	return pages;
}

static void vx_do_vmap(unsigned int n)
{
	struct page **pages = vx_alloc_pages(n);
	unsigned long size = (unsigned long)n << PAGE_SHIFT;
	void *p;
	u64 seed;

	if (!pages) {
		pr_err("VXFIX-ERROR page allocation for vmap failed\n");
		return;
	}
	p = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	if (!p) {
		pr_err("VXFIX-ERROR vmap of %u pages failed\n", n);
		return;
	}
	seed = vx_seed();
	vx_fill(p, size, seed);
	vx_add("vmap", p, n, size, seed, raw_smp_processor_id(), true);
}

/* ---- vm_map_ram ------------------------------------------------------------ */

static void *vx_map_ram(const char *kind, unsigned int n, struct vx_rec **rec)
{
	struct page **pages = vx_alloc_pages(n);
	unsigned long size = (unsigned long)n << PAGE_SHIFT;
	void *p;
	u64 seed;

	*rec = NULL;
	if (!pages) {
		pr_err("VXFIX-ERROR page allocation for vm_map_ram failed\n");
		return NULL;
	}
	p = vm_map_ram(pages, n, NUMA_NO_NODE);
	if (!p) {
		pr_err("VXFIX-ERROR vm_map_ram of %u pages failed\n", n);
		return NULL;
	}
	seed = vx_seed();
	vx_fill(p, size, seed);		/* through the new mapping */
	/* phys0: page_to_phys() of the first page, like vmalloc/vmap lines */
	*rec = vx_add(kind, p, n, size, seed, raw_smp_processor_id(), false);
	if (*rec) {
		(*rec)->has_phys = true;
		(*rec)->phys0 = (u64)page_to_phys(pages[0]);
	}
	return p;
}

/* runs on one CPU (work_on_cpu): 8 small calls in that CPU's vmap_block */
static long vx_vb_fn(void *unused)
{
	void *addr[ARRAY_SIZE(vx_vb_pages)];
	struct vx_rec *rec[ARRAY_SIZE(vx_vb_pages)];
	int i, j;

	for (i = 0; i < ARRAY_SIZE(vx_vb_pages); i++)
		addr[i] = vx_map_ram("vb", vx_vb_pages[i], &rec[i]);
	/* unmap the 2nd and 5th calls (both 4 pages): dirty regions */
	for (j = 0; j < ARRAY_SIZE(vx_vb_unmap); j++) {
		i = vx_vb_unmap[j];
		if (!addr[i])
			continue;
		vm_unmap_ram(addr[i], vx_vb_pages[i]);
		if (rec[i])
			rec[i]->freed = true;
	}
	return 0;
}

static long vx_large_fn(void *unused)
{
	struct vx_rec *rec;
	int i;

	for (i = 0; i < 2; i++)
		vx_map_ram("vm_map_ram", VX_LARGE_PAGES, &rec);
	return 0;
}

/* ---- ioremap ---------------------------------------------------------------- */

static void vx_do_ioremap(void)
{
	void __iomem *p = ioremap(VX_HPET_BASE, VX_HPET_SIZE);

	if (!p) {
		pr_err("VXFIX-ERROR ioremap of HPET failed\n");
		return;
	}
	vx_add("ioremap", (void __force *)p, 1, VX_HPET_SIZE, 0,
	       raw_smp_processor_id(), false);
}

/* ---- the owner of every kernel stack ------------------------------------------ */

static void vx_print_task(struct task_struct *t)
{
	pr_info("VXFIX task pid=%d comm=%s stack=0x%016lx\n",
		task_pid_nr(t), t->comm, (unsigned long)t->stack);
}

static void vx_print_tasks(void)
{
	struct task_struct *p, *t;
	int cpu;

	rcu_read_lock();
	for_each_process_thread(p, t)
		vx_print_task(t);
	rcu_read_unlock();
	/* the idle threads (pid 0) are on no task list */
	for_each_possible_cpu(cpu) {
		t = idle_task(cpu);
		if (t)
			vx_print_task(t);
	}
}

/* ---- benchmark bulk (scale > 0) ----------------------------------------------- */

struct vx_bulk_arg {
	unsigned int first, count;	/* small / large: index range */
	unsigned long vb_pages;		/* vb: order-rounded pages to take */
	/* results */
	unsigned long taken, maps, unmapped, large_pages;
	unsigned int nseen;
	unsigned long seen[VX_VB_MAX_SEEN];
	bool failed;
};

static long vx_bulk_small_fn(void *data)
{
	struct vx_bulk_arg *a = data;
	unsigned int i;

	for (i = a->first; i < a->first + a->count; i++) {
		u64 *p = vmalloc(PAGE_SIZE);

		if (!p) {
			a->failed = true;
			break;
		}
		p[0] = i;
		if (!(i & 255))
			cond_resched();
	}
	return 0;
}

static long vx_bulk_large_fn(void *data)
{
	struct vx_bulk_arg *a = data;
	unsigned int i;

	for (i = a->first; i < a->first + a->count; i++) {
		unsigned int pages = 16 + (i * 7) % 49;	/* 16..64 */
		void *p = vmalloc((unsigned long)pages << PAGE_SHIFT);

		if (!p) {
			a->failed = true;
			break;
		}
		a->large_pages += pages;
		cond_resched();
	}
	return 0;
}

static long vx_bulk_vb_fn(void *data)
{
	static const unsigned int sizes[4] = { 1, 2, 3, 4 };
	struct vx_bulk_arg *a = data;
	struct page **pages = vx_alloc_pages(VX_VB_ALIAS_PAGES);
	unsigned long k;

	if (!pages) {
		a->failed = true;
		return 0;
	}
	for (k = 0; a->taken < a->vb_pages; k++) {
		unsigned int n = sizes[k % 4];
		unsigned long base;
		unsigned int j;
		void *p = vm_map_ram(pages, n, NUMA_NO_NODE);

		if (!p) {
			a->failed = true;
			break;
		}
		a->maps++;
		a->taken += 1UL << get_order((unsigned long)n << PAGE_SHIFT);
		base = (unsigned long)p & ~((unsigned long)VX_VB_BITS * PAGE_SIZE - 1);
		for (j = 0; j < a->nseen && a->seen[j] != base; j++)
			;
		if (j == a->nseen && a->nseen < VX_VB_MAX_SEEN)
			a->seen[a->nseen++] = base;
		if (k % 16 == 15) {
			vm_unmap_ram(p, n);
			a->unmapped++;
		}
		if (!(k & 255))
			cond_resched();
	}
	return 0;
}

static void vx_bulk(const int *cpus, int ncpus)
{
	unsigned int n = vx_scale;
	unsigned int large = (unsigned int)div_u64((u64)n * 3, 500);
	unsigned int blocks = DIV_ROUND_UP(n, 1000);
	unsigned int per_cpu_blocks = DIV_ROUND_UP(blocks, ncpus);
	struct vx_bulk_arg *args;
	unsigned long taken = 0, maps = 0, unmapped = 0, large_pages = 0;
	unsigned int nblocks = 0, i;
	bool failed = false;
	void *big;
	int c;

	if (large < 1)
		large = 1;
	args = kcalloc(ncpus, sizeof(*args), GFP_KERNEL);
	if (!args) {
		pr_err("VXFIX-ERROR bulk: no memory\n");
		return;
	}
	pr_info("VXFIX-BULK scale=%u: %u small, %u large, %u vmap_blocks over %d CPUs\n",
		n, n, large, per_cpu_blocks * ncpus, ncpus);

	for (c = 0; c < ncpus; c++) {
		args[c].first = (unsigned int)div_u64((u64)n * c, ncpus);
		args[c].count = (unsigned int)div_u64((u64)n * (c + 1), ncpus) - args[c].first;
		work_on_cpu(cpus[c], vx_bulk_small_fn, &args[c]);
		failed |= args[c].failed;
	}
	for (c = 0; c < ncpus; c++) {
		memset(&args[c], 0, sizeof(args[c]));
		args[c].vb_pages = (unsigned long)per_cpu_blocks * VX_VB_BITS;
		work_on_cpu(cpus[c], vx_bulk_vb_fn, &args[c]);
		failed |= args[c].failed;
		taken += args[c].taken;
		maps += args[c].maps;
		unmapped += args[c].unmapped;
		nblocks += args[c].nseen;
	}
	for (c = 0; c < ncpus; c++) {
		memset(&args[c], 0, sizeof(args[c]));
		args[c].first = (unsigned int)div_u64((u64)large * c, ncpus);
		args[c].count = (unsigned int)div_u64((u64)large * (c + 1), ncpus) - args[c].first;
		work_on_cpu(cpus[c], vx_bulk_large_fn, &args[c]);
		failed |= args[c].failed;
		large_pages += args[c].large_pages;
	}
	kfree(args);

	big = vmalloc(VX_BULK_BIGSIZE);
	if (big) {
		for (i = 0; i < VX_BULK_BIGSIZE / (1UL << 20); i++) {
			/* same words as one vx_fill() over the whole area */
			u64 *w = (u64 *)((char *)big + ((unsigned long)i << 20));
			unsigned long k, first = ((unsigned long)i << 20) / 8;

			for (k = 0; k < (1UL << 20) / 8; k++)
				w[k] = (__force u64)cpu_to_le64(vx_splitmix64(VX_BULK_SEED + first + k));
			cond_resched();
		}
	} else {
		failed = true;
	}
	if (failed)
		pr_err("VXFIX-ERROR bulk: an allocation failed\n");
	pr_info("VXFIX bulk small=%u large=%u blocks_pages=%lu big=0x%016lx bigsize=0x%lx seed=0x%llx blocks=%u vb_maps=%lu vb_unmapped=%lu large_pages=%lu\n",
		n, large, taken, (unsigned long)big, VX_BULK_BIGSIZE,
		(unsigned long long)VX_BULK_SEED, nblocks, maps, unmapped,
		large_pages);
}

/* ---- the lazily freed vmalloc -------------------------------------------- */

static void vx_prepare_lazy(void)
{
	unsigned long size = 3UL << PAGE_SHIFT;

	vx_lazy_addr = vmalloc(size);
	if (!vx_lazy_addr) {
		pr_err("VXFIX-ERROR vmalloc for vmalloc_freed failed\n");
		return;
	}
	vx_lazy_seed = vx_seed();
	vx_lazy_cpu = raw_smp_processor_id();
	vx_fill(vx_lazy_addr, size, vx_lazy_seed);
	vx_lazy_phys0 = vx_phys0(vx_lazy_addr);
}

static int vx_free_lazy_set(const char *val, const struct kernel_param *kp)
{
	mutex_lock(&vx_lock);
	if (!vx_boot_done || vx_lazy_done) {
		mutex_unlock(&vx_lock);
		return 0;
	}
	vx_lazy_done = true;
	mutex_unlock(&vx_lock);

	if (vx_lazy_addr) {
		vfree(vx_lazy_addr);
		vx_print("vmalloc_freed", (unsigned long)vx_lazy_addr,
			 3UL << PAGE_SHIFT, 3, vx_lazy_seed, true, vx_lazy_cpu,
			 true, vx_lazy_phys0);
	}
	pr_info("VXFIX done count=%d\n", vx_count);
	vx_print_tasks();
	return 0;
}

static int vx_free_lazy_get(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", vx_lazy_done ? 1 : 0);
}

static const struct kernel_param_ops vx_free_lazy_ops = {
	.set = vx_free_lazy_set,
	.get = vx_free_lazy_get,
};
module_param_cb(free_lazy, &vx_free_lazy_ops, NULL, 0600);
MODULE_PARM_DESC(free_lazy, "write 1: vfree() the vmalloc_freed area and print VXFIX done");

/* ---- init -------------------------------------------------------------------- */

static int __init vx_fixture_init(void)
{
	struct vx_spread_arg sarg;
	int cpus[NR_CPUS];
	int ncpus = 0, cpu, i;

	/* no CPU hotplug during boot; work_on_cpu() needs the CPU online */
	for_each_online_cpu(cpu)
		cpus[ncpus++] = cpu;

	vx_do_vmalloc("vmalloc", 1, false);
	vx_do_vmalloc("vmalloc", 5, false);
	vx_do_vmalloc("vmalloc", 17, false);
	vx_do_vmalloc("vmalloc_user", 2, true);
	vx_do_vmalloc("vmalloc_user", 3, true);
	vx_do_vmap(3);
	vx_do_vmap(6);

	for (i = 0; i < ncpus; i++)
		work_on_cpu(cpus[i], vx_vb_fn, NULL);

	work_on_cpu(cpus[0], vx_large_fn, NULL);

	vx_do_ioremap();
	vx_prepare_lazy();

	for (i = 0; i < VX_NR_SPREAD; i++) {
		sarg.pages = 1 + (i % 4);
		work_on_cpu(cpus[i % ncpus], vx_spread_fn, &sarg);
	}

	for (i = 0; i < vx_nrecs; i++) {
		struct vx_rec *r = &vx_recs[i];

		vx_print(r->kind, r->addr, r->size, r->pages, r->seed,
			 r->freed, r->cpu, r->has_phys, r->phys0);
	}
	if (vx_scale)
		vx_bulk(cpus, ncpus);

	pr_info("VXFIX boot-done records=%d (vmalloc_freed pending: write 1 to /sys/module/vx_fixture/parameters/free_lazy)\n",
		vx_nrecs);

	mutex_lock(&vx_lock);
	vx_boot_done = true;
	mutex_unlock(&vx_lock);
	return 0;
}
late_initcall(vx_fixture_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmap_ext dump fixture");
