#include "config/lexer.h"

#include <fmt/format.h>

namespace perimeter::config {

namespace {

// Strings quoted in "found ..." messages are cut here so a runaway string does not flood the
// terminal.
constexpr size_t kMaxQuotedTokenChars = 40;

bool IsWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '-'; }

// Bytes of the UTF-8 sequence led by `c` (1 for ASCII and for stray continuation bytes).
size_t Utf8Length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

void Lexer::Advance(size_t n) {
  for (size_t i = 0; i < n && pos_ < text_.size(); ++i, ++pos_) {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }
}

void Lexer::SkipSpaceAndComments() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      Advance(1);
    } else if (c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') Advance(1);
    } else {
      break;
    }
  }
}

Token Lexer::Make(TokenKind kind, size_t begin, int line, int column) const {
  Token t;
  t.kind = kind;
  t.text = text_.substr(begin, pos_ - begin);
  t.line = line;
  t.column = column;
  t.offset = begin;
  t.end_line = line_;
  return t;
}

void Lexer::Rewind(const Token& token) {
  pos_ = token.offset;
  line_ = token.line;
  column_ = token.column;
}

Token Lexer::Next(LexMode mode) {
  SkipSpaceAndComments();
  const size_t begin = pos_;
  const int line = line_;
  const int column = column_;
  if (pos_ >= text_.size()) return Make(TokenKind::kEnd, begin, line, column);

  const char c = text_[pos_];
  const char next = At(pos_ + 1);
  auto single = [&](TokenKind kind) {
    Advance(1);
    return Make(kind, begin, line, column);
  };
  auto pair = [&](TokenKind kind) {
    Advance(2);
    return Make(kind, begin, line, column);
  };

  if (IsWordStart(c)) {
    size_t end = pos_ + 1;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    Advance(end - pos_);
    return Make(TokenKind::kWord, begin, line, column);
  }
  if (IsDigit(c) || (c == '-' && IsDigit(next))) {
    size_t end = pos_ + 1;
    while (IsDigit(At(end))) ++end;
    if (At(end) == '.') {
      ++end;
      while (IsDigit(At(end))) ++end;
    }
    Advance(end - pos_);
    return Make(TokenKind::kNumber, begin, line, column);
  }
  switch (c) {
    case '"':
    case '\'':
      return LexString(begin, line, column);
    case '{':
      return single(TokenKind::kLBrace);
    case '}':
      return single(TokenKind::kRBrace);
    case '[':
      if (mode == LexMode::kCondition) {
        if (size_t n = FieldRefLength(); n > 0) {
          Advance(n);
          return Make(TokenKind::kFieldRef, begin, line, column);
        }
      }
      return single(TokenKind::kLBracket);
    case ']':
      return single(TokenKind::kRBracket);
    case '(':
      return single(TokenKind::kLParen);
    case ')':
      return single(TokenKind::kRParen);
    case ',':
      return single(TokenKind::kComma);
    case ':':
      return single(TokenKind::kColon);
    case '=':
      if (next == '>') return pair(TokenKind::kArrow);
      if (next == '=') return pair(TokenKind::kEq);
      if (next == '~') return pair(TokenKind::kMatch);
      return single(TokenKind::kAssign);
    case '!':
      if (next == '=') return pair(TokenKind::kNe);
      if (next == '~') return pair(TokenKind::kNotMatch);
      return single(TokenKind::kBang);
    case '<':
      return next == '=' ? pair(TokenKind::kLe) : single(TokenKind::kLt);
    case '>':
      return next == '=' ? pair(TokenKind::kGe) : single(TokenKind::kGt);
    case '/':
      if (mode == LexMode::kCondition) return LexRegex(begin, line, column);
      return single(TokenKind::kInvalid);
    case '&':
    case '|':
      // "&&" and "||" come as one token so the parser can suggest `and` / `or`.
      return next == c ? pair(TokenKind::kInvalid) : single(TokenKind::kInvalid);
    default:
      Advance(Utf8Length(static_cast<unsigned char>(c)));
      return Make(TokenKind::kInvalid, begin, line, column);
  }
}

Token Lexer::LexString(size_t begin, int line, int column) {
  const char quote = text_[pos_];
  size_t end = pos_ + 1;
  // A backslash always takes the next character with it, so "C:\\" ends at its last quote.
  while (end < text_.size() && text_[end] != quote) end += text_[end] == '\\' ? 2 : 1;
  if (end >= text_.size()) {
    Advance(text_.size() - pos_);
    return Make(TokenKind::kUnterminatedString, begin, line, column);
  }
  Advance(end + 1 - pos_);
  Token t = Make(TokenKind::kString, begin, line, column);
  t.value = UnescapeString(t.text.substr(1, t.text.size() - 2));
  return t;
}

Token Lexer::LexRegex(size_t begin, int line, int column) {
  size_t end = pos_ + 1;
  while (end < text_.size() && text_[end] != '/' && text_[end] != '\n') {
    if (text_[end] == '\\' && At(end + 1) != '\n') ++end;
    ++end;
  }
  if (end >= text_.size() || text_[end] != '/') {
    // Stop at the end of the line: a regex spanning lines is far more likely a missing '/'.
    Advance(end - pos_);
    return Make(TokenKind::kUnterminatedRegex, begin, line, column);
  }
  Advance(end + 1 - pos_);
  Token t = Make(TokenKind::kRegex, begin, line, column);
  // `\/` stays as written: PCRE reads it as a plain '/'.
  t.value = std::string(t.text.substr(1, t.text.size() - 2));
  return t;
}

size_t Lexer::FieldRefLength() const {
  // Logstash's selector: one or more `[` [^][,]+ `]`. A list literal such as ["a"] would match
  // too (Logstash then looks up a field named "a" with its quotes, a known trap); a quote or a
  // ']' right after the first '[' makes it a list here.
  size_t p = pos_;
  while (At(p) == '[') {
    size_t q = p + 1;
    while (q < text_.size() && text_[q] != ']' && text_[q] != '[' && text_[q] != ',' &&
           text_[q] != '\n') {
      ++q;
    }
    if (q >= text_.size() || text_[q] != ']' || q == p + 1) break;
    if (p == pos_) {
      size_t first = p + 1;
      while (first < q && (text_[first] == ' ' || text_[first] == '\t')) ++first;
      if (text_[first] == '"' || text_[first] == '\'') return 0;
    }
    p = q + 1;
  }
  return p - pos_;
}

std::string UnescapeString(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char e = body[++i];
    switch (e) {
      case '"':
      case '\'':
      case '\\':
        out.push_back(e);
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      default:
        out.push_back('\\');
        out.push_back(e);
    }
  }
  return out;
}

std::string DescribeToken(const Token& token) {
  auto clipped = [](std::string_view s) {
    if (s.size() <= kMaxQuotedTokenChars) return std::string(s);
    return std::string(s.substr(0, kMaxQuotedTokenChars)) + "...";
  };
  switch (token.kind) {
    case TokenKind::kEnd:
      return "the end of the file";
    case TokenKind::kWord:
      return fmt::format("'{}'", token.text);
    case TokenKind::kString:
    case TokenKind::kUnterminatedString:
      return fmt::format("string {}", clipped(token.text));
    case TokenKind::kNumber:
      return fmt::format("number {}", token.text);
    case TokenKind::kFieldRef:
      return fmt::format("field reference {}", token.text);
    case TokenKind::kRegex:
    case TokenKind::kUnterminatedRegex:
      return fmt::format("regex {}", clipped(token.text));
    default:
      return fmt::format("'{}'", token.text);
  }
}

}  // namespace perimeter::config
