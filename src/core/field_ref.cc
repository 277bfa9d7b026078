#include "core/field_ref.h"

namespace perimeter {

Result<FieldRef> FieldRef::Parse(std::string_view text) {
  FieldRef ref;
  if (text.empty()) return Status::InvalidArgument("empty field reference");
  if (text[0] != '[') {
    if (text.find_first_of("[]") != std::string_view::npos) {
      return Status::InvalidArgument("field reference '" + std::string(text) +
                                     "' mixes a bare name with brackets; write [a][b]");
    }
    ref.path_.emplace_back(text);
    return ref;
  }
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '[') {
      return Status::InvalidArgument("field reference '" + std::string(text) +
                                     "': expected '[' at offset " + std::to_string(i));
    }
    size_t close = text.find(']', i + 1);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("field reference '" + std::string(text) + "': missing ']'");
    }
    std::string_view part = text.substr(i + 1, close - i - 1);
    if (part.empty() || part.find('[') != std::string_view::npos) {
      return Status::InvalidArgument("field reference '" + std::string(text) +
                                     "': empty or nested part at offset " + std::to_string(i));
    }
    ref.path_.emplace_back(part);
    i = close + 1;
  }
  return ref;
}

FieldRef FieldRef::Of(std::string_view text) {
  auto r = Parse(text);
  if (r.ok()) return std::move(r).value();
  FieldRef ref;
  ref.path_.emplace_back(text);
  return ref;
}

std::string FieldRef::ToString() const {
  if (path_.size() == 1) return path_[0];
  std::string s;
  for (const auto& p : path_) {
    s += '[';
    s += p;
    s += ']';
  }
  return s;
}

std::string FieldRef::DottedName() const {
  std::string s;
  for (const auto& p : path_) {
    if (!s.empty()) s += '.';
    s += p;
  }
  return s;
}

}  // namespace perimeter
