// TLS for the server: building an OpenSSL server context from PEM files with Mozilla's
// "intermediate" profile (TLS 1.2 and 1.3 only), and the self-signed certificate made on first
// start when none is configured. Stateless functions; a context is immutable once built.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// Mozilla's "intermediate" TLS 1.2 suites (forward secrecy, AEAD only), for clients older than
// TLS 1.3. TLS 1.3's own suites are OpenSSL's defaults, which match the profile.
inline constexpr std::string_view kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
inline constexpr std::string_view kTls13Ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
inline constexpr std::string_view kTlsGroups = "X25519:prime256v1:secp384r1";

// A server context serving `cert_path` (PEM chain, leaf first) with `key_path`. Errors name
// the file, the setting and OpenSSL's reason.
Result<SslCtxPtr> MakeServerTlsContext(const std::string& cert_path, const std::string& key_path);

// Where the self-signed certificate lives: <data_dir>/tls/{cert.pem,key.pem}.
struct CertificateFiles {
  std::string cert;
  std::string key;
};
CertificateFiles SelfSignedCertificateFiles(const std::string& data_dir);

// 825 days: the longest validity Apple platforms accept for any TLS server certificate.
inline constexpr std::chrono::hours kSelfSignedValidity = std::chrono::hours(24 * 825);
// A self-signed certificate this close to expiry is replaced at start.
inline constexpr std::chrono::hours kSelfSignedRenewBefore = std::chrono::hours(24 * 30);

// Reuses the certificate in <data_dir>/tls/ when present and not near expiry, otherwise
// generates one: EC P-256 key, SANs `host_name` (when it is a valid DNS name), localhost,
// 127.0.0.1 and ::1. Sets *generated when a new one was made.
Result<CertificateFiles> EnsureSelfSignedCertificate(const std::string& data_dir,
                                                     std::string_view host_name, bool* generated);

// "AB:CD:…" SHA-256 of the (first) certificate in a PEM file, as browsers display it.
Result<std::string> CertificateFingerprint(const std::string& cert_path);

}  // namespace perimeter
