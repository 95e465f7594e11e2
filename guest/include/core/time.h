/* Time: clocks from the TSC, and waiting. */
#ifndef CORE_TIME_H
#define CORE_TIME_H

#include <core/types.h>

uint64_t core_time_monotonic_ns(void); /* since boot */
uint64_t core_time_realtime_ns(void);  /* since the epoch */
void core_time_set_realtime_ns(uint64_t ns);
/* Sleep at least ns nanoseconds (idles the CPU where it can). */
void core_time_sleep_ns(uint64_t ns);

#endif
