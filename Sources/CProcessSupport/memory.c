#include "CProcessSupport.h"

#include <malloc.h>

int toolhost_return_free_memory(void) {
#ifdef __GLIBC__
    return malloc_trim(0);
#else
    return 0;
#endif
}
