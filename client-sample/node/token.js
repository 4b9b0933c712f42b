'use strict';
// Acquires a caller token with the OAuth 2.0 client-credentials grant, at Entra ID's token
// endpoint (or the local emulator's). Plain node:https, no extra dependency: the built-in
// fetch cannot trust an extra CA for one request, https.request can (option `ca`).

const fs = require('node:fs');
const https = require('node:https');
const tls = require('node:tls');

const TOKEN_TIMEOUT_MS = 10_000;

/**
 * POSTs grant_type=client_credentials to tokenUrl and resolves to the access token.
 * caCertFile (optional): a PEM file trusted for this request, in addition to the system roots.
 * Errors never include the secret or the token.
 */
async function clientCredentials({ tokenUrl, clientId, clientSecret, scope, caCertFile }) {
  if (!tokenUrl || !clientId || !clientSecret) {
    throw new Error('HUBGATE_TOKEN is empty, so HUBGATE_TOKEN_URL, HUBGATE_CLIENT_ID and '
      + 'HUBGATE_CLIENT_SECRET are needed to acquire a token');
  }
  const url = new URL(tokenUrl);
  if (url.protocol !== 'https:') {
    throw new Error(`HUBGATE_TOKEN_URL must be https (a client secret is sent): ${tokenUrl}`);
  }
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scope,
  }).toString();
  const options = {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      accept: 'application/json',
    },
    timeout: TOKEN_TIMEOUT_MS,
  };
  if (caCertFile) {
    // `ca` replaces the default roots, so pass both: the emulator's certificate and the system's.
    let pem;
    try {
      pem = fs.readFileSync(caCertFile, 'utf8');
    } catch (error) {
      throw new Error(`cannot read HUBGATE_TOKEN_CA_CERT: ${error.message}`);
    }
    options.ca = [...tls.rootCertificates, pem];
  }

  const { status, text } = await post(url, options, body);
  let json = {};
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page, say): reported by status below.
  }
  if (status !== 200 || typeof json.access_token !== 'string') {
    // Entra's error body: {"error": "invalid_client", "error_description": "AADSTS7000215: …"}.
    const why = [json.error, json.error_description].filter(Boolean).join(': ')
      || (status === 200 ? 'no access_token in the response' : `body: ${text.slice(0, 200) || '(empty)'}`);
    throw new Error(`token request to ${url.origin}${url.pathname} failed: HTTP ${status}: ${why}`);
  }
  return json.access_token;
}

function post(url, options, body) {
  return new Promise((resolve, reject) => {
    const request = https.request(url, options, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({
        status: response.statusCode,
        text: Buffer.concat(chunks).toString('utf8'),
      }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(
      new Error(`token request to ${url.origin} timed out after ${TOKEN_TIMEOUT_MS} ms`)));
    request.on('error', (error) => {
      if (error.message.includes(url.origin)) return reject(error); // our own timeout
      // An untrusted certificate is the usual first stumble with a local emulator.
      const hint = error.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || error.code === 'SELF_SIGNED_CERT_IN_CHAIN'
        || error.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ? ' (set HUBGATE_TOKEN_CA_CERT to its CA\'s PEM file)' : '';
      return reject(new Error(`token request to ${url.origin} failed: ${error.message}${hint}`));
    });
    request.end(body);
  });
}

module.exports = { clientCredentials };
