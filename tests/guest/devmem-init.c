// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the test guest. The kernel has run the built-in KUnit suites
 * before it starts this; it then runs, between two marker lines on the
 * console:
 *   devmem-userspace: start
 *   <the TAP of /devmem_test: the series' kselftest, as root>
 *   devmem-userspace: end (exit N)
 * and the same again as an unprivileged user (uid and gid 65534, no
 * capabilities), between "devmem-userspace-nobody: start" and "... end",
 * or "devmem-userspace: no kselftest" when this revision of the series has
 * none (scripts/build.sh packs it only where the tree has it), then
 * /bench (tests/bench/) if the command line has devmem_bench=ITER,ROUNDS,
 * and powers the guest off. securityfs is mounted, so that the kselftest
 * sees the lockdown state (lockdown=integrity on the command line). The
 * kernel hands unknown name=value words of its command line to init in
 * the environment: DEVMEM_TEST_CC=1 there is passed on to the kselftest.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
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

int main(void)
{
	const char *bench = getenv("devmem_bench");
	char iterations[32], rounds[32];

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (access("/devmem_test", X_OK)) {
		printf("devmem-userspace: no kselftest\n");
	} else {
		char *const argv[] = { "/devmem_test", NULL };

		printf("devmem-userspace: start\n");
		printf("devmem-userspace: end (exit %d)\n", run(argv, 0));
		printf("devmem-userspace-nobody: start\n");
		printf("devmem-userspace-nobody: end (exit %d)\n", run(argv, 1));
	}

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
