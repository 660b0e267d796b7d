/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Type layouts straight from a vmlinux's DWARF (elfutils libdw), without
 * crash's embedded gdb.  Only the compile units that define the vmalloc
 * types are read (found through .debug_aranges), so opening a 500 MB
 * debuginfo stays fast and small.
 */
#ifndef VX_DWARF_H
#define VX_DWARF_H

#include <stddef.h>

struct vx_dwarf;

#include <stdint.h>

/* The link-time address of function NAME (0), or -1 if there is none. */
typedef int (*vx_dwarf_addr_fn)(void *priv, const char *name,
				uint64_t *addr);

/*
 * NULL on failure, with the reason in ERR.  ADDR_OF (may be NULL) lets
 * the units be found through .debug_aranges instead of by their names.
 */
struct vx_dwarf *vx_dwarf_open(const char *vmlinux, vx_dwarf_addr_fn addr_of,
			       void *priv, char *err, size_t errlen);
/* How the DWARF was loaded: "compact", "sparse" or "mapped". */
const char *vx_dwarf_how(const struct vx_dwarf *dw);
/* Offset and size of TYPE.MEMBER, or of TYPE itself if MEMBER is NULL. */
int vx_dwarf_member(struct vx_dwarf *dw, const char *type, const char *member,
		    long *off, long *size);
/* Value of enumerator NAME of an enum used in the indexed units. */
int vx_dwarf_enum(struct vx_dwarf *dw, const char *name, long *val);
void vx_dwarf_close(struct vx_dwarf *dw);

#endif /* VX_DWARF_H */
