#include "store/message_template.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <numeric>

#include "core/short_bytes.h"
#include "store/int_encoding.h"
#include "store/part_format.h"
#include "store/text_forms.h"

namespace perimeter::store {

namespace {

constexpr std::array<bool, 256> MakeDelimiters() {
  std::array<bool, 256> d{};
  for (unsigned char c : std::string_view(" \t\r\n=,;[](){}<>\"'")) d[c] = true;
  return d;
}
constexpr std::array<bool, 256> kDelimiters = MakeDelimiters();

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A template used this many times (and again at each doubling) gets a specialized copy with
// its unchanging numbers frozen; a copy that failed this many lines stops being preferred.
constexpr uint64_t kSpecializeAfterRows = 256;
constexpr uint32_t kSpecializedMisses = 16;

// Bounds read from a dictionary frame: damage must not size allocations.
constexpr uint64_t kMaxTemplates = 1u << 24;

}  // namespace

bool IsTemplateDelimiter(unsigned char c) { return kDelimiters[c]; }

std::vector<std::string> NumberContexts(std::string_view text) {
  std::vector<std::string> names;
  std::vector<std::pair<std::string, uint32_t>> seen;  // context -> occurrences so far
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != kTemplateEscape) {
      literal.push_back(text[i++]);
      continue;
    }
    if (i + 1 >= text.size()) break;
    char kind = text[i + 1];
    i += 2;
    if (kind == kTemplateLiteralNul) {
      literal.push_back('\0');
      continue;
    }
    if (kind == kTemplateColumn) {
      uint64_t col;
      const char* next = DecodeVarint(text.data() + i, text.data() + text.size(), &col);
      if (next == nullptr) break;
      i = static_cast<size_t>(next - text.data());
      literal.clear();
      continue;
    }
    std::string ctx = literal.size() > kNumberContextBytes
                          ? literal.substr(literal.size() - kNumberContextBytes)
                          : literal;
    uint32_t occurrence = 0;
    auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& p) { return p.first == ctx; });
    if (it == seen.end()) {
      seen.emplace_back(ctx, 1);
    } else {
      occurrence = it->second++;
    }
    std::string name = ctx;
    name.push_back('\0');
    PutVarint(&name, occurrence);
    names.push_back(std::move(name));
    literal.clear();
  }
  return names;
}

bool TemplateEncoder::AppendLiteral(std::string_view tok) {
  bool digits_seen = false;
  size_t i = 0;
  while (i < tok.size()) {
    size_t j = i;
    while (j < tok.size() && !IsDigit(tok[j]) && tok[j] != kTemplateEscape) ++j;
    text_.append(tok.data() + i, j - i);
    i = j;
    if (i == tok.size()) break;
    if (tok[i] == kTemplateEscape) {
      text_.push_back(kTemplateEscape);
      text_.push_back(kTemplateLiteralNul);
      ++i;
      continue;
    }
    digits_seen = true;
    size_t run = i;
    while (run < tok.size() && IsDigit(tok[run])) ++run;
    while (i < run) {
      size_t chunk = std::min(run - i, kMaxSlotDigits);
      std::string_view digits = tok.substr(i, chunk);
      size_t lz = 0;
      while (lz + 1 < digits.size() && digits[lz] == '0') ++lz;
      int64_t v = 0;
      for (size_t k = lz; k < digits.size(); ++k) v = v * 10 + (digits[k] - '0');
      numbers_.emplace_back(v, static_cast<int64_t>(lz));
      text_.push_back(kTemplateEscape);
      text_.push_back(kTemplateNumber);
      i += chunk;
    }
  }
  return digits_seen;
}

void TemplateEncoder::AddToFilter(std::string_view tok) {
  // Only tokens that can hold an indexed token (a letter, a byte >= 0x80, or the three dots
  // of an IPv4 address), and each distinct one once.
  int dots = 0;
  bool candidate = false;
  for (char c : tok) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
      candidate = true;
      break;
    }
    dots += c == '.';
  }
  if (!candidate && dots < 3) return;
  uint64_t h = XXH3_64bits(tok.data(), tok.size());
  bool inserted;
  filtered_tokens_.FindOrInsert(
      h, [&](uint32_t code) { return filtered_hashes_[code] == h; }, &inserted);
  if (!inserted) return;
  filtered_hashes_.push_back(h);
  filter_->AddText(tok);
}

void TemplateEncoder::AddFull(std::string_view message, std::span<const FieldText> fields) {
  text_.clear();
  numbers_.clear();
  plain_literals_.clear();
  if (++generation_ == 0) {
    for (TableSlot& s : table_) s.generation = 0;
    generation_ = 1;
  }
  constexpr size_t kTableSlots = sizeof(table_) / sizeof(table_[0]);
  constexpr size_t kMask = kTableSlots - 1;
  uint64_t length_mask = 0;
  for (uint32_t f = 0; f < fields.size(); ++f) {
    size_t len = fields[f].text.size();
    if (len < kMinReferenceBytes || len > kMaxReferenceBytes) continue;
    size_t h = static_cast<size_t>(fields[f].hash) & kMask;
    for (size_t probe = 0; probe < kTableSlots; ++probe, h = (h + 1) & kMask) {
      TableSlot& s = table_[h];
      if (s.generation != generation_) {
        s = TableSlot{fields[f].hash, f, generation_};
        length_mask |= 1ull << len;
        break;
      }
      if (s.hash == fields[f].hash && fields[s.field].text == fields[f].text) break;  // first wins
    }
  }

  size_t i = 0, n = message.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(message[i]);
    if (kDelimiters[c]) {
      text_.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < n && !kDelimiters[static_cast<unsigned char>(message[j])]) ++j;
    std::string_view tok = message.substr(i, j - i);
    bool referenced = false;
    if (tok.size() <= kMaxReferenceBytes && (length_mask >> tok.size()) & 1) {
      uint64_t hash = XXH3_64bits(tok.data(), tok.size());
      size_t h = static_cast<size_t>(hash) & kMask;
      for (size_t probe = 0; probe < kTableSlots; ++probe, h = (h + 1) & kMask) {
        const TableSlot& s = table_[h];
        if (s.generation != generation_) break;
        if (s.hash == hash && fields[s.field].text == tok) {
          uint32_t col = fields[s.field].column;
          text_.push_back(kTemplateEscape);
          text_.push_back(kTemplateColumn);
          PutVarint(&text_, col);
          if (col >= references_.size()) references_.resize(col + 1, 0);
          ++references_[col];
          referenced = true;
          break;
        }
      }
    }
    if (!referenced) {
      bool had_digits = AppendLiteral(tok);
      // A literal token without digits is part of the template text: filtered once per template
      // below. One with digits varies with its numbers: filtered per distinct text.
      if (filter_ != nullptr) {
        if (had_digits) {
          AddToFilter(tok);
        } else {
          plain_literals_.push_back(tok);
        }
      }
    }
    i = j;
  }

  bool inserted;
  uint32_t code = Insert(text_, &inserted);
  if (inserted && filter_ != nullptr) {
    for (std::string_view tok : plain_literals_) filter_->AddText(tok);
  }
  Record(code, message, false);
}

uint32_t TemplateEncoder::Insert(const std::string& text, bool* inserted) {
  uint64_t hash = XXH3_64bits(text.data(), text.size());
  uint32_t code = index_.FindOrInsert(
      hash, [&](uint32_t c) { return templates_[c].text == text; }, inserted);
  if (!*inserted) return code;
  Template& t = templates_.emplace_back();
  t.text = text;
  t.next_specialize_at = kSpecializeAfterRows;
  for (const std::string& name : NumberContexts(t.text)) {
    uint64_t nh = XXH3_64bits(name.data(), name.size());
    bool new_stream;
    uint32_t sid = stream_index_.FindOrInsert(
        nh, [&](uint32_t k) { return stream_names_[k] == name; }, &new_stream);
    if (new_stream) {
      stream_names_.push_back(name);
      streams_.emplace_back();
    }
    t.slot_streams.push_back(sid);
  }
  Compile(&t);
  return code;
}

void TemplateEncoder::Specialize(uint32_t code) {
  std::string text;
  std::string literal_run;  // literal text of the new template between slots, for the filter
  std::vector<std::string> runs;
  const std::string& from = templates_[code].text;
  size_t slot = 0, i = 0;
  bool froze = false;
  while (i < from.size()) {
    if (from[i] != kTemplateEscape) {
      literal_run.push_back(from[i]);
      text.push_back(from[i++]);
      continue;
    }
    char kind = from[i + 1];
    if (kind == kTemplateNumber) {
      const Stream& st = streams_[templates_[code].slot_streams[slot++]];
      if (st.constant && !st.values.empty()) {
        std::string digits(static_cast<size_t>(st.leading_zeros.front()), '0');
        AppendDecimal(st.values.front(), &digits);
        text += digits;
        literal_run += digits;
        froze = true;
        i += 2;
        continue;
      }
    }
    size_t len = 2;
    if (kind == kTemplateColumn) {
      uint64_t col;
      const char* next = DecodeVarint(from.data() + i + 2, from.data() + from.size(), &col);
      len = static_cast<size_t>(next - (from.data() + i));
    }
    if (kind != kTemplateLiteralNul) {
      runs.push_back(std::move(literal_run));
      literal_run.clear();
    }
    text.append(from, i, len);
    i += len;
  }
  runs.push_back(std::move(literal_run));
  if (!froze) return;
  bool inserted;
  uint32_t s = Insert(text, &inserted);
  templates_[code].specialized = static_cast<int32_t>(s);
  templates_[code].specialized_misses = 0;
  if (inserted && filter_ != nullptr) {
    // Tokens that now hold frozen digits are literal in the new template.
    for (const std::string& run : runs) filter_->AddText(run);
  }
}

void TemplateEncoder::Compile(Template* t) const {
  const std::string& text = t->text;
  std::string lit;
  auto flush_literal = [&] {
    if (lit.empty()) return;
    t->ops.push_back({MatchOp::kLiteral, static_cast<uint32_t>(t->literals.size()),
                      static_cast<uint32_t>(lit.size())});
    t->literals += lit;
    lit.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != kTemplateEscape) {
      lit.push_back(text[i++]);
      continue;
    }
    char kind = text[i + 1];
    i += 2;
    if (kind == kTemplateLiteralNul) {
      lit.push_back('\0');
      continue;
    }
    flush_literal();
    if (kind == kTemplateNumber) {
      t->ops.push_back({MatchOp::kNumber, 0, 0});
    } else {
      uint64_t col = 0;
      const char* next = DecodeVarint(text.data() + i, text.data() + text.size(), &col);
      i = static_cast<size_t>(next - text.data());
      t->ops.push_back({MatchOp::kColumn, static_cast<uint32_t>(col), 0});
      t->columns.push_back(static_cast<uint32_t>(col));
    }
  }
  flush_literal();
  // Walk the template as a sequence of token characters, delimiters, numbers and columns, and
  // note the tokens that hold a number and a letter, a high byte or a dot.
  bool in_token = false, number = false, wanted = false;
  OpOffset start{0, 0};
  auto end_token = [&](OpOffset end) {
    if (in_token && number && wanted) t->filter_spans.emplace_back(start, end);
    in_token = number = wanted = false;
  };
  for (uint32_t k = 0; k < t->ops.size(); ++k) {
    const MatchOp& op = t->ops[k];
    if (op.kind == MatchOp::kColumn) {
      end_token({k, 0});
      continue;
    }
    if (op.kind == MatchOp::kNumber) {
      if (!in_token) start = {k, 0};
      in_token = number = true;
      continue;
    }
    for (uint32_t j = 0; j < op.b; ++j) {
      char c = t->literals[op.a + j];
      if (kDelimiters[static_cast<unsigned char>(c)]) {
        end_token({k, j});
        continue;
      }
      if (!in_token) start = {k, j};
      in_token = true;
      unsigned char u = static_cast<unsigned char>(c);
      if (u >= 0x80 || c == '.' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) wanted = true;
    }
  }
  end_token({static_cast<uint32_t>(t->ops.size()), 0});
}

namespace {
// How many bytes of [p, p+n) equal `a` and how many equal `b`, eight at a time in one pass.
inline void CountBytes(const char* p, size_t n, uint8_t a, uint8_t b, uint32_t* count_a,
                       uint32_t* count_b) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
  // 1 in each byte of `w` equal to the byte of `pattern`, else 0.
  auto equal_bytes = [](uint64_t w, uint64_t pattern) {
    uint64_t x = w ^ pattern;                      // zero bytes where equal
    uint64_t nonzero = ((x & kLow7) + kLow7) | x;  // high bit set in each non-zero byte
    return (~nonzero & ~kLow7) >> 7;
  };
  // The sum of the eight bytes of `v` (each at most 255): pairs into 16-bit lanes, then those
  // summed by a multiply (no popcnt instruction is assumed).
  auto sum_bytes = [](uint64_t v) {
    constexpr uint64_t kEvenBytes = 0x00ff00ff00ff00ffull;
    uint64_t pairs = (v & kEvenBytes) + ((v >> 8) & kEvenBytes);
    return static_cast<uint32_t>((pairs * 0x0001000100010001ull) >> 48);
  };
  const uint64_t pattern_a = kOnes * a, pattern_b = kOnes * b;
  uint32_t total_a = 0, total_b = 0;
  size_t i = 0;
  while (i + 8 <= n) {
    // Per-byte tallies, summed before a byte can overflow.
    uint64_t tally_a = 0, tally_b = 0;
    for (size_t words = 0; words < 255 && i + 8 <= n; ++words, i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      tally_a += equal_bytes(w, pattern_a);
      tally_b += equal_bytes(w, pattern_b);
    }
    total_a += sum_bytes(tally_a);
    total_b += sum_bytes(tally_b);
  }
  for (; i < n; ++i) {
    total_a += static_cast<uint8_t>(p[i]) == a;
    total_b += static_cast<uint8_t>(p[i]) == b;
  }
  *count_a = total_a;
  *count_b = total_b;
}

}  // namespace

bool TemplateEncoder::Match(const Template& t, std::string_view m, RowFields& fields) {
  numbers_.clear();
  op_pos_.resize(t.ops.size() + 1);
  size_t pos = 0;
  const char* lits = t.literals.data();
  for (size_t k = 0; k < t.ops.size(); ++k) {
    const MatchOp& op = t.ops[k];
    op_pos_[k] = pos;
    switch (op.kind) {
      case MatchOp::kLiteral:
        if (m.size() - pos < op.b || !SameShortBytes(m.data() + pos, lits + op.a, op.b))
          return false;
        pos += op.b;
        break;
      case MatchOp::kNumber: {
        // One pass: leading zeros add nothing to the value.
        const char* digits = m.data() + pos;
        size_t limit = std::min(m.size() - pos, kMaxSlotDigits);
        size_t run = 0;
        int64_t v = 0;
        for (; run < limit && IsDigit(digits[run]); ++run) v = v * 10 + (digits[run] - '0');
        if (run == 0) return false;
        size_t lz = 0;
        while (lz + 1 < run && digits[lz] == '0') ++lz;
        numbers_.emplace_back(v, static_cast<int64_t>(lz));
        pos += run;
        break;
      }
      case MatchOp::kColumn: {
        std::string_view text;
        if (!fields.Text(op.a, &text) || m.size() - pos < text.size() ||
            !SameShortBytes(m.data() + pos, text.data(), text.size())) {
          return false;
        }
        pos += text.size();
        break;
      }
    }
  }
  op_pos_[t.ops.size()] = pos;
  // A digit run must end where its slot ends: "12" is not the "1" of a template.
  return pos == m.size() && numbers_.size() == t.slot_streams.size();
}

void TemplateEncoder::Record(uint32_t code, std::string_view message, bool matched) {
  Template& t = templates_[code];
  ++t.count;
  for (size_t k = 0; k < numbers_.size() && k < t.slot_streams.size(); ++k) {
    Stream& st = streams_[t.slot_streams[k]];
    if (st.constant && !st.values.empty() &&
        (st.values.front() != numbers_[k].first ||
         st.leading_zeros.front() != numbers_[k].second)) {
      st.constant = false;
    }
    st.values.push_back(numbers_[k].first);
    st.leading_zeros.push_back(numbers_[k].second);
  }
  codes_.push_back(code);
  if (matched) {
    for (uint32_t col : t.columns) {
      if (col >= references_.size()) references_.resize(col + 1, 0);
      ++references_[col];
    }
    if (filter_ != nullptr) {
      for (const auto& [first, last] : t.filter_spans) {
        size_t from = op_pos_[first.op] + first.offset;
        size_t to = op_pos_[last.op] + last.offset;
        AddToFilter(message.substr(from, to - from));
      }
    }
  }
  if (t.count == t.next_specialize_at) {
    t.next_specialize_at *= 2;
    Specialize(code);  // may grow templates_: `t` is not used below
  }
  int32_t preferred = templates_[code].specialized;
  // Remember it (its specialized copy when there is one) for lines of this shape, and as the
  // most recent.
  size_t mask = by_shape_.size() - 1;
  size_t slot = static_cast<size_t>(shape_ * 0x9E3779B97F4A7C15ull >> 40) & mask;
  while (by_shape_[slot].first != 0 && by_shape_[slot].first != shape_) slot = (slot + 1) & mask;
  if (by_shape_[slot].first == 0 && ++shapes_ * 2 > by_shape_.size()) {
    // Too many shapes (unstructured lines): start over rather than grow without bound.
    std::fill(by_shape_.begin(), by_shape_.end(), std::pair<uint64_t, uint32_t>{0, 0});
    shapes_ = 1;
    slot = static_cast<size_t>(shape_ * 0x9E3779B97F4A7C15ull >> 40) & mask;
  }
  by_shape_[slot] = {shape_, preferred >= 0 ? static_cast<uint32_t>(preferred) : code};
  size_t i = 0;
  while (i < recent_count_ && recent_[i] != code) ++i;
  if (i == recent_count_) {
    if (recent_count_ < kRecentTemplates) ++recent_count_;
    i = recent_count_ - 1;
  }
  for (; i > 0; --i) recent_[i] = recent_[i - 1];
  recent_[0] = code;
}

void TemplateEncoder::Add(std::string_view message, RowFields& fields) {
  // The shape: length bucket and counts of spaces and '='. Lines of one template mostly share
  // it, so it names the template to try first.
  uint32_t spaces, equals;
  CountBytes(message.data(), message.size(), ' ', '=', &spaces, &equals);
  shape_ = (static_cast<uint64_t>(spaces) << 32 | static_cast<uint64_t>(equals) << 8 |
            std::min<uint64_t>(message.size() / 64, 255)) +
           1;  // never 0
  if (by_shape_.empty()) by_shape_.assign(1024, {0, 0});
  size_t mask = by_shape_.size() - 1;
  size_t slot = static_cast<size_t>(shape_ * 0x9E3779B97F4A7C15ull >> 40) & mask;
  while (by_shape_[slot].first != 0 && by_shape_[slot].first != shape_) slot = (slot + 1) & mask;
  int64_t tried = -1;
  if (by_shape_[slot].first == shape_) {
    uint32_t code = by_shape_[slot].second;
    tried = code;
    if (Match(templates_[code], message, fields)) {
      Record(code, message, true);
      return;
    }
  }
  for (size_t i = 0; i < recent_count_; ++i) {
    uint32_t code = recent_[i];
    if (static_cast<int64_t>(code) == tried) continue;
    if (Match(templates_[code], message, fields)) {
      Template& t = templates_[code];
      // Its specialized copy was tried and failed: a frozen number changed (the hour). After a
      // few such lines, stop preferring the copy.
      if (tried >= 0 && t.specialized == tried && ++t.specialized_misses > kSpecializedMisses) {
        t.specialized = -1;
      }
      Record(code, message, true);
      return;
    }
  }
  AddFull(message, fields.All());
}

namespace {
class SpanRowFields final : public RowFields {
 public:
  explicit SpanRowFields(std::span<const FieldText> fields) : fields_(fields) {}
  bool Text(uint32_t column, std::string_view* text) override {
    for (const FieldText& f : fields_) {
      if (f.column == column) {
        *text = f.text;
        return true;
      }
    }
    return false;
  }
  std::span<const FieldText> All() override { return fields_; }

 private:
  std::span<const FieldText> fields_;
};
}  // namespace

void TemplateEncoder::Add(std::string_view message, std::span<const FieldText> fields) {
  SpanRowFields rf(fields);
  Add(message, rf);
}

void TemplateEncoder::Finish(std::string* dictionary, std::string* data) {
  size_t n = templates_.size();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return templates_[a].count > templates_[b].count;
  });
  std::vector<uint32_t> rank(n);
  for (uint32_t r = 0; r < n; ++r) rank[order[r]] = r;

  dictionary->clear();
  PutVarint(dictionary, n);
  for (uint32_t t : order) PutBytes(dictionary, templates_[t].text);
  for (uint32_t t : order) PutVarint(dictionary, templates_[t].count);

  if (n > 1) {
    size_t base = data->size();
    if (n <= kByteCodeMaxEntries) {
      data->resize(base + codes_.size());
      for (size_t i = 0; i < codes_.size(); ++i)
        (*data)[base + i] = static_cast<char>(rank[codes_[i]]);
    } else {
      data->resize(base + codes_.size() * kMaxVarintBytes);
      char* p = data->data() + base;
      for (uint32_t c : codes_) p = EncodeVarint(p, rank[c]);
      data->resize(static_cast<size_t>(p - data->data()));
    }
  }
  // Streams in the order the reader meets them: templates by rank, slots in order.
  std::vector<uint32_t> stream_order;
  std::vector<uint8_t> placed(streams_.size(), 0);
  for (uint32_t t : order) {
    for (uint32_t s : templates_[t].slot_streams) {
      if (!placed[s]) {
        placed[s] = 1;
        stream_order.push_back(s);
      }
    }
  }
  for (uint32_t s : stream_order) {
    EncodeInts(streams_[s].values, data);
    EncodeInts(streams_[s].leading_zeros, data);
  }
}

Status TemplateDecoder::Init(std::string_view dictionary) {
  ByteReader in(dictionary);
  uint64_t n = in.BoundedVarint(std::min<uint64_t>(kMaxTemplates, in.remaining()));
  texts_.clear();
  counts_.clear();
  templates_.clear();
  streams_ = 0;
  for (uint64_t i = 0; i < n && in.ok(); ++i) texts_.emplace_back(in.Bytes());
  for (uint64_t i = 0; i < n && in.ok(); ++i) counts_.push_back(in.Varint());
  if (!in.ok() || !in.empty()) return Status::Corruption("template dictionary is malformed");
  std::vector<std::string> names;  // stream names in first-seen order
  for (const std::string& text : texts_) {
    Parsed& p = templates_.emplace_back();
    std::vector<std::string> contexts = NumberContexts(text);
    size_t i = 0;
    while (i < text.size()) {
      if (text[i] != kTemplateEscape) {
        size_t j = i;
        while (j < text.size() && text[j] != kTemplateEscape) ++j;
        p.ops.push_back(
            {Op::kLiteral, static_cast<uint32_t>(p.literals.size()), static_cast<uint32_t>(j - i)});
        p.literals.append(text, i, j - i);
        i = j;
        continue;
      }
      if (i + 1 >= text.size()) return Status::Corruption("template ends inside an escape");
      char kind = text[i + 1];
      i += 2;
      if (kind == kTemplateLiteralNul) {
        p.ops.push_back({Op::kLiteral, static_cast<uint32_t>(p.literals.size()), 1});
        p.literals.push_back('\0');
      } else if (kind == kTemplateNumber) {
        if (p.slots >= contexts.size()) return Status::Corruption("template number contexts");
        const std::string& name = contexts[p.slots++];
        auto it = std::find(names.begin(), names.end(), name);
        uint32_t stream = static_cast<uint32_t>(it - names.begin());
        if (it == names.end()) names.push_back(name);
        p.ops.push_back({Op::kNumber, stream, 0});
      } else if (kind == kTemplateColumn) {
        uint64_t col;
        const char* next = DecodeVarint(text.data() + i, text.data() + text.size(), &col);
        if (next == nullptr || col > UINT32_MAX) return Status::Corruption("template column");
        i = static_cast<size_t>(next - text.data());
        p.ops.push_back({Op::kColumn, static_cast<uint32_t>(col), 0});
      } else {
        return Status::Corruption("template has an unknown escape");
      }
    }
  }
  streams_ = names.size();
  return Status::OK();
}

std::vector<uint32_t> TemplateDecoder::ReferencedColumns() const {
  std::vector<uint32_t> cols;
  for (const Parsed& p : templates_) {
    for (const Op& op : p.ops) {
      if (op.kind == Op::kColumn) cols.push_back(op.a);
    }
  }
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  return cols;
}

Status TemplateDecoder::Decode(ByteReader* in, std::span<const uint32_t> rows,
                               const ColumnText& column_text, std::vector<std::string>* out) const {
  size_t n = templates_.size();
  if (n == 0 && !rows.empty()) return Status::Corruption("template block without templates");
  std::vector<uint32_t> codes(rows.size(), 0);
  if (n > 1) {
    if (n <= kByteCodeMaxEntries) {
      std::string_view bytes = in->Raw(rows.size());
      if (!in->ok()) return Status::Corruption("template codes are truncated");
      for (size_t i = 0; i < rows.size(); ++i) codes[i] = static_cast<uint8_t>(bytes[i]);
    } else {
      for (uint32_t& c : codes) c = static_cast<uint32_t>(in->Varint());
    }
    for (uint32_t c : codes) {
      if (c >= n) return Status::Corruption("template code out of range");
    }
  }
  std::vector<size_t> per_stream(streams_, 0);
  for (uint32_t c : codes) {
    for (const Op& op : templates_[c].ops) {
      if (op.kind == Op::kNumber) ++per_stream[op.a];
    }
  }
  std::vector<std::vector<int64_t>> values(streams_), zeros(streams_);
  for (size_t s = 0; s < streams_; ++s) {
    values[s].resize(per_stream[s]);
    zeros[s].resize(per_stream[s]);
    RETURN_IF_ERROR(DecodeInts(in, per_stream[s], values[s].data()));
    RETURN_IF_ERROR(DecodeInts(in, per_stream[s], zeros[s].data()));
  }
  if (!in->ok()) return Status::Corruption("template block is truncated");

  std::vector<size_t> cursor(streams_, 0);
  out->clear();
  out->reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Parsed& p = templates_[codes[i]];
    std::string& s = out->emplace_back();
    for (const Op& op : p.ops) {
      switch (op.kind) {
        case Op::kLiteral:
          s.append(p.literals, op.a, op.b);
          break;
        case Op::kNumber: {
          size_t k = cursor[op.a]++;
          int64_t lz = zeros[op.a][k];
          if (lz < 0 || lz > static_cast<int64_t>(kMaxSlotDigits)) {
            return Status::Corruption("template number has bad leading zeros");
          }
          s.append(static_cast<size_t>(lz), '0');
          AppendDecimal(values[op.a][k], &s);
          break;
        }
        case Op::kColumn:
          if (!column_text(op.a, rows[i], &s)) {
            return Status::Corruption("template references column " + std::to_string(op.a) +
                                      " which has no value in row " + std::to_string(rows[i]));
          }
          break;
      }
    }
  }
  return Status::OK();
}

}  // namespace perimeter::store
