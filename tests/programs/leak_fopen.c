/* --leaks and stdio: a FILE* never fclose'd. Its fd was made by openat deep
 * in libc; the stack goes through libc into the caller, which is named with
 * its source line. */
#include "leakexp.h"

NOINLINE static FILE *read_config(void)
{
	FILE *f = fopen("/etc/hostname", "r"); int line = __LINE__;
	CHECK(f != NULL, "fopen");
#ifdef __i386__
	const char *bt = "null";
	(void)line;
#else
	const char *bt = sfmt("[\"$seq\",{\"module\":\"$re:libc\\\\.so\"},"
			      "{\"function\":\"read_config\",\"line\":%d}]", line);
#endif
	expect_leak(fileno(f), "openat", "\"opened_by\":{\"backtrace\":%s}", bt);
	KEEP_FRAME();
	return f;
}

int main(void)
{
	read_config();
	return 0;
}
