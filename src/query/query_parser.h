// Parses the Lucene query-string syntax into a QueryNode tree. Stateless; thread-safe.
//
// Grammar (default operator OR, as Elasticsearch's query_string; AND binds tighter than OR):
//   query   := or
//   or      := and (("OR" | "||" | <implicit>) and)*
//   and     := unary (("AND" | "&&") unary)*
//   unary   := ("NOT" | "!" | "-" | "+") unary | primary
//   primary := "(" query ")" | field ":" value | field ":" "(" query-of-values ")" | value
//   value   := term | "phrase" | wildcard* | [a TO b] | {a TO b} | >=x | >x | <=x | <x
// `+term` is required and `-term` excluded, as in Lucene.
#pragma once

#include <memory>
#include <string_view>

#include "core/status.h"
#include "query/query_ast.h"

namespace perimeter::query {

// Errors say what was expected and give the 1-based column: "column 14: expected ')' to close
// the '(' at column 1".
Result<std::unique_ptr<QueryNode>> ParseQuery(std::string_view text);

}  // namespace perimeter::query
