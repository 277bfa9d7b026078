// The server's own HTTP request and response types: what route handlers see and return. The
// listener converts to and from the wire; nothing here depends on Beast. Plain value types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perimeter {

enum class HttpMethod { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kTrace, kOther };

// Case-sensitive, as RFC 9110 says method names are. TRACK and CONNECT map to kOther.
HttpMethod ParseHttpMethod(std::string_view name);
std::string_view HttpMethodName(HttpMethod method);
// POST, PUT, PATCH, DELETE: what CSRF protection and the admin role guard.
bool IsStateChanging(HttpMethod method);
// "Not Found" for 404; "Unknown" for codes the server never sends.
std::string_view ReasonPhrase(int status);

struct HttpHeader {
  std::string name;
  std::string value;
};

// Header fields in arrival order; lookups ignore case. Repeated fields (Set-Cookie) are kept.
class HeaderList {
 public:
  void Add(std::string name, std::string value);
  // Replaces every field named `name` with one.
  void Set(std::string_view name, std::string value);
  // The first field named `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  const std::vector<HttpHeader>& all() const { return fields_; }

 private:
  std::vector<HttpHeader> fields_;
};

struct Request {
  HttpMethod method = HttpMethod::kGet;
  std::string method_name;  // as received, for logs and 501s
  std::string target;       // as received: path and query, percent-encoded
  std::string path;         // percent-decoded, checked for traversal (set by the dispatcher)
  std::string query;        // raw query string without '?'
  HeaderList headers;
  std::string body;
  std::string remote_address;                                    // peer IP, no port
  bool tls = true;                                               // arrived over TLS
  std::vector<std::pair<std::string, std::string>> path_params;  // "{id}" → value (router)

  // The value of "{name}" in the matched route pattern, or "" when the pattern has none.
  std::string_view PathParam(std::string_view name) const;
  // A query-string parameter, percent-decoded ('+' is a space); nullopt when absent.
  std::optional<std::string> QueryParam(std::string_view name) const;
  // A cookie from the Cookie header, or "" when absent.
  std::string_view Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;  // besides Content-Type/Length, which the listener sets
  std::string body;

  static Response Json(int status, std::string json);
  // {"error": {"status": 404, "reason": "..."}}. `reason` is shown to clients: it must say what
  // to do and never carry internals (paths, exception texts).
  static Response Error(int status, std::string_view reason);
  static Response Redirect(int status, std::string location);
};

}  // namespace perimeter
