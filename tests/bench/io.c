/* io: console throughput. "io out KIB" writes KIB KiB to stdout in 64 KiB
 * writes; "io in" reads stdin to EOF. Both print nothing else, so the
 * caller times the whole run.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[64 * 1024];

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "out") == 0) {
        long left = atol(argv[2]) * 1024;
        memset(buf, 'x', sizeof buf);
        while (left > 0) {
            ssize_t n = write(1, buf, left < (long)sizeof buf ? left : (long)sizeof buf);
            if (n <= 0)
                return 1;
            left -= n;
        }
        return 0;
    }
    while (read(0, buf, sizeof buf) > 0)
        ;
    return 0;
}
