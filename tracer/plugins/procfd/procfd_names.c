/* procfd-trace: the names of the procfd annotation's enums, as JSON and text print them. */
#include <string.h>

#include "tracer/plugins/procfd/procfd.h"

const char *pfd_resolution_name(enum pfd_resolution r)
{
	static const char *const names[] = {
		[PFD_RES_NONE] = "none",
		[PFD_RES_FOLLOWED] = "followed",
		[PFD_RES_LINK_ITSELF] = "link-itself",
		[PFD_RES_DIRECTORY] = "directory",
		[PFD_RES_NO_SUCH_FD] = "no-such-fd",
		[PFD_RES_NO_SUCH_PROCESS] = "no-such-process",
		[PFD_RES_DENIED] = "denied",
		[PFD_RES_REFUSED_NOFOLLOW] = "refused-nofollow",
		[PFD_RES_REFUSED_SCOPED] = "refused-scoped",
		[PFD_RES_NOT_REOPENABLE] = "not-reopenable",
		[PFD_RES_UNFINISHED] = "unfinished",
		[PFD_RES_HELD_SYMLINK] = "held-symlink",
		[PFD_RES_FOLLOW_UP] = "follow-up",
		[PFD_RES_PLAIN] = "plain",
		[PFD_RES_THROUGH] = "through-link",
		[PFD_RES_NOT_PROCFS] = "not-procfs",
		[PFD_RES_NO_SUCH_THREAD] = "no-such-thread",
		[PFD_RES_UNCONFIRMED] = "unconfirmed",
		[PFD_RES_RACED] = "raced",
		[PFD_RES_ERROR] = "error",
	};
	return (unsigned)r < sizeof(names) / sizeof(names[0]) && names[r] ? names[r] : "none";
}

const char *pfd_text_target_name(enum pfd_text_target t)
{
	static const char *const names[] = {
		[PFD_TEXT_NONE] = "none",
		[PFD_TEXT_SAME_FILE] = "same-file",
		[PFD_TEXT_MISSING] = "missing",
		[PFD_TEXT_DIFFERENT_FILE] = "different-file",
		[PFD_TEXT_NOT_A_PATH] = "not-a-path",
		[PFD_TEXT_UNKNOWN] = "unknown",
	};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) && names[t] ? names[t] : "none";
}

const char *pfd_probe_name(enum pfd_probe p)
{
	switch (p) {
	case PFD_PROBE_OPEN: return "open";
	case PFD_PROBE_NO_FD: return "no-fd";
	case PFD_PROBE_NO_PROCESS: return "no-process";
	case PFD_PROBE_DENIED: return "denied";
	case PFD_PROBE_FAILED: return "failed";
	case PFD_PROBE_NOT_PROCFS: return "not-procfs";
	case PFD_PROBE_NO_THREAD: return "no-thread";
	case PFD_PROBE_NOT_DONE: break;
	}
	return "not-done";
}

const char *pfd_via_name(enum pfd_via v)
{
	switch (v) {
	case PFD_VIA_CWD: return "cwd";
	case PFD_VIA_DIRFD: return "dirfd";
	case PFD_VIA_PATH: break;
	}
	return "path";
}

const char *pfd_link_what_name(enum pfd_link_what w)
{
	switch (w) {
	case PFD_LINK_FD: return "fd";
	case PFD_LINK_FD_DIR: return "fd-directory";
	case PFD_LINK_THROUGH: return "through";
	case PFD_LINK_NONE: break;
	}
	return "none";
}

/* procfs gives an fd link the permission bits of the fd's access mode:
 * r-x for reading, -wx for writing, rwx for both, none for O_PATH. */
const char *pfd_access_name(uint32_t link_mode)
{
	switch (link_mode & 0700) {
	case 0500: return "read";
	case 0300: return "write";
	case 0700: return "read-write";
	case 0000: return "path";
	default: return "unknown";
	}
}

/* Plain printable ASCII passes as it is; anything else (ESC, BEL, a
 * newline, UTF-8) makes the name quoted and escaped as strace does, so a
 * name the tracee chose cannot drive the terminal or break a line. */
static bool name_is_plain(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

void pfd_put_program_name(struct pfd_buf *b, const char *exe)
{
	const char *slash = exe ? strrchr(exe, '/') : NULL;
	const char *base = slash && slash[1] ? slash + 1 : exe && *exe ? exe : "the program";
	if (name_is_plain(base))
		pfd_buf_puts(b, base);
	else
		pfd_buf_quote(b, base, strlen(base));
}
