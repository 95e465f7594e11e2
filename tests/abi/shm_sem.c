/* shm_sem: /dev/shm as POSIX shared memory: its mode, shm_open and a
 * shared mapping seen through a second mapping, shm_unlink, and named
 * semaphores (sem_open/sem_post/sem_trywait/sem_getvalue) in one
 * process. */
#include "abi.h"
#include <semaphore.h>
#include <sys/mman.h>

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct stat st;
    SHOW(stat("/dev/shm", &st));
    printf("dir %d mode %o\n", S_ISDIR(st.st_mode), st.st_mode & 07777);
    int fd = shm_open("/mica-abi-shm", O_CREAT | O_EXCL | O_RDWR, 0600);
    SHOW(fd >= 0);
    SHOW(ftruncate(fd, 8192));
    char *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SHOW(a != MAP_FAILED && b != MAP_FAILED);
    strcpy(a + 4096, "shared page");
    printf("second mapping sees \"%s\"\n", b + 4096);
    SHOW(stat("/dev/shm/mica-abi-shm", &st));
    printf("size %ld mode %o\n", (long)st.st_size, st.st_mode & 0777);
    SHOW(shm_open("/mica-abi-shm", O_CREAT | O_EXCL | O_RDWR, 0600));
    SHOW(shm_unlink("/mica-abi-shm"));
    SHOW(shm_unlink("/mica-abi-shm"));
    munmap(a, 8192);
    munmap(b, 8192);
    close(fd);

    sem_t *s = sem_open("/mica-abi-sem", O_CREAT | O_EXCL, 0600, 2);
    SHOW(s != SEM_FAILED);
    int v = -1;
    SHOW(sem_getvalue(s, &v));
    printf("value %d\n", v);
    SHOW(sem_trywait(s));
    SHOW(sem_trywait(s));
    SHOW(sem_trywait(s));
    SHOW(sem_post(s));
    SHOW(sem_getvalue(s, &v));
    printf("value %d\n", v);
    SHOW(sem_wait(s));
    sem_t *t = sem_open("/mica-abi-sem", 0);
    SHOW(t != SEM_FAILED);
    SHOW(sem_post(t));
    SHOW(sem_getvalue(s, &v));
    printf("value through the second handle %d\n", v);
    SHOW(sem_close(s));
    SHOW(sem_unlink("/mica-abi-sem"));
    SHOW(sem_unlink("/mica-abi-sem"));
    return 0;
}
