/* procfd-trace: what plugins call (include/procfd/plugin.h): storage, the
 * tracee handle, the registry, and one guard on every error returned. */
#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "tracer/engine/calls.h"
#include "tracer/engine/guarded_read.h"
#include "tracer/engine/plugin_api.h"
#include "tracer/stack/stack.h"
#include "tracer/engine/tracee_mem.h"

const struct pfd_plugin *pfd_plugins[PFD_MAX_PLUGINS + 1];

/* As libseccomp's _rc_filter: whatever a lower layer says, a plugin only
 * ever sees the documented set. */
static int plugin_index(const struct pfd_plugin *p)
{
	for (int i = 0; pfd_plugins[i]; i++)
		if (pfd_plugins[i] == p)
			return i;
	return -1;
}

int pfd_api_register(const struct pfd_plugin *const *list, const char **who)
{
	size_t n = 0;
	for (; list[n]; n++) {
		*who = list[n]->name ? list[n]->name : "(unnamed)";
		if (n == PFD_MAX_PLUGINS)
			return -E2BIG;
		if (list[n]->api != PFD_PLUGIN_API || !list[n]->name)
			return -EINVAL;
		pfd_plugins[n] = list[n];
	}
	pfd_plugins[n] = NULL;
	for (size_t i = 0; i < n; i++) {
		*who = list[i]->name;
		int rc = list[i]->init ? list[i]->init() : 0;
		if (rc < 0)
			return pfd_api_rc(rc);
	}
	return 0;
}

/* ---- storage ---------------------------------------------------------------- */

/* A zeroed block for plugin i, kept in *slot across uses. */
static void *hand_out(void **slot, int i)
{
	size_t size = pfd_plugins[i]->call_state.size;
	if (!*slot && !(*slot = malloc(size)))
		return NULL;
	memset(*slot, 0, size);
	return *slot;
}

void *pfd_call_state(const struct pfd_call *c, const struct pfd_plugin *p)
{
	int i = c ? plugin_index(p) : -1;
	if (i < 0 || !p->call_state.size)
		return NULL;
	struct call_slot *s = pfd_slot_of(c);
	if (s->touched & (1u << i))
		return s->state[i];
	void *st = hand_out(&s->state[i], i);
	if (st)
		s->touched |= 1u << i;
	return st;
}

void *pfd_call_state_peek(const struct pfd_call *c, const struct pfd_plugin *p)
{
	int i = c ? plugin_index(p) : -1;
	if (i < 0)
		return NULL;
	struct call_slot *s = pfd_slot_of(c);
	return (s->touched & (1u << i)) ? s->state[i] : NULL;
}

void *pfd_proc_state(struct pfd_tracee *t, const struct pfd_plugin *p)
{
	int i = t && t->proc ? plugin_index(p) : -1;
	if (i < 0 || !p->proc_state.size)
		return NULL;
	if (!t->proc->state[i])
		t->proc->state[i] = calloc(1, p->proc_state.size);
	return t->proc->state[i];
}

void *pfd_proc_state_peek(struct pfd_tracee *t, const struct pfd_plugin *p)
{
	int i = t && t->proc ? plugin_index(p) : -1;
	return i < 0 ? NULL : t->proc->state[i];
}

void pfd_api_release_proc(struct pfd_proc *p)
{
	for (int i = 0; pfd_plugins[i]; i++) {
		if (!p->state[i])
			continue;
		if (pfd_plugins[i]->proc_state.fini)
			pfd_plugins[i]->proc_state.fini(p->state[i]);
		free(p->state[i]);
		p->state[i] = NULL;
	}
}

/* ---- call slots ---------------------------------------------------------------- */

static struct call_slot *free_slots;

struct call_slot *pfd_slot_get(void)
{
	struct call_slot *s = free_slots;
	if (s) {
		free_slots = s->next_free;
	} else if (!(s = calloc(1, sizeof(*s)))) {
		return NULL;
	}
	s->plugins = s->touched = 0;
	s->want = 0;
	s->next_free = NULL;
	return s;
}

void pfd_slot_put(struct call_slot *s)
{
	for (int i = 0; s->touched && pfd_plugins[i]; i++)
		if ((s->touched & (1u << i)) && pfd_plugins[i]->call_state.fini)
			pfd_plugins[i]->call_state.fini(s->state[i]);
	s->touched = 0;
	s->next_free = free_slots;
	free_slots = s;
}

struct call_slot *pfd_slot_of(const struct pfd_call *c)
{
	return (struct call_slot *)((char *)c - offsetof(struct call_slot, call));
}

void pfd_slots_free_all(void)
{
	while (free_slots) {
		struct call_slot *s = free_slots;
		free_slots = s->next_free;
		for (int i = 0; i < PFD_MAX_PLUGINS; i++)
			free(s->state[i]);
		free(s);
	}
}

/* ---- the tracee handle ------------------------------------------------------------ */

pid_t pfd_tracee_pid(const struct pfd_tracee *t)
{
	return t->tgid ? t->tgid : t->tid;
}

pid_t pfd_tracee_tid(const struct pfd_tracee *t)
{
	return t->tid;
}

bool pfd_tracee_stopped(const struct pfd_tracee *t)
{
	return !(t->flags & TCB_GONE);
}

bool pfd_tracee_filtered(const struct pfd_tracee *t)
{
	return t->flags & TCB_SECCOMP;
}

const char *pfd_tracee_exe(struct pfd_tracee *t)
{
	if (!t->proc)
		return "";
	if (!t->proc->exe) {
		char path[64], buf[PATH_MAX];
		snprintf(path, sizeof(path), "/proc/%d/exe", pfd_tracee_pid(t));
		ssize_t n = readlink(path, buf, sizeof(buf) - 1);
		if (n < 0)
			return ""; /* try again next time: it may be readable later */
		buf[n] = '\0';
		t->proc->exe = strdup(buf);
	}
	return t->proc->exe ? t->proc->exe : "";
}

bool pfd_tracee_may_fault(const struct pfd_tracee *t)
{
	return pfd_guard_needed(t->proc);
}

void pfd_tracee_note_may_fault(struct pfd_tracee *t)
{
	pfd_guard_note_uffd(t->proc);
}

int pfd_tracee_read(const struct pfd_tracee *t, uint64_t addr, void *buf, size_t len)
{
	if (!pfd_tracee_stopped(t))
		return -ESRCH;
	if (len > PFD_READ_MAX)
		return -E2BIG;
	struct pfd_mem_src m = pfd_guard_src(t);
	return pfd_api_rc(pfd_read_mem_from(&m, addr, buf, len));
}

ssize_t pfd_tracee_read_string(const struct pfd_tracee *t, uint64_t addr, char *buf,
			       size_t size, bool *truncated)
{
	bool cut = false;
	if (truncated)
		*truncated = false;
	if (!buf || size == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (!pfd_tracee_stopped(t))
		return -ESRCH;
	if (size > PFD_READ_MAX)
		size = PFD_READ_MAX;
	struct pfd_mem_src m = pfd_guard_src(t);
	ssize_t n = pfd_read_string_from(&m, addr, buf, size, &cut);
	if (truncated)
		*truncated = cut;
	return n < 0 ? pfd_api_rc((int)n) : n;
}

int pfd_tracee_regs(const struct pfd_tracee *t, struct pfd_regs *out)
{
	if (!pfd_tracee_stopped(t))
		return -ESRCH;
	memset(out, 0, sizeof(*out));
	if (ptrace(PTRACE_GETREGS, t->tid, 0L, &out->raw) < 0)
		return pfd_api_rc(-errno);
	out->audit_arch = t->arch ? t->arch : AUDIT_ARCH_X86_64;
	out->ip = out->raw.rip;
	out->sp = out->raw.rsp;
	out->fp = out->raw.rbp;
	return 0;
}

const struct pfd_stack *pfd_tracee_stack(struct pfd_tracee *t, int *err)
{
	int e = 0;
	const struct pfd_stack *s = NULL;
	if (!pfd_tracee_stopped(t))
		e = -ESRCH;
	else if (pfd_guard_exe_on_fuse(t->proc))
		/* the unwinder reads the executable's unwind tables from its
		 * file, on FUSE: a daemon stopped in our trace would never
		 * answer, as for a path read (guarded_read.c) */
		e = -ETIMEDOUT;
	else
		s = pfd_stack_capture(pfd_tracee_pid(t), t->tid, t->arch ? t->arch : AUDIT_ARCH_X86_64,
				      &e);
	if (err)
		*err = s ? 0 : pfd_api_rc(e ? e : -EIO);
	return s;
}
