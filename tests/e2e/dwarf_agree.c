// SPDX-License-Identifier: GPL-2.0
/*
 * dwarf_agree VMLINUX SYSTEM.MAP: the layouts vmap_ext reads must be the
 * same whichever way libdw was given the DWARF: the compact copy of the
 * units found through .debug_aranges (with System.map's addresses) and
 * the sparse copy found by unit names.  Prints what it compared; exit 1
 * on any difference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vx_dwarf.h"

static const char *smap;

static int addr_of(void *priv, const char *name, uint64_t *addr)
{
	char line[512], type[8], sym[256];
	unsigned long long val;
	FILE *map = fopen(smap, "r");
	int ret = -1;

	(void)priv;
	if (!map)
		return -1;
	while (fgets(line, sizeof(line), map))
		if (sscanf(line, "%llx %7s %255s", &val, type, sym) == 3 &&
		    (type[0] == 'T' || type[0] == 't') && !strcmp(sym, name)) {
			*addr = val;
			ret = 0;
			break;
		}
	fclose(map);
	return ret;
}

static const char *const members[][2] = {
	{ "vmap_area", NULL }, { "vmap_area", "va_start" },
	{ "vmap_area", "va_end" }, { "vmap_area", "rb_node" },
	{ "vmap_area", "list" }, { "vmap_area", "vm" },
	{ "vmap_area", "flags" }, { "vm_struct", NULL },
	{ "vm_struct", "addr" }, { "vm_struct", "size" },
	{ "vm_struct", "flags" }, { "vm_struct", "pages" },
	{ "vm_struct", "page_order" }, { "vm_struct", "nr_pages" },
	{ "vm_struct", "phys_addr" }, { "vm_struct", "caller" },
	{ "vmap_node", NULL }, { "vmap_node", "busy" },
	{ "vmap_node", "lazy" }, { "rb_list", "root" }, { "rb_list", "head" },
	{ "vmap_block", NULL }, { "vmap_block", "va" },
	{ "vmap_block", "free" }, { "vmap_block", "dirty" },
	{ "vmap_block", "used_map" }, { "vmap_block", "dirty_min" },
	{ "vmap_block", "dirty_max" }, { "vmap_block", "cpu" },
	{ "vmap_block_queue", NULL }, { "vmap_block_queue", "vmap_blocks" },
	{ "xarray", "xa_head" }, { "xa_node", "shift" },
	{ "xa_node", "slots" }, { "rb_node", "rb_left" },
	{ "rb_node", "rb_right" }, { "rb_root", "rb_node" },
	{ "cpumask", NULL }, { "task_struct", "stack" },
	{ "task_struct", "tasks" }, { "task_struct", "pid" },
	{ "task_struct", "comm" }, { "task_struct", "signal" },
	{ "task_struct", "thread_node" }, { "signal_struct", "thread_head" },
	{ "pglist_data", "per_cpu_nodestats" },
	{ "per_cpu_nodestat", "vm_node_stat_diff" },
	{ "module", "list" }, { "module", "name" }, { "module", "mem" },
	{ "module", "core_layout" }, { "module_memory", NULL },
	{ "module_memory", "base" }, { "module_layout", "text_size" },
};
static const char *const enums[] = {
	"NR_VMALLOC", "MOD_TEXT", "MOD_RODATA", "MOD_INIT_RODATA",
	"MOD_MEM_NUM_TYPES",
};

int main(int argc, char **argv)
{
	struct vx_dwarf *dw[2];
	char err[256];
	size_t i, found = 0, bad = 0;
	int k;

	if (argc != 3) {
		fprintf(stderr, "usage: %s VMLINUX SYSTEM.MAP\n", argv[0]);
		return 2;
	}
	smap = argv[2];
	dw[0] = vx_dwarf_open(argv[1], addr_of, NULL, err, sizeof(err));
	if (!dw[0]) {
		fprintf(stderr, "dwarf_agree: %s\n", err);
		return 1;
	}
	dw[1] = vx_dwarf_open(argv[1], NULL, NULL, err, sizeof(err));
	if (!dw[1]) {
		fprintf(stderr, "dwarf_agree: %s\n", err);
		return 1;
	}
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		long off[2] = { -1, -1 }, size[2] = { -1, -1 };
		int ret[2];

		for (k = 0; k < 2; k++)
			ret[k] = vx_dwarf_member(dw[k], members[i][0],
						 members[i][1], &off[k],
						 &size[k]);
		found += ret[0] == 0;
		if (ret[0] != ret[1] || off[0] != off[1] ||
		    size[0] != size[1]) {
			printf("DIFFERENT: %s.%s: %s %d %ld/%ld, %s %d "
			       "%ld/%ld\n", members[i][0],
			       members[i][1] ? members[i][1] : "",
			       vx_dwarf_how(dw[0]), ret[0], off[0], size[0],
			       vx_dwarf_how(dw[1]), ret[1], off[1], size[1]);
			bad++;
		}
	}
	for (i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
		long val[2] = { -1, -1 };
		int ret[2];

		for (k = 0; k < 2; k++)
			ret[k] = vx_dwarf_enum(dw[k], enums[i], &val[k]);
		found += ret[0] == 0;
		if (ret[0] != ret[1] || val[0] != val[1]) {
			printf("DIFFERENT: %s: %d %ld, %d %ld\n", enums[i],
			       ret[0], val[0], ret[1], val[1]);
			bad++;
		}
	}
	printf("dwarf_agree: %s and %s copies: %zu of %zu layouts found, %zu "
	       "different\n", vx_dwarf_how(dw[0]), vx_dwarf_how(dw[1]), found,
	       sizeof(members) / sizeof(members[0]) +
	       sizeof(enums) / sizeof(enums[0]), bad);
	/* the compact copy is the one meant to be taken */
	bad += strcmp(vx_dwarf_how(dw[0]), "compact") != 0;
	vx_dwarf_close(dw[0]);
	vx_dwarf_close(dw[1]);
	return bad ? 1 : 0;
}
