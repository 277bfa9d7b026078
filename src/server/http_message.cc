#include "server/http_message.h"

#include <strings.h>

#include "core/value.h"
#include "server/request_target.h"

namespace perimeter {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

HttpMethod ParseHttpMethod(std::string_view name) {
  if (name == "GET") return HttpMethod::kGet;
  if (name == "HEAD") return HttpMethod::kHead;
  if (name == "POST") return HttpMethod::kPost;
  if (name == "PUT") return HttpMethod::kPut;
  if (name == "PATCH") return HttpMethod::kPatch;
  if (name == "DELETE") return HttpMethod::kDelete;
  if (name == "OPTIONS") return HttpMethod::kOptions;
  if (name == "TRACE") return HttpMethod::kTrace;
  return HttpMethod::kOther;
}

std::string_view HttpMethodName(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kHead:
      return "HEAD";
    case HttpMethod::kPost:
      return "POST";
    case HttpMethod::kPut:
      return "PUT";
    case HttpMethod::kPatch:
      return "PATCH";
    case HttpMethod::kDelete:
      return "DELETE";
    case HttpMethod::kOptions:
      return "OPTIONS";
    case HttpMethod::kTrace:
      return "TRACE";
    case HttpMethod::kOther:
      break;
  }
  return "OTHER";
}

bool IsStateChanging(HttpMethod method) {
  return method == HttpMethod::kPost || method == HttpMethod::kPut ||
         method == HttpMethod::kPatch || method == HttpMethod::kDelete;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

void HeaderList::Add(std::string name, std::string value) {
  fields_.push_back({std::move(name), std::move(value)});
}

void HeaderList::Set(std::string_view name, std::string value) {
  std::erase_if(fields_, [&](const HttpHeader& h) { return EqualsIgnoreCase(h.name, name); });
  fields_.push_back({std::string(name), std::move(value)});
}

std::string_view HeaderList::Get(std::string_view name) const {
  for (const HttpHeader& h : fields_) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

bool HeaderList::Has(std::string_view name) const {
  for (const HttpHeader& h : fields_) {
    if (EqualsIgnoreCase(h.name, name)) return true;
  }
  return false;
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  return FindFormField(query, name);
}

std::string_view Request::Cookie(std::string_view name) const {
  // Several Cookie fields are legal over HTTP/2 proxies; scan them all.
  for (const HttpHeader& h : headers.all()) {
    if (!EqualsIgnoreCase(h.name, "cookie")) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (Trim(pair.substr(0, eq)) == name) {
        std::string_view value = Trim(pair.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
          value = value.substr(1, value.size() - 2);
        }
        return value;
      }
    }
  }
  return {};
}

Response Response::Json(int status, std::string json) {
  Response r;
  r.status = status;
  r.body = std::move(json);
  return r;
}

Response Response::Error(int status, std::string_view reason) {
  std::string body = "{\"error\":{\"status\":";
  body += std::to_string(status);
  body += ",\"reason\":";
  AppendJsonString(reason, &body);
  body += "}}";
  return Json(status, std::move(body));
}

Response Response::Redirect(int status, std::string location) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.Add("Location", std::move(location));
  return r;
}

}  // namespace perimeter
