// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the test guest: checks /dev/mem and /dev/port from userspace on a
 * booted, non-confidential x86_64 guest, prints the results as KTAP on the
 * console between two marker lines, and powers the guest off.
 *
 * What it checks is the userspace part of the contract in shared/spec.md:
 * root opens /dev/mem and /dev/port as before, root without CAP_SYS_RAWIO
 * cannot, System RAM below 1 MiB reads as zeroes, kernel RAM and claimed
 * I/O ranges are refused, and the DMI tables are available from sysfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE	4096UL
#define LOW_1M	0x100000UL

static int test_no;
static int failed;

static void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("    %sok %d %s", ok ? "" : "not ", ++test_no, name);
	if (fmt && !ok) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	if (!ok)
		failed++;
	fflush(stdout);
}

/* Print a diagnostic line that a KTAP parser shows with the test. */
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("    # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

struct range {
	uint64_t start, end;	/* inclusive, as in /proc/iomem */
	char name[64];
	int depth;
};

#define MAX_RANGES 256
static struct range ranges[MAX_RANGES];
static int nr_ranges;

static int read_iomem(void)
{
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && nr_ranges < MAX_RANGES) {
		struct range *r = &ranges[nr_ranges];
		char *p = line;
		char *name;

		while (*p == ' ')
			p++;
		r->depth = (int)(p - line) / 2;
		if (sscanf(p, "%" SCNx64 "-%" SCNx64, &r->start, &r->end) != 2)
			continue;
		name = strstr(p, " : ");
		if (!name)
			continue;
		name += 3;
		name[strcspn(name, "\n")] = '\0';
		snprintf(r->name, sizeof(r->name), "%s", name);
		nr_ranges++;
	}
	fclose(f);
	return nr_ranges ? 0 : -1;
}

static const struct range *find_range(const char *name, uint64_t min_start)
{
	for (int i = 0; i < nr_ranges; i++)
		if (!strcmp(ranges[i].name, name) && ranges[i].start >= min_start)
			return &ranges[i];
	return NULL;
}

/* pread() of one page of /dev/mem: 0 and the bytes, or -errno. */
static int read_page(int fd, uint64_t addr, unsigned char *buf)
{
	ssize_t n = pread(fd, buf, PAGE, (off_t)addr);

	if (n < 0)
		return -errno;
	return n == (ssize_t)PAGE ? 0 : -EIO;
}

static int all_zero(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i])
			return 0;
	return 1;
}

/* Root opens /dev/mem and /dev/port as before. */
static void test_open_as_root(const char *path, const char *name)
{
	int fd = open(path, O_RDONLY);

	result(fd >= 0, name, "open(%s) failed: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Root without CAP_SYS_RAWIO gets -EPERM from open_port(). */
static void test_open_without_rawio(const char *path, const char *name)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd;

		if (syscall(SYS_capget, &hdr, data))
			_exit(100);
		data[CAP_SYS_RAWIO / 32].effective &= ~(1U << (CAP_SYS_RAWIO % 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(101);
		fd = open(path, O_RDONLY);
		if (fd >= 0)
			_exit(0);
		_exit(errno == EPERM ? 1 : 102);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		result(0, name, "could not run the child");
		return;
	}
	result(WEXITSTATUS(status) == 1, name,
	       "child exited %d (0: open succeeded, 1: EPERM, 100+: setup)",
	       WEXITSTATUS(status));
}

/*
 * STRICT_DEVMEM: every System RAM page below 1 MiB reads as zeroes
 * (devmem_is_allowed() returns 2 there, as a4866aa81251 made it).
 */
static void test_low_ram_reads_zero(int fd)
{
	unsigned char buf[PAGE];
	unsigned long pages = 0, nonzero = 0, errors = 0;

	for (int i = 0; i < nr_ranges; i++) {
		const struct range *r = &ranges[i];

		if (r->depth || strcmp(r->name, "System RAM") || r->start >= LOW_1M)
			continue;
		for (uint64_t a = (r->start + PAGE - 1) & ~(PAGE - 1);
		     a + PAGE - 1 <= r->end && a < LOW_1M; a += PAGE) {
			int rc = read_page(fd, a, buf);

			pages++;
			if (rc) {
				if (!errors++)
					diag("read of %#" PRIx64 ": %s", a, strerror(-rc));
			} else if (!all_zero(buf, PAGE)) {
				if (!nonzero++)
					diag("page %#" PRIx64 " is not zeroed", a);
			}
		}
	}
	result(pages && !nonzero && !errors, "low_ram_reads_zero",
	       "%lu pages: %lu not zeroed, %lu errors", pages, nonzero, errors);
}

/* The legacy BIOS area stays readable, with real content. */
static void test_bios_area_readable(int fd)
{
	unsigned char buf[PAGE];
	int rc = read_page(fd, 0xf0000, buf);

	result(!rc && !all_zero(buf, PAGE), "bios_area_readable",
	       "read of 0xf0000: %s", rc ? strerror(-rc) : "all zeroes");
}

/* Kernel RAM above 1 MiB is refused. */
static void test_kernel_ram_refused(int fd)
{
	const struct range *r = find_range("Kernel code", LOW_1M);
	unsigned char buf[PAGE];
	int rc;

	if (!r) {
		result(0, "kernel_ram_refused", "no 'Kernel code' in /proc/iomem");
		return;
	}
	rc = read_page(fd, r->start, buf);
	result(rc == -EPERM, "kernel_ram_refused", "read of %#" PRIx64 ": %s",
	       r->start, rc ? strerror(-rc) : "succeeded");
}

/*
 * IO_STRICT_DEVMEM: a range that a driver claimed (IORESOURCE_BUSY) cannot be
 * mapped. The I/O APIC's registers are claimed on every x86 guest. On x86,
 * read(2) past the end of RAM is -EFAULT whatever the range, so only mmap(2)
 * tells a claimed range from an idle one; the mapping is never touched.
 */
static void test_claimed_io_refused(int fd)
{
	const struct range *r = find_range("IOAPIC 0", LOW_1M);
	void *p;

	if (!r) {
		result(0, "claimed_io_refused", "no 'IOAPIC 0' in /proc/iomem");
		return;
	}
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd,
		 (off_t)(r->start & ~(PAGE - 1)));
	result(p == MAP_FAILED && errno == EPERM, "claimed_io_refused",
	       "mmap of IOAPIC 0 at %#" PRIx64 ": %s", r->start,
	       p == MAP_FAILED ? strerror(errno) : "succeeded");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
}

/* What userspace uses instead of /dev/mem for SMBIOS: sysfs. */
static void test_dmi_tables(void)
{
	unsigned char buf[64];
	int fd = open("/sys/firmware/dmi/tables/DMI", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;

	result(n > 0, "dmi_tables_readable", "/sys/firmware/dmi/tables/DMI: %s",
	       fd < 0 ? strerror(errno) : "empty");
	if (fd >= 0)
		close(fd);
}

/*
 * devmem_bench=ITERATIONS,ROUNDS on the kernel command line, which the
 * kernel hands to init in its environment: run /bench (tests/bench/) after
 * the checks, for scripts/bench.sh.
 */
static void run_bench(void)
{
	const char *arg = getenv("devmem_bench");
	char iterations[32], rounds[32];
	int status;
	pid_t pid;

	if (!arg || sscanf(arg, "%31[0-9],%31[0-9]", iterations, rounds) != 2)
		return;
	printf("devmem-bench: start\n");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl("/bench", "bench", iterations, rounds, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	printf("devmem-bench: end (status %d)\n", status);
	fflush(stdout);
}

int main(void)
{
	int fd;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("devmem-userspace: start\n");
	printf("KTAP version 1\n1..1\n");
	printf("    KTAP version 1\n    # Subtest: devmem_userspace\n    1..9\n");

	if (read_iomem())
		diag("cannot read /proc/iomem");

	test_open_as_root("/dev/mem", "open_mem_as_root");
	test_open_as_root("/dev/port", "open_port_as_root");
	test_open_without_rawio("/dev/mem", "open_mem_without_rawio");
	test_open_without_rawio("/dev/port", "open_port_without_rawio");

	fd = open("/dev/mem", O_RDONLY);
	if (fd >= 0) {
		test_low_ram_reads_zero(fd);
		test_bios_area_readable(fd);
		test_kernel_ram_refused(fd);
		test_claimed_io_refused(fd);
		close(fd);
	} else {
		result(0, "low_ram_reads_zero", "no /dev/mem");
		result(0, "bios_area_readable", "no /dev/mem");
		result(0, "kernel_ram_refused", "no /dev/mem");
		result(0, "claimed_io_refused", "no /dev/mem");
	}
	test_dmi_tables();

	printf("%sok 1 devmem_userspace\n", failed ? "not " : "");
	printf("devmem-userspace: end (%d of %d failed)\n", failed, test_no);
	fflush(stdout);
	run_bench();
	sync();
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	return 1;
}
