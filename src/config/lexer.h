// Splits one Logstash pipeline config file into tokens, each with its line and column.
// The parser pulls tokens one at a time and says whether it is reading settings or a condition,
// because `[a][b]` and `/re/` mean different things there. One Lexer per file; not thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "config/ast.h"

namespace perimeter::config {

enum class TokenKind {
  kEnd,       // end of the file
  kWord,      // input, grok, match, true, and, ...: [A-Za-z_][A-Za-z0-9_-]*
  kString,    // "..." or '...'; `value` holds the text with escapes resolved
  kNumber,    // 12, -3, 1.5, 1.
  kFieldRef,  // [a][b] (conditions only)
  kRegex,     // /re/ (conditions only); `value` holds the pattern between the slashes
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kComma,
  kArrow,               // =>
  kEq,                  // ==
  kNe,                  // !=
  kLt,                  // <
  kLe,                  // <=
  kGt,                  // >
  kGe,                  // >=
  kMatch,               // =~
  kNotMatch,            // !~
  kBang,                // !
  kAssign,              // =  (never valid; the parser explains that settings use =>)
  kColon,               // :  (likewise)
  kUnterminatedString,  // a quote never closed before the end of the file
  kUnterminatedRegex,   // a `/` never closed before the end of its line
  kInvalid,             // any other character (a whole UTF-8 sequence, or "&&" / "||")
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // exactly as written, quotes and slashes included
  std::string value;      // kString: unescaped text; kRegex: the pattern
  int line = 0;
  int column = 0;
  size_t offset = 0;  // byte offset of the first character in the file
  int end_line = 0;   // line of the last character; strings may span lines
};

// Which grammar the parser is in: settings (`name => value`) or an `if` condition, where `[`
// opens a field reference (or a list when a quote follows) and `/` opens a regex.
enum class LexMode { kSettings, kCondition };

class Lexer {
 public:
  // `file` must outlive the lexer and the tokens it returns (they view its text).
  explicit Lexer(const SourceFile& file) : text_(file.text) {}

  // The next token after whitespace and `#` comments.
  Token Next(LexMode mode);
  // Moves back so that `token` is read again by the next call, e.g. in another mode.
  void Rewind(const Token& token);

 private:
  char At(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
  void Advance(size_t n);
  void SkipSpaceAndComments();
  Token Make(TokenKind kind, size_t begin, int line, int column) const;
  Token LexString(size_t begin, int line, int column);
  Token LexRegex(size_t begin, int line, int column);
  // Length of `[a][b]...` at pos_ when it is a field reference, else 0 (a list literal).
  size_t FieldRefLength() const;

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

// Resolves the escapes of a quoted string's body as Logstash does with config.support_escapes:
// \" \' \\ \n \t \r; any other backslash pair stays as written (so "\d+" keeps its backslash).
std::string UnescapeString(std::string_view body);

// "'=>'", "string \"abc\"", "'grok'", "end of file": how error messages name what they found.
std::string DescribeToken(const Token& token);

}  // namespace perimeter::config
