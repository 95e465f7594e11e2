/* dyn_dlopen: dlopen/dlsym/dlclose of libm.so.6 and a call through the
 * symbol. The program is linked against libm too (--no-as-needed), so the
 * library is in its closure, which is what mica copies into the guest until
 * the host root is shared: dlopen then finds it loaded, by name and by
 * path; an unknown library fails with dlerror. */
#include "abi.h"
#include <dlfcn.h>
#include <math.h>

int main(void)
{
    void *h = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
    printf("dlopen libm.so.6: %s\n", h ? "ok" : dlerror());
    if (!h)
        return 1;
    double (*cosine)(double) = (double (*)(double))dlsym(h, "cos");
    printf("dlsym cos: %s\n", cosine ? "ok" : "missing");
    if (cosine)
        printf("cos(0) = %.3f, cos(pi) = %.3f\n", cosine(0.0), cosine(M_PI));
    printf("dlsym nosuchsymbol: %s\n", dlsym(h, "nosuchsymbol") ? "found" : "missing");
    printf("dlclose: %d\n", dlclose(h));
    void *g = dlopen("libnosuchlibrary.so.9", RTLD_NOW);
    printf("dlopen libnosuchlibrary.so.9: %s\n", g ? "found" : "failed");
    /* sqrt from the link-time dependency as well */
    volatile double two = 2.0;
    printf("sqrt(2) = %.6f\n", sqrt(two));
    return 0;
}
