/* procfd-trace: the SDK's closed error set (include/procfd/plugin.h). */
#ifndef PFD_OUTPUT_API_RC_H
#define PFD_OUTPUT_API_RC_H

/* rc itself when it is >= 0 or a member of the set plugin.h documents;
 * -EIO for any other negative errno, as libseccomp's _rc_filter does. */
int pfd_api_rc(int rc);

#endif
