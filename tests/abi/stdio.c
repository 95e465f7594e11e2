/* stdio: write/writev to stdout and stderr, 1 MiB of output, stdin to EOF.
 *
 * The runner feeds a known file on stdin; everything read is summed up, and
 * everything written is compared byte for byte with the host's run.
 */
#include "abi.h"
#include <sys/uio.h>

static void small_writes(void)
{
    struct iovec iov[4] = {
        {"writev ", 7},
        {"", 0},
        {"to ", 3},
        {"stdout\n", 7},
    };
    SHOW(write(1, "write to stdout\n", 16));
    SHOW(write(2, "write to stderr\n", 16));
    SHOW(writev(1, iov, 4));
    iov[3].iov_base = "stderr\n";
    SHOW(writev(2, iov, 4));
    SHOW(write(1, "", 0));
    SHOW(writev(1, iov, 0));
    SHOW(syscall(SYS_writev, 1, iov, -1));
    SHOW(syscall(SYS_writev, 1, iov, 1025));
    for (int i = 0; i < 20; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "interleaved %d\n", i);
        write(i % 2 + 1, line, n);
    }
}

/* 1 MiB in writes of odd sizes; the checksum goes to stderr. */
static void big_output(void)
{
    static char buf[1 << 20];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (i % 64 == 63) ? '\n' : (char)('!' + (i * 7 + i / 64) % 90);
    size_t off = 0, chunk = 1;
    long writes = 0;
    while (off < sizeof buf) {
        size_t n = chunk < sizeof buf - off ? chunk : sizeof buf - off;
        ssize_t w = write(1, buf + off, n);
        if (w <= 0) {
            fprintf(stderr, "write failed: %s\n", errname(errno));
            exit(3);
        }
        off += w;
        chunk = chunk * 3 + 1;
        if (chunk > 200000)
            chunk = 4093;
        writes++;
    }
    fprintf(stderr, "1 MiB written, fnv %08x\n", abi_fnv(ABI_FNV_INIT, buf, sizeof buf));
}

static void read_stdin(void)
{
    char buf[7000];
    uint32_t h = ABI_FNV_INIT;
    long total = 0, lines = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        h = abi_fnv(h, buf, n);
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
        total += n;
    }
    printf("stdin: %ld bytes, %ld lines, fnv %08x, last read %s\n", total, lines, h,
           n == 0 ? "0 (EOF)" : errname(errno));
    SHOW(read(0, buf, sizeof buf)); /* EOF stays EOF */
}

/* stdio through the libc's buffers, mixed with raw writes after fflush. */
static void buffered(void)
{
    printf("printf line 1\n");
    fputs("fputs to stderr\n", stderr);
    fflush(stdout);
    write(1, "raw after flush\n", 16);
    for (int i = 0; i < 1000; i++)
        printf("%d%c", i, i % 20 == 19 ? '\n' : ' ');
    fflush(stdout);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    read_stdin();
    small_writes();
    setvbuf(stdout, NULL, _IOFBF, 4096);
    buffered();
    big_output();
    return 0;
}
