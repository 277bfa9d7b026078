// Bucket keys: the canonical bytes of a scalar value, so that `terms` and `cardinality` group
// equal values whether they come from a dictionary, a row or a decoded event (the int 22 and the
// float 22.0 are one key, as they are equal values; the string "22" is another). Also the
// scalars of a field value and its number for `stats`. Stateless; thread-safe.
//
// Key bytes: tag byte, then 's' string bytes · 'i' int64 LE (ints, and floats holding an
// integer) · 'f' double LE · 'b' 0/1 · 't' nanoseconds int64 LE.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/value.h"

namespace perimeter::query {

void AppendStringKey(std::string_view s, std::string* out);
void AppendIntKey(int64_t v, std::string* out);
void AppendFloatKey(double v, std::string* out);
void AppendBoolKey(bool v, std::string* out);
void AppendTimestampKey(int64_t nanos, std::string* out);
// False (nothing appended) for null, arrays and objects.
bool AppendScalarKey(const Value& v, std::string* out);
// The key back as a value (a timestamp key becomes a Timestamp).
Value KeyToValue(std::string_view key);

// The scalars a field value contributes to an aggregation: the value itself, or the scalar
// elements of an array (nested arrays, objects and nulls are skipped).
template <typename Fn>
void ForEachScalar(const Value& v, Fn&& fn) {
  if (v.is_array()) {
    for (const Value& e : v.as_array()) {
      if (!e.is_null() && !e.is_array() && !e.is_object()) fn(e);
    }
  } else if (!v.is_null() && !v.is_object()) {
    fn(v);
  }
}

// The number `stats` takes from a scalar: ints and floats; strings that are numbers in full
// ("51955", "1.5"); timestamps as epoch milliseconds. Null for anything else.
std::optional<double> NumberOf(const Value& v);
std::optional<double> NumberOfText(std::string_view s);

}  // namespace perimeter::query
