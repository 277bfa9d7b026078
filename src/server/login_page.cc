#include "server/login_page.h"

#include <fmt/format.h>

namespace perimeter {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string LoginPageHtml(std::string_view message, std::string_view next) {
  std::string notice;
  if (!message.empty()) {
    notice = fmt::format("<p class=\"notice\" role=\"alert\">{}</p>\n", HtmlEscape(message));
  }
  return fmt::format(
      R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Perimeter — log in</title>
<link rel="stylesheet" href="/login.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<main>
<h1>Perimeter</h1>
{}<form method="post" action="/login">
<input type="hidden" name="next" value="{}">
<label for="user">User</label>
<input id="user" name="user" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>
</main>
</body>
</html>
)",
      notice, HtmlEscape(next));
}

std::string_view LoginPageCss() {
  return R"(body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
main { max-width: 20rem; margin: 12vh auto; background: #fff; padding: 2rem;
       border-radius: 8px; box-shadow: 0 1px 4px rgba(0, 0, 0, .15); }
h1 { font-size: 1.4rem; margin: 0 0 1.2rem; }
label { display: block; margin: .8rem 0 .3rem; font-size: .9rem; }
input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
button { margin-top: 1.2rem; width: 100%; padding: .6rem; font-size: 1rem; cursor: pointer; }
.notice { background: #fdecea; color: #8a1f11; padding: .6rem; border-radius: 4px; }
)";
}

}  // namespace perimeter
