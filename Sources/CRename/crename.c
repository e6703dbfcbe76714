// Atomic exchange of two paths, for replacing an output folder without a moment when its path is
// missing (see crename.h and Sources/Experiments/Output/OutputFolder.swift).
#include "crename.h"

#include <errno.h>

#if defined(__linux__)
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int suanli_exchange_paths(const char *a, const char *b) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int suanli_exchange_supported(void) {
#ifdef SYS_renameat2
    return 1;
#else
    return 0;
#endif
}

#elif defined(__APPLE__)
#include <stdio.h>

int suanli_exchange_paths(const char *a, const char *b) {
    return renamex_np(a, b, RENAME_SWAP);
}

int suanli_exchange_supported(void) { return 1; }

#else

int suanli_exchange_paths(const char *a, const char *b) {
    (void)a;
    (void)b;
    errno = ENOTSUP;
    return -1;
}

int suanli_exchange_supported(void) { return 0; }

#endif
