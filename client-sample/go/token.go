package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// clientCredentialsToken asks an OAuth 2.0 token endpoint (Entra ID, or the emulator's local
// Entra) for an access token with the client-credentials grant: one form POST, no library.
// caCertFile, if set, is a PEM file trusted for this connection only, on top of the system
// roots (the local emulator signs its endpoint with its own certificate).
func clientCredentialsToken(tokenURL, clientID, clientSecret, scope, caCertFile string) (string, error) {
	if tokenURL == "" || clientID == "" || clientSecret == "" {
		return "", errors.New("no HUBGATE_TOKEN: set HUBGATE_TOKEN_URL, HUBGATE_CLIENT_ID and HUBGATE_CLIENT_SECRET to acquire one")
	}
	httpClient := &http.Client{Timeout: 10 * time.Second}
	if caCertFile != "" {
		roots, err := x509.SystemCertPool()
		if err != nil {
			roots = x509.NewCertPool()
		}
		pem, err := os.ReadFile(caCertFile)
		if err != nil {
			return "", fmt.Errorf("HUBGATE_TOKEN_CA_CERT: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return "", fmt.Errorf("HUBGATE_TOKEN_CA_CERT: no certificate in %s", caCertFile)
		}
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.TLSClientConfig = &tls.Config{RootCAs: roots}
		httpClient.Transport = transport
	}

	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {clientID},
		"client_secret": {clientSecret},
		"scope":         {scope},
	}
	resp, err := httpClient.PostForm(tokenURL, form)
	if err != nil {
		// The error names the URL and the cause (refused, TLS, timeout); never the form.
		return "", fmt.Errorf("token request failed: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("token request failed: reading the answer: %w", err)
	}

	// Success and failure share one JSON shape; RFC 6749 §5.2 names the error fields.
	var answer struct {
		AccessToken      string `json:"access_token"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	jsonErr := json.Unmarshal(body, &answer)
	if resp.StatusCode != http.StatusOK || answer.AccessToken == "" {
		msg := fmt.Sprintf("token request to %s failed: HTTP %d", tokenURL, resp.StatusCode)
		switch {
		case answer.Error != "":
			msg += ": " + answer.Error
			if answer.ErrorDescription != "" {
				msg += ": " + answer.ErrorDescription
			}
		case resp.StatusCode != http.StatusOK:
			// Not an OAuth error answer (a proxy, a wrong URL): show its start. A failed
			// answer carries no token, so it is safe to print.
			msg += ": " + strings.TrimSpace(string(body[:min(len(body), 300)]))
		case jsonErr != nil:
			msg += ": the answer is not JSON"
		default:
			msg += ": the answer has no access_token"
		}
		return "", errors.New(msg)
	}
	return answer.AccessToken, nil
}

// bearerToken sends the caller token as "authorization: Bearer …" metadata on every call:
// gRPC asks it for metadata before each RPC (per-call credentials).
type bearerToken struct {
	token string
	// requireTLS makes gRPC refuse to send the token over a plaintext connection, except
	// when the user asked for plaintext (a local gateway).
	requireTLS bool
}

func (b bearerToken) GetRequestMetadata(_ context.Context, _ ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (b bearerToken) RequireTransportSecurity() bool { return b.requireTLS }
