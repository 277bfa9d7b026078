#include "filters/grok/fresh_store_plan.h"

#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace perimeter::grok {

uint64_t FreshStorePlan::ShapeOf(const PCRE2_SIZE* ovector, size_t subject_size) const {
  // Every group is read in a row, with no branch on what it holds. An unset group's offsets
  // are both UNSET, so "holds text" is one comparison.
  uint64_t text = 0;   // took part, with some text
  uint64_t unset = 0;  // did not take part
  uint32_t g = 0;      // groups g+1 .. `groups` are left
#if defined(__SSE2__)
  // Four groups at a time, by the low halves of their offsets: offsets into a subject shorter
  // than 4 GiB - 1 differ exactly when their low halves do, and only UNSET's is all ones.
  if (subject_size < std::numeric_limits<uint32_t>::max()) {
    const __m128i all_ones = _mm_set1_epi32(-1);
    for (; g + 4 <= groups; g += 4) {
      const auto* pairs = reinterpret_cast<const __m128i*>(ovector + 2 * size_t{g} + 2);
      // Each pair as four 32-bit lanes: begin low, begin high, end low, end high.
      const __m128 p0 = _mm_castsi128_ps(_mm_loadu_si128(pairs));
      const __m128 p1 = _mm_castsi128_ps(_mm_loadu_si128(pairs + 1));
      const __m128 p2 = _mm_castsi128_ps(_mm_loadu_si128(pairs + 2));
      const __m128 p3 = _mm_castsi128_ps(_mm_loadu_si128(pairs + 3));
      // The low halves: (b0 e0 b1 e1), (b2 e2 b3 e3); then the four begins and the four ends.
      const __m128 t0 = _mm_shuffle_ps(p0, p1, _MM_SHUFFLE(2, 0, 2, 0));
      const __m128 t1 = _mm_shuffle_ps(p2, p3, _MM_SHUFFLE(2, 0, 2, 0));
      const __m128i begins = _mm_castps_si128(_mm_shuffle_ps(t0, t1, _MM_SHUFFLE(2, 0, 2, 0)));
      const __m128i ends = _mm_castps_si128(_mm_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 1, 3, 1)));
      const auto empty =
          static_cast<uint64_t>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(begins, ends))));
      const auto none = static_cast<uint64_t>(
          _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(begins, all_ones))));
      text |= (~empty & 0xF) << g;
      unset |= none << g;
    }
  }
#endif
  for (; g < groups; ++g) {
    const PCRE2_SIZE* pair = ovector + 2 * size_t{g} + 2;
    text |= uint64_t{pair[1] != pair[0]} << g;
    unset |= uint64_t{pair[0] == PCRE2_UNSET} << g;
  }
  return (text | (~unset & converted)) & captured_groups;
}

}  // namespace perimeter::grok
