// client/tls.hpp: what https:// adds to fa::HttpClient (FASTAPI_ENABLE_TLS, OpenSSL): the client's context,
// made once from its ClientOptions on the first https:// call and shared by every connection (the trust store
// or ca_file, the client certificate, TLS 1.2 at least, ALPN http/1.1), the session of one connection (SNI and
// the name its certificate must carry), and the cause of a failed handshake in words. Fed by ClientOptions;
// feeds client/stream.hpp, which runs the handshake. Knows nothing of HTTP messages or of sockets.
//
// Why the system store is OpenSSL's default paths: they are what `openssl`, curl and Python's ssl trust on
// this machine, and OpenSSL itself lets SSL_CERT_FILE and SSL_CERT_DIR replace them, the variables httpx
// honours too: one way to point every client of a container at a private CA.
#pragma once

#ifdef FASTAPI_ENABLE_TLS

#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "fastapi/client/options.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/http/tls_context.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace fastapi::detail {

/// The client's SSL_CTX, made on the first https:// call (a client that only calls http:// reads no
/// certificate file) and kept for the client's life: every connection's session shares its parsed trust
/// store and client certificate. Thread-safe.
class ClientTlsContext {
 public:
  ClientTlsContext() = default;
  ~ClientTlsContext() {
    if (ctx_) SSL_CTX_free(ctx_);
  }
  ClientTlsContext(const ClientTlsContext&) = delete;
  ClientTlsContext& operator=(const ClientTlsContext&) = delete;

  /// The context for `options`, or nullptr with `error` saying why (a ca_file that cannot be read, a key
  /// that does not match cert_file). A failure is not kept: the next call tries again.
  SSL_CTX* get(const ClientOptions& options, std::string& error);

 private:
  std::mutex mutex_;
  SSL_CTX* ctx_ = nullptr;
};

/// A new session for one connection to `host` (a name or an IP literal): SNI for a name, and, with
/// `verify`, the name or address the server's certificate must carry. nullptr with `error` when OpenSSL
/// refuses (out of memory). The caller owns it (SSL_free, or an asio::ssl::stream it is given to).
FASTAPI_DETAIL_INLINE SSL* new_tls_session(SSL_CTX* ctx, const std::string& host, bool verify, std::string& error);

/// Why a handshake on `ssl` failed with `ec`, in words: the certificate check's own reason when that is what
/// failed ("certificate has expired", "unable to get local issuer certificate", "hostname mismatch"),
/// else OpenSSL's ("wrong version number": the server does not speak TLS on that port).
FASTAPI_DETAIL_INLINE std::string tls_failure_text(SSL* ssl, bool verify, const std::error_code& ec);

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE SSL_CTX* ClientTlsContext::get(const ClientOptions& options, std::string& error) {
  std::lock_guard lock(mutex_);
  if (ctx_) return ctx_;
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    error = "cannot create the TLS context: " + openssl_errors();
    return nullptr;
  }
  auto fail = [&](std::string what) {
    error = std::move(what) + ": " + openssl_errors();
    SSL_CTX_free(ctx);
    return nullptr;
  };
  // TLS 1.0 and 1.1 are deprecated (RFC 8996): no server worth calling needs them.
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return fail("cannot require TLS 1.2");
  static constexpr unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  if (SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn)) != 0) return fail("cannot offer ALPN http/1.1");
  if (options.verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!options.ca_file.empty()) {
      if (SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1)
        return fail("cannot read the CA certificates of ca_file '" + options.ca_file + "'");
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return fail("cannot load the system's trusted certificates (SSL_CERT_FILE, SSL_CERT_DIR)");
    }
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  if (!options.cert_file.empty()) {
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1)
      return fail("cannot read the client certificate of cert_file '" + options.cert_file + "'");
    if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
      return fail("cannot read the private key of " + std::string(options.key_file.empty() ? "cert_file" : "key_file") +
                  " '" + key + "'");
    if (SSL_CTX_check_private_key(ctx) != 1) return fail("key_file does not match cert_file");
  } else if (!options.key_file.empty()) {
    error = "key_file is set without cert_file";
    SSL_CTX_free(ctx);
    return nullptr;
  }
  ctx_ = ctx;
  return ctx_;
}

FASTAPI_DETAIL_INLINE SSL* new_tls_session(SSL_CTX* ctx, const std::string& host, bool verify, std::string& error) {
  ERR_clear_error();
  SSL* ssl = SSL_new(ctx);
  if (!ssl) {
    error = "cannot create a TLS session: " + openssl_errors();
    return nullptr;
  }
  asio::error_code not_ip;
  (void)asio::ip::make_address(host, not_ip);
  bool ok = true;
  // SNI carries names only (RFC 6066 section 3: no IP literals).
  if (not_ip) ok = SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;
  if (ok && verify) {
    // The name is checked by OpenSSL during the handshake, against subjectAltName (RFC 6125 rules); a
    // wildcard matches one whole label only, as browsers do.
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = not_ip ? X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1
                : X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
  }
  if (!ok) {
    error = "cannot set the server name '" + host + "' on the TLS session: " + openssl_errors();
    SSL_free(ssl);
    return nullptr;
  }
  return ssl;
}

FASTAPI_DETAIL_INLINE std::string tls_failure_text(SSL* ssl, bool verify, const std::error_code& ec) {
  long result = verify && ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (result != X509_V_OK) {
    std::string text = std::string("the server's certificate was refused: ") + X509_verify_cert_error_string(result);
    if (result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || result == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
        result == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN || result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT)
      text += " (an unknown issuer: trust its CA with ClientOptions::ca_file or SSL_CERT_FILE)";
    return text;
  }
  if (ec == asio::error::eof) return "the server closed the connection during the TLS handshake";
  return "the TLS handshake failed: " + ec.message();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail

#endif  // FASTAPI_ENABLE_TLS
