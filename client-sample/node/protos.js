'use strict';
// Loads hubgate's API from the .proto files at start (no generated code), and converts
// google.protobuf.Struct between its protobuf shape and plain JSON.

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// The API's single source of truth: <repo>/proto/src/main/proto.
const HUBGATE_PROTOS = path.resolve(__dirname, '..', '..', 'proto', 'src', 'main', 'proto');
// google/rpc/*.proto (imported by registry.proto; error_details.proto for ErrorInfo and
// BadRequest) come from the pinned google-proto-files package, Google's own copy for Node.
const GOOGLE_PROTOS = path.dirname(require.resolve('google-proto-files/package.json'));

const LOADER_OPTIONS = {
  keepCase: true, // device_id, not deviceId: the field names of the .proto files
  longs: Number, // int64 versions as JS numbers (exact up to 2^53)
  enums: String, // "DEVICE_STATUS_ENABLED" rather than 1
  defaults: true, // unset scalars read as '' / 0 / false, as in other languages
  oneofs: true, // a oneof's name holds which member is set (QueryResult.result, Value.kind)
  includeDirs: [HUBGATE_PROTOS, GOOGLE_PROTOS],
};

/** Returns the hubgate.v1 package: its service client constructors. */
function loadHubgate() {
  const definition = protoLoader.loadSync(
    ['hubgate/v1/registry.proto', 'hubgate/v1/twin.proto', 'hubgate/v1/method.proto'],
    LOADER_OPTIONS,
  );
  return grpc.loadPackageDefinition(definition).hubgate.v1;
}

// google.protobuf.Struct arrives as {fields: {key: Value}}, each Value a oneof `kind`
// (nullValue, numberValue, stringValue, boolValue, structValue, listValue). These two
// functions map it to and from the plain JSON it stands for.

/** A plain JSON object as a google.protobuf.Struct. */
function toStruct(object) {
  const fields = {};
  for (const [key, value] of Object.entries(object)) {
    fields[key] = toValue(value);
  }
  return { fields };
}

function toValue(value) {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  switch (typeof value) {
    case 'number': return { numberValue: value };
    case 'string': return { stringValue: value };
    case 'boolean': return { boolValue: value };
    case 'object': return { structValue: toStruct(value) };
    default: throw new TypeError(`not a JSON value: ${typeof value}`);
  }
}

/** A google.protobuf.Struct as a plain JSON object ({} when unset). */
function fromStruct(struct) {
  const object = {};
  for (const [key, value] of Object.entries((struct && struct.fields) || {})) {
    object[key] = fromValue(value);
  }
  return object;
}

function fromValue(value) {
  switch (value.kind) {
    case 'numberValue': return value.numberValue;
    case 'stringValue': return value.stringValue;
    case 'boolValue': return value.boolValue;
    case 'structValue': return fromStruct(value.structValue);
    case 'listValue': return (value.listValue.values || []).map(fromValue);
    default: return null; // nullValue, or no kind set
  }
}

module.exports = { HUBGATE_PROTOS, GOOGLE_PROTOS, loadHubgate, toStruct, fromStruct };
