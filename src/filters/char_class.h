// CharClass: the set of bytes a regex character class body denotes ("&?", "<>\[\],", "a-z\t"),
// for options that Logstash documents as "characters forming a regex character class" and that
// hot paths test byte by byte. Plain value type; immutable after Parse().
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace perimeter {

class CharClass {
 public:
  CharClass() = default;
  // Parses the text between the brackets of `[...]`: literal ASCII characters, ranges, escapes
  // (\t \n \r \f \v \e \s \d \w and \ before punctuation). Returns nullopt for anything it does not
  // reproduce exactly (a leading ^, nested classes, non-ASCII bytes, \p{...}), so the caller can
  // fall back to a real regex.
  static std::optional<CharClass> Parse(std::string_view body);

  // A table lookup: this sits in the innermost loop of the kv scanner.
  bool Contains(char c) const { return member_[static_cast<unsigned char>(c)] != 0; }
  bool empty() const;
  void Add(char c) { member_[static_cast<unsigned char>(c)] = 1; }
  bool operator==(const CharClass& other) const = default;
  CharClass operator|(const CharClass& other) const;

 private:
  void AddByte(int b) { member_[static_cast<size_t>(b)] = 1; }
  std::array<uint8_t, 256> member_{};
};

}  // namespace perimeter
