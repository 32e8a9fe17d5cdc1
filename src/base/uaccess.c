/*
 * User copies through process_vm_readv/writev on our own pid: the kernel
 * checks the user range and answers EFAULT where a plain memcpy would
 * crash. A sandbox that forbids the calls (seccomp: EPERM or ENOSYS) falls
 * back to plain copies: the pointers are then trusted, as before.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* process_vm_readv, process_vm_writev */
#endif
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "base/uaccess.h"

/* the whole of n moved, or -EFAULT; 1: the calls are not allowed here */
static int vm_copy(void *local, uint64_t remote, size_t n, int write)
{
	struct iovec l = { .iov_base = local, .iov_len = n };
	struct iovec r = { .iov_base = (void *)(uintptr_t)remote, .iov_len = n };
	ssize_t done = write ? process_vm_writev(getpid(), &l, 1, &r, 1, 0)
			     : process_vm_readv(getpid(), &l, 1, &r, 1, 0);
	if (done == (ssize_t)n)
		return 0;
	if (done < 0 && (errno == EPERM || errno == ENOSYS))
		return 1;
	return -EFAULT;
}

int copy_from_user(void *to, uint64_t from, size_t n)
{
	if (!n)
		return 0;
	if (!from)
		return -EFAULT;
	int ret = vm_copy(to, from, n, 0);
	if (ret == 1) {
		memcpy(to, (const void *)(uintptr_t)from, n);
		ret = 0;
	}
	return ret;
}

int copy_to_user(uint64_t to, const void *from, size_t n)
{
	if (!n)
		return 0;
	if (!to)
		return -EFAULT;
	int ret = vm_copy((void *)from, to, n, 1);
	if (ret == 1) {
		memcpy((void *)(uintptr_t)to, from, n);
		ret = 0;
	}
	return ret;
}

int clear_user(uint64_t to, size_t n)
{
	static const unsigned char zeros[256];
	while (n) {
		size_t chunk = n < sizeof(zeros) ? n : sizeof(zeros);
		int ret = copy_to_user(to, zeros, chunk);
		if (ret)
			return ret;
		to += chunk;
		n -= chunk;
	}
	return 0;
}
