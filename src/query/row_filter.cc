#include "query/row_filter.h"

#include <algorithm>
#include <charconv>
#include <compare>
#include <cstring>
#include <optional>

#include "core/text_tokens.h"
#include "query/query_parser.h"
#include "store/text_forms.h"
#include "store/token_filter.h"
#include "store/value_codec.h"

namespace perimeter::query {

namespace {

using store::BlockMeta;
using store::ColumnBlock;
using store::ColumnType;
using store::IpBytes;
using Kind = QueryNode::Kind;

// Dictionaries up to this size are read to prune a block before decoding any row (country
// codes, ports, protocols); larger ones (source addresses) are cheaper to decide with the rows.
constexpr size_t kPruneDictionaryEntries = 4096;

std::optional<double> ParseNumber(std::string_view s) {
  double d;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return d;
}

std::optional<int64_t> ParseTime(std::string_view s) {
  auto t = Timestamp::ParseIso8601(s);
  if (!t) return std::nullopt;
  return t->nanos();
}

bool CmpOk(std::partial_ordering c, const RangeBound& b, bool lower_side) {
  if (b.unbounded) return true;
  if (c == std::partial_ordering::unordered) return false;
  if (lower_side) return b.inclusive ? std::is_gteq(c) : std::is_gt(c);
  return b.inclusive ? std::is_lteq(c) : std::is_lt(c);
}

Verdict And(Verdict a, Verdict b) {
  if (a == Verdict::kNone || b == Verdict::kNone) return Verdict::kNone;
  if (a == Verdict::kAll && b == Verdict::kAll) return Verdict::kAll;
  return Verdict::kSome;
}

Verdict Or(Verdict a, Verdict b) {
  if (a == Verdict::kAll || b == Verdict::kAll) return Verdict::kAll;
  if (a == Verdict::kNone && b == Verdict::kNone) return Verdict::kNone;
  return Verdict::kSome;
}

bool AllZero(const std::vector<uint8_t>& m) { return std::find(m.begin(), m.end(), 1) == m.end(); }
bool AllOne(const std::vector<uint8_t>& m) { return std::find(m.begin(), m.end(), 0) == m.end(); }

void IpOf(const unsigned char b[16], IpBytes* ip) { std::memcpy(ip->bytes, b, 16); }

}  // namespace

struct RowFilter::Node {
  Kind kind = Kind::kMatchAll;
  std::vector<std::unique_ptr<Node>> children;

  // Leaves, prepared as EventMatcher prepares them.
  std::string field;  // dotted; "message" for bare words
  bool text_field = false;
  std::string text;
  RangeBound lower, upper;
  std::optional<double> number, lower_num, upper_num;
  std::optional<int64_t> time_term, time_lower, time_upper;
  std::optional<int64_t> decimal_term;  // text is a canonical decimal ("22")
  bool is_cidr = false, is_ip = false;
  Cidr cidr{};
  unsigned char ip[16] = {};
  IpBytes cidr_first, cidr_last;            // the CIDR's first and last address
  std::vector<std::string> tokens;          // text search
  std::vector<std::string> indexed_tokens;  // those a token filter can rule out
  // The clause alone, over an event holding one field: decides values the fast paths do not
  // (arrays, objects, wildcards on floats).
  std::optional<EventMatcher> probe;
  std::string probe_field;

  bool leaf() const {
    return kind != Kind::kAnd && kind != Kind::kOr && kind != Kind::kNot && kind != Kind::kMatchAll;
  }

  bool MatchProbe(const Value& v) const {
    Event e;
    e.SetTop(probe_field, v);
    return probe->Matches(e);
  }

  bool MatchText(std::string_view s) const {
    if (tokens.empty()) return kind == Kind::kWildcard && WildcardMatch(text, s);
    thread_local std::vector<std::string> have;
    thread_local std::string scratch;
    size_t n = 0;
    ForEachToken(s, &scratch, [&](std::string_view t) {
      if (n < have.size()) {
        have[n].assign(t);
      } else {
        have.emplace_back(t);
      }
      ++n;
    });
    if (kind == Kind::kWildcard) {
      for (size_t i = 0; i < n; ++i) {
        if (WildcardMatch(tokens[0], have[i])) return true;
      }
      return false;
    }
    for (size_t i = 0; i + tokens.size() <= n; ++i) {
      size_t k = 0;
      while (k < tokens.size() && have[i + k] == tokens[k]) ++k;
      if (k == tokens.size()) return true;
    }
    return false;
  }

  // A string cell; `ip` is its address when the block stores it as one.
  bool MatchString(std::string_view s, const IpBytes* ip_form) const {
    switch (kind) {
      case Kind::kTerm:
      case Kind::kPhrase: {
        if (text_field) return MatchText(s);
        if (is_cidr || is_ip) {
          unsigned char addr[16];
          const unsigned char* a = nullptr;
          if (ip_form != nullptr) {
            a = ip_form->bytes;
          } else if (ParseIpAddress(s, addr)) {
            a = addr;
          }
          if (a != nullptr) return is_cidr ? cidr.Contains(a) : std::memcmp(a, ip, 16) == 0;
        }
        return s == text;
      }
      case Kind::kWildcard:
        if (text_field) return MatchText(s);
        return WildcardMatch(text, s);
      case Kind::kRange: {
        auto lo =
            lower.unbounded ? std::partial_ordering::equivalent : s.compare(lower.value) <=> 0;
        auto hi =
            upper.unbounded ? std::partial_ordering::equivalent : s.compare(upper.value) <=> 0;
        return CmpOk(lo, lower, true) && CmpOk(hi, upper, false);
      }
      default:
        return false;
    }
  }

  bool MatchNumber(double v) const {
    switch (kind) {
      case Kind::kTerm:
      case Kind::kPhrase:
        return number && v == *number;
      case Kind::kRange: {
        auto lo = lower.unbounded ? std::partial_ordering::equivalent
                  : lower_num     ? v <=> *lower_num
                                  : std::partial_ordering::unordered;
        auto hi = upper.unbounded ? std::partial_ordering::equivalent
                  : upper_num     ? v <=> *upper_num
                                  : std::partial_ordering::unordered;
        return CmpOk(lo, lower, true) && CmpOk(hi, upper, false);
      }
      default:
        return false;
    }
  }

  bool MatchInt(int64_t v, ColumnType type) const {
    switch (type) {
      case ColumnType::kInt:
        if (kind == Kind::kWildcard) {
          char buf[24];
          auto r = std::to_chars(buf, buf + sizeof buf, v);
          return WildcardMatch(text, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
        }
        return MatchNumber(static_cast<double>(v));
      case ColumnType::kTimestamp:
        if (kind == Kind::kTerm || kind == Kind::kPhrase) return time_term && v == *time_term;
        if (kind == Kind::kRange) {
          auto bound = [&](const RangeBound& b, const std::optional<int64_t>& t) {
            if (b.unbounded) return std::partial_ordering::equivalent;
            if (!t) return std::partial_ordering::unordered;
            return static_cast<std::partial_ordering>(v <=> *t);
          };
          return CmpOk(bound(lower, time_lower), lower, true) &&
                 CmpOk(bound(upper, time_upper), upper, false);
        }
        return false;
      case ColumnType::kBool:
        if (kind == Kind::kTerm || kind == Kind::kPhrase)
          return text == (v != 0 ? "true" : "false");
        return false;
      default:
        return false;
    }
  }

  bool MatchFloat(double v) const {
    if (kind == Kind::kWildcard) return MatchProbe(Value(v));
    return MatchNumber(v);
  }

  bool MatchValue(const Value& v) const {
    switch (v.type()) {
      case Value::Type::kNull:
        return false;
      case Value::Type::kBool:
        return MatchInt(v.as_bool() ? 1 : 0, ColumnType::kBool);
      case Value::Type::kInt:
        return MatchInt(v.as_int(), ColumnType::kInt);
      case Value::Type::kFloat:
        return MatchFloat(v.as_float());
      case Value::Type::kString:
        return MatchString(v.as_string(), nullptr);
      case Value::Type::kTimestamp:
        return MatchInt(v.as_timestamp().nanos(), ColumnType::kTimestamp);
      default:
        return MatchProbe(v);
    }
  }

  // What block metadata alone says about one column of the field in a group.
  Verdict ColumnVerdict(GroupData& data, size_t c) const {
    const BlockMeta* m = data.block_meta(c);
    if (m == nullptr) return Verdict::kNone;
    ColumnType type = data.part().column(c).key.type;
    if (type == ColumnType::kNull) return Verdict::kNone;
    bool every_row = m->present == data.rows();
    bool exact = kind == Kind::kTerm || kind == Kind::kPhrase;
    if (kind == Kind::kWildcard && (type == ColumnType::kTimestamp || type == ColumnType::kBool)) {
      return Verdict::kNone;
    }
    if (m->has_int_range &&
        (type == ColumnType::kInt || type == ColumnType::kTimestamp || type == ColumnType::kBool)) {
      double lo = static_cast<double>(m->min_int), hi = static_cast<double>(m->max_int);
      if (type == ColumnType::kTimestamp) {
        if (exact) {
          if (!time_term || *time_term < m->min_int || *time_term > m->max_int)
            return Verdict::kNone;
        } else if (kind == Kind::kRange) {
          if ((!lower.unbounded && !time_lower) || (!upper.unbounded && !time_upper)) {
            return Verdict::kNone;
          }
          if (!lower.unbounded &&
              (lower.inclusive ? m->max_int < *time_lower : m->max_int <= *time_lower)) {
            return Verdict::kNone;
          }
          if (!upper.unbounded &&
              (upper.inclusive ? m->min_int > *time_upper : m->min_int >= *time_upper)) {
            return Verdict::kNone;
          }
          if (every_row && MatchInt(m->min_int, type) && MatchInt(m->max_int, type)) {
            return Verdict::kAll;
          }
        }
      } else if (type == ColumnType::kInt) {
        if (exact) {
          if (!number || *number < lo || *number > hi) return Verdict::kNone;
        } else if (kind == Kind::kRange) {
          if ((!lower.unbounded && !lower_num) || (!upper.unbounded && !upper_num)) {
            return Verdict::kNone;
          }
          if (!lower.unbounded && (lower.inclusive ? hi < *lower_num : hi <= *lower_num)) {
            return Verdict::kNone;
          }
          if (!upper.unbounded && (upper.inclusive ? lo > *upper_num : lo >= *upper_num)) {
            return Verdict::kNone;
          }
          if (every_row && MatchNumber(lo) && MatchNumber(hi)) return Verdict::kAll;
        }
      }
    }
    if (m->has_float_range && type == ColumnType::kFloat && kind != Kind::kWildcard) {
      if (exact) {
        if (!number || *number < m->min_float || *number > m->max_float) return Verdict::kNone;
      } else if (kind == Kind::kRange) {
        if ((!lower.unbounded && !lower_num) || (!upper.unbounded && !upper_num)) {
          return Verdict::kNone;
        }
        if (!lower.unbounded &&
            (lower.inclusive ? m->max_float < *lower_num : m->max_float <= *lower_num)) {
          return Verdict::kNone;
        }
        if (!upper.unbounded &&
            (upper.inclusive ? m->min_float > *upper_num : m->min_float >= *upper_num)) {
          return Verdict::kNone;
        }
      }
    }
    if (type == ColumnType::kString && exact && !text_field) {
      // Decimal strings ("22") equal only the same canonical text; IP strings only an address.
      if (m->form == store::ValueForm::kDecimal && m->has_int_range) {
        if (!decimal_term || *decimal_term < m->min_int || *decimal_term > m->max_int) {
          return Verdict::kNone;
        }
      }
      if (m->form == store::ValueForm::kIp && m->has_ip_range) {
        if (!is_ip && !is_cidr) return Verdict::kNone;
        IpBytes first, last;
        if (is_ip) {
          IpOf(ip, &first);
          last = first;
        } else {
          first = cidr_first;
          last = cidr_last;
        }
        if (last < m->min_ip || first > m->max_ip) return Verdict::kNone;
      }
    }
    return Verdict::kSome;
  }

  // Metadata, small dictionaries and token filters: can the column match in the group?
  Result<Verdict> PruneColumn(GroupData& data, size_t c) const {
    Verdict v = ColumnVerdict(data, c);
    if (v != Verdict::kSome) return v;
    const BlockMeta* m = data.block_meta(c);
    ColumnType type = data.part().column(c).key.type;
    if (text_field && type == ColumnType::kString && !indexed_tokens.empty() &&
        (kind == Kind::kTerm || kind == Kind::kPhrase)) {
      for (const std::string& tok : indexed_tokens) {
        ASSIGN_OR_RETURN(bool may, data.part().MayContainToken(c, data.group(), tok));
        if (!may) return Verdict::kNone;
      }
    }
    if (m->dictionary_size <= kPruneDictionaryEntries && data.HasValueDictionary(c)) {
      ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
      size_t matched = 0;
      for (const Value& value : d->values) matched += MatchValue(value);
      if (matched == 0) return Verdict::kNone;
      if (matched == d->values.size() && m->present == data.rows()) return Verdict::kAll;
    }
    return Verdict::kSome;
  }

  Result<Verdict> Prune(GroupData& data) const {
    switch (kind) {
      case Kind::kMatchAll:
        return Verdict::kAll;
      case Kind::kAnd: {
        Verdict v = Verdict::kAll;
        for (const auto& c : children) {
          ASSIGN_OR_RETURN(Verdict cv, c->Prune(data));
          v = And(v, cv);
          if (v == Verdict::kNone) break;
        }
        return v;
      }
      case Kind::kOr: {
        Verdict v = Verdict::kNone;
        for (const auto& c : children) {
          ASSIGN_OR_RETURN(Verdict cv, c->Prune(data));
          v = Or(v, cv);
          if (v == Verdict::kAll) break;
        }
        return v;
      }
      case Kind::kNot: {
        ASSIGN_OR_RETURN(Verdict cv, children[0]->Prune(data));
        return cv == Verdict::kAll    ? Verdict::kNone
               : cv == Verdict::kNone ? Verdict::kAll
                                      : Verdict::kSome;
      }
      case Kind::kExists: {
        const FieldColumns& f = data.columns().Field(field);
        Verdict v = Verdict::kNone;
        auto consider = [&](size_t c, bool value_column) {
          const BlockMeta* m = data.block_meta(c);
          if (m == nullptr) return;
          if (value_column && data.part().column(c).key.type == ColumnType::kNull) return;
          v = Or(v, m->present == data.rows() ? Verdict::kAll : Verdict::kSome);
        };
        for (size_t c : f.values) consider(c, true);
        for (size_t c : f.objects) consider(c, false);
        return v;
      }
      default: {
        const FieldColumns& f = data.columns().Field(field);
        Verdict v = Verdict::kNone;
        for (size_t c : f.values) {
          ASSIGN_OR_RETURN(Verdict cv, PruneColumn(data, c));
          v = Or(v, cv);
        }
        return v;
      }
    }
  }

  // A column that is a function of another (kDependent, a small dictionary: country of the
  // source address): each key code decided once, then the key's codes mapped to the mask —
  // no code per row of this column is made.
  Status EvaluateDependent(GroupData& data, size_t c, std::vector<uint8_t>* mask) const {
    ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
    ASSIGN_OR_RETURN(store::GroupReader::Dependent dep, data.ReadDependent(c));
    std::vector<uint8_t> by_entry(d->values.size());
    for (size_t i = 0; i < by_entry.size(); ++i) by_entry[i] = MatchValue(d->values[i]);
    std::vector<uint8_t> by_key(dep.by_key_code.size());
    for (size_t k = 0; k < by_key.size(); ++k) {
      uint32_t v = dep.by_key_code[k];
      by_key[k] = v < by_entry.size() && by_entry[v];
    }
    // Rows without a key (kAbsentCode) take the last entry: the clamp has no branch.
    const uint32_t last = static_cast<uint32_t>(by_key.size() - 1);
    const uint8_t* match = by_key.data();
    uint8_t* out = mask->data();
    size_t rows = data.rows();
    if (dep.key->codes.size() != rows) {
      for (size_t r = 0; r < rows; ++r) out[r] |= match[last];
      return Status::OK();
    }
    const uint32_t* codes = dep.key->codes.data();
    for (size_t r = 0; r < rows; ++r) out[r] |= match[std::min(codes[r], last)];
    return Status::OK();
  }

  // ORs the rows of column `c` that match into `mask`.
  Status EvaluateColumn(GroupData& data, size_t c, std::vector<uint8_t>* mask) const {
    if (ColumnVerdict(data, c) == Verdict::kNone) return Status::OK();
    const BlockMeta* meta = data.block_meta(c);
    if (meta->encoding == store::BlockEncoding::kDependent &&
        meta->dictionary_size <= kPruneDictionaryEntries && data.HasValueDictionary(c)) {
      return EvaluateDependent(data, c, mask);
    }
    ASSIGN_OR_RETURN(const ColumnBlock* b, data.Block(c));
    std::vector<uint8_t>& out = *mask;
    size_t rows = b->rows;
    std::vector<uint8_t> by_code;
    auto apply_codes = [&] {
      // Without a branch per row: which rows match is as unpredictable as the data. The entry
      // past the dictionary stands for absent rows (kAbsentCode, clamped to it).
      const uint32_t n = static_cast<uint32_t>(by_code.size());
      by_code.push_back(0);
      const uint8_t* match = by_code.data();
      const uint32_t* codes = b->codes.data();
      uint8_t* o = out.data();
      for (size_t r = 0; r < rows; ++r) o[r] |= match[std::min(codes[r], n)];
    };
    switch (b->type) {
      case ColumnType::kNull:
        return Status::OK();
      case ColumnType::kInt:
      case ColumnType::kTimestamp:
      case ColumnType::kBool:
        if (!b->codes.empty() && !b->int_dictionary.empty()) {
          by_code.resize(b->int_dictionary.size());
          for (size_t i = 0; i < by_code.size(); ++i)
            by_code[i] = MatchInt(b->int_dictionary[i], b->type);
          apply_codes();
        } else {
          for (size_t r = 0; r < rows; ++r) {
            if (b->present[r] && MatchInt(b->ints[r], b->type)) out[r] = 1;
          }
        }
        return Status::OK();
      case ColumnType::kFloat:
        if (!b->codes.empty() && !b->float_dictionary.empty()) {
          by_code.resize(b->float_dictionary.size());
          for (size_t i = 0; i < by_code.size(); ++i)
            by_code[i] = MatchFloat(b->float_dictionary[i]);
          apply_codes();
        } else {
          for (size_t r = 0; r < rows; ++r) {
            if (b->present[r] && MatchFloat(b->floats[r])) out[r] = 1;
          }
        }
        return Status::OK();
      case ColumnType::kString:
        if (b->HasDictionary()) {
          bool ips = b->ip_dictionary.size() == b->dictionary.size();
          if (b->dictionary_distinct) {
            by_code.resize(b->dictionary.size());
            for (size_t i = 0; i < by_code.size(); ++i) {
              by_code[i] = MatchString(b->dictionary[i], ips ? &b->ip_dictionary[i] : nullptr);
            }
            apply_codes();
          } else {
            for (size_t r = 0; r < rows; ++r) {
              uint32_t code = b->codes[r];
              if (code != ColumnBlock::kAbsentCode &&
                  MatchString(b->dictionary[code], ips ? &b->ip_dictionary[code] : nullptr)) {
                out[r] = 1;
              }
            }
          }
        } else {
          std::string text;
          for (size_t r = 0; r < rows; ++r) {
            if (!b->present[r]) continue;
            text.clear();
            store::AppendDecimal(b->ints[r], &text);
            if (MatchString(text, nullptr)) out[r] = 1;
          }
        }
        return Status::OK();
      case ColumnType::kValue:
        if (b->dictionary_distinct && b->HasDictionary()) {
          by_code.resize(b->dictionary.size());
          for (size_t i = 0; i < by_code.size(); ++i) {
            auto v = store::DecodeValueBlob(b->dictionary[i]);
            if (!v.ok()) return v.status();
            by_code[i] = MatchValue(*v);
          }
          apply_codes();
        } else {
          for (size_t r = 0; r < rows; ++r) {
            if (b->present[r] && MatchValue(b->ValueAt(r))) out[r] = 1;
          }
        }
        return Status::OK();
    }
    return Status::OK();
  }

  Status Evaluate(GroupData& data, std::vector<uint8_t>* mask) const {
    size_t rows = data.rows();
    switch (kind) {
      case Kind::kMatchAll:
        mask->assign(rows, 1);
        return Status::OK();
      case Kind::kAnd:
      case Kind::kOr: {
        bool is_and = kind == Kind::kAnd;
        mask->assign(rows, is_and ? 1 : 0);
        std::vector<uint8_t> child;
        // Children that metadata decides are applied without decoding; the others in order,
        // stopping once the result can no longer change.
        for (const auto& c : children) {
          ASSIGN_OR_RETURN(Verdict v, c->Prune(data));
          if (is_and ? v == Verdict::kAll : v == Verdict::kNone) continue;
          if (is_and ? v == Verdict::kNone : v == Verdict::kAll) {
            mask->assign(rows, is_and ? 0 : 1);
            return Status::OK();
          }
          if (is_and ? AllZero(*mask) : AllOne(*mask)) return Status::OK();
          RETURN_IF_ERROR(c->Evaluate(data, &child));
          for (size_t r = 0; r < rows; ++r) {
            (*mask)[r] = is_and ? ((*mask)[r] & child[r]) : ((*mask)[r] | child[r]);
          }
        }
        return Status::OK();
      }
      case Kind::kNot: {
        RETURN_IF_ERROR(children[0]->Evaluate(data, mask));
        for (uint8_t& m : *mask) m ^= 1;
        return Status::OK();
      }
      case Kind::kExists: {
        mask->assign(rows, 0);
        const FieldColumns& f = data.columns().Field(field);
        auto add = [&](size_t c, bool value_column) -> Status {
          const BlockMeta* m = data.block_meta(c);
          if (m == nullptr) return Status::OK();
          if (value_column && data.part().column(c).key.type == ColumnType::kNull) {
            return Status::OK();
          }
          if (m->present == rows) {
            mask->assign(rows, 1);
            return Status::OK();
          }
          ASSIGN_OR_RETURN(const ColumnBlock* b, data.Block(c));
          for (size_t r = 0; r < rows; ++r) (*mask)[r] |= b->present[r];
          return Status::OK();
        };
        for (size_t c : f.values) RETURN_IF_ERROR(add(c, true));
        for (size_t c : f.objects) RETURN_IF_ERROR(add(c, false));
        return Status::OK();
      }
      default: {
        mask->assign(rows, 0);
        const FieldColumns& f = data.columns().Field(field);
        for (size_t c : f.values) RETURN_IF_ERROR(EvaluateColumn(data, c, mask));
        return Status::OK();
      }
    }
  }

  // Whether MatchDictionaries applies to this node (a leaf deciding each value alone).
  bool DictionaryClause() const { return leaf() && kind != Kind::kExists && !text_field; }

  Result<bool> MatchDictionaries(GroupData& data, std::vector<DictionaryMatch>* out) const {
    if (!DictionaryClause()) return false;
    const FieldColumns& f = data.columns().Field(field);
    if (f.ambiguous) return false;
    std::vector<size_t> columns;
    for (size_t c : f.values) {
      const BlockMeta* m = data.block_meta(c);
      if (m == nullptr || data.part().column(c).key.type == ColumnType::kNull) continue;
      if (m->dictionary_size > kPruneDictionaryEntries || !data.HasValueDictionary(c)) {
        return false;
      }
      columns.push_back(c);
    }
    out->clear();
    for (size_t c : columns) {
      ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
      DictionaryMatch& match = out->emplace_back();
      match.column = c;
      match.dictionary = d;
      for (size_t i = 0; i < d->values.size(); ++i) {
        if (MatchValue(d->values[i])) match.entries.push_back(static_cast<uint32_t>(i));
      }
    }
    return true;
  }

  void CollectFields(std::vector<std::string>* out) const {
    if (leaf() && std::find(out->begin(), out->end(), field) == out->end()) out->push_back(field);
    for (const auto& c : children) c->CollectFields(out);
  }
};

namespace {

Result<std::unique_ptr<RowFilter::Node>> Build(const QueryNode& n) {
  auto node = std::make_unique<RowFilter::Node>();
  node->kind = n.kind;
  node->field = n.field.empty() ? "message" : n.field;
  node->text_field = node->field == "message";
  node->text = n.text;
  node->lower = n.lower;
  node->upper = n.upper;
  if (n.kind == Kind::kTerm || n.kind == Kind::kPhrase || n.kind == Kind::kWildcard) {
    if (node->text_field) {
      if (n.kind == Kind::kWildcard) {
        std::string lower;
        for (char ch : n.text)
          lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        node->tokens.push_back(lower);
      } else {
        node->tokens = Tokenize(n.text);
        for (const std::string& t : node->tokens) {
          if (store::IsIndexedToken(t)) node->indexed_tokens.push_back(t);
        }
      }
    }
    node->number = ParseNumber(n.text);
    node->time_term = ParseTime(n.text);
    int64_t d;
    if (store::ParseCanonicalDecimal(n.text, &d)) node->decimal_term = d;
    node->is_cidr = Cidr::Parse(n.text, &node->cidr);
    node->is_ip = !node->is_cidr && ParseIpAddress(n.text, node->ip);
    if (node->is_cidr) {
      for (int i = 0; i < 16; ++i) {
        int bits = std::clamp(node->cidr.prefix_bits - 8 * i, 0, 8);
        uint8_t mask = static_cast<uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
        node->cidr_first.bytes[i] = node->cidr.network[i] & mask;
        node->cidr_last.bytes[i] = static_cast<uint8_t>(node->cidr.network[i] | ~mask);
      }
    }
  }
  if (n.kind == Kind::kRange) {
    if (!n.lower.unbounded) {
      node->lower_num = ParseNumber(n.lower.value);
      node->time_lower = ParseTime(n.lower.value);
    }
    if (!n.upper.unbounded) {
      node->upper_num = ParseNumber(n.upper.value);
      node->time_upper = ParseTime(n.upper.value);
    }
  }
  if (node->leaf() && n.kind != Kind::kExists) {
    QueryNode alone;
    alone.kind = n.kind;
    alone.text = n.text;
    alone.lower = n.lower;
    alone.upper = n.upper;
    node->probe_field = node->text_field ? "message" : "v";
    alone.field = node->probe_field;
    ASSIGN_OR_RETURN(EventMatcher m, EventMatcher::Compile(alone));
    node->probe.emplace(std::move(m));
  }
  for (const auto& child : n.children) {
    ASSIGN_OR_RETURN(auto c, Build(*child));
    node->children.push_back(std::move(c));
  }
  if (n.kind == Kind::kNot && node->children.size() != 1) {
    return Status::InvalidArgument("NOT takes one clause");
  }
  return node;
}

}  // namespace

RowFilter::RowFilter() = default;
RowFilter::RowFilter(RowFilter&&) noexcept = default;
RowFilter& RowFilter::operator=(RowFilter&&) noexcept = default;
RowFilter::~RowFilter() = default;

Result<RowFilter> RowFilter::Compile(std::string_view query) {
  ASSIGN_OR_RETURN(std::unique_ptr<QueryNode> parsed, ParseQuery(query));
  ASSIGN_OR_RETURN(RowFilter f, Compile(*parsed));
  f.owned_query_ = std::move(parsed);
  return f;
}

Result<RowFilter> RowFilter::Compile(const QueryNode& query) {
  RowFilter f;
  f.canonical_ = query.ToString();
  ASSIGN_OR_RETURN(f.root_, Build(query));
  if (f.root_->DictionaryClause()) f.clause_field_ = f.root_->field;
  ASSIGN_OR_RETURN(EventMatcher m, EventMatcher::Compile(query));
  f.matcher_.emplace(std::move(m));
  return f;
}

bool RowFilter::match_all() const { return root_->kind == Kind::kMatchAll; }

std::vector<std::string> RowFilter::fields() const {
  std::vector<std::string> out;
  root_->CollectFields(&out);
  return out;
}

namespace {

bool AnyAmbiguous(GroupData& data, const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    if (data.columns().Field(f).ambiguous) return true;
  }
  return false;
}

}  // namespace

Result<Verdict> RowFilter::Prune(GroupData& data) const {
  if (AnyAmbiguous(data, fields())) return Verdict::kSome;
  return root_->Prune(data);
}

Result<bool> RowFilter::MatchDictionaries(GroupData& data,
                                          std::vector<DictionaryMatch>* out) const {
  if (clause_field_.empty() || AnyAmbiguous(data, fields())) return false;
  return root_->MatchDictionaries(data, out);
}

Status RowFilter::Evaluate(GroupData& data, std::vector<uint8_t>* mask) const {
  if (AnyAmbiguous(data, fields())) {
    ASSIGN_OR_RETURN(const std::vector<Event>* events, data.Events());
    mask->assign(events->size(), 0);
    for (size_t r = 0; r < events->size(); ++r) (*mask)[r] = matcher_->Matches((*events)[r]);
    return Status::OK();
  }
  return root_->Evaluate(data, mask);
}

}  // namespace perimeter::query
