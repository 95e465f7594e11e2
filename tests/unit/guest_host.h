/* Build guest/lib for the host: rename its symbols so they do not replace
 * the C library's own functions inside the test binary. */
#define memcpy guest_memcpy
#define memmove guest_memmove
#define memset guest_memset
#define memcmp guest_memcmp
#define memchr guest_memchr
#define strlen guest_strlen
#define strnlen guest_strnlen
#define strcmp guest_strcmp
#define strncmp guest_strncmp
#define strchr guest_strchr
#define strrchr guest_strrchr
#define strcpy guest_strcpy
#define strlcpy guest_strlcpy
#define vsnprintf guest_vsnprintf
#define snprintf guest_snprintf
#define strtoul guest_strtoul
