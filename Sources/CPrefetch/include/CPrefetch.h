#ifndef INFLUENCE_CPREFETCH_H
#define INFLUENCE_CPREFETCH_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Asks the processor to start loading the cache line at `address` (read, keep in all cache
/// levels). A hint only: no fault, no effect on results.
static inline void influence_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// A bit for each of the 64 bytes at `p` (bit k for p[k]) that is `delimiter`, a double quote or
/// below 0x0E (line breaks, NUL, tab): the bytes that end or complicate an unquoted CSV field.
/// Reads exactly p[0] ... p[63]. Sixteen bytes at a time with SSE2 (every x86-64 processor has
/// it), which Swift's SIMD types do not turn into a byte mask; byte by byte elsewhere.
static inline uint64_t influence_special_bytes64(const uint8_t *p, uint8_t delimiter) {
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter);
    const __m128i q = _mm_set1_epi8('"');
    const __m128i low = _mm_set1_epi8(0x0D);
    uint64_t mask = 0;
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, d), _mm_cmpeq_epi8(x, q)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(x, low), x));
        mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(hit) << (16 * k);
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int k = 0; k < 64; k++) {
        uint8_t b = p[k];
        if (b == delimiter || b == '"' || b < 0x0E) mask |= (uint64_t)1 << k;
    }
    return mask;
#endif
}

/// Asks the kernel to start writing `length` bytes of file `fd` from `offset` to its device,
/// without waiting (Linux's `sync_file_range` with `SYNC_FILE_RANGE_WRITE`; elsewhere nothing):
/// a hint that leaves less for the `fsync` at the end. Returns 0, or -1 with `errno` set.
int influence_start_writeback(int fd, int64_t offset, int64_t length);

#endif
