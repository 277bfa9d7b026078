#include "server/request_target.h"

namespace perimeter {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexDigit(in[i + 1]);
      int lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<RequestTarget> ParseRequestTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return Status::InvalidArgument("request target must be a path starting with '/'");
  }
  RequestTarget out;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  // Fragments never reach a server; one that does is a malformed request.
  if (raw_path.find('#') != std::string_view::npos) {
    return Status::InvalidArgument("request target contains '#'");
  }
  // Checked before decoding: after it an encoded slash would be indistinguishable from a real
  // one and could smuggle a ".." segment past a router that splits on '/'.
  for (size_t i = 0; i + 2 < raw_path.size(); ++i) {
    if (raw_path[i] == '%' && raw_path[i + 1] == '2' && (raw_path[i + 2] | 0x20) == 'f') {
      return Status::InvalidArgument("request path contains an encoded '/'");
    }
  }
  std::optional<std::string> path = PercentDecode(raw_path, /*plus_is_space=*/false);
  if (!path) return Status::InvalidArgument("request path has a malformed %-escape");
  for (unsigned char c : *path) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("request path contains a control character");
    }
    if (c == '\\') return Status::InvalidArgument("request path contains a backslash");
  }
  std::string_view rest = *path;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment == "." || segment == "..") {
      return Status::InvalidArgument("request path contains a '.' or '..' segment");
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  out.path = std::move(*path);
  return out;
}

std::optional<std::string> FindFormField(std::string_view encoded, std::string_view name) {
  while (!encoded.empty()) {
    size_t amp = encoded.find('&');
    std::string_view pair = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
    size_t eq = pair.find('=');
    std::optional<std::string> key = PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true);
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string();
    return PercentDecode(pair.substr(eq + 1), /*plus_is_space=*/true);
  }
  return std::nullopt;
}

std::string PercentEncodePath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace perimeter
