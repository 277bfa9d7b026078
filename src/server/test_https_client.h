// Test support only (included by *_test.cc, never by the server): a minimal blocking HTTP/1.1
// client over TLS (OpenSSL) or plain TCP, with timeouts, raw writes and a chosen TLS version
// range, so tests can drive the server the way real and hostile clients do. Not thread-safe;
// one connection per object. Also: a self-deleting temporary directory.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perimeter::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "perimeter-server-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (strcasecmp(k.c_str(), std::string(name).c_str()) == 0) return v;
    }
    return {};
  }
  std::vector<std::string> Headers(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : headers) {
      if (strcasecmp(k.c_str(), std::string(name).c_str()) == 0) out.push_back(v);
    }
    return out;
  }
};

struct ClientTls {
  bool enabled = true;
  int min_version = TLS1_2_VERSION;
  int max_version = TLS1_3_VERSION;
};

class TestConnection {
 public:
  // Connects to 127.0.0.1:port and, with TLS, completes the handshake (certificate not
  // verified: the tests check the fingerprint instead). nullptr on failure, *error says why.
  static std::unique_ptr<TestConnection> Open(uint16_t port, ClientTls tls = {},
                                              std::string* error = nullptr) {
    // A server that hangs up mid-request must fail the write, not kill the test binary.
    signal(SIGPIPE, SIG_IGN);
    auto c = std::unique_ptr<TestConnection>(new TestConnection());
    c->fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      if (error) *error = "connect failed";
      return nullptr;
    }
    c->SetTimeout(std::chrono::seconds(5));
    if (!tls.enabled) return c;
    c->ctx_ = SSL_CTX_new(TLS_client_method());
    // Old protocol versions need security level 0 in OpenSSL 3 even to be offered.
    SSL_CTX_set_security_level(c->ctx_, 0);
    SSL_CTX_set_cipher_list(c->ctx_, "ALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(c->ctx_, tls.min_version);
    SSL_CTX_set_max_proto_version(c->ctx_, tls.max_version);
    c->ssl_ = SSL_new(c->ctx_);
    SSL_set_fd(c->ssl_, c->fd_);
    SSL_set_tlsext_host_name(c->ssl_, "localhost");
    ERR_clear_error();
    if (SSL_connect(c->ssl_) != 1) {
      if (error) {
        char buf[256] = "handshake failed";
        if (unsigned long e = ERR_peek_last_error()) ERR_error_string_n(e, buf, sizeof(buf));
        *error = buf;
        c->last_error_ = ERR_peek_last_error();
      }
      return nullptr;
    }
    return c;
  }

  ~TestConnection() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }

  void SetTimeout(std::chrono::milliseconds t) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(t.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }

  bool Write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ssl_ ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                       : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Some bytes, or "" on timeout/EOF (then closed() tells which).
  std::string ReadSome() {
    char buf[16384];
    ssize_t n = ssl_ ? SSL_read(ssl_, buf, sizeof(buf)) : ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      bool timeout = (errno == EAGAIN || errno == EWOULDBLOCK) &&
                     (!ssl_ || SSL_get_error(ssl_, static_cast<int>(n)) == SSL_ERROR_SYSCALL);
      if (!timeout || n == 0) closed_ = true;
      return {};
    }
    return std::string(buf, static_cast<size_t>(n));
  }
  bool closed() const { return closed_; }

  // Whether the peer closed the TCP connection, without reading anything or blocking. Safe
  // while another thread is not inside Write().
  bool PeerClosed() const {
    // POLLRDHUP sees the FIN even behind unread bytes (TLS 1.3 session tickets).
    pollfd p{fd_, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

  // One response; for HEAD requests pass head = true (no body follows).
  std::optional<HttpReply> ReadReply(bool head = false) {
    while (buffer_.find("\r\n\r\n") == std::string::npos) {
      std::string more = ReadSome();
      if (more.empty()) return std::nullopt;
      buffer_ += more;
    }
    size_t end = buffer_.find("\r\n\r\n");
    std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    HttpReply reply;
    size_t line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    reply.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (pos < head_text.size()) {
      size_t next = head_text.find("\r\n", pos);
      if (next == std::string::npos) next = head_text.size();
      std::string line = head_text.substr(pos, next - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        reply.headers.emplace_back(line.substr(0, colon), value);
      }
      pos = next + 2;
    }
    if (head || reply.status == 204 || reply.status == 304 || reply.status == 100) return reply;
    std::string length = reply.Header("Content-Length");
    if (!length.empty()) {
      size_t n = std::stoul(length);
      while (buffer_.size() < n) {
        std::string more = ReadSome();
        if (more.empty()) return std::nullopt;
        buffer_ += more;
      }
      reply.body = buffer_.substr(0, n);
      buffer_.erase(0, n);
    } else if (reply.Header("Transfer-Encoding") == "chunked") {
      return std::nullopt;  // streams are read with ReadChunkedUntil
    } else {
      while (true) {
        std::string more = ReadSome();
        if (more.empty()) break;
        buffer_ += more;
      }
      reply.body = std::move(buffer_);
      buffer_.clear();
    }
    return reply;
  }

  // Reads raw chunked-stream bytes until `needle` has appeared `count` times or it times out.
  std::string ReadUntil(std::string_view needle, int count) {
    std::string all = std::move(buffer_);
    buffer_.clear();
    auto occurrences = [&] {
      int n = 0;
      for (size_t p = all.find(needle); p != std::string::npos; p = all.find(needle, p + 1)) ++n;
      return n;
    };
    while (occurrences() < count) {
      std::string more = ReadSome();
      if (more.empty()) break;
      all += more;
    }
    return all;
  }

  std::string PeerFingerprint() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (cert == nullptr) return {};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    X509_free(cert);
    std::string out;
    char hex[4];
    for (unsigned i = 0; i < n; ++i) {
      snprintf(hex, sizeof(hex), i ? ":%02X" : "%02X", md[i]);
      out += hex;
    }
    return out;
  }
  std::string Protocol() const { return ssl_ ? SSL_get_version(ssl_) : "plain"; }

 private:
  TestConnection() = default;
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buffer_;
  bool closed_ = false;
  unsigned long last_error_ = 0;
};

inline std::string RequestText(std::string_view method, std::string_view target,
                               const std::vector<std::pair<std::string, std::string>>& headers = {},
                               std::string_view body = {}, bool close = false) {
  std::string out = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\n";
  out += "Host: localhost\r\n";
  for (const auto& [k, v] : headers) out.append(k).append(": ").append(v).append("\r\n");
  if (!body.empty() || method == "POST" || method == "PUT") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  out += body;
  return out;
}

// One request on a fresh connection.
inline std::optional<HttpReply> Fetch(
    uint16_t port, std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers = {},
    std::string_view body = {}, ClientTls tls = {}) {
  std::unique_ptr<TestConnection> c = TestConnection::Open(port, tls);
  if (!c) return std::nullopt;
  // A refused request may be answered before it was fully sent: read the answer regardless.
  c->Write(RequestText(method, target, headers, body, true));
  return c->ReadReply(method == "HEAD");
}

}  // namespace perimeter::testing
