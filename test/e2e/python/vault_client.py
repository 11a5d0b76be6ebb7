#!/usr/bin/python3
"""A client of the vault's gRPC API in another language, with nothing generated ahead of time: Debian's
python3-grpcio and python3-protobuf only. It learns vault.v1.Vault from the server itself (server reflection),
checks health, issues a payment token as the payment flow and redeems it as the processor, over mutual TLS.
Prints one JSON object with what it saw; exits non-zero on any failure.

usage: vault_client.py TARGET CA_FILE CLIENTS_DIR ASSERTION CARD_ID
"""
import json
import sys
import time

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


# --- the few protobuf wire-format pieces reflection and health need (they have no stubs here) -------------------
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
    """One ServerReflectionInfo exchange (grpc.reflection.v1alpha): the response message's bytes."""
    call = channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                 request_serializer=lambda b: b, response_deserializer=lambda b: b)
    return next(iter(call(iter([request]), timeout=10)))


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

    # Health: grpc.health.v1.Health/Check {service} -> {status}; 1 is SERVING.
    check = flow.unary_unary("/grpc.health.v1.Health/Check", request_serializer=lambda b: b, response_deserializer=lambda b: b)
    # A client waits for SERVING as an orchestrator would (the status follows readiness, re-read every second).
    for _ in range(20):
        status = dict(fields(check(field_bytes(1, b"vault.v1.Vault"), timeout=10))).get(1, 0)
        if status == 1:
            break
        time.sleep(0.25)
    seen["health"] = {1: "SERVING", 2: "NOT_SERVING"}.get(status, "UNKNOWN")

    # Reflection: list the services (field 7 list_services -> field 6 list_services_response, names in field 1) ...
    listed = dict(fields(reflect(flow, field_bytes(7, b""))))[6]
    seen["services"] = sorted(dict(fields(s))[1].decode() for n, s in fields(listed) if n == 1)
    # ... then the file defining vault.v1.Vault (field 4 file_containing_symbol -> field 4, descriptors in field 1).
    described = dict(fields(reflect(flow, field_bytes(4, b"vault.v1.Vault"))))[4]
    pool = descriptor_pool.DescriptorPool()
    for n, raw in fields(described):
        if n == 1:
            pool.Add(descriptor_pb2.FileDescriptorProto.FromString(raw))
    factory = message_factory.MessageFactory(pool)  # protobuf 4.21 (Debian 12): GetPrototype, not GetMessageClass
    message = lambda name: factory.GetPrototype(pool.FindMessageTypeByName("vault.v1." + name))

    def rpc(channel, method, request_type, response_type, body, metadata=()):
        call = channel.unary_unary("/vault.v1.Vault/" + method,
                                   request_serializer=lambda m: m.SerializeToString(),
                                   response_deserializer=message(response_type).FromString)
        request = json_format.ParseDict(body, message(request_type)())
        return json_format.MessageToDict(call(request, metadata=list(metadata), timeout=10))

    invoice = {"id": "INV-PY-1", "amount": 4200, "currency": "EUR", "merchantId": "merchant-42", "partner": "xero"}
    issued = rpc(flow, "IssuePaymentToken", "IssuePaymentTokenRequest", "IssuePaymentTokenResponse",
                 {"cardId": card_id, "cvc": "123", "processorId": "xero-payments", "invoice": invoice},
                 [("authorization", "Bearer " + assertion)])
    seen["issued"] = {"processorId": issued["processorId"], "tokenPrefix": issued["token"][:3]}

    processor = channel_as("processor-xero-payments")
    redeemed = rpc(processor, "RedeemPaymentToken", "RedeemPaymentTokenRequest", "RedeemPaymentTokenResponse",
                   {"token": issued["token"]})
    seen["redeemed"] = {"kid": redeemed["kid"], "invoice": redeemed["invoice"], "jweParts": len(redeemed["jwe"].split("."))}

    # A second redeem: NOT_FOUND, with the vault's code in the trailers.
    try:
        rpc(processor, "RedeemPaymentToken", "RedeemPaymentTokenRequest", "RedeemPaymentTokenResponse", {"token": issued["token"]})
        seen["again"] = "OK"
    except grpc.RpcError as err:
        seen["again"] = {"status": err.code().name, "vaultErrorCode": dict(err.trailing_metadata() or ()).get("vault-error-code")}
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
