#include "query/query_parser.h"

#include <fmt/format.h>

namespace perimeter::query {

namespace {

constexpr int kMaxDepth = 64;  // nesting of parentheses/NOTs; deeper input is refused, not recursed

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// Characters that end a bare term.
bool IsTermEnd(char c) {
  return IsSpace(c) || c == '(' || c == ')' || c == ':' || c == '"' || c == '[' || c == ']' ||
         c == '{' || c == '}' || c == '^' || c == '~';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<std::unique_ptr<QueryNode>> Parse() {
    SkipSpace();
    if (pos_ == s_.size()) return Node(QueryNode::Kind::kMatchAll, 0);
    auto q = ParseOr("", 0);
    if (!error_.empty()) return Status::InvalidArgument(error_);
    SkipSpace();
    if (pos_ < s_.size()) {
      return Status::InvalidArgument(fmt::format("column {}: unexpected '{}'{}", pos_ + 1, s_[pos_],
                                                 s_[pos_] == ')' ? " (no '(' to close)" : ""));
    }
    return q;
  }

 private:
  static std::unique_ptr<QueryNode> Node(QueryNode::Kind kind, size_t pos) {
    auto n = std::make_unique<QueryNode>();
    n->kind = kind;
    n->position = pos;
    return n;
  }

  std::unique_ptr<QueryNode> Fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return Node(QueryNode::Kind::kMatchAll, pos_);
  }

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }

  bool AtKeyword(std::string_view kw) {
    if (s_.compare(pos_, kw.size(), kw) != 0) return false;
    size_t end = pos_ + kw.size();
    return end == s_.size() || IsSpace(s_[end]) || s_[end] == '(';
  }

  bool AtClauseStart() {
    SkipSpace();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    return c != ')' && !AtKeyword("AND") && !AtKeyword("OR") && s_.compare(pos_, 2, "&&") != 0 &&
           s_.compare(pos_, 2, "||") != 0;
  }

  static std::unique_ptr<QueryNode> Combine(QueryNode::Kind kind, std::unique_ptr<QueryNode> a,
                                            std::unique_ptr<QueryNode> b) {
    if (a->kind == kind) {
      a->children.push_back(std::move(b));
      return a;
    }
    auto n = Node(kind, a->position);
    n->children.push_back(std::move(a));
    n->children.push_back(std::move(b));
    return n;
  }

  // Implicit joins are OR, except next to a +/- clause, where Lucene's must/must-not meaning
  // is closest to AND.
  std::unique_ptr<QueryNode> ParseOr(const std::string& field, int depth) {
    bool prefixed = false;
    auto left = ParseAnd(field, depth, &prefixed);
    for (;;) {
      SkipSpace();
      if (!error_.empty() || pos_ >= s_.size()) return left;
      if (AtKeyword("OR") || s_.compare(pos_, 2, "||") == 0) {
        pos_ += 2;
        bool p = false;
        left = Combine(QueryNode::Kind::kOr, std::move(left), ParseAnd(field, depth, &p));
        prefixed = p;
        continue;
      }
      if (!AtClauseStart()) return left;
      bool p = false;
      bool next_prefixed = s_[pos_] == '+' || s_[pos_] == '-';
      auto right = ParseAnd(field, depth, &p);
      left = Combine(prefixed || next_prefixed ? QueryNode::Kind::kAnd : QueryNode::Kind::kOr,
                     std::move(left), std::move(right));
      prefixed = p;
    }
  }

  std::unique_ptr<QueryNode> ParseAnd(const std::string& field, int depth, bool* prefixed) {
    auto left = ParseUnary(field, depth, prefixed);
    for (;;) {
      SkipSpace();
      if (!error_.empty()) return left;
      if (AtKeyword("AND") || s_.compare(pos_, 2, "&&") == 0) {
        pos_ += AtKeyword("AND") ? 3 : 2;
        bool p = false;
        left = Combine(QueryNode::Kind::kAnd, std::move(left), ParseUnary(field, depth, &p));
        continue;
      }
      return left;
    }
  }

  std::unique_ptr<QueryNode> ParseUnary(const std::string& field, int depth, bool* prefixed) {
    if (depth > kMaxDepth) return Fail(fmt::format("column {}: query nested too deeply", pos_ + 1));
    SkipSpace();
    if (pos_ >= s_.size()) return Fail(fmt::format("column {}: expected a term", pos_ + 1));
    size_t at = pos_;
    if (AtKeyword("NOT") || s_[pos_] == '!' || s_[pos_] == '-') {
      *prefixed = *prefixed || s_[pos_] == '-';
      pos_ += AtKeyword("NOT") ? 3 : 1;
      auto n = Node(QueryNode::Kind::kNot, at);
      bool p = false;
      n->children.push_back(ParseUnary(field, depth + 1, &p));
      return n;
    }
    if (s_[pos_] == '+') {
      *prefixed = true;
      ++pos_;
      bool p = false;
      return ParseUnary(field, depth + 1, &p);
    }
    return ParsePrimary(field, depth);
  }

  std::unique_ptr<QueryNode> ParsePrimary(const std::string& field, int depth) {
    SkipSpace();
    size_t at = pos_;
    if (s_[pos_] == '(') {
      ++pos_;
      auto q = ParseOr(field, depth + 1);
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ')') {
        return Fail(
            fmt::format("column {}: expected ')' to close the '(' at column {}", pos_ + 1, at + 1));
      }
      ++pos_;
      return q;
    }
    // A term that is followed by ':' names a field.
    if (s_[pos_] != '"' && s_[pos_] != '[' && s_[pos_] != '{' && s_[pos_] != '>' &&
        s_[pos_] != '<') {
      size_t save = pos_;
      std::string word = ReadTerm();
      if (pos_ < s_.size() && s_[pos_] == ':' && !word.empty()) {
        ++pos_;
        if (word == "_exists_") {
          SkipSpace();
          auto n = Node(QueryNode::Kind::kExists, at);
          n->field = ReadTerm();
          if (n->field.empty())
            return Fail(fmt::format("column {}: expected a field name after _exists_:", pos_ + 1));
          return n;
        }
        if (pos_ < s_.size() && s_[pos_] == '(') {
          ++pos_;
          auto q = ParseOr(word, depth + 1);
          SkipSpace();
          if (pos_ >= s_.size() || s_[pos_] != ')') {
            return Fail(fmt::format("column {}: expected ')' to close the '(' at column {}",
                                    pos_ + 1, at + word.size() + 2));
          }
          ++pos_;
          return q;
        }
        if (pos_ >= s_.size() || IsSpace(s_[pos_])) {
          return Fail(fmt::format("column {}: expected a value after '{}:'", pos_ + 1, word));
        }
        return ParseValue(word == "*" ? "" : word, at);
      }
      pos_ = save;
    }
    return ParseValue(field, at);
  }

  std::unique_ptr<QueryNode> ParseValue(const std::string& field, size_t at) {
    char c = s_[pos_];
    if (c == '"') {
      size_t open = pos_++;
      std::string text;
      while (pos_ < s_.size() && s_[pos_] != '"') {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
        text += s_[pos_++];
      }
      if (pos_ >= s_.size()) {
        return Fail(
            fmt::format("column {}: unterminated phrase: the '\"' at column {} has no "
                        "closing quote",
                        pos_ + 1, open + 1));
      }
      ++pos_;
      auto n = Node(QueryNode::Kind::kPhrase, at);
      n->field = field;
      n->text = std::move(text);
      return n;
    }
    if (c == '[' || c == '{') return ParseRange(field, at);
    if (c == '>' || c == '<') {
      bool greater = c == '>';
      ++pos_;
      bool inclusive = pos_ < s_.size() && s_[pos_] == '=';
      if (inclusive) ++pos_;
      std::string v = ReadTerm();
      if (v.empty())
        return Fail(
            fmt::format("column {}: expected a value after '{}'", pos_ + 1, greater ? ">" : "<"));
      auto n = Node(QueryNode::Kind::kRange, at);
      n->field = field;
      RangeBound b{v, inclusive, false};
      (greater ? n->lower : n->upper) = b;
      return n;
    }
    std::string term = ReadTerm();
    if (term.empty()) {
      return Fail(fmt::format("column {}: expected a term, found '{}'", pos_ + 1, s_[pos_]));
    }
    if (term == "*" && field.empty()) return Node(QueryNode::Kind::kMatchAll, at);
    bool wildcard = term.find_first_of("*?") != std::string::npos && !escaped_wildcard_;
    auto n = Node(wildcard ? QueryNode::Kind::kWildcard : QueryNode::Kind::kTerm, at);
    n->field = field;
    n->text = std::move(term);
    if (wildcard && n->text == "*") {
      n->kind = QueryNode::Kind::kExists;
      n->text.clear();
    }
    return n;
  }

  std::unique_ptr<QueryNode> ParseRange(const std::string& field, size_t at) {
    size_t open = pos_;
    bool lower_inclusive = s_[pos_++] == '[';
    SkipSpace();
    std::string lo = ReadRangeValue();
    SkipSpace();
    if (!AtKeyword("TO")) {
      return Fail(fmt::format("column {}: expected 'TO' in the range opened at column {}", pos_ + 1,
                              open + 1));
    }
    pos_ += 2;
    SkipSpace();
    std::string hi = ReadRangeValue();
    SkipSpace();
    if (pos_ >= s_.size() || (s_[pos_] != ']' && s_[pos_] != '}')) {
      return Fail(
          fmt::format("column {}: expected ']' or '}}' to close the range opened at "
                      "column {}",
                      pos_ + 1, open + 1));
    }
    bool upper_inclusive = s_[pos_++] == ']';
    auto n = Node(QueryNode::Kind::kRange, at);
    n->field = field;
    n->lower = {lo == "*" ? "" : lo, lower_inclusive, lo == "*"};
    n->upper = {hi == "*" ? "" : hi, upper_inclusive, hi == "*"};
    return n;
  }

  std::string ReadRangeValue() {
    if (pos_ < s_.size() && s_[pos_] == '"') {
      ++pos_;
      std::string v;
      while (pos_ < s_.size() && s_[pos_] != '"') v += s_[pos_++];
      if (pos_ < s_.size()) ++pos_;
      return v;
    }
    std::string v;
    while (pos_ < s_.size() && !IsSpace(s_[pos_]) && s_[pos_] != ']' && s_[pos_] != '}') {
      v += s_[pos_++];
    }
    return v;
  }

  // A bare term; backslash escapes any character (an escaped * or ? is literal).
  std::string ReadTerm() {
    std::string t;
    escaped_wildcard_ = false;
    while (pos_ < s_.size() && !IsTermEnd(s_[pos_])) {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
        ++pos_;
        if (s_[pos_] == '*' || s_[pos_] == '?') escaped_wildcard_ = true;
      }
      t += s_[pos_++];
    }
    return t;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
  bool escaped_wildcard_ = false;
};

}  // namespace

Result<std::unique_ptr<QueryNode>> ParseQuery(std::string_view text) {
  return Parser(text).Parse();
}

std::string QueryNode::ToString() const {
  std::string f = field.empty() ? "" : field + ":";
  switch (kind) {
    case Kind::kMatchAll:
      return "*";
    case Kind::kTerm:
      return f + text;
    case Kind::kPhrase:
      return f + "\"" + text + "\"";
    case Kind::kWildcard:
      return f + text + "(wildcard)";
    case Kind::kExists:
      return "_exists_:" + field;
    case Kind::kRange:
      return f + (lower.inclusive ? "[" : "{") + (lower.unbounded ? "*" : lower.value) + " TO " +
             (upper.unbounded ? "*" : upper.value) + (upper.inclusive ? "]" : "}");
    case Kind::kNot:
      return "NOT " + children[0]->ToString();
    case Kind::kAnd:
    case Kind::kOr: {
      std::string s = "(";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) s += kind == Kind::kAnd ? " AND " : " OR ";
        s += children[i]->ToString();
      }
      return s + ")";
    }
  }
  return "?";
}

}  // namespace perimeter::query
