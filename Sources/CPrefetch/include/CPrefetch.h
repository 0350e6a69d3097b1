#ifndef INFLUENCE_CPREFETCH_H
#define INFLUENCE_CPREFETCH_H

/// Asks the processor to start loading the cache line at `address` (read, keep in all cache
/// levels). A hint only: no fault, no effect on results.
static inline void influence_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
