#include "filters/grok/onig_translator.h"

#include <fmt/format.h>

#include <cctype>

namespace perimeter::grok {

namespace {

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the UTF-8 sequence starting with byte `c` (1 for ASCII and for stray bytes).
size_t Utf8Length(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0xF0) return 4;
  if (u >= 0xE0) return 3;
  if (u >= 0xC0) return 2;
  return 1;
}

class Translator {
 public:
  Translator(std::string_view in, bool plain_groups_capture,
             const std::vector<std::string>* known_names)
      : in_(in), plain_groups_capture_(plain_groups_capture), known_names_(known_names) {}

  Status Run(TranslatedRegex* out) {
    out_ = out;
    while (i_ < in_.size()) {
      char c = in_[i_];
      if (size_t n = QuantifierLength()) {
        Quantifier(n);
        continue;
      }
      size_t start = out_->pcre2.size();
      if (c == ')') {
        if (!open_groups_.empty()) {
          start = open_groups_.back();
          open_groups_.pop_back();
        }
        Copy(1);
      } else if (c == '|') {
        Copy(1);
        state_ = State::kNone;
        continue;
      } else if (c == '\\') {
        RETURN_IF_ERROR(Escape(/*in_class=*/false));
      } else if (c == '[') {
        RETURN_IF_ERROR(Class());
      } else if (c == '(') {
        RETURN_IF_ERROR(Group());
        state_ = State::kNone;
        continue;
      } else {
        size_t n = Utf8Length(c);
        if (n > 1 && i_ + n < in_.size() &&
            std::string_view("?*+{").find(in_[i_ + n]) != std::string_view::npos) {
          out_->needs_utf = true;
        }
        Copy(n);
      }
      atom_start_ = start;
      state_ = State::kAtom;
    }
    return Status::OK();
  }

 private:
  // What the last token was, to tell a lazy/possessive modifier from a nested repeat.
  enum class State { kNone, kAtom, kQuantifier, kInterval, kModified };

  void Emit(std::string_view s) { out_->pcre2.append(s); }

  // Length of the quantifier at i_ (*, +, ?, {n}, {n,}, {n,m}, {,m}), or 0.
  size_t QuantifierLength() const {
    char c = in_[i_];
    if (c == '*' || c == '+' || c == '?') return 1;
    if (c != '{') return 0;
    size_t j = i_ + 1;
    size_t lo = j;
    while (j < in_.size() && IsDigit(in_[j])) ++j;
    bool has_lo = j > lo;
    bool has_hi = false;
    if (j < in_.size() && in_[j] == ',') {
      size_t hi = ++j;
      while (j < in_.size() && IsDigit(in_[j])) ++j;
      has_hi = j > hi;
    }
    if (j >= in_.size() || in_[j] != '}' || (!has_lo && !has_hi)) return 0;
    return j + 1 - i_;
  }

  void Quantifier(size_t n) {
    std::string_view q = in_.substr(i_, n);
    i_ += n;
    bool interval = q[0] == '{';
    std::string text(q);
    if (q.starts_with("{,")) text = "{0" + text.substr(1);  // Onigmo's {,n} is {0,n}
    if (state_ == State::kAtom) {
      Emit(text);
      state_ = interval ? State::kInterval : State::kQuantifier;
    } else if (((state_ == State::kQuantifier || state_ == State::kInterval) && q == "?") ||
               (state_ == State::kQuantifier && q == "+")) {
      Emit(text);  // lazy ("?") or possessive ("+")
      state_ = State::kModified;
    } else if (state_ != State::kNone) {
      // Onigmo repeats a repeat ("x?*" is "(?:x?)*"); PCRE2 rejects it unless grouped.
      out_->pcre2.insert(atom_start_, "(?:");
      Emit(")");
      Emit(text);
      state_ = interval ? State::kInterval : State::kQuantifier;
    } else {
      Emit(text);  // nothing to repeat: PCRE2 reports it
    }
  }
  void Copy(size_t n) {
    n = std::min(n, in_.size() - i_);
    Emit(in_.substr(i_, n));
    i_ += n;
  }
  Status Error(std::string_view what) const {
    return Status::InvalidArgument(fmt::format(
        "grok regex at offset {}: {} (see docs/grok.md, 'Regex differences')", i_, what));
  }

  // The PCRE2 name standing for an Oniguruma group name; numeric references are kept.
  std::string MappedName(std::string_view name) const {
    if (name.empty() || IsDigit(name[0]) || name[0] == '-' || name[0] == '+') {
      return std::string(name);
    }
    const auto& names = known_names_ ? *known_names_ : out_->distinct_names;
    for (size_t k = 0; k < names.size(); ++k) {
      if (names[k] == name) return fmt::format("g{}", k);
    }
    return std::string(name);  // unknown: PCRE2 reports it
  }

  size_t NameIndex(std::string_view name) {
    auto& names = out_->distinct_names;
    for (size_t k = 0; k < names.size(); ++k) {
      if (names[k] == name) {
        out_->duplicate_names = true;
        return k;
      }
    }
    names.emplace_back(name);
    return names.size() - 1;
  }

  // \k<name> \k'name' \g<name> \g'name': rename the group they refer to.
  bool NamedReference() {
    if (i_ + 3 >= in_.size()) return false;
    char kind = in_[i_ + 1];
    char open = in_[i_ + 2];
    if ((kind != 'k' && kind != 'g') || (open != '<' && open != '\'')) return false;
    char close = open == '<' ? '>' : '\'';
    size_t end = in_.find(close, i_ + 3);
    if (end == std::string_view::npos) return false;
    std::string_view name = in_.substr(i_ + 3, end - i_ - 3);
    // Onigmo's \k<name+level> (backreference with recursion level) has no PCRE2 form.
    Emit(in_.substr(i_, 3));
    Emit(MappedName(name));
    Emit(std::string_view(&close, 1));
    i_ = end + 1;
    return true;
  }

  Status Escape(bool in_class) {
    if (i_ + 1 >= in_.size()) {
      Copy(1);
      return Status::OK();
    }
    char e = in_[i_ + 1];
    if (e == 'h') {
      Emit(in_class ? "0-9a-fA-F" : "[0-9a-fA-F]");
      i_ += 2;
    } else if (e == 'H') {
      if (in_class) return Error("\\H (not a hex digit) inside a character class");
      Emit("[^0-9a-fA-F]");
      i_ += 2;
    } else if (e == 'u' && i_ + 5 < in_.size() && IsHex(in_[i_ + 2]) && IsHex(in_[i_ + 3]) &&
               IsHex(in_[i_ + 4]) && IsHex(in_[i_ + 5])) {
      out_->needs_utf = true;
      Emit("\\x{");
      Emit(in_.substr(i_ + 2, 4));
      Emit("}");
      i_ += 6;
    } else if (!in_class && NamedReference()) {
      // done
    } else {
      if (e == 'x' && i_ + 2 < in_.size() && in_[i_ + 2] == '{') out_->needs_utf = true;
      Emit("\\");
      ++i_;
      Copy(Utf8Length(in_[i_]));
    }
    return Status::OK();
  }

  // A POSIX bracket "[:alpha:]" / "[:^alpha:]" at i_; its length or 0.
  size_t PosixBracket() const {
    if (i_ + 1 >= in_.size() || in_[i_ + 1] != ':') return 0;
    size_t j = i_ + 2;
    if (j < in_.size() && in_[j] == '^') ++j;
    size_t name_begin = j;
    while (j < in_.size() && std::isalpha(static_cast<unsigned char>(in_[j]))) ++j;
    if (j == name_begin || j + 1 >= in_.size() || in_[j] != ':' || in_[j + 1] != ']') return 0;
    return j + 2 - i_;
  }

  // Onigmo's POSIX brackets are Unicode-aware for UTF-8 text ([[:alpha:]] takes "é"); PCRE2's
  // are ASCII unless PCRE2_UCP, which would also widen \w, \d and \b. So the common brackets
  // become Unicode properties (and the regex is compiled in UTF mode); the rest stay ASCII.
  void PosixClass(std::string_view bracket) {
    bool negated = bracket[2] == '^';
    std::string_view name = bracket.substr(negated ? 3 : 2);
    name.remove_suffix(2);
    static constexpr std::pair<std::string_view, std::string_view> kProperties[] = {
        {"alnum", "Xan"}, {"alpha", "L"},  {"digit", "Nd"},
        {"lower", "Ll"},  {"upper", "Lu"}, {"word", "Xwd"},
    };
    for (const auto& [posix, property] : kProperties) {
      if (name != posix) continue;
      Emit(negated ? "\\P{" : "\\p{");
      Emit(property);
      Emit("}");
      out_->needs_utf = true;
      return;
    }
    Emit(bracket);
  }

  // Copies the members of the class opened at i_ (which points at '['), without the brackets
  // when `nested`, flattening nested classes.
  Status Class(bool nested = false) {
    ++i_;  // '['
    if (!nested) Emit("[");
    if (i_ < in_.size() && in_[i_] == '^') {
      if (nested) return Error("a negated class nested in a class has no PCRE2 form; rewrite it");
      Emit("^");
      ++i_;
    }
    if (i_ < in_.size() && in_[i_] == ']') {  // a leading ']' is a member
      Emit("\\]");
      ++i_;
    }
    while (i_ < in_.size()) {
      char c = in_[i_];
      if (c == ']') {
        ++i_;
        if (!nested) Emit("]");
        return Status::OK();
      }
      if (c == '\\') {
        RETURN_IF_ERROR(Escape(/*in_class=*/true));
      } else if (c == '[') {
        if (size_t n = PosixBracket()) {
          PosixClass(in_.substr(i_, n));
          i_ += n;
        } else {
          RETURN_IF_ERROR(Class(/*nested=*/true));
        }
      } else if (c == '&' && i_ + 1 < in_.size() && in_[i_ + 1] == '&') {
        return Error("character class intersection (&&) has no PCRE2 form; rewrite the class");
      } else {
        if (Utf8Length(c) > 1) out_->needs_utf = true;
        Copy(Utf8Length(c));
      }
    }
    return Error("character class is not closed with ']'");
  }

  // Translates a group opening at i_; records where it starts in the output unless it is a
  // comment or an option setting, which close at once.
  Status Group() {
    std::string_view rest = in_.substr(i_);
    size_t start = out_->pcre2.size();
    if (rest.starts_with("(?#")) {
      size_t end = in_.find(')', i_);
      if (end == std::string_view::npos) return Error("comment (?#... is not closed");
      i_ = end + 1;  // comments are dropped
      return Status::OK();
    }
    // Inline options (?imx-imx) / (?imx-imx:...): Ruby's m is PCRE2's s.
    size_t j = 2;
    while (j < rest.size() &&
           (rest[j] == 'i' || rest[j] == 'm' || rest[j] == 'x' || rest[j] == '-')) {
      ++j;
    }
    if (rest.size() > 2 && rest[1] == '?' && j > 2 && j < rest.size() &&
        (rest[j] == ':' || rest[j] == ')')) {
      std::string opts(rest.substr(0, j + 1));
      for (char& ch : opts) {
        if (ch == 'm') ch = 's';
      }
      Emit(opts);
      i_ += j + 1;
      if (rest[j] == ':') open_groups_.push_back(start);
      return Status::OK();
    }
    open_groups_.push_back(start);
    if (rest.size() < 2 || rest[1] != '?') {
      // A plain group.
      if (plain_groups_capture_) {
        out_->group_names.emplace_back();
        Copy(1);
      } else {
        Emit("(?:");
        ++i_;
      }
      return Status::OK();
    }
    if (rest.starts_with("(?<=") || rest.starts_with("(?<!")) {
      Copy(4);
      return Status::OK();
    }
    if (rest.starts_with("(?<") || rest.starts_with("(?'")) {
      char close = rest[2] == '<' ? '>' : '\'';
      size_t end = rest.find(close, 3);
      if (end == std::string_view::npos) return Error("group name is not closed");
      std::string_view name = rest.substr(3, end - 3);
      size_t index = NameIndex(name);
      out_->group_names.emplace_back(name);
      Emit(fmt::format("(?<g{}>", index));
      i_ += end + 1;
      return Status::OK();
    }
    if (rest.starts_with("(?~")) return Error("the absent operator (?~...) has no PCRE2 form");
    Copy(3);  // (?: (?= (?! (?> and anything PCRE2 itself will judge
    return Status::OK();
  }

  std::string_view in_;
  size_t i_ = 0;
  State state_ = State::kNone;
  size_t atom_start_ = 0;            // output offset where the last complete atom starts
  std::vector<size_t> open_groups_;  // output offsets of the groups not closed yet
  bool plain_groups_capture_;
  const std::vector<std::string>* known_names_;
  TranslatedRegex* out_ = nullptr;
};

}  // namespace

Result<TranslatedRegex> TranslateOnigToPcre2(std::string_view onig) {
  // First pass: learn the named groups (references may precede their group).
  TranslatedRegex first;
  RETURN_IF_ERROR(Translator(onig, /*plain_groups_capture=*/true, nullptr).Run(&first));
  if (first.distinct_names.empty()) return first;
  TranslatedRegex second;
  RETURN_IF_ERROR(
      Translator(onig, /*plain_groups_capture=*/false, &first.distinct_names).Run(&second));
  return second;
}

}  // namespace perimeter::grok
