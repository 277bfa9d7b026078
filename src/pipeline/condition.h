// Condition: the expression of an `if` / `else if`, compiled once for evaluation against events
// (field references resolved, regexes compiled with PCRE2 and JIT, constant parts folded).
// Immutable after Compile; Evaluate may run on many worker threads at once (each thread keeps
// its own PCRE2 match data).
#pragma once

#include <memory>
#include <vector>

#include "config/ast.h"
#include "core/event.h"
#include "core/status.h"

namespace perimeter {

// Semantics follow Logstash's compiled conditions (org.logstash.config.ir.compiler.
// EventCondition):
//  - a missing field is nil: `[a] == "x"` is false, `[a] != "x"` true, `[a] == [b]` is true
//    only when both are missing (or both equal);
//  - `[f]` alone tests truthiness: missing, null and false are false (0 and "" are true);
//  - `==` is Ruby equality (1 == 1.0, but "1" != 1); `< > <= >=` compare numbers with numbers,
//    strings with strings (bytewise), timestamps with timestamps, anything else is false;
//  - `=~` matches only strings (a number or array never matches), unanchored, with Ruby's
//    line-based ^ and $; `!~` is its negation, so it is true for a non-string;
//  - `x in [list literal]` compares text ("22" is in [22]); `x in [field]` is true when the
//    field is an array holding x, or a string containing x as a substring;
//  - "%{x}" in a condition is plain text: conditions do not interpolate.
class Condition {
 public:
  // Errors (an invalid regex, a construct the parser would not produce) are ConfigErrors at the
  // expression's location in `files`.
  static Result<Condition> Compile(const config::Expr& expr,
                                   const std::vector<config::SourceFile>& files);

  bool Evaluate(const Event& event) const;

  Condition(Condition&&) noexcept;
  Condition& operator=(Condition&&) noexcept;
  ~Condition();

  struct Node;  // defined in condition.cc

 private:
  explicit Condition(std::unique_ptr<Node> root);
  std::unique_ptr<Node> root_;
};

}  // namespace perimeter
