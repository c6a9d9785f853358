/* procfd-trace: entry point, with the built-in plugins only. */
#include <stddef.h>

#include "procfd/main.h"

int main(int argc, char **argv)
{
	return pfd_main(argc, argv, NULL);
}
