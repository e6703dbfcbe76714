#ifndef SUANLI_CRENAME_H
#define SUANLI_CRENAME_H

/// Exchanges the entries at `a` and `b` atomically: afterwards `a` names what `b` named and
/// `b` what `a` named, and no observer (nor a crash at any moment) sees either path missing.
///
/// Linux: renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE), as a system call (glibc
/// declares renameat2 only from 2.28 and only with _GNU_SOURCE). macOS: renamex_np(a, b,
/// RENAME_SWAP). Elsewhere it fails with ENOTSUP.
///
/// Returns 0 on success; -1 with errno set otherwise: ENOSYS, EINVAL or ENOTSUP when the system
/// or the file system cannot exchange (the caller falls back to renaming), ENOENT when either
/// path is missing.
int suanli_exchange_paths(const char *a, const char *b);

/// 1 when this build can exchange paths atomically at all (Linux or macOS), 0 otherwise.
int suanli_exchange_supported(void);

#endif
