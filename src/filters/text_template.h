// TextTemplate: an option value that may contain %{field} references, rendered per event.
// Literal text (the common case) is returned without running the interpolator. Immutable;
// thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/event.h"
#include "core/status.h"
#include "pipeline/sprintf.h"

namespace perimeter {

class TextTemplate {
 public:
  TextTemplate() = default;
  static Result<TextTemplate> Compile(std::string text) {
    TextTemplate t;
    if (text.find("%{") != std::string::npos) {
      ASSIGN_OR_RETURN(Sprintf s, Sprintf::Compile(text));
      t.dynamic_ = std::move(s);
    }
    t.literal_ = std::move(text);
    return t;
  }

  bool is_dynamic() const { return dynamic_.has_value(); }
  const std::string& literal() const { return literal_; }
  std::string Render(const Event& e) const { return dynamic_ ? dynamic_->Render(e) : literal_; }

 private:
  std::string literal_;
  std::optional<Sprintf> dynamic_;
};

}  // namespace perimeter
