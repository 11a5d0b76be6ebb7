#!/usr/bin/python3
"""A client of the vault's gRPC API in another language, with nothing generated ahead of time: Debian's
python3-grpcio and python3-protobuf only. It learns every service the port serves from the server itself (server
reflection): each listed service's file and its dependencies go into a standard DescriptorPool, which refuses a
descriptor protoc would not write (a map entry not named XxxEntry, say). Every field name it learns must be the
.proto's snake_case, and the requests it sends are JSON with exactly those names. It checks health, lists it, issues
a payment token as the payment flow and redeems it as the processor, over mutual TLS.
Prints one JSON object with what it saw; exits non-zero on any failure.

usage: vault_client.py TARGET CA_FILE CLIENTS_DIR ASSERTION CARD_ID
"""
import json
import re
import sys
import time

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


# --- the few protobuf wire-format pieces reflection needs (its own messages have no stubs here) -------------------
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field_bytes(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def fields(buf):
    """(field number, value) pairs of one message; length-delimited values as bytes, varints as ints."""
    i = 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(buf, i)
        elif wire == 2:
            length, i = read_varint(buf, i)
            value, i = buf[i:i + length], i + length
        else:
            raise ValueError("unexpected wire type %d" % wire)
        yield number, value


def read_varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def reflect(channel, request):
    """One ServerReflectionInfo exchange (grpc.reflection.v1): the response message's fields; an error response
    (field 7) fails the client."""
    call = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                 request_serializer=lambda b: b, response_deserializer=lambda b: b)
    response = dict(fields(next(iter(call(iter([request]), timeout=10)))))
    if 7 in response:
        raise RuntimeError("reflection error: %r" % dict(fields(response[7])))
    return response


def reflected_pool(channel):
    """The listed services and a standard DescriptorPool holding every file reflection serves for them."""
    # list_services (field 7) -> list_services_response (6), each service's name in field 1.
    listed = reflect(channel, field_bytes(7, b"*"))[6]
    services = sorted(dict(fields(s))[1].decode() for n, s in fields(listed) if n == 1)
    files = {}
    for service in services:
        # file_containing_symbol (4) -> file_descriptor_response (4): the file and its dependencies, in field 1.
        for n, raw in fields(reflect(channel, field_bytes(4, service.encode()))[4]):
            if n == 1:
                proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
                files.setdefault(proto.name, proto)
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):  # dependencies first, as the pool requires
        if name in added:
            return
        for dependency in files[name].dependency:
            add(dependency)
        pool.Add(files[name])
        added.add(name)

    for name in sorted(files):
        add(name)
    return services, pool, [files[name] for name in sorted(files)]


def field_names(message_protos, prefix):
    """Every field's name in these messages and those nested in them, by full message name."""
    out = {}
    for message in message_protos:
        full = prefix + "." + message.name
        out[full] = [f.name for f in message.field]
        out.update(field_names(message.nested_type, full))
    return out


def check_names(descriptor, body):
    """The request's JSON uses the reflected (proto) field names exactly, nested messages included (json_format
    would take lowerCamel names too)."""
    for key, value in body.items():
        if key not in descriptor.fields_by_name:
            raise AssertionError("%s has no field %r (has %s)" % (descriptor.full_name, key, sorted(descriptor.fields_by_name)))
        if isinstance(value, dict) and descriptor.fields_by_name[key].message_type is not None:
            check_names(descriptor.fields_by_name[key].message_type, value)


def main():
    target, ca_file, clients, assertion, card_id = sys.argv[1:6]
    ca = open(ca_file, "rb").read()

    def channel_as(service):
        creds = grpc.ssl_channel_credentials(root_certificates=ca,
                                             private_key=open("%s/%s-key.pem" % (clients, service), "rb").read(),
                                             certificate_chain=open("%s/%s.pem" % (clients, service), "rb").read())
        return grpc.secure_channel(target, creds)

    flow = channel_as("payment-flow")
    seen = {}

    # Reflection: every listed service's file, into a standard pool (Add refuses a descriptor protoc would not write).
    services, pool, files = reflected_pool(flow)
    seen["services"] = services
    seen["files"] = [f.name for f in files]
    names = {}
    for f in files:
        names.update(field_names(f.message_type, f.package))
    not_snake = sorted("%s.%s" % (m, n) for m, ns in names.items() for n in ns if not SNAKE_CASE.match(n))
    if not_snake:
        raise AssertionError("field names not as in the .proto (snake_case): %s" % not_snake)
    seen["issueRequestFields"] = names["vault.v1.IssuePaymentTokenRequest"]
    statuses = pool.FindMessageTypeByName("grpc.health.v1.HealthListResponse").fields_by_name["statuses"]
    seen["healthMapEntry"] = {"type": statuses.message_type.full_name, "mapEntry": statuses.message_type.GetOptions().map_entry}

    factory = message_factory.MessageFactory(pool)
    # protobuf 4.21 (Debian 12) has GetPrototype; newer releases GetMessageClass.
    message_class = getattr(message_factory, "GetMessageClass", None) or factory.GetPrototype

    def rpc(channel, service, method, body, metadata=()):
        """A unary call described by reflection alone; JSON in and out with the .proto's field names."""
        described = pool.FindServiceByName(service).methods_by_name[method]
        check_names(described.input_type, body)
        request_class, response_class = message_class(described.input_type), message_class(described.output_type)
        call = channel.unary_unary("/%s/%s" % (service, method), request_serializer=lambda m: m.SerializeToString(),
                                   response_deserializer=response_class.FromString)
        request = json_format.ParseDict(body, request_class())
        response = call(request, metadata=list(metadata), timeout=10)
        return json_format.MessageToDict(response, preserving_proto_field_name=True)

    # Health, from the reflected grpc.health.v1 (a client waits for SERVING as an orchestrator would: the status
    # follows readiness, re-read every second).
    for _ in range(20):
        status = rpc(flow, "grpc.health.v1.Health", "Check", {"service": "vault.v1.Vault"}).get("status", "UNKNOWN")
        if status == "SERVING":
            break
        time.sleep(0.25)
    seen["health"] = status
    seen["healthList"] = rpc(flow, "grpc.health.v1.Health", "List", {}).get("statuses", {})

    invoice = {"id": "INV-PY-1", "amount": 4200, "currency": "EUR", "merchant_id": "merchant-42", "partner": "xero"}
    issued = rpc(flow, "vault.v1.Vault", "IssuePaymentToken",
                 {"card_id": card_id, "cvc": "123", "processor_id": "xero-payments", "invoice": invoice},
                 [("authorization", "Bearer " + assertion)])
    seen["issued"] = {"processor_id": issued["processor_id"], "tokenPrefix": issued["token"][:3]}

    processor = channel_as("processor-xero-payments")
    redeemed = rpc(processor, "vault.v1.Vault", "RedeemPaymentToken", {"token": issued["token"]})
    seen["redeemed"] = {"kid": redeemed["kid"], "invoice": redeemed["invoice"], "jweParts": len(redeemed["jwe"].split("."))}

    # A second redeem: NOT_FOUND, with the vault's code in the trailers.
    try:
        rpc(processor, "vault.v1.Vault", "RedeemPaymentToken", {"token": issued["token"]})
        seen["again"] = "OK"
    except grpc.RpcError as err:
        seen["again"] = {"status": err.code().name, "vaultErrorCode": dict(err.trailing_metadata() or ()).get("vault-error-code")}
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
