/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flag values the DWARF cannot carry: they are #defines in the kernel.
 * This is the only table of kernel constants in vmap_ext; everything else
 * (offsets, sizes, array bounds) comes from the dump's type information.
 * Source: include/linux/vmalloc.h and mm/vmalloc.c of Debian's 6.1.192,
 * 6.12.117 and 7.2.13 trees (docs/kernel-eras.md has the details).
 */
#ifndef VX_FLAGS_H
#define VX_FLAGS_H

/* vm_struct.flags: same values from 6.1 through 7.2 */
#define VX_VM_IOREMAP		0x00000001	/* 6.1+ */
#define VX_VM_ALLOC		0x00000002	/* 6.1+ */
#define VX_VM_MAP		0x00000004	/* 6.1+ */
#define VX_VM_USERMAP		0x00000008	/* 6.1+ */
#define VX_VM_DMA_COHERENT	0x00000010	/* 6.1+ */
#define VX_VM_UNINITIALIZED	0x00000020	/* 6.1+ */
#define VX_VM_NO_GUARD		0x00000040	/* 6.1+ */
#define VX_VM_SPARSE		0x00001000	/* 6.9+ (unused bit before) */

/*
 * vmap_area.flags, 6.3+ (869176a09606 "mm/vmalloc.c: add flags to mark
 * vm_map_ram area").  Only bits 0-1 carry the type: from 6.9 the vmap
 * node id is stored above them as (id + 1) << 8.
 */
#define VX_VMAP_RAM		0x1
#define VX_VMAP_BLOCK		0x2
#define VX_VMAP_FLAGS_MASK	0x3
#define VX_VMAP_VN_SHIFT	8

/*
 * x86_64 vmalloc space without KASLR (arch/x86 pgtable_64_types.h, 6.1
 * through 7.2); with KASLR the base is the variable vmalloc_base.
 */
#define VX_X86_VMALLOC_START	0xffffc90000000000ULL	/* 4-level */
#define VX_X86_VMALLOC_END	0xffffe8ffffffffffULL
#define VX_X86_VMALLOC_START_L5	0xffa0000000000000ULL	/* 5-level */
#define VX_X86_VMALLOC_END_L5	0xffd1ffffffffffffULL

#endif /* VX_FLAGS_H */
