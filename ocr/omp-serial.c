/* omp-serial.c - Tesseract's OpenMP parallel regions run straight on the
 * calling thread.
 *
 * tulieu runs one Tesseract engine per worker thread and holds OpenMP to one
 * thread (OMP_THREAD_LIMIT=1, see cli/tulieu.c), so every parallel region of
 * Debian's OpenMP-built Tesseract has a team of one.  libgomp still builds
 * and tears down that team for each region, and its closing barrier wakes
 * the team's futex with a system call every time: LSTM::Forward opens a
 * region per time step, about 100 000 futex calls per page, which were most
 * of ingest's system time and, with two workers, grew with the contention
 * on the kernel's futex table.  Defined in the program, this GOMP_parallel
 * comes before libgomp's in symbol lookup, and runs the region's body
 * once, as the team of one would: outside a team omp_get_num_threads() is 1
 * and omp_get_thread_num() 0, so a parallel loop's body takes every
 * iteration, and orphaned work-sharing and barriers are what libgomp does
 * without a team anyway.  LSTM::Forward's "parallel sections" (its four
 * gates) go the same way: the sections are handed out in order, one after
 * the other, by GOMP_sections_next.  Tesseract has no other kind of
 * sections construct (it imports no GOMP_sections_start), so these three
 * cover every use of them.
 * Linked into the programs that recognise (tulieu, bench/cleanup-time), not
 * into the library. */
#include "config.h"

/* The sections of the running "parallel sections" region of this thread:
 * the next to hand out (1-based) and how many there are. */
static _Thread_local unsigned sections_next, sections_count;

void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);

void
GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags)
{
    (void)num_threads;
    (void)flags;
    fn(data);
}

void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads, unsigned count,
                            unsigned flags);
unsigned GOMP_sections_next(void);
void GOMP_sections_end_nowait(void);

void
GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads, unsigned count,
                       unsigned flags)
{
    /* A region may open another inside one of its sections. */
    unsigned next = sections_next, n = sections_count;

    (void)num_threads;
    (void)flags;
    sections_next = 1;
    sections_count = count;
    fn(data);
    sections_next = next;
    sections_count = n;
}

unsigned
GOMP_sections_next(void)
{
    return sections_next <= sections_count ? sections_next++ : 0;
}

void
GOMP_sections_end_nowait(void)
{
}
