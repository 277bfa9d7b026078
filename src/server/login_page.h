// The built-in login page and its stylesheet: static HTML with no script and no inline style,
// so it works under the server's strict CSP and before the dashboard's assets are reachable.
// Stateless.
#pragma once

#include <string>
#include <string_view>

namespace perimeter {

// The page with `message` (shown above the form; "" for none) and `next` (where to go after
// logging in) HTML-escaped.
std::string LoginPageHtml(std::string_view message, std::string_view next);
std::string_view LoginPageCss();

std::string HtmlEscape(std::string_view text);

}  // namespace perimeter
