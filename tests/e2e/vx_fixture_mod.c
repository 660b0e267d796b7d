// SPDX-License-Identifier: GPL-2.0
/*
 * vx_fixture_mod: a loadable module for the vmap_ext dump fixtures, so that
 * `vmap list ADDR` can be judged on module text and data.  Module memory
 * is vmalloc'ed (module_alloc / execmem), so its areas are vmap areas.
 * At load it prints where its text, data, rodata and bss landed, in the
 * module's own words:
 *   VXFIX module name=vx_fixture_mod text=0x... data=0x... rodata=0x... bss=0x...
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

static unsigned long vx_mod_data[64] = { 0x5678abcdUL };
static const char vx_mod_rodata[256] = "vx_fixture_mod read-only data";
static unsigned long vx_mod_bss[64];

static noinline unsigned long vx_mod_text(unsigned long x)
{
	vx_mod_bss[x & 63] += x;
	return vx_mod_data[x & 63] + vx_mod_rodata[x & 255];
}

static int __init vx_mod_init(void)
{
	vx_mod_text(1);
	pr_info("VXFIX module name=%s text=0x%016lx data=0x%016lx rodata=0x%016lx bss=0x%016lx\n",
		KBUILD_MODNAME, (unsigned long)vx_mod_text,
		(unsigned long)vx_mod_data, (unsigned long)vx_mod_rodata,
		(unsigned long)vx_mod_bss);
	return 0;
}
module_init(vx_mod_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmap_ext dump fixture: module text and data in vmap areas");
