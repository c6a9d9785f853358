/* procfd-trace: the mark of the SDK's functions. libprocfd is built with
 * -fvisibility=hidden, so a symbol is visible outside the library (in a
 * shared object that links it) only when its declaration here in
 * include/procfd/ says PFD_API: exactly the API a plugin may call. */
#ifndef PROCFD_EXPORT_H
#define PROCFD_EXPORT_H

#define PFD_API __attribute__((visibility("default")))

#endif
