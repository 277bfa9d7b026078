#include "filters/grok/ruby_number.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace perimeter::grok {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Longest float text Ruby would read; anything longer is not a number a log line carries.
constexpr size_t kMaxFloatText = 128;

}  // namespace

Value RubyToI(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  uint64_t magnitude = 0;
  bool overflow = false;
  double big = 0;
  // Digits, with single underscores between digits allowed ("1_000").
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      if (i + 1 < s.size() && IsDigit(s[i + 1]) && i > 0 && IsDigit(s[i - 1])) continue;
      break;
    }
    if (!IsDigit(c)) break;
    unsigned d = static_cast<unsigned>(c - '0');
    big = big * 10 + d;
    if (magnitude > (std::numeric_limits<uint64_t>::max() - d) / 10) overflow = true;
    magnitude = magnitude * 10 + d;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!overflow && !negative && magnitude <= kMaxPositive) {
    return Value(static_cast<int64_t>(magnitude));
  }
  if (!overflow && negative && magnitude <= kMaxPositive + 1) {
    return Value(magnitude == kMaxPositive + 1 ? std::numeric_limits<int64_t>::min()
                                               : -static_cast<int64_t>(magnitude));
  }
  return Value(negative ? -big : big);
}

Value RubyToF(std::string_view s) {
  char buf[kMaxFloatText];
  size_t n = 0;
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  auto put = [&](char c) {
    if (n < sizeof(buf)) buf[n++] = c;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') put('-');
    ++i;
  }
  // Digits with single underscores between them; returns how many digits were read.
  auto digits = [&]() {
    size_t count = 0;
    for (; i < s.size(); ++i) {
      if (IsDigit(s[i])) {
        put(s[i]);
        ++count;
      } else if (s[i] == '_' && count > 0 && i + 1 < s.size() && IsDigit(s[i + 1])) {
        continue;
      } else {
        break;
      }
    }
    return count;
  };
  size_t int_digits = digits();
  size_t frac_digits = 0;
  if (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
    put('.');
    ++i;
    frac_digits = digits();
  }
  if (int_digits + frac_digits == 0) return Value(0.0);
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t save_i = i;
    size_t save_n = n;
    put('e');
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) put(s[i++]);
    if (digits() == 0) {
      i = save_i;
      n = save_n;
    }
  }
  double d = 0;
  const char* begin = buf;
  if (int_digits == 0) {
    // from_chars wants a digit before '.': ".5" and "-.5" are read as "0.5" / "-0.5".
    std::string_view text(buf, n);
    std::string fixed(text.starts_with('-') ? "-0" : "0");
    fixed.append(text.substr(text.starts_with('-') ? 1 : 0));
    std::from_chars(fixed.data(), fixed.data() + fixed.size(), d);
    return Value(d);
  }
  auto [end, ec] = std::from_chars(begin, buf + n, d);
  if (ec == std::errc::result_out_of_range) {
    d = (buf[0] == '-') ? -HUGE_VAL : HUGE_VAL;
    // Underflow also reports out of range; Ruby gives 0.0 there.
    bool exponent_negative = std::string_view(buf, n).find("e-") != std::string_view::npos;
    if (exponent_negative) d = buf[0] == '-' ? -0.0 : 0.0;
  }
  return Value(d);
}

}  // namespace perimeter::grok
