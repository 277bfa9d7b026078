// Message templates (docs/storage.md "Message templates"): a raw log line stored as a template
// (its literal text, dictionary-coded) plus references to other columns of the same row and
// number slots kept as integer streams. A number's stream is named by its context — the literal
// text just before it and how often that text came earlier in the template — so the uptime or
// the time of day of consecutive lines lands in one stream even when their templates differ,
// and delta coding sees the real sequence. Rebuilds the exact line. An encoder or decoder
// belongs to one thread; one encoder per row group block.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/byte_coding.h"
#include "store/distinct_index.h"
#include "store/token_filter.h"

namespace perimeter::store {

// The text of another column of the row, which a message token may reference.
struct FieldText {
  uint32_t column;
  std::string_view text;
  uint64_t hash;  // XXH3 of text
};

// Texts shorter than this are not referenced: a one-character token ("0") matches unrelated
// fields by chance and would split one template into many.
constexpr size_t kMinReferenceBytes = 2;
// Longer texts are rarely whole tokens; the limit keeps the per-row length mask one word.
constexpr size_t kMaxReferenceBytes = 63;

// True for the bytes that end a token: whitespace and `=,;[](){}<>"'`.
bool IsTemplateDelimiter(unsigned char c);

// The stream names of a template's number slots, in slot order (see the header comment).
std::vector<std::string> NumberContexts(std::string_view template_text);
// Context bytes kept: enough to tell "ID=" from "SEQ=" and "kernel: [" from "] [".
constexpr size_t kNumberContextBytes = 12;

// The other columns of the row being encoded, as the encoder asks for them.
class RowFields {
 public:
  virtual ~RowFields() = default;
  // The text of `column` in this row (a string, or an int in decimal); false when absent.
  virtual bool Text(uint32_t column, std::string_view* text) = 0;
  // Every referenceable column text of the row; asked only for lines no recent template fits.
  virtual std::span<const FieldText> All() = 0;
};

class TemplateEncoder {
 public:
  // With a filter, the literal (unreferenced) tokens of every message go into it.
  explicit TemplateEncoder(TokenFilterBuilder* filter = nullptr) : filter_(filter) {}
  // Adds the next present row's message; `fields` are the row's referenceable column texts
  // (the first of equal texts wins).
  void Add(std::string_view message, RowFields& fields);
  void Add(std::string_view message, std::span<const FieldText> fields);
  size_t rows() const { return codes_.size(); }
  size_t template_count() const { return templates_.size(); }
  // How many tokens referenced `column` so far.
  uint64_t references(uint32_t column) const {
    return column < references_.size() ? references_[column] : 0;
  }
  // Writes the dictionary frame body (templates, counts) and appends the codes and number
  // streams to `data`.
  void Finish(std::string* dictionary, std::string* data);

 private:
  struct Stream {
    std::vector<int64_t> values;
    std::vector<int64_t> leading_zeros;
    bool constant = true;  // every value (and its leading zeros) so far the same
  };
  // A template compiled for matching lines against it directly.
  struct MatchOp {
    enum Kind : uint8_t { kLiteral, kNumber, kColumn } kind;
    uint32_t a;  // literal offset | column
    uint32_t b;  // literal length
  };
  // A place in a matched line: `offset` bytes after the start of op `op`.
  struct OpOffset {
    uint32_t op;
    uint32_t offset;
  };
  struct Template {
    std::string text;
    uint64_t count = 0;
    std::vector<uint32_t> slot_streams;
    std::string literals;
    std::vector<MatchOp> ops;
    std::vector<uint32_t> columns;  // of the kColumn ops, in order: counted per matched line
    // Literal tokens holding numbers that the token filter needs per line (they contain a
    // letter, a byte >= 0x80 or a dot): where each begins and ends.
    std::vector<std::pair<OpOffset, OpOffset>> filter_spans;
    // A copy with the numbers that never changed written as digits (MAC bytes, TOS=0x00):
    // lines match it with fewer steps. Tried first while it keeps fitting.
    int32_t specialized = -1;
    uint64_t next_specialize_at = 0;
    uint32_t specialized_misses = 0;
  };
  // Appends a literal token (digit runs become number slots); tells whether it had digits.
  bool AppendLiteral(std::string_view token);
  void AddToFilter(std::string_view token);
  void Compile(Template* t) const;
  // Matches `message` against template `t`, filling numbers_ and op_pos_.
  bool Match(const Template& t, std::string_view message, RowFields& fields);
  void Record(uint32_t code, std::string_view message, bool matched);
  // Inserts a template text (the code of an existing equal one otherwise).
  uint32_t Insert(const std::string& text, bool* inserted);
  void Specialize(uint32_t code);
  void AddFull(std::string_view message, std::span<const FieldText> fields);

  TokenFilterBuilder* filter_;
  std::vector<Template> templates_;
  DistinctIndex index_{256};
  std::vector<uint32_t> codes_;
  std::vector<Stream> streams_;
  std::vector<std::string> stream_names_;
  DistinctIndex stream_index_{64};
  DistinctIndex filtered_tokens_{1024};  // literal tokens already given to the filter
  std::vector<uint64_t> filtered_hashes_;
  std::vector<std::string_view> plain_literals_;  // this row's literal tokens without digits
  std::vector<uint64_t> references_;              // per column
  // Templates recently used, most recent first: most lines fit one of them.
  static constexpr size_t kRecentTemplates = 4;
  uint32_t recent_[kRecentTemplates];
  size_t recent_count_ = 0;
  std::vector<size_t> op_pos_;  // message offset where each op of the matched template began
  // The template last used for lines of each shape (a cheap signature of the line).
  std::vector<std::pair<uint64_t, uint32_t>> by_shape_;  // open addressing, 0 = empty
  size_t shapes_ = 0;                                    // entries in by_shape_
  uint64_t shape_ = 0;                                   // of the line being added
  // Per-row scratch.
  std::string text_;
  std::vector<std::pair<int64_t, int64_t>> numbers_;
  struct TableSlot {
    uint64_t hash;
    uint32_t field;
    uint32_t generation = 0;
  };
  TableSlot table_[128];  // ≥ 2× the referenceable columns of a row; overflow just misses
  uint32_t generation_ = 0;
};

// Reads a template block back.
class TemplateDecoder {
 public:
  // Parses the dictionary frame body.
  Status Init(std::string_view dictionary);
  size_t template_count() const { return templates_.size(); }
  const std::vector<std::string>& templates() const { return texts_; }
  const std::vector<uint64_t>& counts() const { return counts_; }
  // Columns the templates reference (to be decoded first).
  std::vector<uint32_t> ReferencedColumns() const;

  // Appends the text of `column` at `row`; false when it has none (damage).
  using ColumnText = std::function<bool(uint32_t column, size_t row, std::string* out)>;
  // Decodes the messages of the present rows `rows` (ascending row numbers), reading codes and
  // number streams from `in`, into `out` (one string per present row).
  Status Decode(ByteReader* in, std::span<const uint32_t> rows, const ColumnText& column_text,
                std::vector<std::string>* out) const;

 private:
  struct Op {
    enum Kind : uint8_t { kLiteral, kNumber, kColumn } kind;
    uint32_t a;  // literal offset | stream | column
    uint32_t b;  // literal length
  };
  struct Parsed {
    std::string literals;
    std::vector<Op> ops;
    size_t slots = 0;
  };
  std::vector<std::string> texts_;
  std::vector<uint64_t> counts_;
  std::vector<Parsed> templates_;
  size_t streams_ = 0;
};

}  // namespace perimeter::store
