// SPDX-License-Identifier: GPL-2.0
/*
 * Read-ahead for whole-list walks.
 *
 * A listing waits on the dump: each vmap_area and vm_struct slab page is
 * read once, at about 1 µs a page, and the next area's address is in the
 * page just read, so the reads cannot be issued early from one thread.
 * A helper thread walks the same lists on a copy of the context, ahead
 * of the command, making only the walk's reads (vx_walk_reads), and
 * hands every page it reads over through a ring.  When the command
 * misses a page, it takes it from the ring if the helper has put it
 * there, and reads it itself otherwise: the helper can only save reads,
 * never change what is read.
 *
 * The helper touches no host state: it reads physical memory through
 * ops->read_phys_mt only (the host promises that one is safe on another
 * thread), prints nothing, warns nothing and has every signal blocked.
 * It stops when the command's walk ends, or on its own when the command
 * stops taking pages (a longjmp out of the command leaves it so).
 *
 * VMAP_EXT_READAHEAD=wait (tests): on a miss the command first waits for
 * the helper to get past its area, so that the pages come from the
 * helper wherever it reads them too, however busy the machine.
 */
#define _GNU_SOURCE	/* sched_getaffinity */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vx_internal.h"

/* (smaller in the unit tests under ThreadSanitizer, which then go
 * round the ring many times a walk) */
#ifndef VX_PF_RING
#define VX_PF_RING	512
#define VX_PF_HOLD	256
#endif
#define RING		VX_PF_RING	/* ring entries: 2 MiB */
#define HOLD		VX_PF_HOLD	/* entries the command may still
					 * read in place once past them;
					 * the helper runs up to RING - HOLD
					 * pages ahead */
#define WINDOW		64	/* ring entries one miss looks through */
#define NAP_NS		50000	/* the helper's wait for room in the ring */
#define NAPS_MAX	2000	/* 100 ms without room: the command is gone */
#define WAIT_NS		5000	/* VMAP_EXT_READAHEAD=wait: the command's */
#define WAIT_STILL_S	10	/* ... for a helper that does not move on */
#define LEAD		128	/* areas a helper that fell behind passes
				 * over once it caught up */
#define LOOK_EVERY	16	/* helper: command_pos read every 16 pages,
				 * and every 16 areas while it is ahead */
#define LISTS		(2 * VX_NODES_MAX)	/* a walk's lists at most */

/*
 * What each thread writes sits in cache lines of its own: a line written
 * by one and read by the other moves between the CPUs on every write.
 */
struct vx_prefetch {
	/* the ring's pages: the entries' data, below */
	alignas(4096) unsigned char data[RING][4096];
	/* set before the helper starts, then only read */
	pthread_t thread;
	const struct vx_ops *host;	/* the command's ops and priv */
	void *host_priv;
	unsigned int flags;
	uint64_t from;			/* the area the helper starts at */
	bool wait;			/* VMAP_EXT_READAHEAD=wait */
	/* the helper's */
	alignas(64) struct vx_ctx shadow;	/* its copy of the context */
	unsigned long room_to;		/* it may publish up to here */
	unsigned long misses;
	unsigned long areas;		/* vx_prefetch_behind() calls */
	unsigned int skip;		/* areas left to pass over */
	unsigned short cache_slot[RING];	/* 1 + its cache slot that
						 * points to a ring page */
	uint64_t command_seen;		/* command_pos, as last read */
	/* per list of the walk, when it started with it: the count of the
	 * last entry the helper found in order after the one before */
	alignas(64) atomic_ulong checked[LISTS];
	alignas(64) atomic_ulong produced;	/* entries published */
	atomic_uint_least64_t helper_pos;	/* all published before it */
	atomic_int done;			/* its walk is over */
	/* the command's, read by the helper */
	alignas(64) atomic_ulong consumed;	/* entries it is past */
	atomic_uint_least64_t command_pos;	/* its walk_pos at its last miss */
	atomic_int stop;		/* also the helper's, giving up */
	/* the command's alone: the helper at the head of the ring reads
	 * consumed at every page, which takes that line to its CPU, and
	 * the helper writes produced at every page */
	alignas(64) unsigned long taken;	/* consumed, as it wrote it */
	unsigned long seen;		/* produced, as it last read it */
	unsigned long released;		/* entries below it not held */
	unsigned short held[RING];	/* 1 + its cache slot that points
					 * to the ring page in place */
	/* the ring: an entry is the helper's until published, then the
	 * command's until consumed */
	alignas(64) struct {
		uint64_t page;		/* kernel virtual address */
		uint64_t pos;		/* the helper's walk_pos at the read */
	} ent[RING];
};

static int helper_read(void *priv, uint64_t kvaddr, void *buf, size_t len)
{
	(void)priv, (void)kvaddr, (void)buf, (void)len;
	return -1;
}

static int helper_read_phys(void *priv, uint64_t paddr, void *buf,
			    size_t len)
{
	struct vx_prefetch *pf = priv;

	return pf->host->read_phys_mt(pf->host_priv, paddr, buf, len);
}

/* (only called where the host has it: vx_prefetch_batches) */
static void helper_read_phys_batch(void *priv, struct vx_phys_read *rd,
				   unsigned int n)
{
	struct vx_prefetch *pf = priv;

	pf->host->read_phys_batch_mt(pf->host_priv, rd, n);
}

/* Helper: does the host read a batch in one go (read_phys_batch_mt)?
 * Only then are reads put off to be batched (vx_kread_later). */
bool vx_prefetch_batches(const struct vx_prefetch *pf)
{
	return pf->host->read_phys_batch_mt;
}

static int helper_translate(void *priv, uint64_t kvaddr, uint64_t *paddr)
{
	(void)priv, (void)kvaddr, (void)paddr;
	return -1;
}

static size_t helper_symbolize(void *priv, uint64_t addr, char *buf,
			       size_t len)
{
	(void)priv, (void)addr;
	if (len)
		buf[0] = '\0';
	return 0;
}

static int helper_stopped(void *priv)
{
	struct vx_prefetch *pf = priv;

	return atomic_load_explicit(&pf->stop, memory_order_relaxed);
}

/* What the helper may call: reads of physical memory, nothing else. */
static const struct vx_ops helper_ops = {
	.read = helper_read,
	.translate = helper_translate,
	.symbolize = helper_symbolize,
	.read_phys = helper_read_phys,
	.read_phys_batch_mt = helper_read_phys_batch,
	.interrupted = helper_stopped,
};

/* Helper: room for entry NEXT, waiting for the command to make some. */
static bool room(struct vx_prefetch *pf, unsigned long next)
{
	struct timespec nap = { 0, NAP_NS };
	unsigned int naps = 0;

	while (next >= pf->room_to) {
		pf->room_to = atomic_load_explicit(&pf->consumed,
						   memory_order_acquire) +
			      RING - HOLD;
		if (next < pf->room_to)
			break;
		if (helper_stopped(pf))
			return false;
		if (++naps > NAPS_MAX) {
			atomic_store(&pf->stop, 1);
			return false;
		}
		nanosleep(&nap, NULL);
	}
	return true;
}

/*
 * Helper: the ring page to read its miss at walk position WALK_POS into,
 * to publish it in place (vx_prefetch_publish), AHEAD entries after the
 * next (a batch of reads takes several before it publishes them, in
 * order); NULL if the command is already past that position, or has
 * left.  *STALE: 1 + the helper's cache slot that pointed to that page
 * in the ring's last round, or 0.
 */
unsigned char *vx_prefetch_slot(struct vx_prefetch *pf, uint64_t walk_pos,
				unsigned int ahead, unsigned int *stale)
{
	unsigned long next = atomic_load_explicit(&pf->produced,
						  memory_order_relaxed) + ahead;

	*stale = 0;
	if (pf->misses++ % LOOK_EVERY == 0)
		pf->command_seen = atomic_load_explicit(&pf->command_pos,
							memory_order_relaxed);
	/* (a batch wider than the helper's lead would wait for entries
	 * it has yet to publish itself) */
	if (walk_pos < pf->command_seen || ahead >= RING - HOLD ||
	    !room(pf, next))
		return NULL;
	*stale = pf->cache_slot[next % RING];
	pf->cache_slot[next % RING] = 0;
	return pf->data[next % RING];
}

/* Helper: it has published every page of the areas before POS, or is
 * about to read the first one it has not (VMAP_EXT_READAHEAD=wait). */
void vx_prefetch_at(struct vx_prefetch *pf, uint64_t pos)
{
	atomic_store_explicit(&pf->helper_pos, pos, memory_order_release);
}

/*
 * Helper: is its walk, at the area starting at WALK_POS, behind the
 * command's?  The command has then read that area's pages, and the
 * helper reads only what leads it on (the lists' vmap_areas) until it
 * is ahead again: where the helper reads more slowly than the command
 * works (a system call of several µs), the two share the reads instead
 * of making each of them twice.
 */
bool vx_prefetch_behind(struct vx_prefetch *pf, uint64_t walk_pos)
{
	if (walk_pos < pf->command_seen) {
		/* past it, go on so for a lead: racing the command for
		 * the page it needs next saves it nothing */
		pf->skip = LEAD;
		pf->areas = 0;		/* look again once past it */
		return true;
	}
	if (pf->skip) {
		pf->skip--;
		return true;
	}
	if (pf->areas++ % LOOK_EVERY == 0)
		pf->command_seen = atomic_load_explicit(&pf->command_pos,
							memory_order_relaxed);
	return walk_pos < pf->command_seen;
}

/*
 * Does the helper check the order of the walk's list LIST for the
 * command?  When it walks it from the walk's start, as the command does:
 * the command then leaves to it the look one entry ahead (at the end of
 * a run of a node's areas a cache miss on an entry the command reaches
 * only some runs later), and looks itself only where the helper has not
 * been.
 */
bool vx_prefetch_checks(const struct vx_prefetch *pf, unsigned int list)
{
	return !pf->from && list < LISTS;
}

/* Helper: list LIST's entry COUNT (1 the first) follows the one before. */
void vx_prefetch_checked(struct vx_prefetch *pf, unsigned int list,
			 unsigned long count)
{
	atomic_store_explicit(&pf->checked[list], count,
			      memory_order_relaxed);
}

/* Command: up to which entry the helper found list LIST in order. */
unsigned long vx_prefetch_checked_to(struct vx_prefetch *pf,
				     unsigned int list)
{
	if (!vx_prefetch_checks(pf, list))
		return 0;
	return atomic_load_explicit(&pf->checked[list], memory_order_relaxed);
}

/* Helper: the page just read into the ring page vx_prefetch_slot gave,
 * which its cache slot CACHE_SLOT - 1 now points to, is the command's. */
void vx_prefetch_publish(struct vx_prefetch *pf, uint64_t page,
			 uint64_t walk_pos, unsigned int cache_slot)
{
	unsigned long next = atomic_load_explicit(&pf->produced,
						  memory_order_relaxed);

	pf->ent[next % RING].page = page;
	pf->ent[next % RING].pos = walk_pos;
	pf->cache_slot[next % RING] = cache_slot;
	atomic_store_explicit(&pf->produced, next + 1, memory_order_release);
}

/* VMAP_EXT_READAHEAD=wait: until the helper is past WALK_POS, or over,
 * or the ring is full, or it has not moved on for WAIT_STILL_S.  (A
 * helper kept off its CPU for a while, as on a machine still booting,
 * is waited for: a command that read in its place would leave the
 * helper behind it, reading less, for the next LEAD areas.) */
static void wait_for_helper(struct vx_prefetch *pf, uint64_t walk_pos)
{
	struct timespec nap = { 0, WAIT_NS }, still, now;
	uint64_t last_pos = 0;
	unsigned long last = 0;

	clock_gettime(CLOCK_MONOTONIC, &still);
	for (;;) {
		uint64_t helper = atomic_load_explicit(&pf->helper_pos,
						       memory_order_acquire);
		unsigned long produced = atomic_load_explicit(
			&pf->produced, memory_order_acquire);

		if (helper > walk_pos || atomic_load(&pf->done) ||
		    helper_stopped(pf) ||
		    produced - atomic_load_explicit(&pf->consumed,
						    memory_order_relaxed) >=
		    RING - HOLD)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* (the walk is bounded, so is the helper's progress) */
		if (produced != last || helper != last_pos) {
			last = produced;
			last_pos = helper;
			still = now;
		} else if (now.tv_sec - still.tv_sec > WAIT_STILL_S) {
			return;
		}
		nanosleep(&nap, NULL);
	}
}

/*
 * Command: its cache may go on reading ring pages in place for HOLD
 * entries after it passed them (the helper writes a ring page again only
 * RING entries later, and runs at most RING - HOLD ahead).  Before it
 * says it is past entry END, its cache forgets what it still reads in
 * place below END - HOLD (vx_cache_forget).
 */
static void release(struct vx_ctx *ctx, struct vx_prefetch *pf,
		    unsigned long end)
{
	for (; pf->released + HOLD < end; pf->released++) {
		unsigned int i = pf->released % RING;

		if (pf->held[i])
			vx_cache_forget(ctx, pf->held[i] - 1, pf->data[i]);
		pf->held[i] = 0;
	}
}

/*
 * Command: the first of the entries *POS up to END that holds PAGE,
 * after passing over those the helper made at an earlier position than
 * WALK_POS (it started late, or re-read a page its own cache had lost);
 * or END if none.  Looks through WINDOW entries at most (*POS + WINDOW,
 * past them).
 */
static unsigned long find(const struct vx_prefetch *pf, uint64_t page,
			  uint64_t walk_pos, unsigned long *pos,
			  unsigned long end)
{
	unsigned long i;

	while (*pos < end && pf->ent[*pos % RING].pos < walk_pos)
		(*pos)++;
	for (i = *pos; i < end && i - *pos < WINDOW; i++)
		if (pf->ent[i % RING].page == page)
			return i;
	return i;
}

/*
 * Command: PAGE among the entries it is past but still reads in place
 * (from pf->released on, which the helper cannot write yet); NULL if
 * none.  The helper publishes a page again when its own cache lost it,
 * and where the command's had not, the command passes that entry over;
 * when its cache loses the page later, the page is there, behind it.
 * On 128 vmap nodes, whose 256 lists' next entries spread over many
 * pages, that was 700-800 pages a 50,000-area listing (none on 4).
 */
static const unsigned char *look_back(struct vx_prefetch *pf, uint64_t page,
				      unsigned int cache_slot)
{
	unsigned long i;

	for (i = pf->taken; i-- > pf->released;)
		if (pf->ent[i % RING].page == page) {
			pf->held[i % RING] = cache_slot;
			return pf->data[i % RING];
		}
	return NULL;
}

/*
 * Command: PAGE, missed at walk position ctx->walk_pos, in the ring, if
 * the helper has put it there: the ring page, which the command's cache
 * slot CACHE_SLOT - 1 will point to.  It looks first among the entries
 * it knew were published, and reads the helper's count again only if
 * the page is not there; then among those it is past.
 */
const unsigned char *vx_prefetch_take(struct vx_ctx *ctx, uint64_t page,
				      unsigned int cache_slot)
{
	struct vx_prefetch *pf = ctx->pf_in;
	uint64_t walk_pos = ctx->walk_pos;
	unsigned long pos = pf->taken, i;
	const unsigned char *found = NULL;

	atomic_store_explicit(&pf->command_pos, walk_pos,
			      memory_order_relaxed);
	if (pf->wait) {
		wait_for_helper(pf, walk_pos);
		pf->seen = atomic_load_explicit(&pf->produced,
						memory_order_acquire);
	}
	i = find(pf, page, walk_pos, &pos, pf->seen);
	if (i == pf->seen) {
		pf->seen = atomic_load_explicit(&pf->produced,
						memory_order_acquire);
		i = find(pf, page, walk_pos, &pos, pf->seen);
	}
	if (i < pf->seen && i - pos < WINDOW) {
		found = pf->data[i % RING];
		pf->held[i % RING] = cache_slot;
		pos = i + 1;
	}
	release(ctx, pf, pos);
	pf->taken = pos;
	atomic_store_explicit(&pf->consumed, pos, memory_order_release);
	return found ? found : look_back(pf, page, cache_slot);
}

static void *helper(void *arg)
{
	struct vx_prefetch *pf = arg;

	vx_walk_reads(&pf->shadow, pf->flags, pf->from);
	vx_kread_later_flush(&pf->shadow);
	atomic_store(&pf->done, 1);
	return NULL;
}

/* Why CTX's walks get no helper; NULL if they get one. */
const char *vx_prefetch_off(const struct vx_ctx *ctx)
{
	const char *env = getenv("VMAP_EXT_READAHEAD");
	cpu_set_t cpus;

	if (env && !strcmp(env, "0"))
		return "VMAP_EXT_READAHEAD=0";
	/* the helper translates every address itself and reads the file */
	if (!ctx->ops->read_phys_mt || !ctx->phys_first || !ctx->pt_ready)
		return "the dump is not read directly";
	/* a helper on the command's only CPU would slow it down */
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	    CPU_COUNT(&cpus) < 2)
		return "one CPU";
	return NULL;
}

static bool worth_a_thread(const struct vx_ctx *ctx)
{
	return !ctx->pf_in && !ctx->pf_out && !vx_prefetch_off(ctx);
}

/*
 * The host may take a signal by longjmp() out of its handler, wherever
 * the command is (crash does, on Ctrl-C): the allocation, start, join
 * and freeing of a helper run with signals held, so that none is cut
 * off holding a lock of malloc's or of the thread library's, and the
 * helper is always recorded in CTX while it runs.
 */
static void hold_signals(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, old);
}

static void init(struct vx_prefetch *pf, struct vx_ctx *ctx,
		 unsigned int flags, uint64_t from)
{
	struct vx_page_cache *cache = pf->shadow.cache;	/* a spare's */
	unsigned int i;

	pf->shadow = *ctx;
	pf->shadow.ops = &helper_ops;
	pf->shadow.priv = pf;
	pf->shadow.pf_in = pf->shadow.pf_spare = NULL;
	pf->shadow.cache = cache;
	vx_cache_flush(&pf->shadow);
	pf->shadow.warn_seen = NULL;
	pf->shadow.quiet = 1;
	pf->shadow.flush_out = NULL;
	pf->shadow.pf_out = pf;
	pf->host = ctx->ops;
	pf->host_priv = ctx->priv;
	pf->flags = flags;
	pf->from = from;
	for (i = 0; i < LISTS; i++)
		atomic_init(&pf->checked[i], 0);
	atomic_init(&pf->produced, 0);
	atomic_init(&pf->consumed, 0);
	atomic_init(&pf->stop, 0);
	atomic_init(&pf->command_pos, ctx->walk_pos);
	pf->command_seen = ctx->walk_pos;
	pf->room_to = RING - HOLD;
	pf->taken = 0;
	pf->seen = 0;
	pf->released = 0;
	memset(pf->held, 0, sizeof(pf->held));
	pf->misses = 0;
	pf->areas = 0;
	pf->skip = 0;
	memset(pf->cache_slot, 0, sizeof(pf->cache_slot));
	atomic_init(&pf->helper_pos, 0);
	atomic_init(&pf->done, 0);
	pf->wait = getenv("VMAP_EXT_READAHEAD") &&
		   !strcmp(getenv("VMAP_EXT_READAHEAD"), "wait");
}

#define HUGE_PAGE	(2UL << 20)

/*
 * The ring's pages on huge pages where the kernel has them (madvise
 * mode): both threads go through a new ring page with every page taken.
 */
static struct vx_prefetch *alloc_ring(void)
{
	size_t size = (sizeof(struct vx_prefetch) + HUGE_PAGE - 1) &
		      ~(HUGE_PAGE - 1);
	struct vx_prefetch *pf = aligned_alloc(HUGE_PAGE, size);

	if (pf)
		madvise(pf->data, sizeof(pf->data) & ~(HUGE_PAGE - 1),
			MADV_HUGEPAGE);
	return pf;
}

/*
 * Start a helper walking FLAGS' lists from the area at FROM on, ahead of
 * CTX's walk there, if it can help.  True if one runs.  (The helper
 * inherits the held signals: the host's are the command's alone.)
 */
bool vx_prefetch_start(struct vx_ctx *ctx, unsigned int flags, uint64_t from)
{
	struct vx_prefetch *pf;
	sigset_t old;

	if (!worth_a_thread(ctx))
		return false;
	hold_signals(&old);
	pf = ctx->pf_spare;
	ctx->pf_spare = NULL;
	if (!pf && (pf = alloc_ring()))
		pf->shadow.cache = NULL;
	if (pf) {
		init(pf, ctx, flags, from);
		if (pthread_create(&pf->thread, NULL, helper, pf) == 0) {
			ctx->pf_in = pf;
		} else {
			ctx->pf_spare = pf;
			pf = NULL;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return pf;
}

/* End CTX's helper, if it has one, and wait for it. */
void vx_prefetch_stop(struct vx_ctx *ctx)
{
	struct vx_prefetch *pf = ctx->pf_in;
	sigset_t old;

	if (!pf)
		return;
	hold_signals(&old);
	atomic_store(&pf->stop, 1);
	pthread_join(pf->thread, NULL);
	/* the next helper writes these ring pages again */
	release(ctx, pf, pf->released + HOLD + RING);
	ctx->pf_in = NULL;
	ctx->pf_spare = pf;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* End CTX's helper and free what is kept for the next one. */
void vx_prefetch_release(struct vx_ctx *ctx)
{
	sigset_t old;

	vx_prefetch_stop(ctx);
	if (!ctx->pf_spare)
		return;
	hold_signals(&old);
	free(ctx->pf_spare->shadow.cache);
	free(ctx->pf_spare);
	ctx->pf_spare = NULL;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
