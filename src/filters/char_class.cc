#include "filters/char_class.h"

namespace perimeter {

namespace {

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool CharClass::empty() const {
  for (uint8_t m : member_) {
    if (m != 0) return false;
  }
  return true;
}

CharClass CharClass::operator|(const CharClass& other) const {
  CharClass c;
  for (size_t i = 0; i < member_.size(); ++i) c.member_[i] = member_[i] | other.member_[i];
  return c;
}

std::optional<CharClass> CharClass::Parse(std::string_view body) {
  CharClass cls;
  if (!body.empty() && body[0] == '^') return std::nullopt;  // negation: regex semantics differ
  // Each step yields one character (or a predefined set); `prev` remembers a lone character that
  // may start a range "a-z".
  int prev = -1;
  for (size_t i = 0; i < body.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    if (c >= 0x80) return std::nullopt;
    if (c == '[') return std::nullopt;  // nested class or [:alpha:]
    if (c == '-' && prev >= 0 && i + 1 < body.size()) {
      // A range: the upper end is a literal or an escaped literal.
      unsigned char hi = static_cast<unsigned char>(body[i + 1]);
      size_t used = 1;
      if (hi == '\\') {
        if (i + 2 >= body.size()) return std::nullopt;
        hi = static_cast<unsigned char>(body[i + 2]);
        if (IsAsciiAlnum(static_cast<char>(hi))) return std::nullopt;
        used = 2;
      }
      if (hi >= 0x80 || hi == '[' || hi < prev) return std::nullopt;
      for (int x = prev; x <= hi; ++x) cls.AddByte(x);
      i += used;
      prev = -1;
      continue;
    }
    if (c != '\\') {
      cls.AddByte(c);
      prev = c;
      continue;
    }
    if (i + 1 >= body.size()) return std::nullopt;  // a trailing backslash is a regex error
    char e = body[++i];
    prev = -1;
    switch (e) {
      case 't':
        cls.Add('\t');
        prev = '\t';
        break;
      case 'n':
        cls.Add('\n');
        prev = '\n';
        break;
      case 'r':
        cls.Add('\r');
        prev = '\r';
        break;
      case 'f':
        cls.Add('\f');
        prev = '\f';
        break;
      case 'v':
        cls.Add('\v');
        prev = '\v';
        break;
      case 'e':
        cls.Add('\x1b');
        prev = 0x1b;
        break;
      case 's':
        for (char s : {' ', '\t', '\n', '\v', '\f', '\r'}) cls.Add(s);
        break;
      case 'd':
        for (char d = '0'; d <= '9'; ++d) cls.Add(d);
        break;
      case 'w':
        for (int x = 0; x < 128; ++x) {
          if (IsAsciiAlnum(static_cast<char>(x)) || x == '_') cls.AddByte(x);
        }
        break;
      default:
        // \x41, \u00e9, \p{L}, \h and friends are left to the regex engine.
        if (IsAsciiAlnum(e) || static_cast<unsigned char>(e) >= 0x80) return std::nullopt;
        cls.Add(e);
        prev = static_cast<unsigned char>(e);
    }
  }
  return cls;
}

}  // namespace perimeter
