/* mica VMM: check that a program is an x86-64 Linux ELF executable.
 *
 * The ELF identification is read by hand first, so a text file, a script
 * (and its interpreter) or a file cut short inside the header gets a
 * precise reason; libelf then
 * reads the headers, and every program header must lie inside the file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfinfo.h"

/* Enough for an ELF header and a #! line (Linux reads 256 bytes) */
#define ELFINFO_HEAD 256

static int elfinfo_fail(struct mica_error *err, const char *path,
                        const char *reason)
{
    mica_error_set(err, ENOEXEC, "%s: %s", path, reason);
    return mica_error_status(err, MICA_STATUS_NOEXEC);
}

static int elfinfo_looks_text(const unsigned char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (buf[i] == 0 || (buf[i] < 0x20 && !strchr("\t\n\r\f\v\033", buf[i])))
            return 0;
    return 1;
}

/* "#!INTERP [ARG]": mica runs ELF programs only, but say what the
 * shell would about the interpreter (bash: "bad interpreter"), and how
 * to run the script instead. */
static int elfinfo_script(const unsigned char *buf, size_t len,
                          const char *path, struct mica_error *err)
{
    char interp[ELFINFO_HEAD];
    size_t i = 2, n = 0;

    while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    while (i < len && n + 1 < sizeof(interp) && buf[i] != ' ' &&
           buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\0')
        interp[n++] = (char)buf[i++];
    interp[n] = '\0';
    if (i == len)
        return elfinfo_fail(err, path, "a script whose #! line is too long "
                                       "(mica runs ELF programs only)");
    if (n == 0)
        return elfinfo_fail(err, path, "a script without an interpreter on "
                                       "its #! line");
    if (access(interp, F_OK) < 0) {
        mica_error_set(err, ENOENT, "%s: %s: bad interpreter: %s", path,
                       interp, strerror(errno));
        return mica_error_status(err, MICA_STATUS_NOEXEC);
    }
    mica_error_set(err, ENOEXEC, "%s: a script, not an ELF program: run its "
                   "interpreter (mica run %s %s)", path, interp, path);
    return mica_error_status(err, MICA_STATUS_NOEXEC);
}

/* Classify the first bytes of the file. */
static int elfinfo_check_ident(const unsigned char *buf, size_t len,
                               const char *path, struct mica_error *err)
{
    if (len >= 2 && buf[0] == '#' && buf[1] == '!')
        return elfinfo_script(buf, len, path, err);
    if (len < SELFMAG || memcmp(buf, ELFMAG, SELFMAG) != 0) {
        if (len == 0)
            return elfinfo_fail(err, path, "not an ELF executable (empty file)");
        if (elfinfo_looks_text(buf, len))
            return elfinfo_fail(err, path, "not an ELF executable (text file?)");
        return elfinfo_fail(err, path, "not an ELF executable");
    }
    if (len < EI_NIDENT)
        return elfinfo_fail(err, path, "truncated ELF file");
    if (buf[EI_CLASS] != ELFCLASS64)
        return elfinfo_fail(err, path, "not a 64-bit ELF executable "
                                       "(only x86-64 programs are supported)");
    if (buf[EI_DATA] != ELFDATA2LSB)
        return elfinfo_fail(err, path, "not a little-endian ELF executable");
    if (len < sizeof(Elf64_Ehdr))
        return elfinfo_fail(err, path, "truncated ELF file");
    return 0;
}

static int elfinfo_check_ehdr(const GElf_Ehdr *eh, const char *path,
                              struct mica_error *err)
{
    if (eh->e_machine != EM_X86_64)
        return elfinfo_fail(err, path, "not an x86-64 program "
                                       "(wrong machine type)");
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return elfinfo_fail(err, path, "not an ELF executable "
                                       "(object file or core dump?)");
    if (eh->e_entry == 0)
        return elfinfo_fail(err, path, "ELF file has no entry point "
                                       "(a shared library?)");
    if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf64_Phdr))
        return elfinfo_fail(err, path, "ELF file has no program headers");
    return 0;
}

static int elfinfo_check_phdrs(Elf *elf, const GElf_Ehdr *eh, uint64_t size,
                               const char *path, struct elfinfo *info,
                               struct mica_error *err)
{
    size_t i, nr_load = 0;
    GElf_Phdr ph;

    if (eh->e_phoff > size ||
        (uint64_t)eh->e_phnum * eh->e_phentsize > size - eh->e_phoff)
        return elfinfo_fail(err, path, "truncated ELF file");
    for (i = 0; i < eh->e_phnum; i++) {
        if (gelf_getphdr(elf, (int)i, &ph) == NULL)
            return elfinfo_fail(err, path, "truncated ELF file");
        if (ph.p_type == PT_INTERP)
            info->has_interp = 1;
        if (ph.p_type != PT_LOAD)
            continue;
        if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
            return elfinfo_fail(err, path, "truncated ELF file");
        nr_load++;
    }
    if (nr_load == 0)
        return elfinfo_fail(err, path, "ELF file has no loadable segments");
    return 0;
}

static int elfinfo_check_libelf(int fd, uint64_t size, const char *path,
                                struct elfinfo *info, struct mica_error *err)
{
    GElf_Ehdr eh;
    Elf *elf;
    int rc;

    elf = elf_begin(fd, ELF_C_READ, NULL);
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF ||
        gelf_getehdr(elf, &eh) == NULL) {
        rc = elfinfo_fail(err, path, "unreadable ELF file");
        goto out;
    }
    info->has_interp = 0;
    rc = elfinfo_check_ehdr(&eh, path, err);
    if (rc == 0)
        rc = elfinfo_check_phdrs(elf, &eh, size, path, info, err);
    if (rc == 0) {
        info->entry = eh.e_entry;
        info->is_pie = eh.e_type == ET_DYN;
    }
out:
    elf_end(elf);
    return rc;
}

int elfinfo_check_fd(int fd, const char *path, struct elfinfo *info,
                     struct mica_error *err)
{
    unsigned char buf[ELFINFO_HEAD];
    struct stat st;
    ssize_t len;

    if (fstat(fd, &st) < 0)
        return mica_error_sys(err, errno, "%s", path);
    len = pread(fd, buf, sizeof(buf), 0);
    if (len < 0)
        return mica_error_sys(err, errno, "%s: cannot read", path);
    if (elfinfo_check_ident(buf, (size_t)len, path, err) < 0)
        return -ENOEXEC;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return mica_error_set(err, EIO, "libelf: %s", elf_errmsg(-1));
    return elfinfo_check_libelf(fd, (uint64_t)st.st_size, path, info, err);
}
