// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the test guest. The kernel has run the built-in KUnit suites
 * before it starts this; it then runs each program of /kselftest (the
 * series' kselftest, in name order), as root and then as an unprivileged
 * user (uid and gid 65534, no capabilities), each between two marker
 * lines on the console:
 *   devmem-root-PROGRAM: start
 *   <its TAP>
 *   devmem-root-PROGRAM: end (exit N)
 * (devmem-nobody-PROGRAM for the unprivileged run), then
 *   devmem-userspace: end
 * or "devmem-userspace: no kselftest" when this revision of the series has
 * none (scripts/build.sh packs it only where the tree has it), then
 * /bench (tests/bench/) if the command line has devmem_bench=ITER,ROUNDS,
 * and powers the guest off. securityfs is mounted, so that the kselftest
 * sees the lockdown state (lockdown=integrity on the command line). The
 * kernel hands unknown name=value words of its command line to init in
 * the environment: DEVMEM_TEST_CC=1 there is passed on to the kselftest.
 * With devmem_sentinel=1 (a kernel without STRICT_DEVMEM, where /dev/mem
 * writes anywhere), init first writes a pattern through /dev/mem to the
 * first page of System RAM below 1 MiB (offset 0x100: the low 64 KiB the
 * kernel reserves and never uses, X86_RESERVE_LOW) and reads it back, and
 * after the kselftest checks it, saying "devmem-sentinel: unchanged at
 * ADDR" or "devmem-sentinel: changed at ADDR".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/*
 * Run @argv with init's environment, as root or, with @nobody, as uid and
 * gid 65534 (which leaves no capabilities): its exit status, or -1.
 */
static int run(char *const argv[], int nobody)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (nobody && (setgroups(0, NULL) || setgid(65534) ||
			       setuid(65534))) {
			perror("dropping root");
			_exit(127);
		}
		execve(argv[0], argv, environ);
		perror(argv[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static const char pattern[16] = "devmem-sentinel!";

/* The first System RAM page below 1 MiB, + 0x100, from /proc/iomem; 0 if none. */
static unsigned long sentinel_addr(void)
{
	unsigned long start, end, addr = 0;
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	while (f && !addr && fgets(line, sizeof(line), f))
		if (line[0] != ' ' && strstr(line, ": System RAM") &&
		    sscanf(line, "%lx-%lx", &start, &end) == 2 && start < 0x100000)
			addr = ((start + 0xfff) & ~0xfffUL) + 0x100;
	if (f)
		fclose(f);
	return addr;
}

/*
 * Write the pattern at @addr through /dev/mem (@plant) or compare what is
 * there with it: 1 if it is there, 0 if not, -1 if /dev/mem failed.
 */
static int sentinel(unsigned long addr, int plant)
{
	char buf[sizeof(pattern)];
	int fd = open("/dev/mem", O_RDWR), ok = -1;

	if (fd >= 0 && (!plant || pwrite(fd, pattern, sizeof(pattern), addr) ==
			      sizeof(pattern)) &&
	    pread(fd, buf, sizeof(buf), addr) == sizeof(buf))
		ok = !memcmp(buf, pattern, sizeof(pattern));
	if (fd >= 0)
		close(fd);
	return ok;
}

int main(void)
{
	static const char * const who[] = { "root", "nobody" };
	const char *bench = getenv("devmem_bench");
	char iterations[32], rounds[32];
	struct dirent **tests;
	unsigned long addr = 0;
	int n;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (getenv("devmem_sentinel")) {
		addr = sentinel_addr();
		if (!addr || sentinel(addr, 1) != 1) {
			printf("devmem-sentinel: could not plant at %#lx\n", addr);
			addr = 0;
		}
	}

	n = scandir("/kselftest", &tests, NULL, alphasort);
	if (n <= 0) {
		printf("devmem-userspace: no kselftest\n");
	} else {
		for (int nobody = 0; nobody < 2; nobody++) {
			for (int i = 0; i < n; i++) {
				const char *name = tests[i]->d_name;
				char path[300];
				char *const argv[] = { path, NULL };

				if (name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "/kselftest/%s", name);
				printf("devmem-%s-%s: start\n", who[nobody], name);
				printf("devmem-%s-%s: end (exit %d)\n", who[nobody],
				       name, run(argv, nobody));
			}
		}
		printf("devmem-userspace: end\n");
	}
	if (addr)
		printf("devmem-sentinel: %s at %#lx\n",
		       sentinel(addr, 0) == 1 ? "unchanged" : "changed", addr);

	if (bench && sscanf(bench, "%31[0-9],%31[0-9]", iterations, rounds) == 2) {
		char *const argv[] = { "/bench", iterations, rounds, NULL };

		printf("devmem-bench: start\n");
		printf("devmem-bench: end (status %d)\n", run(argv, 0));
	}
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	return 1;
}
