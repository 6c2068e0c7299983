// glibc's allocator tuning (mallopt, M_ARENA_MAX), which Swift's Glibc module does not import.
#include <malloc.h>
