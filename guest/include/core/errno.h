/* Linux errno values, from the installed UAPI headers. */
#ifndef CORE_ERRNO_H
#define CORE_ERRNO_H
#include <asm-generic/errno.h>
#endif
