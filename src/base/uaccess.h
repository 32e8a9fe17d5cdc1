/*
 * copy_from_user() / copy_to_user() for the pointers inside the structs a
 * caller hands to the modelled ioctls (data_uptr, allowed_iovas, ...). The
 * modelled process is the one the model runs in, so a user pointer is a
 * host pointer; like the kernel, the model must not fault on a bad one but
 * answer EFAULT. Each call goes through process_vm_readv/writev on this
 * process, which reports an unmapped or read-only range as EFAULT instead
 * of a fault.
 */
#ifndef IOMMUSIM_BASE_UACCESS_H
#define IOMMUSIM_BASE_UACCESS_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -EFAULT when [from, from+n) is not all readable (nothing or part copied) */
int copy_from_user(void *to, uint64_t from, size_t n);
/* 0, or -EFAULT when [to, to+n) is not all writable */
int copy_to_user(uint64_t to, const void *from, size_t n);
/* clear_user(): n zero bytes at to; 0 or -EFAULT */
int clear_user(uint64_t to, size_t n);

#endif
