// SPDX-License-Identifier: GPL-2.0
/*
 * Layout provider over libdw.  mm/vmalloc.c defines (or pulls in) every
 * type the core reads: vmap_node, vmap_block, vmap_block_queue and rb_list
 * are local to it; vmap_area, vm_struct, xarray and list_head come with
 * it.  xa_node may only be declared there, so lib/xarray.c is the second
 * unit we index.  Nothing else of the debuginfo is parsed.
 *
 * libdw reads a mapped file, and finding one unit makes it read the
 * header of every unit before it; on a file mapping each such read
 * faults in (and keeps) 64 KiB around it: 31 MiB of a 68 MB vmlinux,
 * 125 MiB of a distribution's.  So libdw gets a sparse private copy
 * instead: an anonymous mapping of the file's size holding only the ELF
 * headers, the string and abbreviation sections, the first bytes of each
 * unit (header and unit DIE), and, once a unit is wanted, all of it.
 * Untouched pages cost nothing.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vx_dwarf.h"

static const char *const vx_units[] = {
	"mm/vmalloc.c", "lib/xarray.c",
	"kernel/fork.c",	/* signal_struct, for the owners of stacks */
	"mm/vmstat.c",		/* per_cpu_nodestat, for NR_VMALLOC */
	"kernel/module/main.c",	/* module, module_memory / module_layout */
	"kernel/module.c",	/* the same before 5.19 */
};
static const char *const vx_types[] = {
	"vmap_area", "vm_struct", "vmap_node", "rb_list", "vmap_block",
	"vmap_block_queue", "xarray", "xa_node", "list_head", "cpumask",
	"rb_node", "rb_root", "task_struct", "signal_struct",
	"pglist_data", "per_cpu_nodestat", "module", "module_memory",
	"module_layout",
};
#define NR_TYPES (sizeof(vx_types) / sizeof(vx_types[0]))

#define MAX_ENUMS 64

/* bytes of each unit copied up front: its header and unit DIE */
#define UNIT_HEAD	512

struct vx_dwarf {
	int fd;
	Elf *elf;
	unsigned char *image;		/* sparse copy, or NULL */
	size_t image_size;
	uint64_t info_off, info_size;	/* .debug_info in the file */
	Dwarf *dbg;
	Dwarf_Off type_die[NR_TYPES];	/* 0: not found */
	Dwarf_Off enum_die[MAX_ENUMS];	/* enumeration types seen */
	int nr_enums;
};

static bool unit_wanted(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < sizeof(vx_units) / sizeof(vx_units[0]); i++) {
		size_t u = strlen(vx_units[i]);

		if (n >= u && !strcmp(name + n - u, vx_units[i]) &&
		    (n == u || name[n - u - 1] == '/'))
			return true;
	}
	return false;
}

static void index_unit(struct vx_dwarf *dw, Dwarf_Die *cu)
{
	Dwarf_Die child;
	size_t i;

	if (dwarf_child(cu, &child) != 0)
		return;
	do {
		const char *name;

		if (dwarf_tag(&child) == DW_TAG_enumeration_type &&
		    dw->nr_enums < MAX_ENUMS)
			dw->enum_die[dw->nr_enums++] = dwarf_dieoffset(&child);
		if (dwarf_tag(&child) != DW_TAG_structure_type ||
		    dwarf_hasattr(&child, DW_AT_declaration))
			continue;
		name = dwarf_diename(&child);
		if (!name)
			continue;
		for (i = 0; i < NR_TYPES; i++)
			if (!dw->type_die[i] && !strcmp(name, vx_types[i]))
				dw->type_die[i] = dwarf_dieoffset(&child);
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* Copy LEN bytes at file offset OFF into the sparse image. */
static bool load(struct vx_dwarf *dw, uint64_t off, uint64_t len)
{
	ssize_t got;

	if (!dw->image)
		return true;
	if (off > dw->image_size || len > dw->image_size - off)
		return false;
	while (len) {
		got = pread(dw->fd, dw->image + off, len, off);
		if (got <= 0)
			return false;
		off += got;
		len -= got;
	}
	return true;
}

static void index_units(struct vx_dwarf *dw)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dwarf_nextcu(dw->dbg, off, &next, &hsize, NULL, NULL,
			    NULL) == 0) {
		Dwarf_Die cu;
		const char *name;

		if (dwarf_offdie(dw->dbg, off + hsize, &cu) &&
		    (name = dwarf_diename(&cu)) && unit_wanted(name) &&
		    next > off && load(dw, dw->info_off + off, next - off) &&
		    dwarf_offdie(dw->dbg, off + hsize, &cu))
			index_unit(dw, &cu);
		off = next;
	}
}

/* The first UNIT_HEAD bytes of every unit in .debug_info. */
static bool load_unit_heads(struct vx_dwarf *dw)
{
	uint64_t off = 0, len, limit = dw->info_size;
	unsigned char hdr[12];

	while (off + 4 <= limit) {
		if (pread(dw->fd, hdr, sizeof(hdr), dw->info_off + off) < 4)
			return false;
		len = (uint32_t)(hdr[0] | hdr[1] << 8 | hdr[2] << 16 |
				 (uint32_t)hdr[3] << 24);
		if (len == 0xffffffff) {	/* 64-bit DWARF */
			memcpy(&len, hdr + 4, 8);
			len += 12;
		} else {
			len += 4;
		}
		if (len > limit - off)
			return false;
		if (!load(dw, dw->info_off + off,
			  len < UNIT_HEAD ? len : UNIT_HEAD))
			return false;
		off += len;
	}
	return true;
}

static bool section_whole(const char *name)
{
	static const char *const whole[] = {
		".debug_abbrev", ".debug_str", ".debug_line_str",
		".debug_str_offsets", ".debug_addr",
	};
	size_t i;

	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (!strcmp(name, whole[i]))
			return true;
	return false;
}

/*
 * Build the sparse image from the file's ELF headers; false (and the
 * caller maps the file as it is) for anything unusual, e.g. compressed
 * debug sections.
 */
static bool load_sparse(struct vx_dwarf *dw)
{
	Elf *file = elf_begin(dw->fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	GElf_Ehdr ehdr;
	size_t shstrndx;
	struct stat st;
	bool ok = false;

	if (!file || fstat(dw->fd, &st) || !gelf_getehdr(file, &ehdr) ||
	    elf_getshdrstrndx(file, &shstrndx) || st.st_size < 64)
		goto out;
	dw->image_size = st.st_size;
	dw->image = mmap(NULL, dw->image_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (dw->image == MAP_FAILED) {
		dw->image = NULL;
		goto out;
	}
	if (!load(dw, 0, sizeof(Elf64_Ehdr)) ||
	    !load(dw, ehdr.e_shoff, (uint64_t)ehdr.e_shnum * ehdr.e_shentsize))
		goto out;
	while ((scn = elf_nextscn(file, scn))) {
		GElf_Shdr shdr;
		const char *name;

		if (!gelf_getshdr(scn, &shdr) ||
		    !(name = elf_strptr(file, shstrndx, shdr.sh_name)))
			goto out;
		if (shdr.sh_type == SHT_NOBITS)
			continue;
		if (elf_ndxscn(scn) == shstrndx || section_whole(name)) {
			if ((shdr.sh_flags & SHF_COMPRESSED) ||
			    !load(dw, shdr.sh_offset, shdr.sh_size))
				goto out;
		} else if (!strcmp(name, ".debug_info")) {
			if (shdr.sh_flags & SHF_COMPRESSED)
				goto out;
			dw->info_off = shdr.sh_offset;
			dw->info_size = shdr.sh_size;
		}
	}
	ok = dw->info_size && load_unit_heads(dw);
out:
	if (!ok && dw->image) {
		munmap(dw->image, dw->image_size);
		dw->image = NULL;
	}
	if (file)
		elf_end(file);
	return ok;
}

static Dwarf *begin(struct vx_dwarf *dw)
{
	elf_version(EV_CURRENT);
	if (!load_sparse(dw))
		return dwarf_begin(dw->fd, DWARF_C_READ);
	dw->elf = elf_memory((char *)dw->image, dw->image_size);
	return dw->elf ? dwarf_begin_elf(dw->elf, DWARF_C_READ, NULL) : NULL;
}

static void end(struct vx_dwarf *dw)
{
	if (dw->dbg)
		dwarf_end(dw->dbg);
	if (dw->elf)
		elf_end(dw->elf);
	if (dw->image)
		munmap(dw->image, dw->image_size);
	close(dw->fd);
	free(dw);
}

struct vx_dwarf *vx_dwarf_open(const char *vmlinux, char *err, size_t errlen)
{
	struct vx_dwarf *dw = calloc(1, sizeof(*dw));

	if (!dw) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dw->fd = open(vmlinux, O_RDONLY);
	if (dw->fd < 0) {
		snprintf(err, errlen, "cannot open %s", vmlinux);
		goto out_free;
	}
	dw->dbg = begin(dw);
	if (!dw->dbg) {
		snprintf(err, errlen, "%s: %s", vmlinux, dwarf_errmsg(-1));
		goto out_end;
	}
	index_units(dw);
	if (!dw->type_die[0]) {
		snprintf(err, errlen, "%s: no struct vmap_area in "
			 "mm/vmalloc.c's DWARF", vmlinux);
		goto out_end;
	}
	return dw;

out_end:
	end(dw);
	return NULL;
out_free:
	free(dw);
	return NULL;
}

void vx_dwarf_close(struct vx_dwarf *dw)
{
	end(dw);
}

static long type_size(Dwarf_Die *type)
{
	Dwarf_Word size;

	if (dwarf_aggregate_size(type, &size) != 0)
		return -1;
	return size;
}

static bool member_offset(Dwarf_Die *member, long *off)
{
	Dwarf_Attribute attr;
	Dwarf_Word val;

	/* union members have no location: offset 0 */
	if (!dwarf_attr(member, DW_AT_data_member_location, &attr)) {
		*off = 0;
		return true;
	}
	if (dwarf_formudata(&attr, &val) != 0)
		return false;
	*off = val;
	return true;
}

/* Find NAME among the members of AGG, looking into anonymous members. */
static int find_member(Dwarf_Die *agg, const char *name, long base,
		       long *off, long *size, int depth)
{
	Dwarf_Die child, type;

	if (depth > 8 || dwarf_child(agg, &child) != 0)
		return -1;
	do {
		Dwarf_Attribute attr;
		const char *mname;
		long moff;

		if (dwarf_tag(&child) != DW_TAG_member ||
		    !member_offset(&child, &moff) ||
		    !dwarf_attr_integrate(&child, DW_AT_type, &attr) ||
		    !dwarf_formref_die(&attr, &type))
			continue;
		mname = dwarf_diename(&child);
		if (mname && !strcmp(mname, name)) {
			*off = base + moff;
			*size = type_size(&type);
			return *size < 0 ? -1 : 0;
		}
		if (!mname && (dwarf_tag(&type) == DW_TAG_union_type ||
			       dwarf_tag(&type) == DW_TAG_structure_type) &&
		    find_member(&type, name, base + moff, off, size,
				depth + 1) == 0)
			return 0;
	} while (dwarf_siblingof(&child, &child) == 0);
	return -1;
}

int vx_dwarf_member(struct vx_dwarf *dw, const char *type, const char *member,
		    long *off, long *size)
{
	Dwarf_Die die;
	size_t i;

	for (i = 0; i < NR_TYPES; i++)
		if (!strcmp(type, vx_types[i]))
			break;
	if (i == NR_TYPES || !dw->type_die[i] ||
	    !dwarf_offdie(dw->dbg, dw->type_die[i], &die))
		return -1;
	if (!member) {
		*off = 0;
		*size = type_size(&die);
		return *size < 0 ? -1 : 0;
	}
	return find_member(&die, member, 0, off, size, 0);
}

int vx_dwarf_enum(struct vx_dwarf *dw, const char *name, long *val)
{
	int i;

	for (i = 0; i < dw->nr_enums; i++) {
		Dwarf_Die die, child;
		Dwarf_Attribute attr;
		Dwarf_Sword sval;

		if (!dwarf_offdie(dw->dbg, dw->enum_die[i], &die) ||
		    dwarf_child(&die, &child) != 0)
			continue;
		do {
			const char *ename = dwarf_diename(&child);

			if (!ename || strcmp(ename, name) ||
			    !dwarf_attr(&child, DW_AT_const_value, &attr) ||
			    dwarf_formsdata(&attr, &sval) != 0)
				continue;
			*val = sval;
			return 0;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return -1;
}
