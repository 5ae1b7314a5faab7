// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the test guest. The kernel has run the built-in KUnit suites
 * before it starts this; it then runs, between two marker lines on the
 * console:
 *   devmem-userspace: start
 *   <the TAP of /devmem_test: the series' kselftest, as root>
 *   devmem-userspace: end (exit N)
 * or "devmem-userspace: no kselftest" when this revision of the series has
 * none (scripts/build.sh packs it only where the tree has it), then
 * /bench (tests/bench/) if the command line has devmem_bench=ITER,ROUNDS,
 * and powers the guest off. The kernel hands unknown name=value words of
 * its command line to init in the environment: DEVMEM_TEST_CC=1 there is
 * passed on to the kselftest.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Run @argv with init's environment; its exit status, or -1. */
static int run(char *const argv[])
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, environ);
		perror(argv[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int main(void)
{
	const char *bench = getenv("devmem_bench");
	char iterations[32], rounds[32];

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (access("/devmem_test", X_OK)) {
		printf("devmem-userspace: no kselftest\n");
	} else {
		char *const argv[] = { "/devmem_test", NULL };

		printf("devmem-userspace: start\n");
		printf("devmem-userspace: end (exit %d)\n", run(argv));
	}

	if (bench && sscanf(bench, "%31[0-9],%31[0-9]", iterations, rounds) == 2) {
		char *const argv[] = { "/bench", iterations, rounds, NULL };

		printf("devmem-bench: start\n");
		printf("devmem-bench: end (status %d)\n", run(argv));
	}
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	return 1;
}
