/* procfd-trace test programs for --leaks: expectations on "leak" events.
 *
 * A frame is expected by function and by the source line of the call in
 * it (the line the return address belongs to), printed with __LINE__ on the
 * very line of the call. i386 tracees get no stack (procfd-trace's x86-64
 * unwinder cannot walk a 32-bit stack, as strace's cannot): their
 * "backtrace" must be null. */
#ifndef PFD_TEST_LEAKEXP_H
#define PFD_TEST_LEAKEXP_H

#include "expect.h"

#define NOINLINE __attribute__((noinline, noclone))
/* Keeps a call from being a tail call, so its caller's frame stays. */
#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

/* "backtrace" holding these frames (function, line) in this order, or null
 * on i386. Pairs: name, line, ..., NULL. */
static inline const char *jframes(const char *fn, int line, ...)
{
#ifdef __i386__
	(void)fn, (void)line;
	return "null";
#else
	va_list ap;
	const char *out = sfmt("[\"$seq\",{\"function\":\"%s\",\"line\":%d}", fn, line);
	va_start(ap, line);
	for (const char *f; (f = va_arg(ap, const char *));)
		out = sfmt("%s,{\"function\":\"%s\",\"line\":%d}", out, f, va_arg(ap, int));
	va_end(ap);
	return sfmt("%s]", out);
#endif
}

/* A leak event of this process: fd, its creating call and what else. */
static inline __attribute__((format(printf, 3, 4)))
void expect_leak(int fd, const char *syscall, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *more = exp_buf_size((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(more, (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* More about the creator goes into the same "opened_by" object. */
	const char *ob = "\"opened_by\":{";
	char *in_ob = strstr(more, ob);
	const char *fields = more;
	if (in_ob) {
		*in_ob = '\0';
		fields = sfmt("%s%s\"syscall\":\"%s\",%s", more, ob, syscall, in_ob + strlen(ob));
	} else {
		fields = sfmt("%s%s\"opened_by\":{\"syscall\":\"%s\"}", more, *more ? "," : "",
			      syscall);
	}
	/* by count, not in order: leaks come in fd order, programs say them as
	 * they make them */
	expect_count(1, "{\"event\":\"leak\",\"pid\":%d,\"fd\":%d,\"inherited\":false,%s}",
		     (int)getpid(), fd, fields);
}

/* The leak reported about fd of this process lists this process as holding
 * it at fd `also` too (a dup: one description, one leak, two fds), with
 * what else the holder entry says ("" or ",\"cloexec\":true"). */
static inline void expect_held(int fd, int also, const char *more)
{
	expect_count(1, "{\"event\":\"leak\",\"pid\":%d,\"fd\":%d,"
		     "\"held_by\":[\"$seq\",{\"pid\":%d,\"fd\":%d%s}]}",
		     (int)getpid(), fd, (int)getpid(), also, more);
}

/* No leak of fd in this process. */
static inline void expect_no_leak(int fd)
{
	expect_none("{\"event\":\"leak\",\"pid\":%d,\"fd\":%d}", (int)getpid(), fd);
}

#endif
