/* The C peer of `suanli bench calendar`: the classic "hold" benchmark of an event
   calendar, on a plain binary min-heap ordered by (time, insertion sequence).

   Fill the heap with PENDING events at uniform times in [0, 2); then OPERATIONS times,
   pop the first event and push it back at its time + U, U uniform on [0, 2) from
   SplitMix64 (the same generator and seeding as the Swift side, so both see the same
   times). Only the hold loop is timed. The checksum (sum of popped payloads) must match
   the Swift run with the same arguments.

   Build: cc -O2 -o hold_c hold.c
   Usage: hold_c PENDING OPERATIONS SEED */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    double time;
    uint64_t seq;
    uint32_t payload;
} entry;

static entry *items;
static size_t count;
static uint64_t next_seq;

static inline int precedes(const entry *a, const entry *b) {
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void push(double time, uint32_t payload) {
    entry e = { time, next_seq++, payload };
    size_t hole = count++;
    while (hole > 0) {
        size_t parent = (hole - 1) / 2;
        if (!precedes(&e, &items[parent])) break;
        items[hole] = items[parent];
        hole = parent;
    }
    items[hole] = e;
}

static inline entry pop(void) {
    entry first = items[0];
    entry last = items[--count];
    size_t n = count, hole = 0;
    for (;;) {
        size_t child = 2 * hole + 1;
        if (child >= n) break;
        if (child + 1 < n && precedes(&items[child + 1], &items[child])) child++;
        if (!precedes(&items[child], &last)) break;
        items[hole] = items[child];
        hole = child;
    }
    if (n > 0) items[hole] = last;
    return first;
}

static uint64_t state;

static inline double uniform(void) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s PENDING OPERATIONS SEED\n", argv[0]);
        return 2;
    }
    long pending = atol(argv[1]), operations = atol(argv[2]);
    state = strtoull(argv[3], NULL, 10);
    uint64_t seed = state;
    if (pending < 1 || operations < 1) {
        fprintf(stderr, "need PENDING >= 1 and OPERATIONS >= 1\n");
        return 2;
    }
    items = malloc((size_t)pending * sizeof(entry));
    if (!items) { perror("malloc"); return 1; }
    for (long i = 0; i < pending; i++) push(uniform() * 2, (uint32_t)i);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t checksum = 0;
    for (long i = 0; i < operations; i++) {
        entry e = pop();
        checksum += e.payload;
        push(e.time + uniform() * 2, e.payload);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);

    printf("{\"peer\":\"c\",\"pending\":%ld,\"operations\":%ld,\"seed\":%llu,\"seconds\":%.17g,"
           "\"operations_per_second\":%.17g,\"checksum\":%llu}\n",
           pending, operations, (unsigned long long)seed, seconds, operations / seconds,
           (unsigned long long)checksum);
    free(items);
    return 0;
}
