#!/usr/bin/python3
"""gRPC interop test client on Debian's python3-grpcio (gRPC C core), plaintext h2c.

Run it with the system interpreter, which is where apt installs grpcio:

    /usr/bin/python3 interop_client.py --server_host=127.0.0.1 --server_port=50051 --test_case=large_unary

Optional: --server_host_override=NAME (sets :authority), --use_tls=false,
--timeout_ms=N (per-call deadline guard, default 30000), --test_case=all.
Exit codes: 0 the case passed; 1 it failed (reason on stderr); 2 bad usage or setup.

The message classes are built at start-up from tests/Interop/protos: grpc_tools'
protoc (python3-grpc-tools) writes a descriptor set to a temporary file and the
classes come from protobuf's descriptor pool. We do not generate _pb2 modules:
Debian's grpc_tools bundles an old protoc whose generated code does not match
Debian's newer protobuf runtime, while a descriptor set is stable across versions.
Calls go through grpc's generic channel API, so no generated stubs are needed.

Known limits of grpcio (documented per case below): it never exposes the
compressed flag of a received message, so server_compressed_* check payloads
only; and it compresses per call, not per message, so client_compressed_streaming
sends its expect_compressed=false message compressed too (the interop server spec
only checks messages that claim expect_compressed=true, so the case stays valid).
"""

import os
import queue
import sys
import tempfile

try:
    import grpc
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError as e:  # pragma: no cover - environment problem, not a test result
    sys.stderr.write("interop_client: cannot import grpc/protobuf (%s); run with /usr/bin/python3 "
                     "after 'apt-get install python3-grpcio python3-grpc-tools'\n" % e)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.join(os.path.dirname(HERE), "protos")

CASES = [
    "empty_unary", "large_unary", "client_compressed_unary", "server_compressed_unary",
    "client_streaming", "client_compressed_streaming", "server_streaming",
    "server_compressed_streaming", "ping_pong", "empty_stream", "custom_metadata",
    "status_code_and_message", "special_status_message", "unimplemented_method",
    "unimplemented_service", "cancel_after_begin", "cancel_after_first_response",
    "timeout_on_sleeping_server",
]

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"
INITIAL_VALUE = "test_initial_metadata_value"
TRAILING_VALUE = b"\xab\xab\xab"
SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"


class CaseFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


def usage(message):
    sys.stderr.write("interop_client: %s\n" % message)
    sys.exit(2)


# ---- messages ------------------------------------------------------------------

def load_messages():
    """Returns {message name: class} for package grpc.testing."""
    try:
        from grpc_tools import protoc
    except ImportError as e:
        usage("grpc_tools is missing (%s); install python3-grpc-tools" % e)
    files = ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"]
    with tempfile.TemporaryDirectory(prefix="pilotdeck-interop-") as tmp:
        out = os.path.join(tmp, "testing.binpb")
        rc = protoc.main(["protoc", "-I" + PROTO_ROOT, "--include_imports",
                          "--descriptor_set_out=" + out] + files)
        if rc != 0:
            usage("protoc could not compile %s (exit %s)" % (PROTO_ROOT, rc))
        with open(out, "rb") as f:
            file_set = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file_proto in file_set.file:
        pool.Add(file_proto)
    factory = message_factory.MessageFactory(pool) if not hasattr(message_factory, "GetMessageClass") else None
    classes = {}
    for name in ["Empty", "SimpleRequest", "SimpleResponse", "StreamingInputCallRequest",
                 "StreamingInputCallResponse", "StreamingOutputCallRequest",
                 "StreamingOutputCallResponse", "ResponseParameters", "Payload", "EchoStatus",
                 "BoolValue"]:
        desc = pool.FindMessageTypeByName("grpc.testing." + name)
        classes[name] = (message_factory.GetMessageClass(desc) if factory is None
                         else factory.GetPrototype(desc))
    return classes


M = None  # filled in by main()


def zeros(n):
    return M["Payload"](body=b"\0" * n)


def large_request(**extra):
    return M["SimpleRequest"](response_size=314159, payload=zeros(271828), **extra)


def bool_value(v):
    return M["BoolValue"](value=v)


def check_zeros(response, size, what):
    body = response.payload.body
    check(len(body) == size, "%s: payload body is %d bytes, expected %d" % (what, len(body), size))
    check(body.count(0) == len(body), "%s: payload body is not all zeros" % what)


def expect_status(call_or_error, code, what):
    check(call_or_error is not None, "%s: expected status %s but the call succeeded" % (what, code.name))
    got = call_or_error.code()
    check(got == code, "%s: expected status %s, got %s: %r" % (what, code.name, got, call_or_error.details()))


# ---- stubs -----------------------------------------------------------------------

class Stubs:
    def __init__(self, channel, timeout):
        self.timeout = timeout
        svc = "/grpc.testing.TestService/"

        def uu(name, req, resp):
            return channel.unary_unary(svc + name, request_serializer=M[req].SerializeToString,
                                       response_deserializer=M[resp].FromString)

        self.empty_call = uu("EmptyCall", "Empty", "Empty")
        self.unary_call = uu("UnaryCall", "SimpleRequest", "SimpleResponse")
        self.unimplemented_call = uu("UnimplementedCall", "Empty", "Empty")
        self.unimplemented_service_call = channel.unary_unary(
            "/grpc.testing.UnimplementedService/UnimplementedCall",
            request_serializer=M["Empty"].SerializeToString, response_deserializer=M["Empty"].FromString)
        self.streaming_output_call = channel.unary_stream(
            svc + "StreamingOutputCall", request_serializer=M["StreamingOutputCallRequest"].SerializeToString,
            response_deserializer=M["StreamingOutputCallResponse"].FromString)
        self.streaming_input_call = channel.stream_unary(
            svc + "StreamingInputCall", request_serializer=M["StreamingInputCallRequest"].SerializeToString,
            response_deserializer=M["StreamingInputCallResponse"].FromString)
        self.full_duplex_call = channel.stream_stream(
            svc + "FullDuplexCall", request_serializer=M["StreamingOutputCallRequest"].SerializeToString,
            response_deserializer=M["StreamingOutputCallResponse"].FromString)


def unary(method, request, stubs, **kwargs):
    """Returns (response, call_or_error): the error is the grpc.RpcError when the call failed."""
    kwargs.setdefault("timeout", stubs.timeout)
    try:
        response, call = method.with_call(request, **kwargs)
        return response, call
    except grpc.RpcError as e:
        return None, e


class RequestFeed:
    """A request iterator the test pushes into, for ping-pong style streams."""
    _END = object()

    def __init__(self):
        self._q = queue.Queue()

    def send(self, message):
        self._q.put(message)

    def close(self):
        self._q.put(self._END)

    def __iter__(self):
        while True:
            item = self._q.get()
            if item is self._END:
                return
            yield item


def metadata_value(pairs, key):
    return [v for k, v in (pairs or ()) if k == key]


def check_echoed_metadata(initial, trailing, what):
    got = metadata_value(initial, ECHO_INITIAL)
    check(got == [INITIAL_VALUE], "%s: initial metadata %s = %r, expected [%r]" % (what, ECHO_INITIAL, got, INITIAL_VALUE))
    got = metadata_value(trailing, ECHO_TRAILING)
    check(got == [TRAILING_VALUE], "%s: trailing metadata %s = %r, expected [%r]" % (what, ECHO_TRAILING, got, TRAILING_VALUE))


# ---- test cases ----------------------------------------------------------------

def empty_unary(s, notes):
    response, call = unary(s.empty_call, M["Empty"](), s)
    check(response is not None, "EmptyCall failed: %s" % describe(call))


def large_unary(s, notes):
    response, call = unary(s.unary_call, large_request(), s)
    check(response is not None, "UnaryCall failed: %s" % describe(call))
    check_zeros(response, 314159, "UnaryCall response")


def client_compressed_unary(s, notes):
    # Probe: an uncompressed call claiming expect_compressed=true must be refused.
    response, err = unary(s.unary_call, large_request(expect_compressed=bool_value(True)), s)
    expect_status(None if response is not None else err, grpc.StatusCode.INVALID_ARGUMENT,
                  "probe (uncompressed, expect_compressed=true)")
    # grpcio cannot send "gzip call, message flag 0" for a unary call (no per-message
    # write flags), so that second kind of probe is covered by the grpc-js client only.
    response, call = unary(s.unary_call, large_request(expect_compressed=bool_value(True)), s,
                           compression=grpc.Compression.Gzip)
    check(response is not None, "compressed UnaryCall failed: %s" % describe(call))
    check_zeros(response, 314159, "compressed UnaryCall response")
    response, call = unary(s.unary_call, large_request(expect_compressed=bool_value(False)), s)
    check(response is not None, "uncompressed UnaryCall failed: %s" % describe(call))
    check_zeros(response, 314159, "uncompressed UnaryCall response")


def server_compressed_unary(s, notes):
    for compressed in (True, False):
        what = "UnaryCall with response_compressed=%s" % compressed
        response, call = unary(s.unary_call, large_request(response_compressed=bool_value(compressed)), s)
        check(response is not None, "%s failed: %s" % (what, describe(call)))
        check_zeros(response, 314159, what)
    notes.append("grpcio does not expose a received message's compressed flag; only the payloads were checked")


def client_streaming(s, notes):
    requests = [M["StreamingInputCallRequest"](payload=zeros(n)) for n in (27182, 8, 1828, 45904)]
    try:
        response = s.streaming_input_call(iter(requests), timeout=s.timeout)
    except grpc.RpcError as e:
        raise CaseFailure("StreamingInputCall failed: %s" % describe(e))
    check(response.aggregated_payload_size == 74922,
          "aggregated_payload_size is %d, expected 74922" % response.aggregated_payload_size)


def client_compressed_streaming(s, notes):
    Req = M["StreamingInputCallRequest"]
    try:
        s.streaming_input_call(iter([Req(expect_compressed=bool_value(True), payload=zeros(27182))]),
                               timeout=s.timeout)
        err = None
    except grpc.RpcError as e:
        err = e
    expect_status(err, grpc.StatusCode.INVALID_ARGUMENT, "probe (uncompressed, expect_compressed=true)")
    # grpcio compresses whole calls; the expect_compressed=false message therefore
    # also travels compressed. The server spec only checks the true case.
    requests = [Req(expect_compressed=bool_value(True), payload=zeros(27182)),
                Req(expect_compressed=bool_value(False), payload=zeros(45904))]
    try:
        response = s.streaming_input_call(iter(requests), timeout=s.timeout, compression=grpc.Compression.Gzip)
    except grpc.RpcError as e:
        raise CaseFailure("compressed StreamingInputCall failed: %s" % describe(e))
    check(response.aggregated_payload_size == 73086,
          "aggregated_payload_size is %d, expected 73086" % response.aggregated_payload_size)
    notes.append("grpcio has no per-message compression switch on the client; the second message was compressed too")


def collect_stream(call, what):
    try:
        responses = list(call)
    except grpc.RpcError as e:
        raise CaseFailure("%s failed: %s" % (what, describe(e)))
    return responses


def server_streaming(s, notes):
    sizes = [31415, 9, 2653, 58979]
    request = M["StreamingOutputCallRequest"](
        response_parameters=[M["ResponseParameters"](size=n) for n in sizes])
    responses = collect_stream(s.streaming_output_call(request, timeout=s.timeout), "StreamingOutputCall")
    check(len(responses) == len(sizes), "got %d responses, expected %d" % (len(responses), len(sizes)))
    for i, (r, n) in enumerate(zip(responses, sizes)):
        check_zeros(r, n, "response %d" % (i + 1))


def server_compressed_streaming(s, notes):
    sizes = [31415, 92653]
    request = M["StreamingOutputCallRequest"](response_parameters=[
        M["ResponseParameters"](size=31415, compressed=bool_value(True)),
        M["ResponseParameters"](size=92653, compressed=bool_value(False))])
    responses = collect_stream(s.streaming_output_call(request, timeout=s.timeout), "StreamingOutputCall")
    check(len(responses) == 2, "got %d responses, expected 2" % len(responses))
    for i, (r, n) in enumerate(zip(responses, sizes)):
        check_zeros(r, n, "response %d" % (i + 1))
    notes.append("grpcio does not expose a received message's compressed flag; only the payloads were checked")


def ping_pong(s, notes):
    feed = RequestFeed()
    call = s.full_duplex_call(iter(feed), timeout=s.timeout)
    count = 0
    try:
        for i, (resp_size, req_size) in enumerate([(31415, 27182), (9, 8), (2653, 1828), (58979, 45904)]):
            feed.send(M["StreamingOutputCallRequest"](
                response_parameters=[M["ResponseParameters"](size=resp_size)], payload=zeros(req_size)))
            try:
                response = next(call)
            except StopIteration:
                raise CaseFailure("stream ended before response %d" % (i + 1))
            check_zeros(response, resp_size, "response %d" % (i + 1))
            count += 1
        feed.close()
        rest = list(call)
    except grpc.RpcError as e:
        raise CaseFailure("FullDuplexCall failed: %s" % describe(e))
    finally:
        feed.close()
    check(not rest, "got %d responses, expected 4" % (count + len(rest)))
    check(call.code() == grpc.StatusCode.OK, "FullDuplexCall ended with %s" % call.code())


def empty_stream(s, notes):
    responses = collect_stream(s.full_duplex_call(iter([]), timeout=s.timeout), "FullDuplexCall")
    check(not responses, "got %d responses, expected none" % len(responses))


def custom_metadata(s, notes):
    md = ((ECHO_INITIAL, INITIAL_VALUE), (ECHO_TRAILING, TRAILING_VALUE))
    response, call = unary(s.unary_call, large_request(), s, metadata=md)
    check(response is not None, "UnaryCall failed: %s" % describe(call))
    check_zeros(response, 314159, "UnaryCall response")
    check_echoed_metadata(call.initial_metadata(), call.trailing_metadata(), "UnaryCall")

    request = M["StreamingOutputCallRequest"](
        response_parameters=[M["ResponseParameters"](size=314159)], payload=zeros(271828))
    call = s.full_duplex_call(iter([request]), metadata=md, timeout=s.timeout)
    responses = collect_stream(call, "FullDuplexCall")
    check(len(responses) == 1, "FullDuplexCall: got %d responses, expected 1" % len(responses))
    check_zeros(responses[0], 314159, "FullDuplexCall response")
    check_echoed_metadata(call.initial_metadata(), call.trailing_metadata(), "FullDuplexCall")


def status_code_and_message(s, notes):
    echo = M["EchoStatus"](code=2, message="test status message")
    response, err = unary(s.unary_call, M["SimpleRequest"](response_status=echo), s)
    expect_status(None if response is not None else err, grpc.StatusCode.UNKNOWN, "UnaryCall")
    check(err.details() == echo.message, "UnaryCall: status message %r, expected %r" % (err.details(), echo.message))

    call = s.full_duplex_call(iter([M["StreamingOutputCallRequest"](response_status=echo)]), timeout=s.timeout)
    try:
        list(call)
        err = None
    except grpc.RpcError as e:
        err = e
    expect_status(err, grpc.StatusCode.UNKNOWN, "FullDuplexCall")
    check(err.details() == echo.message,
          "FullDuplexCall: status message %r, expected %r" % (err.details(), echo.message))


def special_status_message(s, notes):
    echo = M["EchoStatus"](code=2, message=SPECIAL_MESSAGE)
    response, err = unary(s.unary_call, M["SimpleRequest"](response_status=echo), s)
    expect_status(None if response is not None else err, grpc.StatusCode.UNKNOWN, "UnaryCall")
    check(err.details() == SPECIAL_MESSAGE, "status message %r, expected %r" % (err.details(), SPECIAL_MESSAGE))


def unimplemented_method(s, notes):
    response, err = unary(s.unimplemented_call, M["Empty"](), s)
    expect_status(None if response is not None else err, grpc.StatusCode.UNIMPLEMENTED,
                  "TestService/UnimplementedCall")


def unimplemented_service(s, notes):
    response, err = unary(s.unimplemented_service_call, M["Empty"](), s)
    expect_status(None if response is not None else err, grpc.StatusCode.UNIMPLEMENTED,
                  "UnimplementedService/UnimplementedCall")


def cancel_after_begin(s, notes):
    feed = RequestFeed()  # never yields: the call has sent headers but no message
    future = s.streaming_input_call.future(iter(feed), timeout=s.timeout)
    try:
        future.cancel()
        try:
            future.result()
            raise CaseFailure("StreamingInputCall completed instead of being cancelled")
        except grpc.FutureCancelledError:
            pass
        except grpc.RpcError:
            pass
        check(future.code() == grpc.StatusCode.CANCELLED,
              "StreamingInputCall ended with %s, expected CANCELLED" % future.code())
    finally:
        feed.close()


def cancel_after_first_response(s, notes):
    feed = RequestFeed()
    call = s.full_duplex_call(iter(feed), timeout=s.timeout)
    try:
        feed.send(M["StreamingOutputCallRequest"](
            response_parameters=[M["ResponseParameters"](size=31415)], payload=zeros(27182)))
        try:
            response = next(call)
        except (StopIteration, grpc.RpcError) as e:
            raise CaseFailure("no first response: %s" % (describe(e) if isinstance(e, grpc.RpcError) else "stream ended"))
        check_zeros(response, 31415, "first response")
        call.cancel()
        check(call.code() == grpc.StatusCode.CANCELLED, "FullDuplexCall ended with %s, expected CANCELLED" % call.code())
    finally:
        feed.close()


def timeout_on_sleeping_server(s, notes):
    feed = RequestFeed()
    call = s.full_duplex_call(iter(feed), timeout=0.001)
    try:
        feed.send(M["StreamingOutputCallRequest"](payload=zeros(27182)))
        try:
            list(call)
            err = None
        except grpc.RpcError as e:
            err = e
        expect_status(err, grpc.StatusCode.DEADLINE_EXCEEDED, "FullDuplexCall")
    finally:
        feed.close()


def describe(err):
    if err is None:
        return "no error"
    try:
        return "%s: %r" % (err.code(), err.details())
    except Exception:  # not every RpcError carries a status
        return repr(err)


TESTS = {name: globals()[name] for name in CASES}


# ---- main --------------------------------------------------------------------

def parse_flags(argv):
    known = {"server_host", "server_host_override", "server_port", "test_case", "use_tls",
             "use_test_ca", "timeout_ms"}
    flags = {}
    for arg in argv:
        if not arg.startswith("--"):
            usage("unexpected argument %r (flags look like --name=value)" % arg)
        name, _, value = arg[2:].partition("=")
        if name not in known:
            usage("unknown flag --%s (known: %s)" % (name, " ".join("--" + k for k in sorted(known))))
        flags[name] = value if "=" in arg else "true"
    return flags


def main(argv):
    global M
    flags = parse_flags(argv)
    if flags.get("use_tls", "false") != "false":
        usage("TLS is not supported by this peer (loopback h2c only)")
    port = flags.get("server_port", "")
    if not port.isdigit():
        usage("--server_port=N is required")
    case = flags.get("test_case")
    names = CASES if case == "all" else [case]
    if case is None or any(n not in TESTS for n in names):
        usage("--test_case must be one of: %s, all" % ", ".join(CASES))
    timeout = float(flags.get("timeout_ms", "30000")) / 1000.0

    M = load_messages()
    target = "%s:%s" % (flags.get("server_host", "127.0.0.1"), port)
    options = []
    if flags.get("server_host_override"):
        options.append(("grpc.default_authority", flags["server_host_override"]))
    failed = 0
    with grpc.insecure_channel(target, options=options) as channel:
        stubs = Stubs(channel, timeout)
        for name in names:
            notes = []
            try:
                TESTS[name](stubs, notes)
                for note in notes:
                    sys.stderr.write("note: %s: %s\n" % (name, note))
                sys.stdout.write("PASS %s\n" % name)
            except CaseFailure as e:
                failed += 1
                sys.stderr.write("FAIL %s: %s\n" % (name, e))
            except Exception as e:  # an unexpected exception is a failure, not a crash
                failed += 1
                sys.stderr.write("FAIL %s: unexpected %s: %s\n" % (name, type(e).__name__, e))
            sys.stdout.flush()
    if len(names) > 1:
        sys.stdout.write("%d passed, %d failed\n" % (len(names) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
