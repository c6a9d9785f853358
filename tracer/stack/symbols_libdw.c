/* procfd-trace: symbolization with elfutils libdwfl.
 *
 * Each mapped file gets a Dwfl of its own holding that one module, reported
 * offline at its link-time addresses (base 0). A process's ip becomes a
 * file address by subtracting the load bias of that process's mapping, so
 * one lookup serves every process that maps the file, whatever ASLR chose.
 * Separate debug info (libc6-dbg's /usr/lib/debug/.build-id/...) is found
 * through the build-id or .gnu_debuglink (debuginfod only when configured).
 *
 * Files are opened on the first lookup, not when a process maps them: a
 * capture must stay cheap, and most captured stacks are never printed. The
 * file opened must be the one that was mapped: its device and inode are
 * checked against the maps line, so a library replaced on disk since (a
 * package upgrade during the trace) gives no symbols rather than wrong
 * ones. */
#include <dlfcn.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <error.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfd/plugin.h"
#include "tracer/stack/symbols.h"

#define MAX_LOADS 16        /* PT_LOAD headers kept per file (ld.so makes 4) */
#define REGISTRY_BUCKETS 256u
#define DELETED_SUFFIX " (deleted)"

struct load_segment {
	uint64_t offset, vaddr, filesz;
};

struct sym_entry {
	struct sym_entry *next;
	uint64_t addr;
	struct pfd_sym sym;
	char *own_name; /* sym.function, when it is not libdw's string */
};

enum open_state { NOT_OPENED, OPENED, UNREADABLE };

struct pfd_symfile {
	struct pfd_symfile *next; /* registry chain */
	char *path;
	uint64_t dev, ino;
	enum open_state state;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	uint64_t dwfl_bias; /* libdwfl's address of file address 0 */
	char *build_id;     /* hex, NULL when none */
	struct load_segment loads[MAX_LOADS];
	size_t nloads;
	struct sym_entry **buckets; /* address -> what it is */
	size_t nbuckets, count;
};

static struct pfd_symfile *registry[REGISTRY_BUCKETS];
static const struct pfd_sym unknown_sym;

/* ---- the registry of files -------------------------------------------- */

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static unsigned registry_slot(const char *path, uint64_t dev, uint64_t ino)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (unsigned)(mix64(h ^ dev * 31 ^ ino) % REGISTRY_BUCKETS);
}

struct pfd_symfile *pfd_symfile_get(const char *path, uint64_t dev, uint64_t ino)
{
	unsigned slot = registry_slot(path, dev, ino);
	for (struct pfd_symfile *f = registry[slot]; f; f = f->next)
		if (f->dev == dev && f->ino == ino && strcmp(f->path, path) == 0)
			return f;
	struct pfd_symfile *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return NULL;
	}
	f->dev = dev;
	f->ino = ino;
	f->next = registry[slot];
	registry[slot] = f;
	return f;
}

const char *pfd_symfile_path(const struct pfd_symfile *f)
{
	return f->path;
}

/* ---- opening the file, once ------------------------------------------- */

/* Whether a debuginfod server was configured: without one, libdwfl's last
 * resort for a file with no local debug info (a program built without -g)
 * still dlopens libdebuginfod, which maps libcurl, GnuTLS, libcrypto and
 * Kerberos: 7.5 MiB of the tracer's RSS and milliseconds of start-up, for
 * a client that has no server to ask. */
static bool debuginfod_configured(void)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	return urls && *urls;
}

/* A .gnu_debuglink file where libdwfl's path search looks for it: next to
 * the file, in its .debug/, or under /usr/lib/debug/ + its directory. */
static bool debuglink_exists(const char *file_name, const char *debuglink)
{
	char path[4096];
	const char *slash = file_name ? strrchr(file_name, '/') : NULL;
	int dir_len = slash ? (int)(slash - file_name) : 0;
	static const struct { const char *root, *sub; } places[] = {
		{ "", "/" }, { "", "/.debug/" }, { "/usr/lib/debug", "/" },
	};
	struct stat st;

	if (!debuglink || !*debuglink || !slash)
		return false;
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		int n = snprintf(path, sizeof(path), "%s%.*s%s%s", places[i].root, dir_len,
				 file_name, places[i].sub, debuglink);
		if (n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			return true;
	}
	return false;
}

/* dwfl_standard_find_debuginfo without its debuginfod fallback when no
 * server is configured: by build-id (/usr/lib/debug/.build-id/, where
 * libc6-dbg installs), then by .gnu_debuglink only when such a file exists. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  GElf_Addr base, const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	if (debuginfod_configured() || debuglink_exists(file_name, debuglink_file))
		return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name,
						    debuglink_file, debuglink_crc,
						    debuginfo_file_name);
	return dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name,
					    debuglink_file, debuglink_crc, debuginfo_file_name);
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* The path to open: a deleted file is still named with the kernel's
 * suffix, and whatever now has the bare name fails the inode check. */
static int open_mapped_file(const struct pfd_symfile *f)
{
	char path[4096];
	size_t len = strlen(f->path), slen = strlen(DELETED_SUFFIX);
	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, f->path, len + 1);
	if (len > slen && strcmp(path + len - slen, DELETED_SUFFIX) == 0)
		path[len - slen] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != f->ino || (uint64_t)st.st_dev != f->dev) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

static void record_loads(struct pfd_symfile *f, Elf *elf)
{
	size_t n;
	if (elf_getphdrnum(elf, &n) != 0)
		return;
	for (size_t i = 0; i < n && f->nloads < MAX_LOADS; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			f->loads[f->nloads++] = (struct load_segment){ ph.p_offset, ph.p_vaddr,
								       ph.p_filesz };
	}
}

/* The module's NT_GNU_BUILD_ID note as hex, NULL when it has none. */
static char *build_id_hex(Dwfl_Module *mod)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *bits;
	GElf_Addr vaddr;
	int len = dwfl_module_build_id(mod, &bits, &vaddr);
	if (len <= 0)
		return NULL;
	char *hex = malloc(2 * (size_t)len + 1);
	if (!hex)
		return NULL;
	for (int i = 0; i < len; i++) {
		hex[2 * i] = digits[bits[i] >> 4];
		hex[2 * i + 1] = digits[bits[i] & 15];
	}
	hex[2 * len] = '\0';
	return hex;
}

/* ---- libdw running out of memory ------------------------------------------ */

/* libdw does not return ENOMEM: its allocator calls error(EXIT_FAILURE,
 * ENOMEM, "libdw"), which would end procfd-trace and, through
 * PTRACE_O_EXITKILL, the traced command with it; and some of its paths do
 * not check an allocation at all (dwarf_getsrclines dereferences NULL when
 * memory is short: seen under a 12 MiB address-space limit). So every call
 * into libdw runs under a guard: an out-of-memory exit (this error(), which
 * takes the place of glibc's for the whole process: the executable's
 * definition comes first in symbol lookup) or a SIGSEGV inside it returns
 * to the guard, and libdw, whose state may be half-built, is not called
 * again: frames then keep their module, offset and build-id. Outside a
 * guard, error() does what glibc's does and SIGSEGV is left alone. */
static sigjmp_buf *libdw_guard;
static bool libdw_out_of_memory;

static void libdw_gave_up(void)
{
	libdw_guard = NULL;
	libdw_out_of_memory = true;
	fprintf(stderr, "procfd-trace: libdw ran out of memory: stack frames from now on have "
			"their module, offset and build-id but no function or line\n");
	pfd_request_exit_code(1);
}

static void libdw_fault(int sig)
{
	(void)sig;
	siglongjmp(*libdw_guard, 1); /* installed only while a guard is set */
}

/* The handler's own stack: memory short enough to fail libdw can also stop
 * the stack from growing (RLIMIT_AS counts it), and a fault there could not
 * run a handler on the stack that faulted. */
static void libdw_fault_stack(void)
{
	static char stack[64 * 1024];
	static bool done;
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) }, old;
	if (done)
		return;
	done = true;
	/* one set up already (a sanitizer's) serves as well */
	if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE))
		sigaltstack(&ss, NULL);
}

/* Run fn(f, arg) in libdw under a guard: false when libdw failed (then it
 * is never called again). */
static bool libdw_call(void (*fn)(struct pfd_symfile *, void *), struct pfd_symfile *f, void *arg)
{
	sigjmp_buf guard;
	struct sigaction fault = { .sa_handler = libdw_fault, .sa_flags = SA_ONSTACK }, old;
	if (libdw_out_of_memory)
		return false;
	libdw_fault_stack();
	sigemptyset(&fault.sa_mask);
	sigaction(SIGSEGV, &fault, &old);
	if (sigsetjmp(guard, 1)) {
		sigaction(SIGSEGV, &old, NULL);
		libdw_gave_up();
		return false;
	}
	libdw_guard = &guard;
	fn(f, arg);
	libdw_guard = NULL;
	sigaction(SIGSEGV, &old, NULL);
	return true;
}

__attribute__((visibility("default"))) void error(int status, int errnum, const char *format, ...)
{
	if (libdw_guard && status && errnum == ENOMEM)
		siglongjmp(*libdw_guard, 1);
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_name);
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
	if (status)
		exit(status);
}


static void report_module(struct pfd_symfile *f, int fd)
{
	f->dwfl = dwfl_begin(&offline_callbacks);
	if (!f->dwfl) {
		close(fd);
		return;
	}
	/* add_p_vaddr with base 0: module addresses are the file's vaddrs.
	 * On success libdwfl owns fd and closes it at dwfl_end. */
	f->mod = dwfl_report_elf(f->dwfl, f->path, f->path, fd, 0, true);
	dwfl_report_end(f->dwfl, NULL, NULL);
	if (!f->mod) {
		close(fd);
		return;
	}
	GElf_Addr bias = 0;
	Elf *elf = dwfl_module_getelf(f->mod, &bias);
	if (!elf) {
		f->mod = NULL;
		return;
	}
	f->dwfl_bias = bias;
	record_loads(f, elf);
	f->build_id = build_id_hex(f->mod);
	f->state = OPENED;
}

static void report_module_call(struct pfd_symfile *f, void *fd)
{
	report_module(f, *(int *)fd);
}

static bool symfile_open(struct pfd_symfile *f)
{
	if (f->state == NOT_OPENED) {
		f->state = UNREADABLE;
		int fd = open_mapped_file(f);
		if (fd >= 0 && !libdw_call(report_module_call, f, &fd)) {
			f->mod = NULL;
			f->state = UNREADABLE;
		}
	}
	return f->state == OPENED;
}

uint64_t pfd_symfile_bias(struct pfd_symfile *f, uint64_t start, uint64_t offset)
{
	if (symfile_open(f)) {
		for (size_t i = 0; i < f->nloads; i++) {
			const struct load_segment *s = &f->loads[i];
			/* the mapping starts on the page holding the segment's
			 * first byte; file offset and vaddr move together */
			if (offset >= (s->offset & ~(uint64_t)4095) &&
			    offset < s->offset + s->filesz)
				return start - offset - (s->vaddr - s->offset);
		}
	}
	return start - offset;
}

const char *pfd_symfile_build_id(struct pfd_symfile *f)
{
	return symfile_open(f) ? f->build_id : NULL;
}

/* ---- lookups, cached per address --------------------------------------- */

typedef char *cxa_demangle_fn(const char *mangled, char *buf, size_t *len, int *status);
static void *libstdcxx;
static cxa_demangle_fn *cxa_demangle;
static bool demangler_tried;

/* libstdc++'s demangler, loaded the first time a C++ name shows up: a C
 * tracer should not link the C++ runtime for a case most traces never
 * meet, and it is always installed where C++ programs run. */
static char *demangle(const char *name)
{
	if (strncmp(name, "_Z", 2) != 0)
		return NULL;
	if (!demangler_tried) {
		demangler_tried = true;
		libstdcxx = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
		if (libstdcxx)
			*(void **)&cxa_demangle = dlsym(libstdcxx, "__cxa_demangle");
	}
	if (!cxa_demangle)
		return NULL;
	int status = -1;
	char *out = cxa_demangle(name, NULL, NULL, &status);
	if (status != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* "__libc_start_main@@GLIBC_2.34" is __libc_start_main: the symbol
 * version says which ABI it is, not which function. NULL: keep the name. */
static char *without_version(const char *name)
{
	const char *at = strchr(name, '@');
	return at && at != name ? strndup(name, (size_t)(at - name)) : NULL;
}

static void describe_with_libdw(struct pfd_symfile *f, struct sym_entry *e)
{
	Dwarf_Addr at = e->addr + f->dwfl_bias;
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(f->mod, at, &off, &sym, NULL, NULL, NULL);
	if (name) {
		e->own_name = demangle(name);
		if (!e->own_name)
			e->own_name = without_version(name);
		e->sym.function = e->own_name ? e->own_name : name;
		e->sym.offset = off;
		e->sym.size = sym.st_size;
	}
	Dwfl_Line *line = dwfl_module_getsrc(f->mod, at);
	if (line) {
		Dwarf_Addr line_addr;
		int lineno = 0;
		e->sym.file = dwfl_lineinfo(line, &line_addr, &lineno, NULL, NULL, NULL);
		e->sym.line = lineno > 0 ? (unsigned)lineno : 0;
	}
}

static void describe_call(struct pfd_symfile *f, void *e)
{
	describe_with_libdw(f, e);
}

static void describe(struct pfd_symfile *f, struct sym_entry *e)
{
	if (symfile_open(f))
		libdw_call(describe_call, f, e);
}

static int cache_grow(struct pfd_symfile *f)
{
	size_t n = f->nbuckets ? f->nbuckets * 2 : 64;
	struct sym_entry **b = calloc(n, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < f->nbuckets; i++) {
		struct sym_entry *e = f->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			size_t slot = mix64(e->addr) & (n - 1);
			e->next = b[slot];
			b[slot] = e;
		}
	}
	free(f->buckets);
	f->buckets = b;
	f->nbuckets = n;
	return 0;
}

const struct pfd_sym *pfd_symfile_lookup(struct pfd_symfile *f, uint64_t addr)
{
	if (f->nbuckets) {
		for (struct sym_entry *e = f->buckets[mix64(addr) & (f->nbuckets - 1)]; e;
		     e = e->next)
			if (e->addr == addr)
				return &e->sym;
	}
	if (f->count >= f->nbuckets && cache_grow(f) < 0)
		return &unknown_sym;
	struct sym_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return &unknown_sym;
	e->addr = addr;
	describe(f, e);
	size_t slot = mix64(addr) & (f->nbuckets - 1);
	e->next = f->buckets[slot];
	f->buckets[slot] = e;
	f->count++;
	return &e->sym;
}

/* ---- the end ------------------------------------------------------------ */

static void symfile_free(struct pfd_symfile *f)
{
	for (size_t i = 0; i < f->nbuckets; i++) {
		struct sym_entry *e = f->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			free(e->own_name);
			free(e);
		}
	}
	free(f->buckets);
	if (f->dwfl)
		dwfl_end(f->dwfl);
	free(f->build_id);
	free(f->path);
	free(f);
}

void pfd_symfiles_free(void)
{
	for (unsigned i = 0; i < REGISTRY_BUCKETS; i++) {
		struct pfd_symfile *f = registry[i], *next;
		for (; f; f = next) {
			next = f->next;
			symfile_free(f);
		}
		registry[i] = NULL;
	}
	if (libstdcxx)
		dlclose(libstdcxx);
	libstdcxx = NULL;
	cxa_demangle = NULL;
	demangler_tried = false;
}
