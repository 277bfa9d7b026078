// Sprintf: a Logstash string template (`event.sprintf`) such as "%{host} %{[geoip][ip]}" or
// "logs-%{+YYYY.MM.dd}", compiled once into segments and rendered per event without
// allocating (beyond growing the output). Immutable after Compile: one instance may be
// rendered by many threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/field_ref.h"
#include "core/status.h"

namespace perimeter {

namespace sprintf_internal {  // the compiled form; only sprintf.cc looks inside

// A date pattern as a list of tokens: runs of one pattern letter, or literal text.
struct DateFormat {
  struct Token {
    char letter = 0;  // 0 for literal text
    int count = 0;    // letters in a row: "yyyy" -> 4
    std::string literal;
  };
  std::vector<Token> tokens;
  bool nanosecond_fractions = false;  // java.time's S digits go past milliseconds; Joda's don't
};

struct Segment {
  enum class Kind { kLiteral, kField, kDate, kEpochSeconds, kNow };
  Kind kind = Kind::kLiteral;
  // kLiteral: the text; kField: the whole "%{...}", which is what a missing field renders as.
  size_t begin = 0;
  size_t length = 0;
  FieldRef field;   // kField
  DateFormat date;  // kDate
};

}  // namespace sprintf_internal

// Templates, as Logstash renders them:
//   %{field}, %{[a][b]}  the field's text: strings as is, arrays joined with ",", hashes as
//                        JSON, floats as Ruby prints them; a missing (or null) field leaves the
//                        reference as written, e.g. "%{[a][b]}".
//   %{+FORMAT}           @timestamp in UTC, Joda-Time pattern: yyyy YYYY xxxx yy MM MMM MMMM
//                        dd d D HH H hh h kk mm ss SSS a EEE EEEE e ww Z ZZ ZZZ z, 'quoted'
//                        text, '' for a quote; other letters are an error at Compile.
//   %{+%s}               @timestamp as epoch seconds.
//   %{{FORMAT}}          @timestamp in UTC, java.time pattern (the letters that mean the same
//                        as in Joda: y u M d D H h k K m s S a E); %{{TIME_NOW}} is the
//                        current time in ISO 8601.
// Without @timestamp the time forms render nothing, as in Logstash.
class Sprintf {
 public:
  Sprintf() = default;  // the empty template

  // Errors name the template and the bad part (a malformed [ref], an unknown date letter).
  static Result<Sprintf> Compile(std::string_view text);

  // True when the template has no references: Render always yields text().
  bool is_constant() const { return constant_; }
  // The template as written.
  const std::string& text() const { return text_; }

  // Appends the rendered template to `*out`.
  void Render(const Event& event, std::string* out) const;
  std::string Render(const Event& event) const;

 private:
  std::string text_;
  std::vector<sprintf_internal::Segment> segments_;
  bool constant_ = true;
};

}  // namespace perimeter
