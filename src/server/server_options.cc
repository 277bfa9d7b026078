#include "server/server_options.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <charconv>

namespace perimeter {

Result<ListenAddress> ParseListenAddress(std::string_view text, std::string_view setting) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("{} = \"{}\": {}; write an IP address and port such as \"127.0.0.1:8443\" or "
                    "\"[::1]:8443\"",
                    setting, text, why));
  };
  ListenAddress out;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad("an IPv6 address must be in brackets followed by :port");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("the port is missing");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return bad("an IPv6 address must be in brackets, as in [::1]:8443");
    }
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return bad("the port must be a number from 0 to 65535");
  }
  out.port = static_cast<uint16_t>(value);
  out.ip = std::string(host);
  std::array<unsigned char, 16> addr{};
  if (inet_pton(AF_INET, out.ip.c_str(), addr.data()) == 1) {
    out.loopback = addr[0] == 127;
  } else if (inet_pton(AF_INET6, out.ip.c_str(), addr.data()) == 1) {
    static constexpr std::array<unsigned char, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0,
                                                                 0, 0, 0, 0, 0, 0, 0, 1};
    out.loopback = addr == kLoopback6;
  } else {
    // Names are refused: what "myhost" resolves to can change, and whether the listener is
    // loopback-only must be decided from the setting itself.
    return bad("the host must be an IP address, not a name");
  }
  return out;
}

Status ValidateServerOptions(const ServerOptions& options, size_t user_count) {
  ASSIGN_OR_RETURN(ListenAddress listen, ParseListenAddress(options.listen, "server.listen"));
  if (!listen.loopback) {
    if (!options.tls) {
      return Status::InvalidArgument(fmt::format(
          "server.listen = \"{}\" is reachable from the network, so credentials and logs would "
          "cross it in clear text: set server.tls = true (or listen on 127.0.0.1)",
          options.listen));
    }
    if (user_count == 0) {
      return Status::InvalidArgument(fmt::format(
          "server.listen = \"{}\" is reachable from the network but no user is configured: set "
          "server.users_file to an htpasswd file with at least one user (create one with "
          "`perimeter passwd add USER --role admin`), or listen on 127.0.0.1",
          options.listen));
    }
  }
  if (!options.redirect_listen.empty()) {
    ASSIGN_OR_RETURN(ListenAddress redirect,
                     ParseListenAddress(options.redirect_listen, "server.redirect_listen"));
    (void)redirect;
    if (!options.tls) {
      return Status::InvalidArgument(
          "server.redirect_listen redirects to HTTPS, but server.tls = false: set "
          "server.tls = true or remove server.redirect_listen");
    }
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::InvalidArgument(
        "server.tls_cert and server.tls_key go together: set both, or neither for a "
        "self-signed certificate");
  }
  if (options.tls && options.tls_cert.empty() && options.data_dir.empty()) {
    return Status::InvalidArgument(
        "no certificate configured and no data_dir to keep a self-signed one in: set "
        "server.tls_cert and server.tls_key, or data_dir");
  }
  if (options.threads < 1 || options.threads > 256) {
    return Status::InvalidArgument("server.threads must be between 1 and 256");
  }
  if (options.max_connections < 1) {
    return Status::InvalidArgument("server.max_connections must be at least 1");
  }
  if (options.max_body_bytes < 1024) {
    return Status::InvalidArgument("server.max_body_bytes must be at least 1024");
  }
  if (options.session_idle_timeout.count() <= 0 ||
      options.session_absolute_timeout < options.session_idle_timeout) {
    return Status::InvalidArgument(
        "server.session_idle_timeout must be positive and at most "
        "server.session_absolute_timeout");
  }
  if (options.request_timeout.count() <= 0 || options.keep_alive_timeout.count() <= 0) {
    return Status::InvalidArgument(
        "server.request_timeout and server.keep_alive_timeout must be positive");
  }
  return Status::OK();
}

}  // namespace perimeter
