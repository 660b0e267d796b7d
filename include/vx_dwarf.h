/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Type layouts straight from a vmlinux's DWARF (elfutils libdw), without
 * crash's embedded gdb.  Only the compile units that define the vmalloc
 * types are read, so opening a 500 MB debuginfo stays fast.
 */
#ifndef VX_DWARF_H
#define VX_DWARF_H

#include <stddef.h>

struct vx_dwarf;

/* NULL on failure, with the reason in ERR. */
struct vx_dwarf *vx_dwarf_open(const char *vmlinux, char *err, size_t errlen);
/* Offset and size of TYPE.MEMBER, or of TYPE itself if MEMBER is NULL. */
int vx_dwarf_member(struct vx_dwarf *dw, const char *type, const char *member,
		    long *off, long *size);
/* Value of enumerator NAME of an enum used in the indexed units. */
int vx_dwarf_enum(struct vx_dwarf *dw, const char *name, long *val);
void vx_dwarf_close(struct vx_dwarf *dw);

#endif /* VX_DWARF_H */
