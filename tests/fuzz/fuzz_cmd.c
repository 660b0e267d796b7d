// SPDX-License-Identifier: GPL-2.0
/*
 * Target "cmd": fuzzed "vmap ..." command lines through vmap_ext.c itself
 * (its option parsing, argument checks and error paths), without crash.
 *
 * vmap_ext.c is #included as it is; the crash services it calls are
 * stubbed here over a memimg world: readmem, symbols, type info (the
 * libdw reader is switched off with VMAP_EXT_NO_LIBDW), kvtop,
 * is_page_ptr.  error(FATAL) and cmd_usage() return to the command loop
 * with longjmp, as crash's do.  Every fopen() of the adapter (vmap read
 * -r FILE) goes to /dev/null: file names come from the fuzzer.
 *
 * Input: a mode byte (fuzz_world.h; bit 5: crash --minimal, which makes
 * the adapter walk the page tables itself), then up to 8 command lines,
 * each split at blanks into the arguments after "vmap".
 */
#define _GNU_SOURCE	/* vmap_ext.c uses fopencookie */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* vmap_ext.c's fopen() is ours (defs.h has no include guard: it comes
 * in with vmap_ext.c only) */
static FILE *fuzz_fopen(const char *path, const char *mode);
#define fopen(path, mode) fuzz_fopen(path, mode)
#include "vmap_ext.c"
#undef fopen

#include "fuzz_world.h"

#define BUDGET	4000000UL
/* struct page array (vmemmap), 64 bytes a page */
#define FUZZ_VMEMMAP	0xffffea0000000000ULL

/* ---- crash's globals ---- */
struct program_context program_context, *pc = &program_context;
struct kernel_table kernel_table, *kt = &kernel_table;
FILE *fp;
char *args[MAXARGS];
int argcnt, argerrs;
static struct machine_specific fuzz_machspec;
static struct machdep_table fuzz_machdep = { .machspec = &fuzz_machspec };
struct machdep_table *machdep = &fuzz_machdep;

static struct img *cur;		/* the world commands run on */
static jmp_buf cmd_env;
static bool in_cmd;
static FILE *devnull;

static FILE *fuzz_fopen(const char *path, const char *mode)
{
	(void)path;
	return fopen("/dev/null", mode);
}

/* ---- crash's services, over the image ---- */
int readmem(ulonglong addr, int memtype, void *buf, long size, char *type,
	    ulong error_handle)
{
	(void)type;
	(void)error_handle;
	if (size < 0)
		abort();	/* crash would take this as a huge request */
	if (memtype == PHYSADDR)
		return fw_ops.read_phys(cur, addr, buf, size) == 0;
	if (memtype != KVADDR)
		abort();
	return fw_ops.read(cur, addr, buf, size) == 0;
}

int symbol_exists(char *name)
{
	uint64_t addr;

	return fw_ops.symbol(cur, name, &addr) == 0;
}

ulong symbol_value(char *name)
{
	uint64_t addr = 0;

	if (fw_ops.symbol(cur, name, &addr)) {
		/* crash's symbol_value() is FATAL for unknown symbols */
		fprintf(stderr, "symbol_value(%s) without symbol_exists\n",
			name);
		abort();
	}
	return addr;
}

long datatype_info(char *type, char *member, struct datatype_member *dm)
{
	long off, size;

	if (fw_ops.member(cur, type, member, &off, &size))
		return -1;
	if (dm == STRUCT_SIZE_REQUEST || dm == MEMBER_SIZE_REQUEST)
		return size;
	return off;
}

int enumerator_value(char *name, long *val)
{
	if (fw_ops.enumerator)
		return fw_ops.enumerator(cur, name, val) == 0;
	return 0;
}

int kvtop(struct task_context *tc, ulong addr, physaddr_t *paddr, int verbose)
{
	uint64_t pa;

	(void)tc;
	(void)verbose;
	if (fw_ops.translate(cur, addr, &pa))
		return 0;
	*paddr = pa;
	return 1;
}

char *value_to_symstr(ulong addr, char *buf, ulong radix)
{
	(void)radix;
	if (addr < 0xffffffff80000000ULL) {
		buf[0] = '\0';
		return NULL;
	}
	fw_ops.symbolize(cur, addr, buf, 64);
	return buf;
}

int is_page_ptr(ulong addr, physaddr_t *phys)
{
	if (addr < FUZZ_VMEMMAP || addr >= FUZZ_VMEMMAP + (1ULL << 40) || addr % 64)
		return 0;
	if (phys)
		*phys = (addr - FUZZ_VMEMMAP) / 64 * 4096;
	return 1;
}

int received_SIGINT(void)
{
	return 0;
}

int __error(int type, char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(getenv("FUZZ_VERBOSE") ? stderr : devnull, fmt, ap);
	va_end(ap);
	if ((type == FATAL || type == FATAL_RESTART) && in_cmd)
		longjmp(cmd_env, 1);
	if (type == FATAL || type == FATAL_RESTART)
		abort();
	return 0;
}

void cmd_usage(char *cmd, int flags)
{
	(void)cmd;
	(void)flags;
	if (!in_cmd)
		abort();
	longjmp(cmd_env, 1);
}

static struct command_table_entry *registered;

void register_extension(struct command_table_entry *table)
{
	registered = table;
}

/* ---- the command loop ---- */

static void run_line(char *line)
{
	char *save = NULL, *tok;

	argcnt = 0;
	args[argcnt++] = "vmap";
	for (tok = strtok_r(line, " \t", &save); tok && argcnt < MAXARGS - 1;
	     tok = strtok_r(NULL, " \t", &save))
		args[argcnt++] = tok;
	args[argcnt] = NULL;
	argerrs = 0;
	opterr = !!getenv("FUZZ_VERBOSE");	/* getopt's own complaints */
	pc->curcmd = "vmap";
	in_cmd = true;
	if (setjmp(cmd_env) == 0)
		registered[0].func();
	in_cmd = false;
}

static struct fworld worlds[64];
static bool built[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[2048], *line, *save = NULL;
	unsigned int m, lines = 0;

	if (size < 1)
		return 0;
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		setenv("VMAP_EXT_NO_LIBDW", "1", 1);
		if (!registered)
			vmap_ext_init();
	}
	fp = getenv("FUZZ_VERBOSE") ? stdout : devnull;
	m = data[0] & 63;
	if (!built[m]) {
		/* --minimal needs the page tables */
		fworld_build(&worlds[m], m & 0x20 ? (m & 31) | 8 : m & 31);
		built[m] = true;
	}
	cur = &worlds[m].world.img;
	pc->flags = data[0] & 0x20 ? MINIMAL_MODE : 0;
	pc->namelist = "vmlinux";
	fuzz_machspec.vmalloc_start_addr = IMG_VMALLOC;
	fuzz_machspec.vmalloc_end = IMG_VMALLOC_END;
	fw_budget_reset(BUDGET);
	/* a fresh session per input, as a new crash would have */
	if (vx_ready)
		vx_ctx_deinit(&vx_session);
	vx_ready = false;

	size = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
	memcpy(text, data + 1, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line && lines < 8;
	     line = strtok_r(NULL, "\n", &save), lines++)
		run_line(line);
	return 0;
}
