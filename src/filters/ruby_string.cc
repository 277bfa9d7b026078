#include "filters/ruby_string.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace perimeter::ruby {

namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// Digits of `base` with single underscores between them, as Ruby's strict conversions accept.
// Appends the digits without underscores to *out; false on a misplaced underscore or no digits.
bool TakeDigits(std::string_view s, size_t* pos, int base, std::string* out) {
  auto is_digit = [base](char c) {
    if (base == 16) return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (base == 8) return c >= '0' && c <= '7';
    if (base == 2) return c == '0' || c == '1';
    return IsDigit(c);
  };
  size_t start = out->size();
  while (*pos < s.size()) {
    char c = s[*pos];
    if (is_digit(c)) {
      out->push_back(c);
      ++*pos;
    } else if (c == '_' && out->size() > start && *pos + 1 < s.size() && is_digit(s[*pos + 1])) {
      ++*pos;
    } else {
      break;
    }
  }
  return out->size() > start;
}

std::string_view TrimSpace(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && (IsSpace(s[e - 1]) || s[e - 1] == '\0')) --e;
  return s.substr(b, e - b);
}

}  // namespace

void Downcase(std::string* s) {
  for (char& c : *s) c = AsciiLower(c);
}

void Upcase(std::string* s) {
  for (char& c : *s) c = AsciiUpper(c);
}

void Capitalize(std::string* s) {
  for (size_t i = 0; i < s->size(); ++i)
    (*s)[i] = i == 0 ? AsciiUpper((*s)[i]) : AsciiLower((*s)[i]);
}

std::string_view Strip(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (IsSpace(s[b]) || s[b] == '\0')) ++b;
  while (e > b && (IsSpace(s[e - 1]) || s[e - 1] == '\0')) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> Split(std::string_view s, std::string_view separator) {
  std::vector<std::string> out;
  if (separator == " ") {
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && IsSpace(s[i])) ++i;
      if (i == s.size()) break;
      size_t start = i;
      while (i < s.size() && !IsSpace(s[i])) ++i;
      out.emplace_back(s.substr(start, i - start));
    }
    return out;
  }
  if (separator.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t len = std::min(Utf8Length(static_cast<unsigned char>(s[i])), s.size() - i);
      out.emplace_back(s.substr(i, len));
      i += len;
    }
    return out;
  }
  size_t start = 0;
  while (true) {
    size_t at = s.find(separator, start);
    if (at == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      break;
    }
    out.emplace_back(s.substr(start, at - start));
    start = at + separator.size();
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

int64_t ToI(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  // Accumulate as a negative number so INT64_MIN is reachable; saturate on overflow.
  int64_t v = 0;
  bool overflow = false;
  bool last_digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_' && last_digit && i + 1 < s.size() && IsDigit(s[i + 1])) {
      last_digit = false;
      continue;
    }
    if (!IsDigit(c)) break;
    last_digit = true;
    int d = c - '0';
    if (v < (std::numeric_limits<int64_t>::min() + d) / 10) {
      overflow = true;
    } else {
      v = v * 10 - d;
    }
  }
  if (overflow) {
    return negative ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
  if (negative) return v;
  return v == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -v;
}

std::optional<double> StrictFloat(std::string_view text) {
  std::string_view s = TrimSpace(text);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::string clean;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    i += 2;
    if (!TakeDigits(s, &i, 16, &clean) || i != s.size()) return std::nullopt;
    double v = 0;
    for (char c : clean) {
      int d = IsDigit(c) ? c - '0' : (AsciiLower(c) - 'a' + 10);
      v = v * 16 + d;
    }
    return negative ? -v : v;
  }
  if (negative) clean.push_back('-');
  bool has_int = TakeDigits(s, &i, 10, &clean);
  if (i < s.size() && s[i] == '.') {
    // Ruby wants digits on both sides of the point ("1." and "." are errors).
    if (!has_int) clean.push_back('0');
    clean.push_back('.');
    ++i;
    if (!TakeDigits(s, &i, 10, &clean)) return std::nullopt;
  } else if (!has_int) {
    return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    clean.push_back('e');
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean.push_back(s[i++]);
    if (!TakeDigits(s, &i, 10, &clean)) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), v);
  if (p != clean.data() + clean.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Ruby gives Infinity for overflow and 0.0 for underflow, with a warning.
    bool tiny = clean.find("e-") != std::string::npos;
    v = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    if (clean[0] == '-') v = -v;
  }
  return v;
}

std::optional<int64_t> StrictInteger(std::string_view text) {
  std::string_view s = TrimSpace(text);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  int base = 10;
  if (s.size() - i > 2 && s[i] == '0') {
    char p = AsciiLower(s[i + 1]);
    if (p == 'x') base = 16;
    if (p == 'b') base = 2;
    if (p == 'o') base = 8;
    if (base != 10) i += 2;
  }
  std::string digits;
  if (!TakeDigits(s, &i, base, &digits) || i != s.size()) return std::nullopt;
  if (negative) digits.insert(digits.begin(), '-');
  int64_t v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  return v;
}

std::string FloatToS(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));  // "-1.2345e+03"
  std::string out;
  size_t i = 0;
  if (sci[0] == '-') {
    out.push_back('-');
    i = 1;
  }
  size_t e = sci.find('e');
  std::string digits;
  for (size_t j = i; j < e; ++j) {
    if (sci[j] != '.') digits.push_back(sci[j]);
  }
  int exp10 = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp10);
  int decpt = exp10 + 1;  // value = 0.DIGITS × 10^decpt
  const int n = static_cast<int>(digits.size());
  // Ruby prints plain decimals for 1e-4 <= |d| < 1e16 and exponent form otherwise.
  if (decpt > 0 && decpt <= 16) {
    if (n <= decpt) {
      out += digits;
      out.append(static_cast<size_t>(decpt - n), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(decpt));
      out += '.';
      out += digits.substr(static_cast<size_t>(decpt));
    }
  } else if (decpt <= 0 && decpt > -4) {
    out += "0.";
    out.append(static_cast<size_t>(-decpt), '0');
    out += digits;
  } else {
    out += digits[0];
    out += '.';
    out += n > 1 ? digits.substr(1) : "0";
    char exp_buf[8];
    int x = decpt - 1;
    std::snprintf(exp_buf, sizeof(exp_buf), "e%+03d", x);
    out += exp_buf;
  }
  return out;
}

}  // namespace perimeter::ruby
