#include "config/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "config/diagnostic.h"
#include "config/lexer.h"

namespace perimeter::config {

namespace {

// "Did you mean" only for near misses ("fitler", "ouput"), not for unrelated words.
constexpr size_t kMaxSuggestionDistance = 2;

std::optional<SectionKind> SectionKindOf(std::string_view word) {
  if (word == "input") return SectionKind::kInput;
  if (word == "filter") return SectionKind::kFilter;
  if (word == "output") return SectionKind::kOutput;
  return std::nullopt;
}

bool IsBooleanOperator(std::string_view word) {
  return word == "and" || word == "or" || word == "xor" || word == "nand";
}

bool IsComparison(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
    case TokenKind::kNe:
    case TokenKind::kLt:
    case TokenKind::kLe:
    case TokenKind::kGt:
    case TokenKind::kGe:
      return true;
    default:
      return false;
  }
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      char ca = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i - 1])));
      char cb = static_cast<char>(std::tolower(static_cast<unsigned char>(b[j - 1])));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (ca == cb ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string_view> ClosestSectionName(std::string_view word) {
  for (std::string_view name : {"input", "filter", "output"}) {
    if (EditDistance(word, name) <= kMaxSuggestionDistance) return name;
  }
  return std::nullopt;
}

// "[type]", "[geoip][ip]": a field as a condition writes it.
std::string BracketedField(const FieldRef& field) {
  std::string out;
  for (const std::string& part : field.path()) out += "[" + part + "]";
  return out;
}

std::string Pos(const SourceLocation& at) { return fmt::format("{}:{}", at.line, at.column); }

bool Before(const SourceLocation& a, const SourceLocation& b) {
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

// A line of a string's body that reads like a setting (`type => ...`): a sign that the string
// swallowed the lines after it because its closing quote is missing.
bool ContainsSettingLine(std::string_view body) {
  size_t nl = body.find('\n');
  while (nl != std::string_view::npos) {
    size_t p = nl + 1;
    while (p < body.size() && (body[p] == ' ' || body[p] == '\t')) ++p;
    size_t name_begin = p;
    while (p < body.size() && (std::isalnum(static_cast<unsigned char>(body[p])) ||
                               body[p] == '_' || body[p] == '-')) {
      ++p;
    }
    bool has_name = p > name_begin;
    while (p < body.size() && (body[p] == ' ' || body[p] == '\t')) ++p;
    if (has_name && body.substr(p, 2) == "=>") return true;
    nl = body.find('\n', p);
  }
  return false;
}

// A block whose closing '}' (or ']') has not been read yet. The stack of them is what lets an
// error say which brace is missing.
struct OpenBlock {
  enum class Kind { kSection, kPlugin, kBranch, kHash, kArray };
  Kind kind;
  std::string name;        // input, grok, if, else if, else; empty for hashes and arrays
  SourceLocation opener;   // the keyword or name in front of the brace
  SourceLocation brace;    // the '{' or '['
  int content_column = 0;  // column of the first statement or setting on its own line
};

std::string DescribeBlock(const OpenBlock& b) {
  switch (b.kind) {
    case OpenBlock::Kind::kSection:
      return fmt::format("the '{}' section", b.name);
    case OpenBlock::Kind::kPlugin:
      return fmt::format("plugin '{}'", b.name);
    case OpenBlock::Kind::kBranch:
      return fmt::format("the '{}' block", b.name);
    case OpenBlock::Kind::kHash:
      return "the hash";
    case OpenBlock::Kind::kArray:
      return "the array";
  }
  return "the block";
}

// An item (statement or setting) that starts left of its block's contents, at or left of the
// block's own keyword: where a '}' was most likely forgotten, e.g. `mutate` here:
//   if [a] {
//     grok { ... }
//   mutate { ... }
struct Misindent {
  SourceLocation item;
  std::string item_name;
  SourceLocation block_opener;
  std::string block_name;
};

std::unique_ptr<Expr> NewExpr(Expr::Kind kind, SourceLocation at) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->location = std::move(at);
  return e;
}

std::unique_ptr<Expr> Binary(Expr::Kind kind, std::string_view op, std::unique_ptr<Expr> lhs,
                             std::unique_ptr<Expr> rhs) {
  auto e = NewExpr(kind, lhs->location);
  e->op = std::string(op);
  e->children.push_back(std::move(lhs));
  e->children.push_back(std::move(rhs));
  return e;
}

// Adds `v` to a repeated hash key's collected values; an array's items are added one by one,
// as Logstash merges repeated array settings.
void AppendFlattened(Value v, Array* out) {
  if (v.is_array()) {
    for (Value& item : v.as_array()) out->push_back(std::move(item));
  } else {
    out->push_back(std::move(v));
  }
}

class FileParser {
 public:
  FileParser(const std::vector<SourceFile>& files, const SourceFile& file)
      : files_(files), file_(file), lexer_(file) {}

  Status Parse(std::vector<Section>* sections);

 private:
  using ExprResult = Result<std::unique_ptr<Expr>>;

  // Tokens: one token of lookahead, read in the current mode.
  const Token& Peek();
  Token Take();
  SourceLocation Loc(const Token& t) const { return {file_.path, t.line, t.column}; }

  // Sections, plugins and settings.
  Status ParseSection(const Token& keyword, Section* section);
  Status ParseStatements(std::vector<Statement>* body);
  Status ParseIf(const Token& if_word, Statement* statement);
  Status ParseBranch(const Token& opener, std::string_view name, bool has_condition,
                     Branch* branch);
  Status ParsePlugin(const Token& name_token, std::string name, PluginNode* plugin);
  Status ParseSettings(std::vector<Setting>* settings);
  Status ParseSettingValue(Setting* setting);
  Result<Value> ParseValue(std::string_view owner);
  Result<Value> ParseArray();
  Result<Value> ParseHash();
  Result<Value> ParseNumber(const Token& t);
  Status CheckBarewordEnd(const Token& word);

  // Conditions.
  ExprResult ParseCondition();
  ExprResult ParsePrimary();
  ExprResult ParseOperand();
  ExprResult ParseList();
  Status ExpectCloseParen(const Token& open);

  // Diagnostics.
  Status Error(const SourceLocation& at, std::string_view message, std::string hint = {});
  Status Unexpected(const Token& found, std::string_view expected, std::string hint = {});
  Status Unclosed();
  Status UnterminatedString(const Token& t);
  Status InvalidCharacter(const Token& t, std::string_view expected);
  Status UnquotedValue(size_t offset, const SourceLocation& at);
  Status UnknownSection(const Token& word);
  Status StrayBrace(const Token& brace);
  Status NestedSection(const Token& keyword);
  Status NestedInBlock(const Token& word);
  Status BareWordInCondition();
  Status ConditionEnd(const Token& found);
  void NoteItem(const Token& t);
  int LikelyMissingBraceLine(const OpenBlock& block, const SourceLocation& at) const;
  std::string OpenBlocksList() const;

  const std::vector<SourceFile>& files_;
  const SourceFile& file_;
  Lexer lexer_;
  LexMode mode_ = LexMode::kSettings;
  Token peek_;
  bool has_peek_ = false;
  LexMode peek_mode_ = LexMode::kSettings;

  std::vector<OpenBlock> open_;
  std::optional<Misindent> misindent_;
  SourceLocation last_close_;  // the last '}' that closed a statement block
  struct ClosedSection {
    std::string name;
    SourceLocation opener;
    SourceLocation close;
  };
  std::optional<ClosedSection> last_section_;
  SourceLocation condition_opener_;      // the `if` / `else` whose condition is being read
  std::optional<Token> runaway_string_;  // first string that swallowed a setting line
};

// ---------------------------------------------------------------------------------------------
// Tokens

const Token& FileParser::Peek() {
  if (has_peek_ && peek_mode_ != mode_) {
    lexer_.Rewind(peek_);
    has_peek_ = false;
  }
  if (!has_peek_) {
    peek_ = lexer_.Next(mode_);
    peek_mode_ = mode_;
    has_peek_ = true;
  }
  return peek_;
}

Token FileParser::Take() {
  Peek();
  has_peek_ = false;
  if (peek_.kind == TokenKind::kString && peek_.end_line > peek_.line && !runaway_string_ &&
      ContainsSettingLine(peek_.text)) {
    runaway_string_ = peek_;
  }
  return std::move(peek_);
}

// ---------------------------------------------------------------------------------------------
// Sections, plugins, settings

Status FileParser::Parse(std::vector<Section>* sections) {
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kEnd) return Status::OK();
    if (t.kind == TokenKind::kRBrace) return StrayBrace(t);
    if (t.kind != TokenKind::kWord) {
      return Unexpected(t, "'input', 'filter' or 'output'",
                        "a config is made of input { ... }, filter { ... } and output { ... } "
                        "sections");
    }
    std::optional<SectionKind> kind = SectionKindOf(t.text);
    if (!kind) return UnknownSection(t);
    Token keyword = Take();
    Section section;
    section.kind = *kind;
    section.location = Loc(keyword);
    RETURN_IF_ERROR(ParseSection(keyword, &section));
    last_section_ = ClosedSection{std::string(keyword.text), Loc(keyword), last_close_};
    sections->push_back(std::move(section));
  }
}

Status FileParser::ParseSection(const Token& keyword, Section* section) {
  if (Peek().kind != TokenKind::kLBrace) {
    return Unexpected(Peek(), fmt::format("'{{' after '{}'", keyword.text),
                      fmt::format("a section is written {} {{ ... }}", keyword.text));
  }
  Token brace = Take();
  open_.push_back({OpenBlock::Kind::kSection, std::string(keyword.text), Loc(keyword), Loc(brace)});
  RETURN_IF_ERROR(ParseStatements(&section->body));
  open_.pop_back();
  return Status::OK();
}

Status FileParser::ParseStatements(std::vector<Statement>* body) {
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kRBrace) {
      last_close_ = Loc(Take());
      return Status::OK();
    }
    if (t.kind == TokenKind::kEnd) return Unclosed();
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kString) {
      return Unexpected(t,
                        fmt::format("a plugin, 'if' or '}}' in {}", DescribeBlock(open_.back())));
    }
    NoteItem(t);
    Token word = Take();
    Statement statement;
    if (word.kind == TokenKind::kString) {
      RETURN_IF_ERROR(ParsePlugin(word, word.value, &statement.plugin));
    } else if (word.text == "if") {
      RETURN_IF_ERROR(ParseIf(word, &statement));
    } else if (word.text == "else") {
      return Error(Loc(word), "'else' without an 'if' before it",
                   "'else' must directly follow the '}' that closes an 'if' block");
    } else if (SectionKindOf(word.text)) {
      return NestedSection(word);
    } else {
      RETURN_IF_ERROR(ParsePlugin(word, std::string(word.text), &statement.plugin));
    }
    body->push_back(std::move(statement));
  }
}

Status FileParser::ParsePlugin(const Token& name_token, std::string name, PluginNode* plugin) {
  plugin->name = std::move(name);
  plugin->location = Loc(name_token);
  const Token& t = Peek();
  if (t.kind == TokenKind::kArrow || t.kind == TokenKind::kAssign || t.kind == TokenKind::kColon) {
    return Error(Loc(name_token), fmt::format("setting '{}' is not inside a plugin", plugin->name),
                 fmt::format("settings go inside a plugin's braces, e.g. file {{ {} => ... }}",
                             plugin->name));
  }
  if (t.kind != TokenKind::kLBrace) {
    return Unexpected(
        t, fmt::format("'{{' after plugin name '{}'", plugin->name),
        fmt::format("a plugin is written {} {{ setting => value ... }}", plugin->name));
  }
  Token brace = Take();
  open_.push_back({OpenBlock::Kind::kPlugin, plugin->name, Loc(name_token), Loc(brace)});
  RETURN_IF_ERROR(ParseSettings(&plugin->settings));
  open_.pop_back();
  return Status::OK();
}

Status FileParser::ParseSettings(std::vector<Setting>* settings) {
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kRBrace) {
      Take();
      return Status::OK();
    }
    if (t.kind == TokenKind::kComma) {  // Logstash 1.x allowed commas between settings
      Take();
      continue;
    }
    if (t.kind == TokenKind::kEnd) return Unclosed();
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kString) {
      return Unexpected(
          t, fmt::format("a setting (name => value) or '}}' in {}", DescribeBlock(open_.back())));
    }
    NoteItem(t);
    Token name = Take();
    std::string name_text = name.kind == TokenKind::kString ? name.value : std::string(name.text);
    const Token& op = Peek();
    bool word = name.kind == TokenKind::kWord;
    if (word && (name.text == "if" || name.text == "else") && op.kind != TokenKind::kArrow) {
      return NestedInBlock(name);
    }
    switch (op.kind) {
      case TokenKind::kArrow:
        break;
      case TokenKind::kLBrace:
        // A setting may be called "filter", but `filter {` here means a '}' went missing.
        return word && SectionKindOf(name.text) ? NestedSection(name) : NestedInBlock(name);
      case TokenKind::kAssign:
      case TokenKind::kColon:
        return Error(Loc(op),
                     fmt::format("'{}' after setting '{}': settings are assigned with '=>'",
                                 op.text, name_text),
                     fmt::format("write: {} => ...", name_text));
      default:
        return Unexpected(op, fmt::format("'=>' after setting name '{}'", name_text),
                          fmt::format("write: {} => value", name_text));
    }
    Take();
    Setting setting;
    setting.name = std::move(name_text);
    setting.location = Loc(name);
    RETURN_IF_ERROR(ParseSettingValue(&setting));
    settings->push_back(std::move(setting));
  }
}

Status FileParser::ParseSettingValue(Setting* setting) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kWord || t.text == "true" || t.text == "false") {
    ASSIGN_OR_RETURN(setting->value, ParseValue(fmt::format("'{}'", setting->name)));
    return Status::OK();
  }
  // A bareword, or a plugin with its own settings: `codec => json_lines { charset => "x" }`.
  Token word = Take();
  RETURN_IF_ERROR(CheckBarewordEnd(word));
  setting->value = std::string(word.text);
  if (Peek().kind != TokenKind::kLBrace) return Status::OK();
  Token brace = Take();
  open_.push_back({OpenBlock::Kind::kPlugin, std::string(word.text), Loc(word), Loc(brace)});
  RETURN_IF_ERROR(ParseSettings(&setting->block));
  open_.pop_back();
  return Status::OK();
}

Result<Value> FileParser::ParseValue(std::string_view owner) {
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kString:
      return Value(Take().value);
    case TokenKind::kNumber:
      return ParseNumber(Take());
    case TokenKind::kWord: {
      Token word = Take();
      RETURN_IF_ERROR(CheckBarewordEnd(word));
      if (word.text == "true") return Value(true);
      if (word.text == "false") return Value(false);
      return Value(word.text);
    }
    case TokenKind::kLBracket:
      return ParseArray();
    case TokenKind::kLBrace:
      return ParseHash();
    default:
      return Unexpected(t, fmt::format("a value for {}", owner),
                        "a value is a \"string\", a number, true/false, a bareword, "
                        "[an, array] or { \"a\" => \"hash\" }");
  }
}

Result<Value> FileParser::ParseNumber(const Token& t) {
  std::string_view text = t.text;
  if (text.find('.') != std::string_view::npos) {
    return Value(std::strtod(std::string(text).c_str(), nullptr));
  }
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Error(Loc(t), fmt::format("the integer {} does not fit in 64 bits", text),
                 "write it as a string (\"...\") or a float (with a '.')");
  }
  return Value(n);
}

Status FileParser::CheckBarewordEnd(const Token& word) {
  // `host => localhost:9200` or `path => var/log`: text that Logstash only takes quoted.
  size_t end = word.offset + word.text.size();
  if (end < file_.text.size() &&
      std::string_view(":/.\\").find(file_.text[end]) != std::string_view::npos) {
    return UnquotedValue(word.offset, Loc(word));
  }
  return Status::OK();
}

Result<Value> FileParser::ParseArray() {
  Token open = Take();
  open_.push_back({OpenBlock::Kind::kArray, "", Loc(open), Loc(open)});
  Array items;
  if (Peek().kind == TokenKind::kRBracket) {
    Take();
    open_.pop_back();
    return Value(std::move(items));
  }
  while (true) {
    ASSIGN_OR_RETURN(Value item, ParseValue("an item of the array"));
    items.push_back(std::move(item));
    const Token& t = Peek();
    if (t.kind == TokenKind::kRBracket) {
      Take();
      break;
    }
    if (t.kind != TokenKind::kComma) {
      bool value_next = t.kind == TokenKind::kString || t.kind == TokenKind::kNumber ||
                        t.kind == TokenKind::kWord;
      return Unexpected(t, fmt::format("',' or ']' in the array opened at {}", Pos(Loc(open))),
                        value_next ? "separate array items with ','" : "");
    }
    Token comma = Take();
    if (Peek().kind == TokenKind::kRBracket) {
      return Error(Loc(comma), "trailing ',' before ']'",
                   "remove the ',' after the last item (Logstash rejects it too)");
    }
  }
  open_.pop_back();
  return Value(std::move(items));
}

Result<Value> FileParser::ParseHash() {
  Token open = Take();
  open_.push_back({OpenBlock::Kind::kHash, "", Loc(open), Loc(open)});
  Object hash;
  std::vector<std::string> collected;  // keys repeated in this literal, values gathered in arrays
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kRBrace) {
      Take();
      break;
    }
    if (t.kind == TokenKind::kComma) {
      Take();
      continue;
    }
    if (t.kind != TokenKind::kString && t.kind != TokenKind::kWord &&
        t.kind != TokenKind::kNumber) {
      return Unexpected(t, fmt::format("a key or '}}' in the hash opened at {}", Pos(Loc(open))),
                        "hash entries are written \"key\" => value");
    }
    Token key = Take();
    std::string key_text = key.kind == TokenKind::kString ? key.value : std::string(key.text);
    const Token& op = Peek();
    if (op.kind == TokenKind::kLBrace && key.kind == TokenKind::kWord) {
      return SectionKindOf(key.text) ? NestedSection(key) : NestedInBlock(key);
    }
    if (op.kind == TokenKind::kAssign || op.kind == TokenKind::kColon) {
      return Error(Loc(op),
                   fmt::format("'{}' after hash key \"{}\": entries are written with '=>'", op.text,
                               key_text),
                   fmt::format("write: \"{}\" => ...", key_text));
    }
    if (op.kind != TokenKind::kArrow) {
      return Unexpected(op, fmt::format("'=>' after hash key \"{}\"", key_text),
                        fmt::format("write: \"{}\" => value", key_text));
    }
    Take();
    ASSIGN_OR_RETURN(Value value, ParseValue(fmt::format("hash key \"{}\"", key_text)));
    Value* existing = hash.Find(key_text);
    if (existing == nullptr) {
      hash.Set(key_text, std::move(value));
      continue;
    }
    if (std::find(collected.begin(), collected.end(), key_text) == collected.end()) {
      Array values;
      AppendFlattened(std::move(*existing), &values);
      *existing = Value(std::move(values));
      collected.push_back(key_text);
    }
    AppendFlattened(std::move(value), &existing->as_array());
  }
  open_.pop_back();
  return Value(std::move(hash));
}

// ---------------------------------------------------------------------------------------------
// Conditionals

Status FileParser::ParseIf(const Token& if_word, Statement* statement) {
  statement->kind = Statement::Kind::kIf;
  Branch first;
  RETURN_IF_ERROR(ParseBranch(if_word, "if", /*has_condition=*/true, &first));
  statement->branches.push_back(std::move(first));
  while (Peek().kind == TokenKind::kWord && Peek().text == "else") {
    Token else_word = Take();
    const Token& t = Peek();
    Branch branch;
    if (t.kind == TokenKind::kWord && t.text == "if") {
      Take();
      RETURN_IF_ERROR(ParseBranch(else_word, "else if", /*has_condition=*/true, &branch));
      statement->branches.push_back(std::move(branch));
      continue;
    }
    if (t.kind != TokenKind::kLBrace) {
      return Unexpected(t, "'if' or '{' after 'else'",
                        "write: else { ... } or else if [f] { ... }");
    }
    RETURN_IF_ERROR(ParseBranch(else_word, "else", /*has_condition=*/false, &branch));
    statement->branches.push_back(std::move(branch));
    break;  // `else` ends the chain
  }
  return Status::OK();
}

Status FileParser::ParseBranch(const Token& opener, std::string_view name, bool has_condition,
                               Branch* branch) {
  branch->location = Loc(opener);
  if (has_condition) {
    mode_ = LexMode::kCondition;
    condition_opener_ = Loc(opener);
    ASSIGN_OR_RETURN(branch->condition, ParseCondition());
    if (Peek().kind != TokenKind::kLBrace) return ConditionEnd(Peek());
  }
  Token brace = Take();
  mode_ = LexMode::kSettings;
  open_.push_back({OpenBlock::Kind::kBranch, std::string(name), Loc(opener), Loc(brace)});
  RETURN_IF_ERROR(ParseStatements(&branch->body));
  open_.pop_back();
  return Status::OK();
}

// Boolean operators. Logstash (logstash-core/lib/logstash/compiler/lscl.rb, Condition#expr)
// reads `expr (op expr)*` and orders it with a shunting-yard where `and` (precedence 2) binds
// tighter than `or` (1), so `a or b and c` is `a or (b and c)`; we do the same, both
// left-associative. Two differences, on purpose:
//  - Its shunting-yard pops only one operator per step, so `a and b and c or d` becomes
//    `a and ((b and c) or d)` there; we use the conventional `((a and b) and c) or d`.
//  - `xor` and `nand` have no precedence there: mixing them with any other operator raises an
//    internal error. We reject that too, with a message asking for parentheses.
FileParser::ExprResult FileParser::ParseCondition() {
  std::vector<std::unique_ptr<Expr>> operands;
  std::vector<Token> ops;
  ASSIGN_OR_RETURN(std::unique_ptr<Expr> first, ParsePrimary());
  operands.push_back(std::move(first));
  while (Peek().kind == TokenKind::kWord && IsBooleanOperator(Peek().text)) {
    ops.push_back(Take());
    ASSIGN_OR_RETURN(std::unique_ptr<Expr> next, ParsePrimary());
    operands.push_back(std::move(next));
  }
  if (ops.size() > 1) {
    for (const Token& op : ops) {
      if (op.text == "xor" || op.text == "nand") {
        return Error(Loc(op),
                     fmt::format("'{}' cannot be combined with other boolean operators without "
                                 "parentheses",
                                 op.text),
                     fmt::format("group it, e.g. ([a] {} [b]) and [c] (Logstash rejects the "
                                 "ungrouped form too)",
                                 op.text));
      }
    }
  }
  std::vector<std::unique_ptr<Expr>> disjuncts;
  std::unique_ptr<Expr> current = std::move(operands[0]);
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].text == "or") {
      disjuncts.push_back(std::move(current));
      current = std::move(operands[i + 1]);
    } else {
      current =
          Binary(Expr::Kind::kLogical, ops[i].text, std::move(current), std::move(operands[i + 1]));
    }
  }
  disjuncts.push_back(std::move(current));
  std::unique_ptr<Expr> result = std::move(disjuncts[0]);
  for (size_t i = 1; i < disjuncts.size(); ++i) {
    result = Binary(Expr::Kind::kLogical, "or", std::move(result), std::move(disjuncts[i]));
  }
  return result;
}

FileParser::ExprResult FileParser::ParsePrimary() {
  if (Peek().kind == TokenKind::kLParen) {
    Token open = Take();
    ASSIGN_OR_RETURN(std::unique_ptr<Expr> inner, ParseCondition());
    RETURN_IF_ERROR(ExpectCloseParen(open));
    return inner;
  }
  if (Peek().kind == TokenKind::kBang) {
    // As in Logstash, `!` applies to a field reference or to a parenthesized condition.
    Token bang = Take();
    std::unique_ptr<Expr> inner;
    const Token& t = Peek();
    if (t.kind == TokenKind::kLParen) {
      Token open = Take();
      ASSIGN_OR_RETURN(inner, ParseCondition());
      RETURN_IF_ERROR(ExpectCloseParen(open));
    } else if (t.kind == TokenKind::kFieldRef) {
      ASSIGN_OR_RETURN(inner, ParseOperand());
      const Token& after = Peek();
      if (IsComparison(after.kind) || after.kind == TokenKind::kMatch ||
          after.kind == TokenKind::kNotMatch ||
          (after.kind == TokenKind::kWord && (after.text == "in" || after.text == "not"))) {
        return Error(Loc(bang), "'!' negates only the field right after it, not the comparison",
                     fmt::format("write !({} {} ...) to negate the whole comparison",
                                 BracketedField(inner->field), after.text));
      }
    } else if (t.kind == TokenKind::kWord && !IsBooleanOperator(t.text)) {
      return BareWordInCondition();
    } else {
      return Unexpected(t, "a [field] or '(' after '!'",
                        "'!' negates a field (![tags]) or a parenthesized condition "
                        "(!([a] == 1))");
    }
    auto e = NewExpr(Expr::Kind::kNot, Loc(bang));
    e->op = "!";
    e->children.push_back(std::move(inner));
    return e;
  }

  ASSIGN_OR_RETURN(std::unique_ptr<Expr> lhs, ParseOperand());
  const Token& op = Peek();
  if (IsComparison(op.kind)) {
    Token o = Take();
    ASSIGN_OR_RETURN(std::unique_ptr<Expr> rhs, ParseOperand());
    for (const Expr* side : {lhs.get(), rhs.get()}) {
      if (side->kind == Expr::Kind::kRegex) {
        return Error(side->location,
                     fmt::format("a regex cannot be compared with '{}'; use =~ or !~", o.text),
                     fmt::format("write: [field] =~ /{}/", side->regex));
      }
    }
    return Binary(Expr::Kind::kCompare, o.text, std::move(lhs), std::move(rhs));
  }
  if (op.kind == TokenKind::kMatch || op.kind == TokenKind::kNotMatch) {
    Token o = Take();
    if (lhs->kind == Expr::Kind::kRegex || lhs->kind == Expr::Kind::kList) {
      return Error(lhs->location,
                   fmt::format("the left side of '{}' must be a [field] or a string", o.text),
                   fmt::format("write: [message] {} /pattern/", o.text));
    }
    const Token& r = Peek();
    if (r.kind != TokenKind::kRegex && r.kind != TokenKind::kString) {
      return Unexpected(r, fmt::format("a /regex/ or a \"string\" after '{}'", o.text),
                        r.kind == TokenKind::kFieldRef
                            ? "the pattern must be written in the config; it cannot come from "
                              "a field"
                            : "");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Expr> rhs, ParseOperand());
    return Binary(Expr::Kind::kMatch, o.text, std::move(lhs), std::move(rhs));
  }
  if (op.kind == TokenKind::kWord && (op.text == "in" || op.text == "not")) {
    Token o = Take();
    std::string_view name = "in";
    if (o.text == "not") {
      const Token& in = Peek();
      if (in.kind != TokenKind::kWord || in.text != "in") {
        return Unexpected(in, "'in' after 'not'", "write: \"value\" not in [field]");
      }
      Take();
      name = "not in";
    }
    if (lhs->kind == Expr::Kind::kRegex || lhs->kind == Expr::Kind::kList) {
      return Error(lhs->location,
                   fmt::format("the left side of '{}' must be a [field] or a single value", name),
                   "write: [field] in [\"a\", \"b\"] or \"a\" in [tags]");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Expr> rhs, ParseOperand());
    if (rhs->kind == Expr::Kind::kRegex) {
      return Error(rhs->location, fmt::format("a regex cannot follow '{}'", name),
                   "to match a pattern write: [field] =~ /pattern/");
    }
    return Binary(Expr::Kind::kIn, name, std::move(lhs), std::move(rhs));
  }
  // A value alone: a field tests its truthiness, a literal is a constant.
  if (lhs->kind == Expr::Kind::kRegex) {
    return Error(lhs->location, "a regex alone is not a condition",
                 fmt::format("match it against a field: [message] =~ /{}/", lhs->regex));
  }
  if (lhs->kind == Expr::Kind::kList) {
    return Error(lhs->location, "a list alone is not a condition",
                 "use it with 'in': [field] in [\"a\", \"b\"]");
  }
  return lhs;
}

FileParser::ExprResult FileParser::ParseOperand() {
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kString: {
      Token s = Take();
      auto e = NewExpr(Expr::Kind::kLiteral, Loc(s));
      e->literal = Value(std::move(s.value));
      return e;
    }
    case TokenKind::kNumber: {
      Token n = Take();
      auto e = NewExpr(Expr::Kind::kLiteral, Loc(n));
      ASSIGN_OR_RETURN(e->literal, ParseNumber(n));
      return e;
    }
    case TokenKind::kFieldRef: {
      Token f = Take();
      Result<FieldRef> ref = FieldRef::Parse(f.text);
      if (!ref.ok()) return Error(Loc(f), ref.status().message());
      auto e = NewExpr(Expr::Kind::kField, Loc(f));
      e->field = std::move(ref).value();
      return e;
    }
    case TokenKind::kRegex: {
      Token r = Take();
      auto e = NewExpr(Expr::Kind::kRegex, Loc(r));
      e->regex = std::move(r.value);
      return e;
    }
    case TokenKind::kLBracket:
      return ParseList();
    case TokenKind::kWord:
      if (!IsBooleanOperator(t.text) && t.text != "in" && t.text != "not") {
        return BareWordInCondition();
      }
      [[fallthrough]];
    default:
      return Unexpected(t, "a [field], a \"string\", a number, a /regex/ or a [\"list\"]",
                        t.kind == TokenKind::kLBrace
                            ? "an 'if' needs a condition, e.g. if [type] == \"syslog\" {"
                            : "");
  }
}

FileParser::ExprResult FileParser::ParseList() {
  Token open = Take();
  auto list = NewExpr(Expr::Kind::kList, Loc(open));
  if (Peek().kind == TokenKind::kRBracket) {
    Take();
    return list;
  }
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kString || t.kind == TokenKind::kNumber) {
      ASSIGN_OR_RETURN(std::unique_ptr<Expr> item, ParseOperand());
      list->children.push_back(std::move(item));
    } else if (t.kind == TokenKind::kWord) {  // Logstash reads a bareword in a list as a string
      Token w = Take();
      auto item = NewExpr(Expr::Kind::kLiteral, Loc(w));
      item->literal = Value(w.text);
      list->children.push_back(std::move(item));
    } else {
      return Unexpected(t, "a \"string\" or a number in the list",
                        "a list holds constants: [\"a\", \"b\", 3]");
    }
    const Token& sep = Peek();
    if (sep.kind == TokenKind::kRBracket) {
      Take();
      return list;
    }
    if (sep.kind != TokenKind::kComma) {
      return Unexpected(sep, fmt::format("',' or ']' in the list opened at {}", Pos(Loc(open))),
                        "separate list items with ','");
    }
    Token comma = Take();
    if (Peek().kind == TokenKind::kRBracket) {
      return Error(Loc(comma), "trailing ',' before ']'",
                   "remove the ',' after the last item (Logstash rejects it too)");
    }
  }
}

Status FileParser::ExpectCloseParen(const Token& open) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kRParen) {
    Take();
    return Status::OK();
  }
  if (t.kind == TokenKind::kLBrace) {
    return Error(Loc(open), "this '(' is never closed",
                 fmt::format("add ')' before the '{{' at {}", Pos(Loc(t))));
  }
  return Unexpected(t, fmt::format("')' to close the '(' at {}", Pos(Loc(open))),
                    "or one of: and, or, xor, nand");
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

Status FileParser::Error(const SourceLocation& at, std::string_view message, std::string hint) {
  if (runaway_string_ && Before(Loc(*runaway_string_), at)) {
    std::string note = fmt::format(
        "the string opened at {} runs on to line {} and swallows a 'name => ...' line; is its "
        "closing quote missing?",
        Pos(Loc(*runaway_string_)), runaway_string_->end_line);
    hint = hint.empty() ? note : hint + "\nhint: " + note;
  }
  return ConfigError(files_, at, message, hint);
}

Status FileParser::Unexpected(const Token& found, std::string_view expected, std::string hint) {
  switch (found.kind) {
    case TokenKind::kEnd:
      if (mode_ == LexMode::kCondition) {
        return Error(condition_opener_, "this condition runs to the end of the file without a '{'",
                     "a conditional is written: if [field] == \"value\" { ... }");
      }
      if (!open_.empty()) return Unclosed();
      break;
    case TokenKind::kUnterminatedString:
      return UnterminatedString(found);
    case TokenKind::kUnterminatedRegex:
      return Error(Loc(found), "unterminated regex: this '/' is not closed on its line",
                   "end the pattern with '/'; a '/' inside it is written \\/");
    case TokenKind::kInvalid:
      return InvalidCharacter(found, expected);
    default:
      break;
  }
  return Error(Loc(found), fmt::format("expected {}, found {}", expected, DescribeToken(found)),
               std::move(hint));
}

Status FileParser::Unclosed() {
  const OpenBlock& block = open_.back();
  bool array = block.kind == OpenBlock::Kind::kArray;
  std::string message = fmt::format("{} opened here is never closed: a '{}' is missing",
                                    DescribeBlock(block), array ? ']' : '}');
  std::string hint;
  if (misindent_ && Before(block.brace, misindent_->item)) {
    hint = fmt::format(
        "is a '}}' missing before line {}? '{}' at {} is indented like '{}' at {}, not like the "
        "lines inside it",
        misindent_->item.line, misindent_->item_name, Pos(misindent_->item), misindent_->block_name,
        Pos(misindent_->block_opener));
  } else {
    hint = fmt::format("add the missing '{}'", array ? ']' : '}');
  }
  if (open_.size() > 1) hint += "; still open at the end of the file: " + OpenBlocksList();
  return Error(block.brace, message, hint);
}

Status FileParser::UnterminatedString(const Token& t) {
  char quote = t.text.empty() ? '"' : t.text[0];
  return Error(Loc(t), "unterminated string: this quote is never closed",
               fmt::format("end the string with {0}; a {0} inside it is written \\{0}", quote));
}

Status FileParser::InvalidCharacter(const Token& t, std::string_view expected) {
  if (t.text == "&&" || t.text == "||") {
    return Error(Loc(t), fmt::format("'{}' is not an operator in Logstash conditions", t.text),
                 fmt::format("write '{}'", t.text == "&&" ? "and" : "or"));
  }
  // U+2018/2019/201C/201D, which word processors and blogs put in place of ' and ".
  if (t.text == "\u201C" || t.text == "\u201D" || t.text == "\u2018" || t.text == "\u2019") {
    return Error(Loc(t), fmt::format("typographic quote {} cannot start a string", t.text),
                 "use plain ASCII quotes (\" or '); copying from a web page often brings these in");
  }
  if (mode_ == LexMode::kSettings && (t.text == "/" || t.text == "." || t.text == "~")) {
    return UnquotedValue(t.offset, Loc(t));
  }
  return Error(Loc(t), fmt::format("unexpected character '{}' (expected {})", t.text, expected));
}

Status FileParser::UnquotedValue(size_t offset, const SourceLocation& at) {
  size_t end = offset;
  while (end < file_.text.size() &&
         std::string_view(" \t\r\n,]}#").find(file_.text[end]) == std::string_view::npos) {
    ++end;
  }
  std::string_view text = std::string_view(file_.text).substr(offset, end - offset);
  return Error(at, fmt::format("the value {} must be quoted", text),
               fmt::format("write \"{}\"", text));
}

Status FileParser::UnknownSection(const Token& word) {
  if (std::optional<std::string_view> near = ClosestSectionName(word.text)) {
    return Error(Loc(word), fmt::format("unknown section '{}'", word.text),
                 fmt::format("did you mean '{}'? Sections are input, filter and output", *near));
  }
  if (last_section_) {
    return Error(
        Loc(word), fmt::format("'{}' is outside any section", word.text),
        fmt::format("the '{}' section opened at {} was closed by the '}}' at {}; is that "
                    "'}}' one too many?",
                    last_section_->name, Pos(last_section_->opener), Pos(last_section_->close)));
  }
  return Error(Loc(word), fmt::format("unknown section '{}'", word.text),
               fmt::format("a config is made of input {{ }}, filter {{ }} and output {{ }} "
                           "sections; plugins such as '{}' go inside them",
                           word.text));
}

Status FileParser::StrayBrace(const Token& brace) {
  std::string hint = "remove it";
  if (last_section_) {
    hint = fmt::format(
        "the '{}' section opened at {} was already closed at {}; remove this '}}' or look for "
        "one too many above",
        last_section_->name, Pos(last_section_->opener), Pos(last_section_->close));
  }
  return Error(Loc(brace), "unexpected '}': no block is open here", hint);
}

Status FileParser::NestedSection(const Token& keyword) {
  const OpenBlock& section = open_.front();
  return Error(Loc(keyword),
               fmt::format("'{}' section starts inside '{}' opened at {} — is a '}}' missing "
                           "before line {}?",
                           keyword.text, section.name, Pos(section.opener),
                           LikelyMissingBraceLine(section, Loc(keyword))),
               fmt::format("sections cannot be nested; still open here: {}", OpenBlocksList()));
}

Status FileParser::NestedInBlock(const Token& word) {
  const OpenBlock& block = open_.back();
  std::string hint;
  if (block.kind == OpenBlock::Kind::kHash) {
    hint = "a hash holds only \"key\" => value entries";
  } else if (word.text == "if" || word.text == "else") {
    hint =
        fmt::format("conditionals go between plugins, not among the settings of '{}'", block.name);
  } else {
    hint = fmt::format(
        "a plugin's braces hold only settings (name => value); close '{}' with "
        "'}}' first",
        block.name);
  }
  return Error(Loc(word),
               fmt::format("'{}' starts inside {} opened at {} — is a '}}' missing before line "
                           "{}?",
                           word.text, DescribeBlock(block), Pos(block.opener),
                           LikelyMissingBraceLine(block, Loc(word))),
               hint);
}

Status FileParser::BareWordInCondition() {
  Token word = Take();
  if (Peek().kind == TokenKind::kLParen) {
    return Error(
        Loc(word),
        fmt::format("function calls such as '{}(...)' are not supported in conditions", word.text),
        "compute the value into a field with a filter first, then test that [field]");
  }
  return Error(
      Loc(word),
      fmt::format("bare word '{}' in a condition: fields are written in brackets", word.text),
      fmt::format("write [{0}] for the field, or \"{0}\" for the text", word.text));
}

Status FileParser::ConditionEnd(const Token& found) {
  if (found.kind == TokenKind::kAssign) {
    return Error(Loc(found), "'=' is not a comparison", "write '==' to compare");
  }
  if (found.kind == TokenKind::kWord) {
    std::string lower(found.text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (IsBooleanOperator(lower) || lower == "in" || lower == "not") {
      return Error(Loc(found), fmt::format("unknown operator '{}'", found.text),
                   fmt::format("operators are lowercase: write '{}'", lower));
    }
  }
  return Unexpected(found, "'{' or one of and, or, xor, nand after the condition");
}

void FileParser::NoteItem(const Token& t) {
  if (open_.empty()) return;
  OpenBlock& block = open_.back();
  if (block.kind == OpenBlock::Kind::kHash || block.kind == OpenBlock::Kind::kArray) return;
  if (t.line == block.brace.line) return;  // `grok { match => ... }` on one line says nothing
  if (block.content_column == 0) {
    block.content_column = t.column;
    return;
  }
  if (!misindent_ && t.column < block.content_column && t.column <= block.opener.column) {
    misindent_ = Misindent{Loc(t), std::string(t.text), block.opener, block.name};
  }
}

int FileParser::LikelyMissingBraceLine(const OpenBlock& block, const SourceLocation& at) const {
  if (misindent_ && Before(block.brace, misindent_->item) && !Before(at, misindent_->item)) {
    return misindent_->item.line;
  }
  return at.line;
}

std::string FileParser::OpenBlocksList() const {
  std::string out;
  for (const OpenBlock& b : open_) {
    if (!out.empty()) out += ", ";
    if (b.kind == OpenBlock::Kind::kHash || b.kind == OpenBlock::Kind::kArray) {
      out += fmt::format("{} ({})", b.kind == OpenBlock::Kind::kHash ? "a hash" : "an array",
                         Pos(b.brace));
    } else {
      out += fmt::format("'{}' ({})", b.name, Pos(b.opener));
    }
  }
  return out;
}

}  // namespace

Result<PipelineAst> ParsePipeline(std::vector<SourceFile> files) {
  PipelineAst ast;
  for (const SourceFile& file : files) {
    FileParser parser(files, file);
    RETURN_IF_ERROR(parser.Parse(&ast.sections));
  }
  ast.files = std::move(files);
  return ast;
}

}  // namespace perimeter::config
