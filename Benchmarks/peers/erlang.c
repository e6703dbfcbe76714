/* The C peer of `suanli bench kernel`: the Erlang loss system (M/M/C/C) on a plain
   binary-heap event calendar, to measure what the Swift kernel costs against hand-written C.

   Same model, same stopping rule, same estimates as the Swift reference model:
   - C identical units, Poisson arrivals at rate A, exponential holding times of mean 1,
     arrivals finding all units busy are lost;
   - the calendar is a binary min-heap ordered by (time, insertion sequence);
   - two GSL mt19937 streams (arrivals seeded with `seed`, holding times with `seed + 1`),
     exponential draws by gsl_ran_exponential;
   - the run stops right after the N-th arrival; `events` counts heap pops up to and
     including it; `seconds` times the event loop only;
   - blocking and mean busy units by batch means: warm-up N/20 plus the remainder, then
     30 equal batches; 95% half-widths by Student's t with 29 degrees of freedom.

   Build: cc -O2 -o erlang_c erlang.c $(pkg-config --cflags --libs gsl)
   Usage: erlang_c SERVERS LOAD ARRIVALS SEED */

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ARRIVED = 0, DEPARTED = 1, BATCHES = 30 };

typedef struct {
    double time;
    uint64_t seq;
    int kind;
} entry;

typedef struct {
    entry *items;
    size_t count, capacity;
    uint64_t next_seq;
} heap;

static inline int precedes(const entry *a, const entry *b) {
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void push(heap *h, double time, int kind) {
    if (h->count == h->capacity) {
        h->capacity = h->capacity ? 2 * h->capacity : 256;
        h->items = realloc(h->items, h->capacity * sizeof(entry));
        if (!h->items) { perror("realloc"); exit(1); }
    }
    entry e = { time, h->next_seq++, kind };
    size_t hole = h->count++;
    while (hole > 0) {
        size_t parent = (hole - 1) / 2;
        if (!precedes(&e, &h->items[parent])) break;
        h->items[hole] = h->items[parent];
        hole = parent;
    }
    h->items[hole] = e;
}

static entry pop(heap *h) {
    entry first = h->items[0];
    entry last = h->items[--h->count];
    size_t n = h->count, hole = 0;
    for (;;) {
        size_t child = 2 * hole + 1;
        if (child >= n) break;
        if (child + 1 < n && precedes(&h->items[child + 1], &h->items[child])) child++;
        if (!precedes(&h->items[child], &last)) break;
        h->items[hole] = h->items[child];
        hole = child;
    }
    if (n > 0) h->items[hole] = last;
    return first;
}

static double erlang_b(int servers, double load) {
    double b = 1.0;
    for (int m = 1; m <= servers; m++) b = load * b / (m + load * b);
    return b;
}

/* Mean and 95% t half-width of n values. */
static void batch_means(const double *x, int n, double *mean, double *half) {
    double s = 0, ss = 0;
    for (int i = 0; i < n; i++) s += x[i];
    double m = s / n;
    for (int i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(ss / (n - 1) / n);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s SERVERS LOAD ARRIVALS SEED\n", argv[0]);
        return 2;
    }
    int servers = atoi(argv[1]);
    double load = atof(argv[2]);
    long arrivals = atol(argv[3]);
    unsigned long seed = strtoul(argv[4], NULL, 10);
    if (servers < 1 || !(load > 0) || arrivals < 100) {
        fprintf(stderr, "need SERVERS >= 1, LOAD > 0, ARRIVALS >= 100\n");
        return 2;
    }

    long batch_size = (arrivals - arrivals / 20) / BATCHES;
    long warm_up = arrivals - BATCHES * batch_size;
    double b_time[BATCHES + 1], b_area[BATCHES + 1];
    long b_lost[BATCHES + 1];
    int boundaries = 0;
    long next_boundary = warm_up;
    if (next_boundary == 0) {
        b_time[0] = 0; b_area[0] = 0; b_lost[0] = 0;
        boundaries = 1;
        next_boundary = batch_size;
    }

    gsl_rng *arrival_rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *service_rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(arrival_rng, seed);
    gsl_rng_set(service_rng, seed + 1);
    double mean_interarrival = 1.0 / load;

    heap h = { 0 };
    push(&h, gsl_ran_exponential(arrival_rng, mean_interarrival), ARRIVED);
    int busy = 0;
    long arrived = 0, lost = 0, events = 0;
    double area = 0, last_change = 0;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        entry e = pop(&h);
        events++;
        area += busy * (e.time - last_change);
        last_change = e.time;
        if (e.kind == DEPARTED) {
            busy--;
            continue;
        }
        arrived++;
        if (busy < servers) {
            busy++;
            push(&h, e.time + gsl_ran_exponential(service_rng, 1.0), DEPARTED);
        } else {
            lost++;
        }
        if (arrived == next_boundary) {
            b_time[boundaries] = e.time; b_area[boundaries] = area; b_lost[boundaries] = lost;
            boundaries++;
            next_boundary += batch_size;
        }
        if (arrived == arrivals) break;
        push(&h, e.time + gsl_ran_exponential(arrival_rng, mean_interarrival), ARRIVED);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);

    double blocking_batches[BATCHES], busy_batches[BATCHES];
    for (int k = 0; k < BATCHES; k++) {
        blocking_batches[k] = (double)(b_lost[k + 1] - b_lost[k]) / batch_size;
        busy_batches[k] = (b_area[k + 1] - b_area[k]) / (b_time[k + 1] - b_time[k]);
    }
    double blocking, ci95, busy_mean, busy_ci95;
    batch_means(blocking_batches, BATCHES, &blocking, &ci95);
    batch_means(busy_batches, BATCHES, &busy_mean, &busy_ci95);
    busy_mean = (b_area[BATCHES] - b_area[0]) / (b_time[BATCHES] - b_time[0]);

    printf("{\"peer\":\"c\",\"servers\":%d,\"load\":%.17g,\"arrivals\":%ld,\"seed\":%lu,"
           "\"generator\":\"mt19937\",\"events\":%ld,\"seconds\":%.17g,\"events_per_second\":%.17g,"
           "\"blocking\":%.17g,\"ci95\":%.17g,\"erlang_b\":%.17g,\"mean_busy\":%.17g,\"mean_busy_ci95\":%.17g}\n",
           servers, load, arrivals, seed, events, seconds, events / seconds,
           blocking, ci95, erlang_b(servers, load), busy_mean, busy_ci95);

    free(h.items);
    gsl_rng_free(arrival_rng);
    gsl_rng_free(service_rng);
    return 0;
}
