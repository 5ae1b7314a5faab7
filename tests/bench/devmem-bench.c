// SPDX-License-Identifier: GPL-2.0
/*
 * devmem-bench ITERATIONS ROUNDS: time what the series touches, from
 * userspace in the test guest:
 *   open_mem   open("/dev/mem") + close()
 *   open_port  open("/dev/port") + close()
 *   pread_mem  pread() of 4 KiB from the BIOS area (0xf0000), readable
 *              under STRICT_DEVMEM
 * For each round it prints "bench: OP ROUND NS_PER_OP" on stdout; the host
 * (scripts/bench.sh) takes medians and compares kernels. A failed
 * operation prints "bench: OP failed: ERROR" and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int op_open(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int mem_fd = -1;

static int op_pread(const char *unused)
{
	static char buf[4096];

	(void)unused;
	return pread(mem_fd, buf, sizeof(buf), 0xf0000) == sizeof(buf) ? 0 : -errno;
}

static const struct {
	const char *name;
	int (*fn)(const char *arg);
	const char *arg;
} ops[] = {
	{ "open_mem", op_open, "/dev/mem" },
	{ "open_port", op_open, "/dev/port" },
	{ "pread_mem", op_pread, NULL },
};

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? atol(argv[1]) : 1000;
	long rounds = argc > 2 ? atol(argv[2]) : 3;

	if (iterations < 1 || rounds < 1) {
		fprintf(stderr, "usage: devmem-bench ITERATIONS ROUNDS\n");
		return 2;
	}
	mem_fd = open("/dev/mem", O_RDONLY);
	for (long r = 0; r < rounds; r++) {
		for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
			long long t0 = now_ns();

			for (long i = 0; i < iterations; i++) {
				int rc = ops[o].fn(ops[o].arg);

				if (rc) {
					printf("bench: %s failed: %s\n", ops[o].name,
					       strerror(-rc));
					return 1;
				}
			}
			printf("bench: %s %ld %lld\n", ops[o].name, r,
			       (now_ns() - t0) / iterations);
		}
	}
	fflush(stdout);
	return 0;
}
