// Ruby's string and number conversions as Logstash filters apply them (String#downcase, #strip,
// #split, #to_i, Kernel#Float, Float#to_s...), so configs written for Logstash give the same
// fields here. Pure functions; thread-safe. Case mapping covers ASCII letters only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perimeter::ruby {

void Downcase(std::string* s);
void Upcase(std::string* s);
// First character upper case, the rest lower case ("hELLO wORLD" → "Hello world").
void Capitalize(std::string* s);

// String#strip: leading and trailing whitespace and NULs.
std::string_view Strip(std::string_view s);

// String#split(separator) with a string separator: " " splits on runs of whitespace ignoring
// leading whitespace (awk style), "" splits into characters (UTF-8 aware), anything else splits
// on the literal text. Trailing empty fields are dropped, as Ruby does.
std::vector<std::string> Split(std::string_view s, std::string_view separator);

// String#to_i: optional leading whitespace and sign, digits with single underscores between
// them, stopping at the first other character; 0 when there are no digits. Saturates instead of
// growing into a Bignum.
int64_t ToI(std::string_view s);

// Kernel#Float(string): the whole string must be a number (decimal with optional fraction and
// exponent, underscores between digits, or 0x hex); nullopt otherwise, where Ruby raises.
std::optional<double> StrictFloat(std::string_view s);

// Kernel#Integer(string) for the forms mutate relies on: decimal or 0x/0b/0o prefixed, with
// underscores between digits; nullopt where Ruby raises or the value would not fit in 64 bits.
std::optional<int64_t> StrictInteger(std::string_view s);

// Float#to_s: "1.5", "100.0", "1.0e+20", "1.0e-05", "NaN", "Infinity".
std::string FloatToS(double d);

}  // namespace perimeter::ruby
