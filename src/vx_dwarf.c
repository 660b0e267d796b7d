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
 * instead, an anonymous mapping in which untouched pages cost nothing:
 *
 * - compact: the units are found in .debug_aranges from the link-time
 *   address of a function each defines (given by the caller); the image
 *   is the file's size plus a new .debug_info holding just those units,
 *   with the ELF headers (that section's header pointed at the new one),
 *   the string sections and the units' abbreviation tables at their own
 *   offsets.  A few MiB, a few milliseconds.
 * - sparse: without addresses or aranges, or if a unit is not where they
 *   say: the ELF headers, the string and abbreviation sections, the first
 *   bytes of every unit (header and unit DIE) so libdw can walk them and
 *   read their names, and then each wanted unit whole.
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

/* The units indexed, and functions they define (to find them by). */
static const struct unit {
	const char *name, *alt;
	const char *funcs[4];
} vx_units[] = {
	{ "mm/vmalloc.c", NULL, { "vfree", "vmalloc", "vmap" } },
	{ "lib/xarray.c", NULL, { "xa_load", "xas_load" } },
	/* signal_struct, for the owners of stacks */
	{ "kernel/fork.c", NULL, { "__put_task_struct", "free_task" } },
	/* per_cpu_nodestat, for NR_VMALLOC */
	{ "mm/vmstat.c", NULL, { "__mod_node_page_state", "all_vm_events" } },
	/* module, module_memory / module_layout; kernel/module.c < 5.19 */
	{ "kernel/module/main.c", "kernel/module.c",
	  { "__module_address", "__x64_sys_init_module", "find_module" } },
};
#define NR_UNITS (sizeof(vx_units) / sizeof(vx_units[0]))
static const char *const vx_types[] = {
	"vmap_area", "vm_struct", "vmap_node", "rb_list", "vmap_block",
	"vmap_block_queue", "xarray", "xa_node", "list_head", "cpumask",
	"rb_node", "rb_root", "task_struct", "signal_struct",
	"pglist_data", "per_cpu_nodestat", "module", "module_memory",
	"module_layout",
};
#define NR_TYPES (sizeof(vx_types) / sizeof(vx_types[0]))

#define MAX_ENUMS 1024	/* enumeration types of the indexed units */

/* bytes of each unit copied up front: its header and unit DIE */
#define UNIT_HEAD	512

/* Set by the compact loader: units found, and units to find. */
struct unit_plan {
	uint64_t cu_off[NR_UNITS];	/* in the file's .debug_info */
	bool wanted[NR_UNITS];		/* a function of it exists */
	bool seen[NR_UNITS];		/* indexed */
};

struct vx_dwarf {
	int fd;
	struct unit_plan plan;
	Elf *elf;
	unsigned char *image;		/* sparse copy, or NULL */
	size_t image_size;
	uint64_t info_off, info_size;	/* .debug_info in the file */
	Dwarf *dbg;
	const char *how;		/* which loader: compact, sparse, ... */
	Dwarf_Off type_die[NR_TYPES];	/* 0: not found */
	Dwarf_Off enum_die[MAX_ENUMS];	/* enumeration types seen */
	int nr_enums;
};

static bool name_is(const char *name, const char *unit)
{
	size_t n = strlen(name), u;

	if (!unit)
		return false;
	u = strlen(unit);
	return n >= u && !strcmp(name + n - u, unit) &&
	       (n == u || name[n - u - 1] == '/');
}

/* Index in vx_units[] of the unit called NAME, or -1. */
static int unit_index(const char *name)
{
	size_t i;

	for (i = 0; i < NR_UNITS; i++)
		if (name_is(name, vx_units[i].name) ||
		    name_is(name, vx_units[i].alt))
			return i;
	return -1;
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

/* Copy LEN bytes at file offset OFF to image offset AT. */
static bool load_at(struct vx_dwarf *dw, uint64_t off, uint64_t len,
		    uint64_t at)
{
	ssize_t got;

	if (!dw->image)
		return true;
	if (at > dw->image_size || len > dw->image_size - at)
		return false;
	while (len) {
		got = pread(dw->fd, dw->image + at, len, off);
		if (got <= 0)
			return false;
		off += got;
		at += got;
		len -= got;
	}
	return true;
}

/* Copy LEN bytes at file offset OFF into the image, at the same offset. */
static bool load(struct vx_dwarf *dw, uint64_t off, uint64_t len)
{
	return load_at(dw, off, len, off);
}

static void index_units(struct vx_dwarf *dw, bool sparse)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dwarf_nextcu(dw->dbg, off, &next, &hsize, NULL, NULL,
			    NULL) == 0) {
		Dwarf_Die cu;
		const char *name;
		int unit;

		if (dwarf_offdie(dw->dbg, off + hsize, &cu) &&
		    (name = dwarf_diename(&cu)) &&
		    (unit = unit_index(name)) >= 0 &&
		    (!sparse || (next > off &&
				 load(dw, dw->info_off + off, next - off))) &&
		    dwarf_offdie(dw->dbg, off + hsize, &cu)) {
			index_unit(dw, &cu);
			dw->plan.seen[unit] = true;
		}
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
		".debug_str", ".debug_line_str", ".debug_str_offsets",
		".debug_addr",
	};
	size_t i;

	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (!strcmp(name, whole[i]))
			return true;
	return false;
}

/* What the loaders need of the file's sections. */
#define MAX_WHOLE	8

struct sections {
	uint64_t shoff, shsize, file_size;
	size_t info_index, shentsize;
	uint64_t abbrev_off, abbrev_size, aranges_off, aranges_size;
	struct { uint64_t off, size; } whole[MAX_WHOLE];	/* copied whole */
	int nr_whole;
};

static uint64_t get_le(const unsigned char *p, int bytes)
{
	uint64_t val = 0;

	while (bytes--)
		val = val << 8 | p[bytes];
	return val;
}

/*
 * Note where the sections are.  Anything unusual, e.g. compressed debug
 * sections, is false (the caller maps the file as is).
 */
static bool read_sections(struct vx_dwarf *dw, struct sections *sec)
{
	Elf *file = elf_begin(dw->fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	GElf_Ehdr ehdr;
	size_t shstrndx;
	struct stat st;
	bool ok = false;

	memset(sec, 0, sizeof(*sec));
	if (!file || fstat(dw->fd, &st) || !gelf_getehdr(file, &ehdr) ||
	    elf_getshdrstrndx(file, &shstrndx) || st.st_size < 64 ||
	    ehdr.e_ident[EI_CLASS] != ELFCLASS64)
		goto out;
	sec->file_size = st.st_size;
	sec->shoff = ehdr.e_shoff;
	sec->shentsize = ehdr.e_shentsize;
	sec->shsize = (uint64_t)ehdr.e_shnum * ehdr.e_shentsize;
	while ((scn = elf_nextscn(file, scn))) {
		GElf_Shdr shdr;
		const char *name;

		if (!gelf_getshdr(scn, &shdr) ||
		    !(name = elf_strptr(file, shstrndx, shdr.sh_name)))
			goto out;
		if (shdr.sh_type == SHT_NOBITS)
			continue;
		if (!strncmp(name, ".debug_", 7) &&
		    (shdr.sh_flags & SHF_COMPRESSED))
			goto out;
		if (elf_ndxscn(scn) == shstrndx || section_whole(name)) {
			if (sec->nr_whole == MAX_WHOLE)
				goto out;
			sec->whole[sec->nr_whole].off = shdr.sh_offset;
			sec->whole[sec->nr_whole++].size = shdr.sh_size;
		} else if (!strcmp(name, ".debug_info")) {
			dw->info_off = shdr.sh_offset;
			dw->info_size = shdr.sh_size;
			sec->info_index = elf_ndxscn(scn);
		} else if (!strcmp(name, ".debug_abbrev")) {
			sec->abbrev_off = shdr.sh_offset;
			sec->abbrev_size = shdr.sh_size;
		} else if (!strcmp(name, ".debug_aranges")) {
			sec->aranges_off = shdr.sh_offset;
			sec->aranges_size = shdr.sh_size;
		}
	}
	ok = dw->info_size && sec->abbrev_size;
out:
	if (file)
		elf_end(file);
	return ok;
}

/*
 * Map the image, the file's size plus EXTRA (zero), and copy in the ELF
 * headers and the sections copied whole.
 */
static bool map_image(struct vx_dwarf *dw, const struct sections *sec,
		      uint64_t extra)
{
	int i;

	dw->image_size = sec->file_size + extra;
	dw->image = mmap(NULL, dw->image_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (dw->image == MAP_FAILED) {
		dw->image = NULL;
		return false;
	}
	if (!load(dw, 0, sizeof(Elf64_Ehdr)) ||
	    !load(dw, sec->shoff, sec->shsize))
		return false;
	for (i = 0; i < sec->nr_whole; i++)
		if (!load(dw, sec->whole[i].off, sec->whole[i].size))
			return false;
	return true;
}

static void unload(struct vx_dwarf *dw)
{
	if (dw->dbg)
		dwarf_end(dw->dbg);
	if (dw->elf)
		elf_end(dw->elf);
	if (dw->image)
		munmap(dw->image, dw->image_size);
	dw->dbg = NULL;
	dw->elf = NULL;
	dw->image = NULL;
	memset(dw->type_die, 0, sizeof(dw->type_die));
	memset(&dw->plan.seen, 0, sizeof(dw->plan.seen));
	dw->nr_enums = 0;
}

static bool load_sparse(struct vx_dwarf *dw)
{
	struct sections sec;

	return read_sections(dw, &sec) && map_image(dw, &sec, 0) &&
	       load(dw, sec.abbrev_off, sec.abbrev_size) &&
	       load_unit_heads(dw);
}

/* The unit of .debug_aranges (read into BUF) covering ADDR; 0 if none. */
static bool aranges_find(const unsigned char *buf, uint64_t size,
			 uint64_t addr, uint64_t *cu_off)
{
	uint64_t off = 0, len, info, end, pos;
	unsigned int hdr, offsz;

	while (size - off >= 16) {
		len = get_le(buf + off, 4);
		hdr = 4;
		offsz = 4;
		if (len == 0xffffffff) {
			len = get_le(buf + off + 4, 8);
			hdr = 12;
			offsz = 8;
		}
		if (len > size - off - hdr || len < 2 + offsz + 2)
			return false;
		end = off + hdr + len;
		info = get_le(buf + off + hdr + 2, offsz);
		/* address size 8, no segments; tuples aligned to 16 */
		if (buf[off + hdr + 2 + offsz] == 8 &&
		    buf[off + hdr + 3 + offsz] == 0) {
			pos = off + (hdr + 4 + offsz + 15) / 16 * 16;
			for (; pos + 16 <= end; pos += 16) {
				uint64_t start = get_le(buf + pos, 8),
					 length = get_le(buf + pos + 8, 8);

				if (!start && !length)
					break;
				if (addr >= start && addr - start < length) {
					*cu_off = info;
					return true;
				}
			}
		}
		off = end;
	}
	return false;
}

/* Unsigned LEB128 at *POS, below END; false if it runs off. */
static bool uleb(const unsigned char *buf, uint64_t end, uint64_t *pos,
		 uint64_t *val)
{
	unsigned int shift = 0;

	*val = 0;
	while (*pos < end) {
		unsigned char byte = buf[(*pos)++];

		if (shift < 64)
			*val |= (uint64_t)(byte & 0x7f) << shift;
		shift += 7;
		if (!(byte & 0x80))
			return true;
	}
	return false;
}

/* Length of the abbreviation table at BUF (LEN bytes read); 0 if cut. */
static uint64_t abbrev_table_len(const unsigned char *buf, uint64_t len)
{
	uint64_t pos = 0, code, tag, attr, form, val;

	for (;;) {
		if (!uleb(buf, len, &pos, &code))
			return 0;
		if (!code)
			return pos;
		if (!uleb(buf, len, &pos, &tag) || ++pos > len)
			return 0;		/* + the children byte */
		do {
			if (!uleb(buf, len, &pos, &attr) ||
			    !uleb(buf, len, &pos, &form))
				return 0;
			/* DW_FORM_implicit_const carries its value here */
			if (form == DW_FORM_implicit_const &&
			    !uleb(buf, len, &pos, &val))
				return 0;
		} while (attr || form);
	}
}

/* Copy the abbreviation table at OFF in .debug_abbrev, wherever it ends. */
static bool load_abbrev(struct vx_dwarf *dw, const struct sections *sec,
			uint64_t off)
{
	uint64_t want = 64 * 1024, len = 0;
	unsigned char *buf = NULL, *grown;
	bool ok = false;

	while (off < sec->abbrev_size) {
		if (want > sec->abbrev_size - off)
			want = sec->abbrev_size - off;
		if (!(grown = realloc(buf, want)))
			break;
		buf = grown;
		if (pread(dw->fd, buf, want, sec->abbrev_off + off) !=
		    (ssize_t)want)
			break;
		if ((len = abbrev_table_len(buf, want))) {
			ok = load(dw, sec->abbrev_off + off, len);
			break;
		}
		if (want == sec->abbrev_size - off)
			break;
		want *= 4;
	}
	free(buf);
	return ok;
}

/*
 * A unit's length and abbreviation table offset from its header; false
 * for 64-bit DWARF or anything not DWARF 2-5.
 */
static bool unit_header(struct vx_dwarf *dw, uint64_t cu_off, uint64_t *len,
			uint64_t *abbrev)
{
	unsigned char hdr[12];
	unsigned int version;

	if (cu_off >= dw->info_size || dw->info_size - cu_off < sizeof(hdr) ||
	    pread(dw->fd, hdr, sizeof(hdr), dw->info_off + cu_off) !=
	    sizeof(hdr))
		return false;
	*len = get_le(hdr, 4) + 4;
	version = get_le(hdr + 4, 2);
	if (*len == 0xffffffffULL + 4 || version < 2 || version > 5 ||
	    *len > dw->info_size - cu_off)
		return false;
	/* DWARF 5: unit_type and address_size come before the offset */
	*abbrev = get_le(hdr + (version >= 5 ? 8 : 6), 4);
	return true;
}

/* Find each unit through the address of a function it defines. */
static bool plan_units(struct vx_dwarf *dw, const struct sections *sec,
		       vx_dwarf_addr_fn addr_of, void *priv)
{
	unsigned char *aranges;
	size_t i, f;
	bool ok = true;

	if (!sec->aranges_size || sec->aranges_size > (64 << 20) ||
	    !(aranges = malloc(sec->aranges_size)))
		return false;
	if (pread(dw->fd, aranges, sec->aranges_size, sec->aranges_off) !=
	    (ssize_t)sec->aranges_size) {
		free(aranges);
		return false;
	}
	for (i = 0; i < NR_UNITS; i++) {
		for (f = 0; f < 4 && vx_units[i].funcs[f]; f++) {
			uint64_t addr;

			if (addr_of(priv, vx_units[i].funcs[f], &addr))
				continue;
			dw->plan.wanted[i] = true;
			if (aranges_find(aranges, sec->aranges_size, addr,
					 &dw->plan.cu_off[i]))
				break;
		}
		/* a function exists, but no unit covers it */
		if (dw->plan.wanted[i] && (f == 4 || !vx_units[i].funcs[f]))
			ok = false;
	}
	free(aranges);
	return ok;
}

static bool load_compact(struct vx_dwarf *dw, vx_dwarf_addr_fn addr_of,
			 void *priv)
{
	uint64_t len[NR_UNITS] = { 0 }, abbrev[NR_UNITS], total = 0, at;
	struct sections sec;
	Elf64_Shdr *info;
	size_t i, j;

	/* a first look at the headers, for .debug_aranges and the units */
	if (!read_sections(dw, &sec) || !plan_units(dw, &sec, addr_of, priv))
		return false;
	for (i = 0; i < NR_UNITS; i++) {
		if (!dw->plan.wanted[i])
			continue;
		for (j = 0; j < i; j++)	/* one unit, found twice */
			if (dw->plan.wanted[j] &&
			    dw->plan.cu_off[j] == dw->plan.cu_off[i])
				return false;
		if (!unit_header(dw, dw->plan.cu_off[i], &len[i], &abbrev[i]))
			return false;
		total += len[i];
	}
	if (!map_image(dw, &sec, total))
		return false;
	at = sec.file_size;
	for (i = 0; i < NR_UNITS; i++) {
		if (!len[i])
			continue;
		if (!load_at(dw, dw->info_off + dw->plan.cu_off[i], len[i],
			     at) ||
		    !load_abbrev(dw, &sec, abbrev[i]))
			return false;
		at += len[i];
	}
	/* .debug_info is now the units alone, after the file's bytes */
	if (sec.shoff + (sec.info_index + 1) * sec.shentsize > sec.file_size ||
	    sec.shentsize < sizeof(Elf64_Shdr))
		return false;
	info = (Elf64_Shdr *)(dw->image + sec.shoff +
			      sec.info_index * sec.shentsize);
	info->sh_offset = sec.file_size;
	info->sh_size = total;
	return true;
}

static bool start(struct vx_dwarf *dw)
{
	dw->elf = elf_memory((char *)dw->image, dw->image_size);
	if (dw->elf)
		dw->dbg = dwarf_begin_elf(dw->elf, DWARF_C_READ, NULL);
	return dw->dbg;
}

/* Every unit planned was indexed, and struct vmap_area found. */
static bool complete(const struct vx_dwarf *dw)
{
	size_t i;

	for (i = 0; i < NR_UNITS; i++)
		if (dw->plan.wanted[i] && !dw->plan.seen[i])
			return false;
	return dw->type_die[0];
}

static bool begin(struct vx_dwarf *dw, vx_dwarf_addr_fn addr_of, void *priv)
{
	elf_version(EV_CURRENT);
	if (addr_of) {
		if (load_compact(dw, addr_of, priv) && start(dw)) {
			index_units(dw, false);
			if (complete(dw)) {
				dw->how = "compact";
				return true;
			}
		}
		unload(dw);
		memset(&dw->plan, 0, sizeof(dw->plan));
	}
	if (load_sparse(dw) && start(dw)) {
		index_units(dw, true);
		dw->how = "sparse";
		return true;
	}
	unload(dw);
	dw->dbg = dwarf_begin(dw->fd, DWARF_C_READ);
	if (!dw->dbg)
		return false;
	index_units(dw, false);
	dw->how = "mapped";
	return true;
}

static void end(struct vx_dwarf *dw)
{
	unload(dw);
	close(dw->fd);
	free(dw);
}

struct vx_dwarf *vx_dwarf_open(const char *vmlinux, vx_dwarf_addr_fn addr_of,
			       void *priv, char *err, size_t errlen)
{
	struct vx_dwarf *dw = calloc(1, sizeof(*dw));

	if (!dw) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dw->fd = open(vmlinux, O_RDONLY);
	if (dw->fd < 0) {
		snprintf(err, errlen, "cannot open %s", vmlinux);
		free(dw);
		return NULL;
	}
	if (!begin(dw, addr_of, priv)) {
		snprintf(err, errlen, "%s: %s", vmlinux, dwarf_errmsg(-1));
		end(dw);
		return NULL;
	}
	if (!dw->type_die[0]) {
		snprintf(err, errlen, "%s: no struct vmap_area in "
			 "mm/vmalloc.c's DWARF", vmlinux);
		end(dw);
		return NULL;
	}
	return dw;
}

const char *vx_dwarf_how(const struct vx_dwarf *dw)
{
	return dw->how;
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
