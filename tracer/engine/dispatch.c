/* procfd-trace: plugin dispatch. Every callback the engine makes goes
 * through pfd_dispatch: one loop over the registered plugins in order, one
 * place that knows which argument each callback takes, so an engine event
 * never forgets a plugin or calls one out of order. */
#include <stddef.h>

#include "filters/traps.h"
#include "tracer/engine/dispatch.h"
#include "tracer/engine/plugin_api.h"

/* Whether p has the hook's callback at all. */
static bool has_hook(const struct pfd_plugin *p, enum pfd_hook hook)
{
	switch (hook) {
	case PFD_HOOK_ENTER: return p->on_enter != NULL;
	case PFD_HOOK_EXIT: return p->on_exit != NULL;
	case PFD_HOOK_FORK: return p->on_fork != NULL;
	case PFD_HOOK_EXEC: return p->on_exec != NULL;
	case PFD_HOOK_EXIT_THREAD: return p->on_exit_thread != NULL;
	case PFD_HOOK_EXIT_PROCESS: return p->on_exit_process != NULL;
	case PFD_HOOK_FINISH: return p->on_finish != NULL;
	}
	return false;
}

/* p has the callback: call it with the hook's arguments. */
static unsigned call_hook(int i, enum pfd_hook hook, const struct pfd_hook_args *a)
{
	const struct pfd_plugin *p = pfd_plugins[i];
	switch (hook) {
	case PFD_HOOK_ENTER:
		return p->on_enter(a->tracee, a->call, pfd_traps_fired(a->entry, (unsigned)i, a->args));
	case PFD_HOOK_EXIT: return p->on_exit(a->tracee, a->call);
	case PFD_HOOK_FORK: p->on_fork(a->fork); break;
	case PFD_HOOK_EXEC: p->on_exec(a->tracee, a->exec); break;
	case PFD_HOOK_EXIT_THREAD: p->on_exit_thread(a->tracee, a->exit); break;
	case PFD_HOOK_EXIT_PROCESS: p->on_exit_process(a->tracee, a->exit); break;
	case PFD_HOOK_FINISH: p->on_finish(); break;
	}
	return 0;
}

unsigned pfd_dispatch(enum pfd_hook hook, uint32_t plugins, const struct pfd_hook_args *a)
{
	unsigned want = 0;
	for (int i = 0; pfd_plugins[i]; i++)
		if ((plugins & (1u << i)) && has_hook(pfd_plugins[i], hook))
			want |= call_hook(i, hook, a);
	return want;
}

bool pfd_hook_used(enum pfd_hook hook)
{
	for (int i = 0; pfd_plugins[i]; i++)
		if (has_hook(pfd_plugins[i], hook))
			return true;
	return false;
}
