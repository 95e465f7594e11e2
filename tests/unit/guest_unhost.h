/* Undo guest_host.h's renames in test code, so the test calls the C
 * library's functions while the guest code it links keeps the guest_*
 * ones. Include after the guest headers. Kept beside guest_host.h: the two
 * lists must name the same functions. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strcpy
#undef strlcpy
#undef vsnprintf
#undef snprintf
#undef strtoul
