// RowFilter: a parsed query compiled for evaluation on columns. Per row group it first decides
// from metadata alone whether no row, every row or some rows can match (Prune: time-free block
// statistics, dictionaries of small blocks, token filters for text), then computes which rows
// match (Evaluate), deciding each predicate once per dictionary entry where the block has a
// dictionary. Its answers are EventMatcher's (event_matcher.h), which defines the meaning; groups
// whose columns cannot say it exactly (see group_data.h, ambiguous fields) are evaluated as
// events with the EventMatcher itself. Immutable after Compile; Prune/Evaluate are const and
// touch only the GroupData they are given.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "query/event_matcher.h"
#include "query/group_data.h"
#include "query/query_ast.h"

namespace perimeter::query {

enum class Verdict { kNone, kSome, kAll };

class RowFilter {
 public:
  // Parses and compiles; a syntax error says where ("column 14: expected ...").
  static Result<RowFilter> Compile(std::string_view query);
  static Result<RowFilter> Compile(const QueryNode& query);

  RowFilter(RowFilter&&) noexcept;
  RowFilter& operator=(RowFilter&&) noexcept;
  ~RowFilter();

  bool match_all() const;
  // The query's canonical text (fully parenthesized): equal for queries with equal meaning as
  // written, so cached filter results can be shared.
  const std::string& canonical() const { return canonical_; }
  const EventMatcher& matcher() const { return *matcher_; }
  // Fields the query reads (dotted; "message" for bare words).
  std::vector<std::string> fields() const;

  // From block metadata, dictionaries of small blocks and token filters; never decodes rows.
  Result<Verdict> Prune(GroupData& data) const;
  // Sets (*mask)[r] to 1 for matching rows of the group, 0 for the others.
  Status Evaluate(GroupData& data, std::vector<uint8_t>* mask) const;
  // For a filter of one clause on one field (clause_field()), in a group where every value
  // column of the field has a small dictionary (the ones Prune reads): the matching entries of
  // each, whose counts are the matching rows — counts without reading a row. False (nothing
  // filled) otherwise.
  Result<bool> MatchDictionaries(GroupData& data, std::vector<DictionaryMatch>* out) const;
  // The field of a filter that is one clause on one field; "" otherwise.
  const std::string& clause_field() const { return clause_field_; }

  struct Node;  // compiled query node (row_filter.cc)

 private:
  RowFilter();
  std::unique_ptr<QueryNode> owned_query_;
  std::string canonical_;
  std::string clause_field_;
  std::unique_ptr<Node> root_;
  std::optional<EventMatcher> matcher_;
};

}  // namespace perimeter::query
