/* procfd-trace: libFuzzer target for the suppression parser
 * (tracer/plugins/leaks/leaks_supp.c). Build and run: make fuzz-supp.
 *
 * Besides not crashing, it checks the generator's promise on arbitrary
 * names: the input, cut into a leak's fields and frames, gives an entry
 * that parses back and matches that leak (abort() otherwise, which
 * libFuzzer reports as a crash with the input that broke it). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/plugins/leaks/leaks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct pfd_frame fixed_frames[] = {
	{ .ip = 0x7f0000001000, .function = "open64", .module = "/usr/lib/x86_64-linux-gnu/libc.so.6" },
	{ .ip = 0x401136, .function = "open_and_forget", .module = "/home/u/myprog",
	  .file = "myprog.c", .line = 12 },
	{ .ip = 0x401150 },
	{ .ip = 0x401200, .function = "main", .module = "/home/u/myprog" },
};

static const struct pfd_leak_view fixed_leaks[] = {
	{ .pid = 1, .fd = 3, .exe = "/home/u/myprog", .syscall = "openat", .kind = "regular",
	  .path = "/tmp/cache-1234", .frames = fixed_frames, .n_frames = 4 },
	{ .pid = 1, .fd = 0, .kind = "char-device", .path = "/dev/pts/0" },
	{ .pid = 1, .fd = 9 },
};

#define N_FIXED (sizeof(fixed_leaks) / sizeof(fixed_leaks[0]))

static void ignore_hit(const char *name, unsigned hits, void *arg)
{
	(void)arg;
	if (!name || hits == 0)
		abort();
}

/* Generate an entry for leak, parse it, and insist that it matches. */
static void check_round_trip(const struct pfd_leak_view *leak)
{
	struct pfd_buf b = PFD_BUF_INIT;
	struct pfd_supp_set *set = NULL;
	char err[256];

	pfd_supp_generate(leak, &b);
	if (b.failed) {
		pfd_buf_free(&b);
		return;
	}
	if (pfd_supp_parse(b.data, b.len, "generated", &set, err, sizeof(err)) != 0) {
		fprintf(stderr, "generated entry does not parse: %s\n%s", err, b.data);
		abort();
	}
	if (!pfd_supp_match(set, leak)) {
		fprintf(stderr, "generated entry does not match its leak:\n%s", b.data);
		abort();
	}
	pfd_supp_free(set);
	pfd_buf_free(&b);
}

/* The input as a leak: NUL- or newline-separated pieces are the syscall,
 * kind, path, exe, then function and module of each frame in turn. */
static void leak_from_input(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	const char *piece[4 + 2 * 16] = { 0 };
	struct pfd_frame frames[16];
	size_t n = 0;

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[size] = '\0';
	piece[n++] = copy;
	for (size_t i = 0; i < size && n < sizeof(piece) / sizeof(piece[0]); i++) {
		if (copy[i] == '\n' || copy[i] == '\0') {
			copy[i] = '\0';
			piece[n++] = copy + i + 1;
		}
	}
	size_t n_frames = n > 4 ? (n - 4 + 1) / 2 : 0;
	for (size_t f = 0; f < n_frames; f++)
		frames[f] = (struct pfd_frame){ .ip = f, .function = piece[4 + 2 * f],
						 .module = piece[5 + 2 * f] };
	struct pfd_leak_view leak = { .syscall = piece[0], .kind = piece[1], .path = piece[2],
				      .exe = piece[3], .frames = frames, .n_frames = n_frames };
	check_round_trip(&leak);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pfd_supp_set *set = NULL;
	char err[256];

	if (pfd_supp_parse((const char *)data, size, "fuzz", &set, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < N_FIXED; i++)
			(void)pfd_supp_match(set, &fixed_leaks[i]);
		pfd_supp_foreach_used(set, ignore_hit, NULL);
		pfd_supp_free(set);
	} else if (set != NULL || strncmp(err, "fuzz:", 5) != 0) {
		abort();
	}
	for (size_t i = 0; i < N_FIXED; i++)
		check_round_trip(&fixed_leaks[i]);
	leak_from_input(data, size);
	return 0;
}
