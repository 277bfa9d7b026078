// How a capture's text becomes a field's value: as text, or converted as grok's :int and :float
// do (Ruby's to_i / to_f), built in place in a new member. Shared by grok's fresh-event stores
// (the per-shape programs and the general loop). Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>
#include <utility>

#include "core/value.h"
#include "filters/grok/grok_pattern.h"
#include "filters/grok/ruby_number.h"

namespace perimeter::grok {

// std::string's inline capacity in libstdc++ (the build's).
constexpr size_t kShortText = 15;

// The member's value is built by `place(init)`, which constructs it from `init` (a string_view
// or a number) and returns it: in a new member of an object, or at a given address.
//
// Text: `readable` is how many bytes may be read from text.data() (the capture lies inside a
// longer subject). A short text is then copied as a fixed kShortText bytes and cut to its size,
// which fills std::string's inline buffer with a few moves instead of a memcpy call that
// branches on the length.
template <typename Place>
void PlaceCapturedText(Place&& place, std::string_view text, size_t readable) {
  if (text.size() <= kShortText && readable >= kShortText) {
    place(std::string_view(text.data(), kShortText)).built_string().erase(text.size());
  } else {
    place(text);
  }
}

// Ruby's to_i of `text`: plain decimals short enough not to overflow are read a word at a time
// (ParsePlainDecimal, given `readable` as above).
template <typename Place>
void PlaceCapturedInt(Place&& place, std::string_view text, size_t readable) {
  int64_t n = 0;
  if (ParsePlainDecimal(text, readable >= 8, &n)) {
    place(n);
  } else {
    place(RubyToI(text));
  }
}

template <typename Place>
void PlaceCaptured(Place&& place, std::string_view text, Conversion conversion, size_t readable) {
  switch (conversion) {
    case Conversion::kNone:
      PlaceCapturedText(place, text, readable);
      return;
    case Conversion::kInt:
      PlaceCapturedInt(place, text, readable);
      return;
    case Conversion::kFloat:
      place(RubyToF(text));
      return;
  }
}

// The capture, converted, as a value of its own (the general store, and merges).
inline Value CapturedValue(std::string_view text, Conversion conversion) {
  Value value;
  PlaceCaptured(
      [&](auto&& init) -> Value& { return value = Value(std::forward<decltype(init)>(init)); },
      text, conversion, 0);
  return value;
}

// Appends `key` = the capture, converted, to an object that lacks it.
inline void AppendCaptured(Object* object, const FieldKey& key, std::string_view text,
                           Conversion conversion, size_t readable) {
  PlaceCaptured(
      [&](auto&& init) -> Value& {
        return object->AppendAbsent(key, std::forward<decltype(init)>(init));
      },
      text, conversion, readable);
}

}  // namespace perimeter::grok
