/**
 * The OTLP trace messages (opentelemetry-proto v1: common, resource, trace, collector/trace) and
 * google.rpc.Status, compiled at first use by protobufjs. OpenTelemetry JS no longer ships a
 * protobufjs root with the trace messages (@opentelemetry/otlp-transformer 0.215+ writes protobuf
 * by hand and has no request decoder), and no maintained npm package ships the .proto files, so
 * the schema is declared here from the OTLP specification; protobufjs does all the wire decoding
 * and encoding. Only the fields a receiver reads are declared: protobufjs skips unknown fields,
 * which is how a newer sender's additions are meant to be handled. Enums are read as int32
 * (the same varint on the wire) so an unknown enum value never fails a request.
 */
import type * as Protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }

message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
}
message Status { string message = 2; int32 code = 3; }

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }

message RpcStatus { int32 code = 1; string message = 2; }
`;

interface OtlpTypes {
  request: Protobuf.Type;
  response: Protobuf.Type;
  status: Protobuf.Type;
}

let types: OtlpTypes | undefined;

/** The compiled message types (parsed once; the text is small and parsing takes about a millisecond). */
export function otlpTypes(): OtlpTypes {
  if (types) return types;
  // protobufjs itself loads here too, at the first OTLP request rather than at server start (it
  // takes a few milliseconds to evaluate); a synchronous require keeps the codec synchronous.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const protobuf = require('protobufjs') as typeof Protobuf;
  const root = protobuf.parse(PROTO, { keepCase: false }).root;
  types = {
    request: root.lookupType('opentelemetry.proto.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.ExportTraceServiceResponse'),
    status: root.lookupType('opentelemetry.proto.RpcStatus'),
  };
  return types;
}
