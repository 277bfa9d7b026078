// Ruby's String#to_i and String#to_f, which grok's :int and :float conversions use: leading
// blanks skipped, the longest numeric prefix read ("12abc" -> 12), nothing numeric -> 0.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "core/value.h"

namespace perimeter::grok {

// An integer Value; past the int64 range (Ruby would make a Bignum) a float Value of the same
// magnitude.
Value RubyToI(std::string_view text);
// A float Value.
Value RubyToF(std::string_view text);

}  // namespace perimeter::grok
