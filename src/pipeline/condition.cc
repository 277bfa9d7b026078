#include "pipeline/condition.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include <compare>
#include <string>
#include <string_view>

#include "config/diagnostic.h"

namespace perimeter {

namespace {

// JIT stack per worker thread: PCRE2's default 32 KiB fails on long subjects with nested
// repetition; 1 MiB covers any sane pattern and is paid once per thread, not per match.
constexpr size_t kJitStackStartBytes = 32 << 10;
constexpr size_t kJitStackMaxBytes = 1 << 20;

// Per-thread PCRE2 state. One ovector pair suffices: conditions only ask "does it match".
struct ThreadMatchState {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack* jit_stack =
      pcre2_jit_stack_create(kJitStackStartBytes, kJitStackMaxBytes, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  ThreadMatchState() {
    if (context != nullptr && jit_stack != nullptr) {
      pcre2_jit_stack_assign(context, nullptr, jit_stack);
    }
  }
  ~ThreadMatchState() {
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(jit_stack);
    pcre2_match_data_free(data);
  }
  ThreadMatchState(const ThreadMatchState&) = delete;
  ThreadMatchState& operator=(const ThreadMatchState&) = delete;
};

ThreadMatchState& MatchState() {
  thread_local ThreadMatchState state;
  return state;
}

// A compiled pattern; shared read-only between threads.
class Regex {
 public:
  // Ruby (whose regexes Logstash uses) always reads ^ and $ at line boundaries: MULTILINE.
  // Event text is UTF-8 but not validated, so invalid sequences must simply not match.
  static constexpr uint32_t kOptions = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_MULTILINE;

  explicit Regex(pcre2_code* code) : code_(code) {
    pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);  // without JIT, pcre2_match interprets
  }
  ~Regex() { pcre2_code_free(code_); }
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  bool Matches(std::string_view subject) const {
    ThreadMatchState& state = MatchState();
    int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                         state.data, state.context);
    // rc == 0 means "matched, ovector too small": still a match. Errors (a pattern exceeding
    // the JIT stack) count as no match, the only answer a condition can give.
    return rc >= 0;
  }

 private:
  pcre2_code* code_;
};

// One side of a comparison: an event field or a constant from the config.
struct Operand {
  bool is_field = false;
  FieldRef field;
  Value constant;
  // A [list] literal: `in` compares its items as text, as Logstash's FieldInConstantList.
  bool literal_list = false;
  std::vector<std::string> item_texts;

  const Value* Resolve(const Event& event) const { return is_field ? event.Get(field) : &constant; }
};

bool IsNil(const Value* v) { return v == nullptr || v->is_null(); }

bool Equal(const Value* a, const Value* b) {
  if (IsNil(a) || IsNil(b)) return IsNil(a) && IsNil(b);
  return *a == *b;
}

// Text of a scalar the way Logstash's toString gives it; `scratch` holds it when it is not a
// string already (thread-local, so no allocation once warmed up).
std::string_view TextOf(const Value& v, std::string* scratch) {
  if (v.is_string()) return v.as_string();
  scratch->clear();
  v.AppendText(scratch);
  return *scratch;
}

bool In(const Value* needle, const Operand& haystack_operand, const Value* haystack) {
  if (IsNil(needle) || IsNil(haystack)) return false;
  if (needle->is_array() || needle->is_object()) return false;
  if (haystack_operand.literal_list) {
    thread_local std::string scratch;
    std::string_view text = TextOf(*needle, &scratch);
    for (const std::string& item : haystack_operand.item_texts) {
      if (item == text) return true;
    }
    return false;
  }
  if (haystack->is_string()) {
    return needle->is_string() &&
           haystack->as_string().find(needle->as_string()) != std::string::npos;
  }
  if (haystack->is_array()) {
    for (const Value& item : haystack->as_array()) {
      if (item == *needle) return true;
    }
    return false;
  }
  return *needle == *haystack;
}

}  // namespace

struct Condition::Node {
  enum class Op {
    kConstant,
    kTruthy,
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kMatch,
    kNotMatch,
    kIn,
    kNotIn,
    kAnd,
    kOr,
    kXor,
    kNand,
    kNot,
  };
  Op op = Op::kConstant;
  bool constant = false;               // kConstant
  Operand lhs, rhs;                    // comparisons, matches, `in`; kTruthy uses lhs
  std::unique_ptr<const Regex> regex;  // kMatch, kNotMatch
  std::unique_ptr<Node> left, right;   // boolean operators; kNot uses left

  bool Evaluate(const Event& event) const;
  bool IsConstant() const {
    switch (op) {
      case Op::kConstant:
        return true;
      case Op::kTruthy:
      case Op::kMatch:
      case Op::kNotMatch:
        return !lhs.is_field;
      case Op::kAnd:
      case Op::kOr:
      case Op::kXor:
      case Op::kNand:
        return left->IsConstant() && right->IsConstant();
      case Op::kNot:
        return left->IsConstant();
      default:
        return !lhs.is_field && !rhs.is_field;
    }
  }
};

bool Condition::Node::Evaluate(const Event& event) const {
  switch (op) {
    case Op::kConstant:
      return constant;
    case Op::kTruthy: {
      const Value* v = lhs.Resolve(event);
      return v != nullptr && v->Truthy();
    }
    case Op::kEq:
      return Equal(lhs.Resolve(event), rhs.Resolve(event));
    case Op::kNe:
      return !Equal(lhs.Resolve(event), rhs.Resolve(event));
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: {
      const Value* a = lhs.Resolve(event);
      const Value* b = rhs.Resolve(event);
      if (IsNil(a) || IsNil(b)) return false;
      std::partial_ordering order = a->Compare(*b);
      if (order == std::partial_ordering::unordered) return false;
      if (op == Op::kLt) return std::is_lt(order);
      if (op == Op::kLe) return std::is_lteq(order);
      if (op == Op::kGt) return std::is_gt(order);
      return std::is_gteq(order);
    }
    case Op::kMatch:
    case Op::kNotMatch: {
      const Value* v = lhs.Resolve(event);
      bool matched = v != nullptr && v->is_string() && regex->Matches(v->as_string());
      return op == Op::kMatch ? matched : !matched;
    }
    case Op::kIn:
      return In(lhs.Resolve(event), rhs, rhs.Resolve(event));
    case Op::kNotIn:
      return !In(lhs.Resolve(event), rhs, rhs.Resolve(event));
    case Op::kAnd:
      return left->Evaluate(event) && right->Evaluate(event);
    case Op::kOr:
      return left->Evaluate(event) || right->Evaluate(event);
    case Op::kXor:
      return left->Evaluate(event) != right->Evaluate(event);
    case Op::kNand:
      return !(left->Evaluate(event) && right->Evaluate(event));
    case Op::kNot:
      return !left->Evaluate(event);
  }
  return false;
}

namespace {

using Node = Condition::Node;
using Kind = config::Expr::Kind;

class ConditionCompiler {
 public:
  explicit ConditionCompiler(const std::vector<config::SourceFile>& files) : files_(files) {}

  Result<std::unique_ptr<Node>> Compile(const config::Expr& e) {
    auto node = std::make_unique<Node>();
    switch (e.kind) {
      case Kind::kField:
        node->op = Node::Op::kTruthy;
        RETURN_IF_ERROR(CompileOperand(e, &node->lhs));
        break;
      case Kind::kLiteral:
        node->op = Node::Op::kConstant;
        node->constant = e.literal.Truthy();
        break;
      case Kind::kCompare:
        RETURN_IF_ERROR(ExpectChildren(e, 2));
        node->op = CompareOp(e.op);
        if (node->op == Node::Op::kConstant) return Unsupported(e, "comparison operator");
        RETURN_IF_ERROR(CompileOperand(*e.children[0], &node->lhs));
        RETURN_IF_ERROR(CompileOperand(*e.children[1], &node->rhs));
        break;
      case Kind::kMatch:
        RETURN_IF_ERROR(ExpectChildren(e, 2));
        if (e.op != "=~" && e.op != "!~") return Unsupported(e, "match operator");
        node->op = e.op == "=~" ? Node::Op::kMatch : Node::Op::kNotMatch;
        RETURN_IF_ERROR(CompileOperand(*e.children[0], &node->lhs));
        RETURN_IF_ERROR(CompileRegex(*e.children[1], &node->regex));
        break;
      case Kind::kIn:
        RETURN_IF_ERROR(ExpectChildren(e, 2));
        if (e.op != "in" && e.op != "not in") return Unsupported(e, "'in' operator");
        node->op = e.op == "in" ? Node::Op::kIn : Node::Op::kNotIn;
        RETURN_IF_ERROR(CompileOperand(*e.children[0], &node->lhs));
        RETURN_IF_ERROR(CompileOperand(*e.children[1], &node->rhs));
        break;
      case Kind::kLogical: {
        RETURN_IF_ERROR(ExpectChildren(e, 2));
        node->op = LogicalOp(e.op);
        if (node->op == Node::Op::kConstant) return Unsupported(e, "boolean operator");
        ASSIGN_OR_RETURN(node->left, Compile(*e.children[0]));
        ASSIGN_OR_RETURN(node->right, Compile(*e.children[1]));
        break;
      }
      case Kind::kNot: {
        RETURN_IF_ERROR(ExpectChildren(e, 1));
        node->op = Node::Op::kNot;
        ASSIGN_OR_RETURN(node->left, Compile(*e.children[0]));
        break;
      }
      case Kind::kList:
      case Kind::kRegex:
        return config::ConfigError(
            files_, e.location,
            fmt::format("a {} alone is not a condition", e.kind == Kind::kList ? "list" : "regex"),
            "use a list with 'in' and a regex with =~, e.g. [message] =~ /sshd/");
    }
    // A part that reads no field has the same answer for every event: decide it now.
    if (node->op != Node::Op::kConstant && node->IsConstant()) {
      bool value = node->Evaluate(Event());
      node = std::make_unique<Node>();
      node->constant = value;
    }
    return node;
  }

 private:
  static Node::Op CompareOp(std::string_view op) {
    if (op == "==") return Node::Op::kEq;
    if (op == "!=") return Node::Op::kNe;
    if (op == "<") return Node::Op::kLt;
    if (op == "<=") return Node::Op::kLe;
    if (op == ">") return Node::Op::kGt;
    if (op == ">=") return Node::Op::kGe;
    return Node::Op::kConstant;
  }

  static Node::Op LogicalOp(std::string_view op) {
    if (op == "and") return Node::Op::kAnd;
    if (op == "or") return Node::Op::kOr;
    if (op == "xor") return Node::Op::kXor;
    if (op == "nand") return Node::Op::kNand;
    return Node::Op::kConstant;
  }

  Status Unsupported(const config::Expr& e, std::string_view what) {
    return config::ConfigError(files_, e.location,
                               fmt::format("unsupported {} '{}' in a condition", what, e.op),
                               "this is a bug in the config parser; please report it");
  }

  Status ExpectChildren(const config::Expr& e, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (i >= e.children.size() || e.children[i] == nullptr) {
        return Unsupported(e, "incomplete expression");
      }
    }
    return Status::OK();
  }

  Status CompileOperand(const config::Expr& e, Operand* out) {
    switch (e.kind) {
      case Kind::kField:
        out->is_field = true;
        out->field = e.field;
        return Status::OK();
      case Kind::kLiteral:
        out->constant = e.literal;
        return Status::OK();
      case Kind::kList: {
        Array items;
        for (const auto& child : e.children) {
          if (child == nullptr || child->kind != Kind::kLiteral) {
            return config::ConfigError(files_, e.location,
                                       "a list in a condition may hold only constants",
                                       "write: [field] in [\"a\", \"b\", 3]");
          }
          items.push_back(child->literal);
          out->item_texts.push_back(child->literal.ToText());
        }
        out->constant = Value(std::move(items));
        out->literal_list = true;
        return Status::OK();
      }
      default:
        return config::ConfigError(files_, e.location, "expected a [field] or a constant here",
                                   "a regex goes only on the right of =~ or !~");
    }
  }

  Status CompileRegex(const config::Expr& e, std::unique_ptr<const Regex>* out) {
    std::string_view pattern;
    if (e.kind == Kind::kRegex) {
      pattern = e.regex;
    } else if (e.kind == Kind::kLiteral && e.literal.is_string()) {
      pattern = e.literal.as_string();  // Logstash compiles a string on the right as a regex
    } else {
      return config::ConfigError(files_, e.location, "expected a /regex/ or a \"string\" here");
    }
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     Regex::kOptions, &error, &offset, nullptr);
    if (code == nullptr) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(error, buf, sizeof(buf));
      config::SourceLocation at = e.location;
      // In a /regex/ the pattern is the source text itself, so the offset maps to a column.
      if (e.kind == Kind::kRegex) at.column += 1 + static_cast<int>(offset);
      return config::ConfigError(
          files_, at,
          fmt::format("invalid regular expression: {} (at offset {} of the pattern)",
                      reinterpret_cast<const char*>(buf), offset),
          "escape characters meant literally with a backslash, e.g. \\( \\[ \\. \\?");
    }
    *out = std::make_unique<const Regex>(code);
    return Status::OK();
  }

  const std::vector<config::SourceFile>& files_;
};

}  // namespace

Result<Condition> Condition::Compile(const config::Expr& expr,
                                     const std::vector<config::SourceFile>& files) {
  ConditionCompiler compiler(files);
  ASSIGN_OR_RETURN(std::unique_ptr<Node> root, compiler.Compile(expr));
  return Condition(std::move(root));
}

Condition::Condition(std::unique_ptr<Node> root) : root_(std::move(root)) {}
Condition::Condition(Condition&&) noexcept = default;
Condition& Condition::operator=(Condition&&) noexcept = default;
Condition::~Condition() = default;

bool Condition::Evaluate(const Event& event) const { return root_->Evaluate(event); }

}  // namespace perimeter
