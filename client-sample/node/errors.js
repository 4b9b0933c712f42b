'use strict';
// Reads hubgate's rich errors: a failed call carries a google.rpc.Status, serialized in the
// `grpc-status-details-bin` trailer, whose details are google.protobuf.Any messages such as
// google.rpc.ErrorInfo (domain, reason, metadata) and google.rpc.BadRequest (field violations).

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protobuf = require('protobufjs');
const { GOOGLE_PROTOS } = require('./protos');

// grpc-js does not decode the trailer itself; protobufjs (proto-loader's own parser) does,
// from the same google/rpc protos. google/protobuf/any.proto and duration.proto, which these
// import, are bundled with protobufjs.
// keepCase: snake_case field names (type_url, field_violations), as in protos.js.
const root = new protobuf.Root().loadSync([
  path.join(GOOGLE_PROTOS, 'google', 'rpc', 'status.proto'),
  path.join(GOOGLE_PROTOS, 'google', 'rpc', 'error_details.proto'),
], { keepCase: true });
const Status = root.lookupType('google.rpc.Status');
const ErrorInfo = root.lookupType('google.rpc.ErrorInfo');
const BadRequest = root.lookupType('google.rpc.BadRequest');

/** The gRPC status code's canonical name, e.g. "ABORTED". */
function codeName(code) {
  return grpc.status[code] || `CODE_${code}`;
}

/**
 * The rich status of a failed call: {errorInfo, fieldViolations, others}, each empty when the
 * gateway sent no such detail (transport failures have none at all).
 */
function richStatus(error) {
  const result = { errorInfo: null, fieldViolations: [], others: [] };
  const raw = error.metadata ? error.metadata.get('grpc-status-details-bin') : [];
  if (raw.length === 0) return result;
  const status = Status.decode(raw[0]);
  for (const any of status.details) {
    // type_url is "type.googleapis.com/google.rpc.ErrorInfo": the type is after the last '/'.
    const typeName = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
    if (typeName === 'google.rpc.ErrorInfo') {
      result.errorInfo = ErrorInfo.toObject(ErrorInfo.decode(any.value), { defaults: true });
    } else if (typeName === 'google.rpc.BadRequest') {
      const badRequest = BadRequest.toObject(BadRequest.decode(any.value), { defaults: true });
      result.fieldViolations.push(...badRequest.field_violations);
    } else {
      result.others.push(typeName);
    }
  }
  return result;
}

/** Writes a failed call to standard error: code, message, ErrorInfo, field violations. */
function printError(error, context) {
  if (typeof error.code !== 'number' || !(error.metadata instanceof grpc.Metadata)) {
    // Not a gRPC status: a bug or a local failure (unreadable CA file, token endpoint down).
    process.stderr.write(`error: ${context}: ${error.message}\n`);
    return;
  }
  process.stderr.write(`error: ${context}: ${codeName(error.code)}: ${error.details}\n`);
  const { errorInfo, fieldViolations, others } = richStatus(error);
  if (errorInfo) {
    process.stderr.write(`reason: ${errorInfo.reason}\n`);
    if (errorInfo.domain) process.stderr.write(`domain: ${errorInfo.domain}\n`);
    for (const [key, value] of Object.entries(errorInfo.metadata)) {
      process.stderr.write(`metadata: ${key}=${value}\n`);
    }
  }
  for (const violation of fieldViolations) {
    process.stderr.write(`field violation: ${violation.field}: ${violation.description}\n`);
  }
  for (const typeName of others) {
    process.stderr.write(`detail: ${typeName}\n`);
  }
}

module.exports = { codeName, richStatus, printError };
