import GRPCCore

/// A gRPC service with no EOS code in it: a unary call that answers its request's bytes, and a client stream that
/// answers how many messages it took. Over grpc-swift-2's own transports, its calls measure what the gRPC stack EOS
/// is built on gives on this machine, before EOS adds anything: the ceiling of the Margo benchmarks beside it.
struct EchoService: RegistrableRPCService {
    static let unary = MethodDescriptor(fullyQualifiedService: "eos.bench.Echo", method: "Unary")
    static let collect = MethodDescriptor(fullyQualifiedService: "eos.bench.Echo", method: "Collect")

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(forMethod: Self.unary, deserializer: RawBytes(), serializer: RawBytes()) { stream, _ in
            let request = try await ServerRequest(stream: stream)
            return StreamingServerResponse(single: ServerResponse(message: request.message))
        }
        router.registerHandler(forMethod: Self.collect, deserializer: RawBytes(), serializer: RawBytes()) { stream, _ in
            var count = 0
            for try await _ in stream.messages { count += 1 }
            return StreamingServerResponse(single: ServerResponse(message: Array(String(count).utf8)))
        }
    }

    /// Messages as their bytes: no protobuf.
    struct RawBytes: MessageSerializer, MessageDeserializer {
        func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }

        func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
            serializedMessageBytes.withUnsafeBytes { Array($0) }
        }
    }
}

extension GRPCClient {
    /// One unary echo of `message`, with gRPC's default call options (no deadline, no retries).
    func echo(_ message: [UInt8]) async throws -> [UInt8] {
        try await unary(
            request: ClientRequest(message: message), descriptor: EchoService.unary,
            serializer: EchoService.RawBytes(), deserializer: EchoService.RawBytes(), options: .defaults
        ) { try $0.message }
    }

    /// One client stream of `count` copies of `message`; the number the server counted.
    func collect(_ message: [UInt8], count: Int) async throws -> Int {
        try await clientStreaming(
            request: StreamingClientRequest { writer in
                for _ in 0..<count { try await writer.write(message) }
            },
            descriptor: EchoService.collect, serializer: EchoService.RawBytes(), deserializer: EchoService.RawBytes(),
            options: .defaults
        ) { response in Int(String(decoding: try response.message, as: UTF8.self)) ?? -1 }
    }
}
