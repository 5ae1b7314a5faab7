// SPDX-License-Identifier: GPL-2.0
/*
 * devmem-bench ITERATIONS ROUNDS: what the series touches, from userspace
 * in the test guest:
 *   open_mem   open("/dev/mem") + close()
 *   open_port  open("/dev/port") + close()
 *   pread_mem  pread() of 4 KiB of System RAM below 1 MiB (0x1000 in the
 *              test guest), which STRICT_DEVMEM reads as zeroes: no
 *              mapping is made and purged, so the count repeats
 * For each round and operation it prints one line on stdout:
 *   bench: OP ROUND NS MEAN MIN MEDIAN
 * NS: CLOCK_MONOTONIC nanoseconds per call over the whole round. MEAN, MIN
 * and MEDIAN: time stamp counter ticks per call, each call timed on its
 * own with rdtsc (CLOCK_MONOTONIC nanoseconds where there is no TSC);
 * MEAN includes what lands in the round (interrupts, deferred work), the
 * MEDIAN call does not. Then, for the same round, the counts that at least
 * 1% of its calls took, commonest first, at most MAX_PATHS (a call's path;
 * where the path varies, like open() on 6.1, which takes 15 counts 34
 * instructions apart, about equally often, each variant gives one):
 *   bench-paths: OP ROUND COUNT:CALLS ...
 * Under QEMU TCG with -icount shift=0 the TSC counts
 * the guest's instructions, one tick each, so that these are counts of
 * work which repeat exactly from boot to boot (scripts/bench.sh compares
 * kernels with them); otherwise they are time. A failed operation prints
 * "bench: OP failed: ERROR" and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_PATHS 32

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline uint64_t ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return now_ns();
#endif
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
	return pread(mem_fd, buf, sizeof(buf), 0x1000) == sizeof(buf) ? 0 : -errno;
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

/*
 * The counts that at least 1% of the n calls in the sorted t[] took,
 * commonest first (the smaller count first among equals), at most MAX_PATHS.
 */
static void print_paths(const char *op, long round, const uint64_t *t, long n)
{
	uint64_t val[MAX_PATHS];
	long cnt[MAX_PATHS];
	int k = 0;

	for (long i = 0, j; i < n; i = j) {
		int p;

		for (j = i; j < n && t[j] == t[i]; j++)
			;
		if (100 * (j - i) < n)
			continue;
		for (p = k < MAX_PATHS ? k++ : MAX_PATHS; p > 0 && cnt[p - 1] < j - i; p--)
			if (p < MAX_PATHS) {
				val[p] = val[p - 1];
				cnt[p] = cnt[p - 1];
			}
		if (p < MAX_PATHS) {
			val[p] = t[i];
			cnt[p] = j - i;
		}
	}
	printf("bench-paths: %s %ld", op, round);
	for (int p = 0; p < k; p++)
		printf(" %llu:%ld", (unsigned long long)val[p], cnt[p]);
	printf("\n");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? atol(argv[1]) : 1000;
	long rounds = argc > 2 ? atol(argv[2]) : 3;
	uint64_t *t;

	if (iterations < 1 || rounds < 1) {
		fprintf(stderr, "usage: devmem-bench ITERATIONS ROUNDS\n");
		return 2;
	}
	t = calloc(iterations, sizeof(*t));
	if (!t) {
		perror("devmem-bench");
		return 1;
	}
	mem_fd = open("/dev/mem", O_RDONLY);
	/*
	 * No console output while calls are timed: the serial port's
	 * interrupts come when the host has taken the bytes, which no
	 * instruction count can fix. Let what the guest printed before drain,
	 * and keep the results until the end.
	 */
	tcdrain(STDOUT_FILENO);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (long r = 0; r < rounds; r++) {
		for (size_t o = 0; o < ARRAY_SIZE(ops); o++) {
			long long ns = now_ns();
			uint64_t sum = 0;

			for (long i = 0; i < iterations; i++) {
				uint64_t t0 = ticks();
				int rc = ops[o].fn(ops[o].arg);

				t[i] = ticks() - t0;
				if (rc) {
					printf("bench: %s failed: %s\n", ops[o].name,
					       strerror(-rc));
					return 1;
				}
			}
			ns = now_ns() - ns;
			for (long i = 0; i < iterations; i++)
				sum += t[i];
			qsort(t, iterations, sizeof(*t), cmp_u64);
			printf("bench: %s %ld %lld %llu %llu %llu\n", ops[o].name, r,
			       ns / iterations,
			       (unsigned long long)(sum / iterations),
			       (unsigned long long)t[0],
			       (unsigned long long)t[(iterations - 1) / 2]);
			print_paths(ops[o].name, r, t, iterations);
		}
	}
	fflush(stdout);
	return 0;
}
