// SPDX-License-Identifier: GPL-2.0
/*
 * vmap_ext: crash extension listing and reading vmap areas.
 *
 * This file is the crash adapter: it implements struct vx_ops with crash's
 * readmem/kvtop/symbol/type services, parses the "vmap" command line and
 * maps the core's errors to crash's.  Everything about kernel data
 * structures lives in src/.
 */
#define _GNU_SOURCE	/* fopencookie */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio_ext.h>	/* __fpurge, __fsetlocking */
#include <stdlib.h>
#include <string.h>

#include "defs.h"
#include "vx.h"
#include "vx_dwarf.h"
#include "vx_elfmap.h"
#include "vx_flags.h"

static void cmd_vmap(void);
static char *help_vmap[];

static struct command_table_entry command_table[] = {
	{ "vmap", cmd_vmap, help_vmap, MINIMAL },
	{ NULL },
};

/* Per-session state: the layouts and symbols do not change in a dump. */
static struct vx_ctx vx_session;
static bool vx_ready;
static struct vx_dwarf *vx_dwarf;
static const char *vx_provider = "crash (gdb)";

static int crash_read(void *priv, uint64_t addr, void *buf, size_t len)
{
	(void)priv;
	return readmem(addr, KVADDR, buf, len, "vmap_ext",
		       RETURN_ON_ERROR | QUIET) ? 0 : -1;
}

static int crash_symbol(void *priv, const char *name, uint64_t *addr)
{
	(void)priv;
	if (!symbol_exists((char *)name))
		return -1;
	*addr = symbol_value((char *)name);
	return 0;
}

/*
 * Types come from the vmlinux DWARF through libdw when it can be opened:
 * crash 8.0.2's gdb segfaults on DWARF 5 vmap_area / vm_struct of some
 * kernels, and a segfault in gdb ends the crash session.
 */
static int crash_member(void *priv, const char *type, const char *member,
			long *off, long *size)
{
	long val;

	(void)priv;
	if (vx_dwarf)
		return vx_dwarf_member(vx_dwarf, type, member, off, size);
	if (!member) {
		val = STRUCT_SIZE((char *)type);
		if (val < 0)
			return -1;
		*off = 0;
		*size = val;
		return 0;
	}
	val = MEMBER_OFFSET((char *)type, (char *)member);
	if (val < 0)
		return -1;
	*off = val;
	*size = MEMBER_SIZE((char *)type, (char *)member);
	return 0;
}

static int crash_enumerator(void *priv, const char *name, long *val)
{
	(void)priv;
	if (vx_dwarf)
		return vx_dwarf_enum(vx_dwarf, name, val);
	return enumerator_value((char *)name, val) ? 0 : -1;
}

static int crash_translate(void *priv, uint64_t addr, uint64_t *paddr)
{
	physaddr_t pa;

	(void)priv;
	if (!kvtop(NULL, addr, &pa, 0))
		return 1;
	*paddr = pa;
	return 0;
}

/*
 * Thousands of areas share a few callers (every thread stack is
 * kernel_clone+0xa0): remember the last strings, direct-mapped.
 */
#define SYM_CACHE 256

static struct {
	uint64_t addr;
	size_t len;
	char str[128];
} sym_cache[SYM_CACHE];

static size_t crash_symbolize(void *priv, uint64_t addr, char *buf,
			      size_t len)
{
	unsigned int slot = (addr ^ (addr >> 12)) % SYM_CACHE;
	char sym[BUFSIZE];
	size_t n;

	(void)priv;
	if (!len)
		return 0;
	if (addr && sym_cache[slot].addr == addr) {
		n = sym_cache[slot].len < len - 1 ? sym_cache[slot].len :
						     len - 1;
		memcpy(buf, sym_cache[slot].str, n);
		buf[n] = '\0';
		return n;
	}
	buf[0] = '\0';
	if (!value_to_symstr(addr, sym, 16) || !sym[0])
		return 0;
	/* as the kernel's %pS: "func+0x0" at a symbol's first byte */
	snprintf(buf, len, "%s%s", sym, strchr(sym, '+') ? "" : "+0x0");
	sym_cache[slot].addr = addr;
	snprintf(sym_cache[slot].str, sizeof(sym_cache[slot].str), "%s", buf);
	sym_cache[slot].len = strlen(sym_cache[slot].str);
	return strlen(buf);
}

static int crash_vmalloc_range(void *priv, uint64_t *start, uint64_t *end)
{
	(void)priv;
#ifdef X86_64
	/* minimal mode leaves crash's vmalloc layout at a guess */
	if (pc->flags & MINIMAL_MODE)
		return -1;
	if (!machdep->machspec || !machdep->machspec->vmalloc_start_addr)
		return -1;
	*start = machdep->machspec->vmalloc_start_addr;
	*end = machdep->machspec->vmalloc_end;
	return 0;
#else
	return -1;
#endif
}

/*
 * ELF dumps (kdump, QEMU) are read straight from the file (vx_elfmap):
 * one pread() a page instead of crash's lseek, read and readmem()
 * machinery.  What the file does not hold, and any read that fails, is
 * crash's.  VMAP_EXT_READMEM=1 in crash's environment: crash's always.
 */
static struct vx_elfmap *vx_map;
static bool vx_map_tried;
static char vx_map_why[128] = "not tried yet";

static int crash_read_phys(void *priv, uint64_t paddr, void *buf, size_t len)
{
	(void)priv;
	if (vx_map && vx_elfmap_read(vx_map, paddr, buf, len) == 0)
		return 0;
	return readmem(paddr, PHYSADDR, buf, len, "vmap_ext phys",
		       RETURN_ON_ERROR | QUIET) ? 0 : -1;
}

/*
 * The same for vmap_ext's read-ahead thread: the file only, no crash
 * call (nothing of crash's is safe off its thread).  The map is not
 * closed while a command runs.
 */
static int file_read_phys(void *priv, uint64_t paddr, void *buf, size_t len)
{
	(void)priv;
	return vx_map ? vx_elfmap_read(vx_map, paddr, buf, len) : -1;
}

/* ... a batch of them, in one system call where it can (io_uring). */
static void file_read_phys_batch(void *priv, struct vx_phys_read *rd,
				 unsigned int n)
{
	unsigned int i;

	(void)priv;
	if (vx_map) {
		vx_elfmap_read_batch(vx_map, rd, n);
		return;
	}
	for (i = 0; i < n; i++)
		rd[i].ret = -1;
}

/* Back to crash's reads; WHY replaces the reason unless NULL. */
static void map_drop(const char *why)
{
	if (why)
		snprintf(vx_map_why, sizeof(vx_map_why), "%s", why);
	vx_elfmap_close(vx_map);
	vx_map = NULL;
}

/* The file must give crash's bytes: compare a page of every segment. */
static bool map_agrees(void)
{
	static unsigned char ours[4096], theirs[4096];
	unsigned int i, nr = vx_elfmap_segments(vx_map);
	uint64_t start, end, pa;

	for (i = 0; i < nr && i < 64; i++) {
		vx_elfmap_segment(vx_map, i, &start, &end);
		/* the middle page: past the low pages a kdump may leave out */
		pa = (start + (end - start) / 2) & ~4095ULL;
		if (pa < start || end - pa < sizeof(theirs))
			continue;
		if (!readmem(pa, PHYSADDR, theirs, sizeof(theirs), "vmap_ext",
			     RETURN_ON_ERROR | QUIET))
			continue;
		if (vx_elfmap_read(vx_map, pa, ours, sizeof(ours)) ||
		    memcmp(ours, theirs, sizeof(ours))) {
			snprintf(vx_map_why, sizeof(vx_map_why), "not used: "
				 "differs from crash's read at %llx",
				 (unsigned long long)pa);
			return false;
		}
	}
	return true;
}

static void open_map(void)
{
	const char *env;
	char err[96];

	if (vx_map_tried)
		return;
	vx_map_tried = true;
	env = getenv("VMAP_EXT_READMEM");
	if (env && *env && strcmp(env, "0")) {
		snprintf(vx_map_why, sizeof(vx_map_why), "VMAP_EXT_READMEM");
		return;
	}
	if (!(pc->flags & (NETDUMP | KDUMP)) || (pc->flags & LIVE_SYSTEM) ||
	    !pc->dumpfile) {
		snprintf(vx_map_why, sizeof(vx_map_why), "not an ELF dump");
		return;
	}
	vx_map = vx_elfmap_open(pc->dumpfile, err, sizeof(err));
	if (!vx_map) {
		snprintf(vx_map_why, sizeof(vx_map_why), "%s", err);
		return;
	}
	if (!map_agrees()) {
		map_drop(NULL);
		return;
	}
	snprintf(vx_map_why, sizeof(vx_map_why), "ELF vmcore, read directly, "
		 "%u PT_LOAD segments", vx_elfmap_segments(vx_map));
}

/*
 * crash's fp is unbuffered: a row printed in pieces costs a write(2)
 * each.  Commands print through a 64 KiB buffer in front of fp instead,
 * flushed when full and when the command ends, so output still streams.
 */
static FILE *vx_buf;	/* the buffer, for the session: never closed */
static FILE *vx_out;	/* the running command's output, else NULL */
static char vx_buf_mem[64 * 1024];

/*
 * crash takes Ctrl-C by longjmp() out of its signal handler, whose
 * restore_sanity() then closes fp: cut off while taking fp's lock in
 * fwrite(), that waits forever (seen, gdb backtrace).  So signals wait
 * while a full buffer goes to fp.
 */
static ssize_t out_write(void *cookie, const char *buf, size_t len)
{
	sigset_t all, old;
	size_t done;

	(void)cookie;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	done = fwrite(buf, 1, len, fp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return done;
}

/*
 * At every command's start.  One that crash left by longjmp() (Ctrl-C)
 * may have left rows in the buffer: they were for its output, long
 * closed, and must not turn up in this one's nor at exit.  The buffer
 * is dropped in place (__fpurge), never closed and reopened, and takes
 * no lock (FSETLOCKING_BYCALLER: only the command's thread uses it): a
 * FILE whose lock a longjmp() cut off halfway can wait forever on it.
 */
static void out_reset(void)
{
	if (vx_buf)
		__fpurge(vx_buf);
	vx_out = NULL;
}

static FILE *out_open(void)
{
	cookie_io_functions_t io = { .write = out_write };

	if (!vx_buf && (vx_buf = fopencookie(NULL, "w", io))) {
		setvbuf(vx_buf, vx_buf_mem, _IOFBF, sizeof(vx_buf_mem));
		__fsetlocking(vx_buf, FSETLOCKING_BYCALLER);
	}
	return vx_out = vx_buf ? vx_buf : fp;
}

static void out_close(void)
{
	if (vx_out && vx_out == vx_buf)
		fflush(vx_buf);
	vx_out = NULL;
}

/* vmap check prints its findings as report lines, others as INFO */
static bool vx_report;

static void crash_warn(void *priv, const char *msg)
{
	(void)priv;
	/* in line with the rows they concern */
	if (vx_report && vx_out)
		fprintf(vx_out, "  %s\n", msg);
	else if (vx_out)
		fprintf(vx_out, "%s: %s\n", pc->curcmd, msg);
	else
		error(INFO, "%s\n", msg);
}

static int crash_interrupted(void *priv)
{
	(void)priv;
	return received_SIGINT();
}

static const struct vx_ops crash_ops = {
	.read = crash_read,
	.symbol = crash_symbol,
	.member = crash_member,
	.translate = crash_translate,
	.symbolize = crash_symbolize,
	.vmalloc_range = crash_vmalloc_range,
	.read_phys = crash_read_phys,
	.read_phys_mt = file_read_phys,
	.read_phys_batch_mt = file_read_phys_batch,
	.enumerator = crash_enumerator,
	.warn = crash_warn,
	.interrupted = crash_interrupted,
};

/*
 * The link-time address of a function, for libdw to find its unit in
 * .debug_aranges: crash relocates symbols by -kt->relocate (KASLR).
 */
static int crash_link_addr(void *priv, const char *name, uint64_t *addr)
{
	(void)priv;
	if (!symbol_exists((char *)name))
		return -1;
	*addr = symbol_value((char *)name);
	if (kt->flags & RELOC_SET)
		*addr += kt->relocate;
	return 0;
}

static void open_dwarf(void)
{
	static char provider[64];
	char err[VX_ERRLEN];

	if (vx_dwarf || getenv("VMAP_EXT_NO_LIBDW"))
		return;
	vx_dwarf = vx_dwarf_open(pc->namelist, crash_link_addr, NULL, err,
				 sizeof(err));
	if (vx_dwarf) {
		snprintf(provider, sizeof(provider), "libdw (vmlinux DWARF, "
			 "%s)", vx_dwarf_how(vx_dwarf));
		vx_provider = provider;
	} else if (CRASHDEBUG(1)) {
		error(INFO, "libdw: %s; using crash's gdb for types\n", err);
	}
}

/* Set the session context up once; a failure is retried next time. */
static struct vx_ctx *session(void)
{
	const char *pgtable;
	bool crash_pt;
	int ret;

	if (vx_ready) {
		vx_cache_flush(&vx_session);
		return &vx_session;
	}
	open_dwarf();
	ret = vx_ctx_init(&vx_session, &crash_ops, NULL);
	if (ret) {
		char msg[VX_ERRLEN];

		snprintf(msg, sizeof(msg), "%s", vx_session.err);
		vx_ctx_deinit(&vx_session);
		error(FATAL, "%s: %s\n", ret == VX_ERR_UNSUPPORTED ?
		      "kernel not supported" : "cannot start", msg);
	}
	/*
	 * Translations use our page-table walk, which reads each PTE table
	 * once (VMAP_EXT_PGTABLE=crash: crash's kvtop instead).  crash
	 * --minimal translates no vmalloc address, so there reads go
	 * through the walk too (VMAP_EXT_PGTABLE=own forces that).
	 */
	pgtable = getenv("VMAP_EXT_PGTABLE");
	crash_pt = pgtable && !strcmp(pgtable, "crash");
	if (!crash_pt && !(pc->flags & MINIMAL_MODE) && vx_pt_init(&vx_session) &&
	    CRASHDEBUG(1))
		error(INFO, "own page-table walk: %s\n", vx_session.err);
	if ((pc->flags & MINIMAL_MODE) ||
	    (pgtable && !strcmp(pgtable, "own"))) {
		ret = vx_pt_enable(&vx_session);
		if (ret) {
			char msg[VX_ERRLEN];

			snprintf(msg, sizeof(msg), "%s", vx_session.err);
			vx_ctx_deinit(&vx_session);
			error(FATAL, "no page-table walk: %s\n", msg);
		}
	}
	/* an ELF dump: our translation and a pread beat crash's reads */
	open_map();
	if (vx_map && !crash_pt && vx_pt_phys_first(&vx_session))
		map_drop("not used: no page-table walk");
	vx_ready = true;
	return &vx_session;
}

/* One line, as every argument error should be; the session goes on. */
static void usage(const char *sub)
{
	static const char *const syn[][2] = {
		{ "list", "vmap list [-b] [-s|-c|-F] [-t type,...] [-n node] "
			  "[-C caller] [-v] [address]" },
		{ "read", "vmap read [-8|-16|-32|-64] [-x] [-r file] address "
			  "length" },
		{ "page", "vmap page address ... | -f file" },
		{ "check", "vmap check" },
	};
	size_t i;

	for (i = 0; sub && i < sizeof(syn) / sizeof(syn[0]); i++)
		if (!strcmp(sub, syn[i][0]))
			error(FATAL, "usage: %s\n", syn[i][1]);
	error(FATAL, "usage: vmap list|read|page|check ... (see \"help "
	      "vmap\")\n");
}

static void fail(struct vx_ctx *ctx, int ret)
{
	if (ret == VX_ERR_INTR)
		error(FATAL, "interrupted\n");
	error(FATAL, "%s\n", ctx->err[0] ? ctx->err : "failed");
}

static bool parse_u64(const char *s, int base, uint64_t *val)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*val = strtoull(s, &end, base);
	return errno == 0 && *end == '\0';
}

static bool parse_addr(const char *s, uint64_t *addr)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return parse_u64(s, 16, addr);
}

static unsigned int parse_kinds(char *list)
{
	unsigned int kinds = 0;
	char *name, *save = NULL;
	enum vx_kind kind;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		if (vx_kind_parse(name, &kind))
			error(FATAL, "unknown type: %s (see \"help vmap\")\n",
			      name);
		kinds |= 1u << kind;
	}
	return kinds;
}

/* The release the dump itself states, not crash's idea of it. */
static void show_release(struct vx_ctx *ctx)
{
	char banner[160] = "", release[72] = "?";
	uint64_t addr;

	if (ctx->ops->symbol(NULL, "linux_banner", &addr) == 0 &&
	    ctx->ops->read(NULL, addr, banner, sizeof(banner) - 1) == 0)
		sscanf(banner, "Linux version %71s", release);
	fprintf(fp, "        kernel: %s\n", release);
}

static void show_info(struct vx_ctx *ctx)
{
	show_release(ctx);
	fprintf(fp, "    types from: %s\n", vx_provider);
	fprintf(fp, "   translation: %s%s\n", !ctx->pt_ready ?
		"crash (kvtop)" : ctx->pt_levels == 5 ?
		"own 5-level page-table walk" : "own 4-level page-table walk",
		ctx->own_pt || ctx->phys_first ? ", also for reads" : "");
	fprintf(fp, "    dump reads: %s\n", ctx->phys_first && vx_map ?
		vx_map_why : "crash (readmem)");
	if (!(ctx->phys_first && vx_map))
		fprintf(fp, "   direct read: %s\n", vx_map_why);
	if ((ctx->own_pt || ctx->phys_first) && ctx->dm_size)
		fprintf(fp, "    direct map: %llx, read as physical\n",
			(unsigned long long)ctx->dm_start);
	if (vx_prefetch_off(ctx))
		fprintf(fp, "    read-ahead: off (%s)\n", vx_prefetch_off(ctx));
	else
		fprintf(fp, "    read-ahead: a helper thread in walks past %d "
			"areas%s, %lu pages so far\n", VX_READ_AHEAD_AFTER,
			getenv("VMAP_EXT_READAHEAD") &&
			!strcmp(getenv("VMAP_EXT_READAHEAD"), "wait") ?
			" (waited for: VMAP_EXT_READAHEAD=wait)" : "",
			ctx->ra_pages);
	fprintf(fp, "           era: %s\n", ctx->era == VX_ERA_NODES ?
		"vmap_nodes (6.9+)" : "vmap_area_list (up to 6.8)");
	if (ctx->era == VX_ERA_NODES)
		fprintf(fp, "    vmap nodes: %u at %llx, zone size %llu\n",
			ctx->nr_nodes, (unsigned long long)ctx->nodes,
			(unsigned long long)ctx->zone_size);
	fprintf(fp, "      va flags: %s\n", ctx->has_va_flags ?
		"VMAP_RAM/VMAP_BLOCK (6.3+)" : "none (vmap_blocks lookup)");
	fprintf(fp, "   vmap_blocks: %s, VMAP_BBMAP_BITS %lu%s\n",
		ctx->percpu_xa ? "per-CPU xarrays (6.4+)" : "global xarray",
		ctx->vb_bits, ctx->vb_bits ? "" : " (from block size)");
	fprintf(fp, "       vmalloc: %llx - %llx\n",
		(unsigned long long)ctx->vmalloc_start,
		(unsigned long long)ctx->vmalloc_end);
	fprintf(fp, "    nr_cpu_ids: %u\n", ctx->nr_cpu_ids);
}

/* What "vmap list ADDR" can say about ADDR beyond its area's row. */
static void identify(struct vx_ctx *ctx, uint64_t addr)
{
	char sym[BUFSIZE];
	struct vx_area area;
	struct vx_task task;
	struct vx_module mod;

	if (vx_find_area(ctx, addr, &area))
		return;
	if (area.kind == VX_K_LAZY) {
		fprintf(fp, "%llx: in a lazy area: freed, not yet purged\n",
			(unsigned long long)addr);
		return;
	}
	if (area.vm_valid && !(area.vm_flags & VX_VM_NO_GUARD) &&
	    addr >= area.start + area.vm_size - 4096 && addr < area.end) {
		fprintf(fp, "%llx: guard page\n", (unsigned long long)addr);
		return;
	}
	if (area.kind == VX_K_VMALLOC &&
	    vx_stack_owner(ctx, area.start, &task) == VX_OK) {
		fprintf(fp, "%llx: kernel stack of PID %ld (%s), task %llx\n",
			(unsigned long long)addr, task.pid, task.comm,
			(unsigned long long)task.task);
		return;
	}
	/* module memory: the kernel's module list, then crash's symbols */
	if (vx_module_owner(ctx, addr, &mod) == VX_OK)
		fprintf(fp, "%llx: module %s %s (%llx - %llx, struct "
			"module %llx)\n", (unsigned long long)addr, mod.name,
			mod.part, (unsigned long long)mod.base,
			(unsigned long long)(mod.base + mod.size),
			(unsigned long long)mod.module);
	if (value_to_symstr(addr, sym, 16) && sym[0])
		fprintf(fp, "%llx: %s\n", (unsigned long long)addr, sym);
}

static void vmap_cmd_list(int argc, char **argv)
{
	struct vx_list_opts opts = { .node = -1, .regions = true };
	bool summary = false, info = false, callers = false, frag = false;
	FILE *out;
	struct vx_ctx *ctx;
	uint64_t node;
	int c, ret;

	optind = 0;
	while ((c = getopt(argc, argv, "bscC:Ft:n:v")) != EOF) {
		switch (c) {
		case 'c':
			callers = true;
			break;
		case 'C':
			opts.caller = optarg;
			break;
		case 'F':
			frag = true;
			break;
		case 'b':
			opts.regions = false;
			break;
		case 's':
			summary = true;
			break;
		case 't':
			opts.kinds |= parse_kinds(optarg);
			break;
		case 'n':
			if (!parse_u64(optarg, 0, &node) || node > 1023)
				error(FATAL, "invalid node: %s\n", optarg);
			opts.node = node;
			break;
		case 'v':
			info = true;
			break;
		default:
			argerrs++;
		}
	}
	if (argerrs || argc - optind > 1)
		usage("list");
	if (optind < argc) {
		if (!parse_addr(argv[optind], &opts.addr))
			error(FATAL, "invalid address: %s\n", argv[optind]);
		opts.have_addr = true;
	}
	ctx = session();
	if (info) {
		show_info(ctx);
		return;
	}
	if (summary + callers + frag > 1)
		error(FATAL, "-s, -c and -F exclude each other\n");
	if ((ret = vx_check_list_opts(ctx, &opts)))
		fail(ctx, ret);
	out = out_open();
	if (summary)
		ret = vx_print_summary(ctx, out, &opts);
	else if (callers)
		ret = vx_print_callers(ctx, out, &opts);
	else if (frag)
		ret = vx_print_fragmentation(ctx, out, &opts);
	else
		ret = vx_print_list(ctx, out, &opts);
	out_close();
	if (ret)
		fail(ctx, ret);
	if (opts.have_addr)
		identify(ctx, opts.addr);
}

static void vmap_cmd_read(int argc, char **argv)
{
	struct vx_dump_opts opts = { .width = 8, .ascii = true };
	char *file = NULL;
	uint64_t addr, len;
	struct vx_ctx *ctx;
	int c, ret;

	optind = 0;
	while ((c = getopt(argc, argv, "81:3:6:xr:")) != EOF) {
		switch (c) {
		case '8':
			opts.width = 1;
			break;
		case '1':
		case '3':
		case '6':
			if (!strcmp(optarg, c == '1' ? "6" :
				    c == '3' ? "2" : "4"))
				opts.width = c == '1' ? 2 : c == '3' ? 4 : 8;
			else
				argerrs++;
			break;
		case 'x':
			opts.ascii = false;
			break;
		case 'r':
			file = optarg;
			break;
		default:
			argerrs++;
		}
	}
	if (argerrs || argc - optind != 2)
		usage("read");
	if (!parse_addr(argv[optind], &addr))
		error(FATAL, "invalid address: %s\n", argv[optind]);
	if (!parse_u64(argv[optind + 1], 0, &len))
		error(FATAL, "invalid length: %s\n", argv[optind + 1]);
	if (len == 0)
		error(FATAL, "length must be at least 1 byte\n");
	ctx = session();
	if (file && !(opts.raw = fopen(file, "w")))
		error(FATAL, "cannot open %s: %s\n", file, strerror(errno));
	ret = vx_print_read(ctx, out_open(), addr, len, &opts);
	out_close();
	if (opts.raw && fclose(opts.raw) && !ret)
		error(FATAL, "write to %s failed\n", file);
	if (ret)
		fail(ctx, ret);
	if (file)
		fprintf(fp, "%llu bytes copied from 0x%llx to %s\n",
			(unsigned long long)len, (unsigned long long)addr,
			file);
}

/* A physical address, or a struct page's (a kernel virtual address). */
static bool page_arg(const char *arg, uint64_t *addr)
{
	physaddr_t phys;

	if (!parse_addr(arg, addr)) {
		error(INFO, "invalid address: %s\n", arg);
		return false;
	}
	if (*addr < (1ULL << 63))
		return true;
	if (!is_page_ptr(*addr, &phys)) {
		error(INFO, "%s: not a struct page address crash knows\n", arg);
		return false;
	}
	*addr = phys;
	return true;
}

#define PAGE_FILE_MAX	(1UL << 20)	/* addresses read from one file */

/* The addresses of FILE, one per line; NULL (said why) on error. */
static uint64_t *page_file(const char *name, size_t *nr)
{
	char line[BUFSIZE], *word;
	uint64_t *addrs = NULL, *grown;
	size_t cap = 0;
	FILE *file;

	*nr = 0;
	if (!(file = fopen(name, "r"))) {
		error(INFO, "cannot open %s: %s\n", name, strerror(errno));
		return NULL;
	}
	while (fgets(line, sizeof(line), file)) {
		word = strtok(line, " \t\r\n");
		if (!word || word[0] == '#')
			continue;
		if (*nr == PAGE_FILE_MAX) {
			error(INFO, "%s: more than %lu addresses\n", name,
			      PAGE_FILE_MAX);
			goto fail;
		}
		if (*nr == cap) {
			cap = cap ? 2 * cap : 256;
			if (!(grown = realloc(addrs, cap * sizeof(*addrs)))) {
				error(INFO, "out of memory\n");
				goto fail;
			}
			addrs = grown;
		}
		if (!page_arg(word, &addrs[*nr]))
			goto fail;
		++*nr;
	}
	fclose(file);
	if (!*nr)
		error(INFO, "%s: no addresses\n", name);
	if (!*nr)
		free(addrs);
	return *nr ? addrs : NULL;
fail:
	fclose(file);
	free(addrs);
	return NULL;
}

static void vmap_cmd_page(int argc, char **argv)
{
	uint64_t *addrs = NULL;
	const char *file = NULL;
	struct vx_ctx *ctx;
	size_t nr = 0;
	int c, i, ret;

	optind = 0;
	while ((c = getopt(argc, argv, "f:")) != EOF) {
		if (c != 'f')
			usage("page");
		file = optarg;
	}
	if ((file && optind != argc) || (!file && optind == argc))
		usage("page");
	if (file) {
		addrs = page_file(file, &nr);
	} else if ((addrs = calloc(argc - optind, sizeof(*addrs)))) {
		for (i = optind; i < argc; i++)
			if (!page_arg(argv[i], &addrs[nr++]))
				break;
		if (i < argc) {
			free(addrs);
			addrs = NULL;
		}
	}
	/* every error above said why; FATAL only with nothing to free */
	if (!addrs)
		error(FATAL, "no page looked up\n");
	ctx = session();
	ret = vx_page_lookup(ctx, out_open(), addrs, nr);
	out_close();
	free(addrs);
	if (ret)
		fail(ctx, ret);
}

static void vmap_cmd_check(int argc, char **argv)
{
	unsigned long problems;
	struct vx_ctx *ctx;
	int ret;

	(void)argv;
	if (argc > 1)
		usage("check");
	ctx = session();
	vx_report = true;
	ret = vx_check(ctx, out_open(), &problems);
	out_close();
	vx_report = false;
	if (ret)
		fail(ctx, ret);
}

static void cmd_vmap(void)
{
	out_reset();
	if (argcnt < 2)
		usage(NULL);
	if (!strcmp(args[1], "list"))
		vmap_cmd_list(argcnt - 1, args + 1);
	else if (!strcmp(args[1], "read"))
		vmap_cmd_read(argcnt - 1, args + 1);
	else if (!strcmp(args[1], "check"))
		vmap_cmd_check(argcnt - 1, args + 1);
	else if (!strcmp(args[1], "page"))
		vmap_cmd_page(argcnt - 1, args + 1);
	else
		error(FATAL, "unknown subcommand: %s (list, read, page or "
		      "check)\n", args[1]);
}

static char *help_vmap[] = {
"vmap",
"vmalloc, vmap and vm_map_ram areas",
"list [-b] [-s|-c|-F] [-t type[,type...]] [-n node] [-C caller] [-v]\n"
"            [address]\n"
"       vmap read [-8|-16|-32|-64] [-x] [-r file] address length\n"
"       vmap page address ... | -f file\n"
"       vmap check",
"  This command lists every vmap area of the kernel, walking the kernel's",
"  own bookkeeping (the per-node busy and lazy lists of vmap_nodes[] on",
"  Linux 6.9 and later, vmap_area_list and the purge list before), and",
"  reads their contents the way /proc/kcore means to.  Unlike \"kmem -v\"",
"  it shows areas without a vm_struct: vm_map_ram() areas, the per-CPU",
"  vmap_block areas with their used, dirty and free vb regions, and",
"  lazily freed areas that are not purged yet.",
"",
"     list  display one row per vmap area, sorted by address across all",
"           nodes: NODE (6.9+), VMAP_AREA, VM_STRUCT (- if none), ADDRESS",
"           RANGE, SIZE (bytes, guard page included, as /proc/vmallocinfo),",
"           TYPE, PAGES, CALLER (and phys= for ioremap).  TYPE is one of",
"           vmalloc, vmalloc_user, vmap, ioremap, dma-coherent, sparse,",
"           uninitialized (VM_UNINITIALIZED), vm_struct (no known type",
"           bit), vm_map_ram, vmap_block, transient (no vm_struct and no",
"           VMAP_RAM: being set up or torn down) and lazy (freed, waiting",
"           for purge).  A vmap_block row is followed by its block header",
"           and its regions; before Linux 6.3 there is no used_map and the",
"           regions are derived from the page tables, which is said.",
"       -b  do not display the vb regions of vmap_block areas.",
"       -s  display a summary: areas and bytes per node and per type,",
"           and per type over all nodes (NODE \"all\") when more than one",
"           node has areas.",
"       -c  display areas, pages and bytes per caller and type, largest",
"           first, and compare the vmalloc'ed pages with the kernel's own",
"           counter (nr_vmalloc_pages, or the NR_VMALLOC node statistic",
"           on kernels that replaced it), naming any difference.",
"       -F  display a picture of vmalloc space in use, all areas and per",
"           vmap node (busy, lazy, free), with the number of gaps and",
"           the largest one: for \"vmalloc: allocation failure\" reports.",
"  -C caller  display only areas whose caller is this symbol (\"-\" for",
"           areas without a vm_struct).",
"  -t type  display only areas of these types (comma-separated).",
"  -n node  display only areas of this vmap node (Linux 6.9 and later;",
"           nodes are 0 to one less than \"vmap list -v\" counts).",
"       -v  display only what was detected: kernel, type provider, era,",
"           nodes, blocks, translation, and how the dump is read: an ELF",
"           dump (kdump, QEMU) directly from the file, other formats",
"           through crash (VMAP_EXT_READMEM=1 in crash's environment:",
"           always through crash); and whether a helper thread reads a",
"           long walk's pages ahead of it (ELF dumps, two CPUs or more;",
"           VMAP_EXT_READAHEAD=0 in crash's environment: never).",
"  address  display only the area containing this address (hexadecimal),",
"           and what the dump tells of it: for a vmap_block the vb region",
"           holding it and its state; the task whose kernel stack it is",
"           (CONFIG_VMAP_STACK, found on the kernel's own task lists);",
"           the module whose text or data it is, and which part (from",
"           the kernel's module list, so also under --minimal); guard",
"           page; lazy (freed, not purged); the symbol there.",
"",
"     read  display length bytes of vmap space from address, in the",
"           format of \"rd\".  Pages are read through the page tables;",
"           vb regions only where used_map says they are in use.  Parts",
"           the kernel never reads (dirty and free vb regions, ioremap,",
"           sparse, uninitialized and lazy areas, guard pages, unmapped",
"           pages, gaps between areas) are not read: each is shown as a",
"           hole with its range and reason, and counts as zeros.",
"  -8 -16 -32 -64  unit size of the display (default -64).",
"       -x  do not display the ASCII translation.",
"  -r file  write the raw bytes (holes as zeros) to file and list the",
"           holes.",
"  address  a hexadecimal kernel virtual address in vmalloc space or in",
"           a vmap area (module areas included).",
"   length  number of bytes (not units) to read, decimal or 0x-prefixed;",
"           at most 1 GiB.",
"",
"     page  list every vmap mapping of each page: a physical address, or",
"           a struct page address.  All queried pages are looked up in",
"           one pass over the page tables of every busy area (ioremap",
"           areas through their phys_addr), vm_map_ram and vb regions",
"           included.",
"  -f file  look up the addresses in file, one per line (beyond crash's",
"           limit of arguments to one command; # starts a comment).",
"",
"    check  audit the vmap bookkeeping and list every inconsistency, one",
"           line each: each list against its rb-tree, overlaps, areas on",
"           both a busy and a lazy list, areas in the wrong vmap node,",
"           vm_struct not matching its area, vmap_blocks whose va or",
"           xarray index or CPU disagree, used_map bits against the page",
"           tables and the free/dirty counters.  A clean dump says clean.",
"",
"  Every walk is bounded and detects cycles; a broken list is reported",
"  with the address where it broke, and the walk goes on from the",
"  kernel's rb-tree of the same areas.  Type layouts come from the",
"  vmlinux DWARF through libdw (crash's gdb if that fails; set",
"  VMAP_EXT_NO_LIBDW to force it); under \"crash --minimal\", which has",
"  no vmalloc translation, vmap walks the page tables itself.",
"\nEXAMPLES",
"  List every area, sorted by address over all vmap nodes; a vmap_block",
"  row is followed by its vb regions (Linux 6.12 dump):\n",
"    %s> vmap list",
"    NODE     VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                   SIZE  TYPE           PAGES  CALLER",
"       0  ffff888000143048  ffff88800015d060  ffffc90000000000 - ffffc90000005000       20480  vmap               -  irq_init_percpu_irqstack+0xd2",
"       0  ffff8880001430d8  ffff88800015d120  ffffc90000005000 - ffffc90000007000        8192  ioremap            -  acpi_os_map_iomem+0x12a phys=1ffe1000",
"    ...",
"       3  ffff8880002a96c0                 -  ffffc900001b5000 - ffffc90000205000      327680  vm_map_ram        80  -",
"    ...",
"       1  ffff888000366318                 -  ffffc90000255000 - ffffc90000259000       16384  lazy               -  -",
"    ...",
"       0  ffff8880002a9630                 -  ffffc90000400000 - ffffc90000800000     4194304  vmap_block        14  -",
"                      VMAP_BLOCK ffff888000b04e00  CPU 0  USED 14  DIRTY 8  FREE 1002  (used_map)",
"                        ffffc90000400000 - ffffc90000401000       1  used",
"                        ffffc90000401000 - ffffc90000405000       4  dirty",
"                        ffffc90000405000 - ffffc9000040b000       6  used",
"                        ffffc9000040b000 - ffffc9000040f000       4  dirty",
"                        ffffc9000040f000 - ffffc90000416000       7  used",
"                        ffffc90000416000 - ffffc90000800000    1002  free",
"",
"  Only vm_map_ram and lazy areas:\n",
"    %s> vmap list -t vm_map_ram,lazy",
"",
"  The vmap_block areas, without their vb regions:\n",
"    %s> vmap list -b -t vmap_block",
"    NODE     VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                   SIZE  TYPE           PAGES  CALLER",
"       0  ffff8880002f1480                 -  ffffc90000400000 - ffffc90000800000     4194304  vmap_block        14  -",
"       0  ffff8880008eb0d8                 -  ffffc90000800000 - ffffc90000c00000     4194304  vmap_block        14  -",
"    ...",
"",
"  The areas one function made:\n",
"    %s> vmap list -C vx_do_vmap",
"    NODE     VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                   SIZE  TYPE           PAGES  CALLER",
"       1  ffff888000332318  ffff8880003315a0  ffffc9000019d000 - ffffc900001a1000       16384  vmap               -  vx_do_vmap+0x43",
"       2  ffff888000332360  ffff888000331600  ffffc900001a1000 - ffffc900001a8000       28672  vmap               -  vx_do_vmap+0x43",
"",
"  What vmap found in the dump, and how (here under crash --minimal):\n",
"    %s> vmap list -v",
"            kernel: 6.12.117",
"        types from: libdw (vmlinux DWARF, compact)",
"       translation: own 4-level page-table walk, also for reads",
"        dump reads: ELF vmcore, read directly, 2 PT_LOAD segments",
"        direct map: ffff888000000000, read as physical",
"        read-ahead: a helper thread in walks past 256 areas, 0 pages so far",
"               era: vmap_nodes (6.9+)",
"        vmap nodes: 4 at ffff888000148000, zone size 65536",
"          va flags: VMAP_RAM/VMAP_BLOCK (6.3+)",
"       vmap_blocks: per-CPU xarrays (6.4+), VMAP_BBMAP_BITS 1024",
"           vmalloc: ffffc90000000000 - ffffe8ffffffffff",
"        nr_cpu_ids: 4",
"",
"  What is this address?\n",
"    %s> vmap list ffffc90000070010",
"    NODE     VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                   SIZE  TYPE           PAGES  CALLER",
"       3  ffff8880001439d8  ffff88800015d780  ffffc90000070000 - ffffc90000075000       20480  vmalloc            4  kernel_clone+0xa0",
"    ffffc90000070010: kernel stack of PID 13 (ksoftirqd/0), task ffff888000230000",
"    %s> vmap list ffffffffa00040c8",
"    NODE     VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                   SIZE  TYPE           PAGES  CALLER",
"       0  ffff8880003a5af8  ffff888000271a20  ffffffffa0004000 - ffffffffa0006000        8192  vmalloc            1  load_module+0x70f",
"    ffffffffa00040c8: module vx_fixture_mod rodata (ffffffffa0004000 - ffffffffa0005000, struct module ffffffffa0002200)",
"    ffffffffa00040c8: vx_mod_rodata+0x8",
"    %s> vmap list ffffc90000401234",
"    NODE     VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                   SIZE  TYPE           PAGES  CALLER",
"       0  ffff8880002a9630                 -  ffffc90000400000 - ffffc90000800000     4194304  vmap_block        14  -",
"                      VMAP_BLOCK ffff888000b04e00  CPU 0  USED 14  DIRTY 8  FREE 1002  (used_map)",
"                        ffffc90000401000 - ffffc90000405000       4  dirty",
"",
"  Areas and bytes of vmap node 1, per type:\n",
"    %s> vmap list -s -n 1",
"    NODE  TYPE             AREAS           BYTES",
"       1  vmalloc             23          409600",
"       1  vmalloc_user         1           16384",
"       1  vmap                 3           65536",
"       1  lazy                 1           16384",
"          total               28          507904",
"",
"  On a machine of 128 CPUs (128 vmap nodes), the totals per type:\n",
"    %s> vmap list -s | grep -v \"^ *[0-9]\"",
"    NODE  TYPE             AREAS           BYTES",
"     all  vmalloc            226         4386816",
"     all  vmalloc_user         2           28672",
"     all  vmap                 6          126976",
"     all  ioremap              5           57344",
"     all  vm_map_ram           2          655360",
"     all  vmap_block           4        16777216",
"     all  lazy                 4           77824",
"          total              249        22110208",
"",
"  Read across a dirty vb region into a used one:\n",
"    %s> vmap read ffffc90000404ff0 48",
"    ffffc90000404ff0:  hole of 16 bytes (to ffffc90000405000): vb region dirty, zero-filled",
"    ffffc90000405000:  318aa9830a1ef354 6904d68a0b5fa31c   T......1.._....i",
"    ffffc90000405010:  fe51321f10150f38 a86efd7de0989517   8....2Q.....}.n.",
"",
"  The same used vb region in 32-bit words, without ASCII:\n",
"    %s> vmap read -32 -x ffffc90000405000 32",
"    ffffc90000405000:  0a1ef354 318aa983 0b5fa31c 6904d68a",
"    ffffc90000405010:  10150f38 fe51321f e0989517 a86efd7d",
"",
"  Save 64 KiB of a vmap_block to a file; holes are listed and written",
"  as zeros:\n",
"    %s> vmap read -r /tmp/vb.bin ffffc90000400000 0x10000",
"    ffffc90000401000:  hole of 16384 bytes (to ffffc90000405000): vb region dirty, zero-filled",
"    ffffc9000040a000:  hole of 4096 bytes (to ffffc9000040b000): not mapped, zero-filled",
"    ffffc9000040b000:  hole of 16384 bytes (to ffffc9000040f000): vb region dirty, zero-filled",
"    65536 bytes copied from 0xffffc90000400000 to /tmp/vb.bin",
"",
"  Who holds vmalloc memory (largest first), checked against the kernel:\n",
"    %s> vmap list -c",
"       AREAS       PAGES           BYTES  TYPE          CALLER",
"           4          56        16777216  vmap_block    -",
"          50         200         1024000  vmalloc       kernel_clone+0xa0",
"          43         123          679936  vmalloc       vx_do_vmalloc+0x27",
"    ...",
"         119         559        19472384  total",
"    vmalloc pages: 343 in busy VM_ALLOC areas, kernel nr_vmalloc_pages: 343 (same)",
"",
"  How vmalloc space is used:\n",
"    %s> vmap list -F",
"    vmalloc ffffc90000000000 - ffffc90001400000 in use, 640 KiB per column",
"    # busy, l lazy, + busy and lazy, . free; rows: all areas, then per vmap node",
"    all |###++.##########################| 119 areas, 45 gaps, max 1068K",
"    0   |###+#.##########################| 33 areas, 16M busy, 16K lazy",
"    1   |#####...........................| 28 areas, 500K busy, 0K lazy",
"    ...",
"",
"  Which vmap mappings does physical page c59000 have:\n",
"    %s> vmap page c59000",
"        PHYSICAL             VADDR  TYPE                 VMAP_AREA  FOUND IN    CALLER",
"          c59000  ffffc90000195000  vmap          ffff8880003661f8  page tables vx_do_vmap+0x43",
"",
"  The same for every page listed in a file, one per line, in one pass:\n",
"    %s> vmap page -f /tmp/pages.txt",
"",
"  Audit the vmap bookkeeping of the dump:\n",
"    %s> vmap check",
"    vmap check: 119 areas (116 busy, 3 lazy), 4 vmap_blocks, 8 lists checked against their rb-trees: clean",
NULL
};

static void __attribute__((constructor)) vmap_ext_init(void)
{
	register_extension(command_table);
}

static void __attribute__((destructor)) vmap_ext_fini(void)
{
	/* its write function is unloaded with us */
	out_reset();
	if (vx_buf)
		fclose(vx_buf);
	vx_buf = NULL;
	memset(sym_cache, 0, sizeof(sym_cache));
	if (vx_ready)
		vx_ctx_deinit(&vx_session);
	vx_ready = false;
	if (vx_dwarf)
		vx_dwarf_close(vx_dwarf);
	vx_dwarf = NULL;
	map_drop("unloaded");
	vx_map_tried = false;
}
