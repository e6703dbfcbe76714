#ifndef SUANLI_CALLOCATOR_H
#define SUANLI_CALLOCATOR_H

/// Asks the C library's allocator to keep freed memory for reuse rather than give it back to the
/// system: with glibc, blocks up to 32 MB (M_MMAP_THRESHOLD's largest value) are taken from the
/// heap instead of a mapping of their own, and the heap is trimmed only above 512 MB free
/// (M_TRIM_THRESHOLD). Elsewhere it does nothing. Returns 1 when both settings were taken.
int suanli_keep_freed_memory(void);

#endif
