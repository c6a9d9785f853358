/* procfd-trace: libFuzzer target for the flag decoders (tracer/output/flagnames.c).
 * Build and run: make fuzz (or make fuzz-smoke).
 *
 * The input is a 64-bit value (first 8 bytes, little-endian, short inputs
 * zero-padded), then a buffer size (next 2 bytes). Every pfd_format_*
 * decoder formats the value into buffers of exactly 0, 1, that size and a
 * big size, each a heap block of exactly that size (ASan catches a write
 * past it). Checked, with abort() on failure:
 *  - like snprintf: the result is the length needed, the buffer is always
 *    NUL-terminated (when size > 0) and holds the first size - 1 bytes of
 *    the full text;
 *  - lossless: the full text parses back to the same bits, with a table of
 *    names written here from the kernel's numbers (not the decoder's): names
 *    joined by '|', at most one lowercase 0x hex remainder, last, of bits no
 *    name covers; no name twice, no two names sharing a bit;
 *  - file modes read back as octal, dirfds as AT_FDCWD or decimal;
 *  - pfd_errno_name agrees with glibc's strerrorname_np. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfd/flagnames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "fuzz_flags: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                  \
			abort();                                                   \
		}                                                                  \
	} while (0)

struct name_value {
	const char *name;
	uint64_t value; /* the bits the name stands for */
};

/* The kernel's numbers (include/uapi/asm-generic/fcntl.h, linux/fcntl.h,
 * linux/openat2.h, unistd.h), independent of the decoder's tables. */
static const struct name_value open_names[] = {
	{ "O_RDONLY", 0 }, { "O_WRONLY", 01 }, { "O_RDWR", 02 },
	{ "O_CREAT", 0100 }, { "O_EXCL", 0200 }, { "O_NOCTTY", 0400 },
	{ "O_TRUNC", 01000 }, { "O_APPEND", 02000 }, { "O_NONBLOCK", 04000 },
	{ "O_DSYNC", 010000 }, { "O_ASYNC", 020000 }, { "O_DIRECT", 040000 },
	{ "O_LARGEFILE", 0100000 }, { "O_DIRECTORY", 0200000 }, { "O_NOFOLLOW", 0400000 },
	{ "O_NOATIME", 01000000 }, { "O_CLOEXEC", 02000000 },
	{ "O_SYNC", 04000000 | 010000 }, { "O_PATH", 010000000 },
	{ "O_TMPFILE", 020000000 | 0200000 },
	{ NULL, 0 },
};

static const struct name_value at_names[] = {
	{ "AT_SYMLINK_NOFOLLOW", 0x100 }, { "AT_REMOVEDIR", 0x200 },
	{ "AT_SYMLINK_FOLLOW", 0x400 }, { "AT_NO_AUTOMOUNT", 0x800 },
	{ "AT_EMPTY_PATH", 0x1000 }, { "AT_STATX_FORCE_SYNC", 0x2000 },
	{ "AT_STATX_DONT_SYNC", 0x4000 }, { "AT_RECURSIVE", 0x8000 },
	{ NULL, 0 },
};

static const struct name_value access_at_names[] = {
	{ "AT_SYMLINK_NOFOLLOW", 0x100 }, { "AT_EACCESS", 0x200 }, { "AT_EMPTY_PATH", 0x1000 },
	{ NULL, 0 },
};

static const struct name_value resolve_names[] = {
	{ "RESOLVE_NO_XDEV", 0x01 }, { "RESOLVE_NO_MAGICLINKS", 0x02 },
	{ "RESOLVE_NO_SYMLINKS", 0x04 }, { "RESOLVE_BENEATH", 0x08 },
	{ "RESOLVE_IN_ROOT", 0x10 }, { "RESOLVE_CACHED", 0x20 },
	{ NULL, 0 },
};

static const struct name_value access_names[] = {
	{ "R_OK", 4 }, { "W_OK", 2 }, { "X_OK", 1 }, { NULL, 0 },
};

enum shape { SHAPE_FLAGS, SHAPE_OCTAL, SHAPE_DIRFD };

struct decoder {
	const char *what;
	pfd_flags_formatter fn;
	enum shape shape;
	const struct name_value *names;
	const char *zero_name;   /* the text of 0 */
	bool access_mode;        /* open: exactly one of O_RDONLY/O_WRONLY/O_RDWR or a hex mode 3 */
};

static size_t format_dirfd(uint64_t v, char *buf, size_t size)
{
	return pfd_format_dirfd((int)(uint32_t)v, buf, size);
}

static const struct decoder decoders[] = {
	{ "open", pfd_format_open_flags, SHAPE_FLAGS, open_names, NULL, true },
	{ "at", pfd_format_at_flags, SHAPE_FLAGS, at_names, "0", false },
	{ "access_at", pfd_format_access_at_flags, SHAPE_FLAGS, access_at_names, "0", false },
	{ "resolve", pfd_format_resolve, SHAPE_FLAGS, resolve_names, "0", false },
	{ "access_mode", pfd_format_access_mode, SHAPE_FLAGS, access_names, "F_OK", false },
	{ "file_mode", pfd_format_file_mode, SHAPE_OCTAL, NULL, NULL, false },
	{ "dirfd", format_dirfd, SHAPE_DIRFD, NULL, NULL, false },
};

static void fail_parse(const struct decoder *d, uint64_t v, const char *text, const char *why)
{
	fprintf(stderr, "fuzz_flags: %s(0x%llx) = \"%s\": %s\n", d->what, (unsigned long long)v,
		text, why);
	abort();
}

static bool parse_hex(const char *tok, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len < 3 || len > 18 || tok[0] != '0' || tok[1] != 'x' || tok[2] == '0')
		return false;
	for (size_t i = 2; i < len; i++) {
		char c = tok[i];
		unsigned digit;
		if (c >= '0' && c <= '9')
			digit = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			digit = (unsigned)(c - 'a' + 10);
		else
			return false;
		v = v << 4 | digit;
	}
	*out = v;
	return true;
}

/* Names joined by '|', then maybe one hex remainder: back to the bits. */
static void parse_flags(const struct decoder *d, uint64_t v, const char *text)
{
	uint64_t bits = 0;
	bool seen[32] = { false };
	bool hex_seen = false;
	unsigned access_modes = 0;
	const char *p = text;

	if (d->zero_name && strcmp(text, d->zero_name) == 0) {
		if (v != 0)
			fail_parse(d, v, text, "the zero name for a non-zero word");
		return;
	}
	for (;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		uint64_t tv = 0;
		bool known = false;

		if (len == 0)
			fail_parse(d, v, text, "an empty name");
		if (hex_seen)
			fail_parse(d, v, text, "a name after the hex remainder");
		for (size_t i = 0; d->names[i].name; i++) {
			if (strlen(d->names[i].name) == len && memcmp(d->names[i].name, p, len) == 0) {
				if (seen[i])
					fail_parse(d, v, text, "a name twice");
				seen[i] = true;
				tv = d->names[i].value;
				known = true;
				if (d->access_mode && i < 3)
					access_modes++;
				break;
			}
		}
		if (!known) {
			if (!parse_hex(p, len, &tv))
				fail_parse(d, v, text, "a token that is neither a name nor 0x hex");
			hex_seen = true;
		}
		if (bits & tv)
			fail_parse(d, v, text, "two tokens share a bit");
		bits |= tv;
		if (!bar)
			break;
		p = bar + 1;
	}
	if (bits != v)
		fail_parse(d, v, text, "does not parse back to the same bits");
	if (d->access_mode) {
		/* Mode 3 has no name: it is in the hex remainder then. */
		if ((v & 3) == 3 ? access_modes != 0 : access_modes != 1)
			fail_parse(d, v, text, "not exactly one access mode");
	}
}

static void parse_back(const struct decoder *d, uint64_t v, const char *text)
{
	char *end;

	switch (d->shape) {
	case SHAPE_FLAGS:
		parse_flags(d, v, text);
		return;
	case SHAPE_OCTAL:
		if (text[0] != '0' || strlen(text) < 3)
			fail_parse(d, v, text, "not a 0-prefixed octal of 2+ digits");
		errno = 0;
		if (strtoull(text, &end, 8) != v || *end || errno)
			fail_parse(d, v, text, "does not read back as octal");
		return;
	case SHAPE_DIRFD: {
		int fd = (int)(uint32_t)v;
		if (strcmp(text, "AT_FDCWD") == 0) {
			if (fd != -100)
				fail_parse(d, v, text, "AT_FDCWD for another number");
			return;
		}
		errno = 0;
		long back = strtol(text, &end, 10);
		if (fd == -100 || back != fd || *end || errno || text[0] == '+' || text[0] == ' ')
			fail_parse(d, v, text, "does not read back as the decimal dirfd");
		return;
	}
	}
}

static void check_decoder(const struct decoder *d, uint64_t v, size_t size)
{
	char full[1024];
	size_t need = d->fn(v, full, sizeof(full));

	CHECK(need < sizeof(full));
	CHECK(strlen(full) == need);
	parse_back(d, v, full);

	const size_t sizes[] = { 0, 1, size, need, need + 1 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t sz = sizes[i];
		char *buf = malloc(sz ? sz : 1);
		if (!buf)
			abort();
		memset(buf, 'Z', sz ? sz : 1);
		size_t got = d->fn(v, buf, sz);
		CHECK(got == need);
		if (sz == 0) {
			CHECK(buf[0] == 'Z'); /* nothing written at all */
		} else {
			size_t kept = need < sz - 1 ? need : sz - 1;
			CHECK(buf[kept] == '\0');
			CHECK(memcmp(buf, full, kept) == 0);
		}
		free(buf);
	}
}

static void check_errno_name(int err)
{
	const char *ours = pfd_errno_name(err);

	if (err <= 0) {
		CHECK(ours == NULL);
		return;
	}
	if (err >= 512 && err <= 516) {
		static const char *const restart[] = { "ERESTARTSYS", "ERESTARTNOINTR",
						       "ERESTARTNOHAND", "ENOIOCTLCMD",
						       "ERESTART_RESTARTBLOCK" };
		CHECK(ours != NULL && strcmp(ours, restart[err - 512]) == 0);
		return;
	}
	const char *libc = strerrorname_np(err);
	if (libc == NULL) {
		CHECK(ours == NULL);
		return;
	}
	if (ours == NULL || strcmp(ours, libc) != 0) {
		fprintf(stderr, "fuzz_flags: errno %d: ours %s, glibc %s\n", err,
			ours ? ours : "(null)", libc);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t raw[10] = { 0 };
	uint64_t v = 0;

	memcpy(raw, data, size < sizeof(raw) ? size : sizeof(raw));
	for (int i = 7; i >= 0; i--)
		v = v << 8 | raw[i];
	size_t bufsize = (size_t)raw[8] | (size_t)(raw[9] & 1) << 8;

	for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
		check_decoder(&decoders[i], v, bufsize);
	/* The syscall table's kinds pick one of the decoders above. */
	pfd_flags_formatter f = pfd_flags_formatter_for((enum pfd_flags_kind)(raw[9] >> 1 & 3));
	CHECK(f == pfd_format_open_flags || f == pfd_format_at_flags ||
	      f == pfd_format_access_at_flags);
	check_errno_name((int)(uint32_t)v);
	check_errno_name((int)(v & 0x3ff));
	return 0;
}
