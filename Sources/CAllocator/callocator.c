// See callocator.h. Each replication allocates and frees much the same memory; mapped afresh
// every time, its pages are faulted in and zeroed again by the kernel.
#include "callocator.h"
#include <stdlib.h> /* defines __GLIBC__ under glibc */

#if defined(__GLIBC__)
#include <malloc.h>

int suanli_keep_freed_memory(void) {
    int mmap = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    int trim = mallopt(M_TRIM_THRESHOLD, 512 << 20);
    return mmap == 1 && trim == 1;
}
#else
int suanli_keep_freed_memory(void) { return 0; }
#endif
