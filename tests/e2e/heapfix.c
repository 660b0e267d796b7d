/*
 * Preloaded into crash releases before 8.0.3 on dumps of Linux 6.2+
 * (check.py's crash_env()), whose start-up overwrites kilobytes of its
 * own heap before any extension loads:
 *
 * 6.2 moved cpu_number and hardirq_stack_ptr into struct pcpu_hot, so
 * x86_64_per_cpu_init() finds no per_cpu__cpu_number and returns before
 * it sets the IRQ stack size; x86_64_init() then allocates the IRQ stack
 * buffer with malloc(0), and x86_64_post_init() reads each CPU's NMI
 * exception stack (8 KiB on the fixture kernels; 16 KiB at most, with
 * KASAN) into it.  Whether the damaged heap then aborts, at start-up or
 * later in the session, depends on its layout (the working directory's
 * name, the environment).  crash 8.0.3 fixed it (commit df1f0cb,
 * "x86_64: Fix for move of per-cpu variables into struct pcpu_hot").
 *
 * Here malloc(0) gets the 16 KiB crash itself falls back to for an IRQ
 * stack of unknown size, so the read lands in the buffer and the heap
 * stays whole.  Nothing else changes: every other size goes to glibc's
 * malloc as it is, and free() and realloc() are glibc's own.
 */
#include <stddef.h>

void *__libc_malloc(size_t size);

void *malloc(size_t size)
{
	return __libc_malloc(size ? size : 16384);
}
