import GRPCCore

/// A gRPC service with no EOS code in it: one bidirectional stream that echoes each message and stays open until the
/// client closes it, as a node's attach stream does at its site.
struct HoldService: RegistrableRPCService {
    static let hold = MethodDescriptor(fullyQualifiedService: "eos.bench.Bare", method: "Hold")

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(forMethod: Self.hold, deserializer: RawBytes(), serializer: RawBytes()) { request, _ in
            StreamingServerResponse { writer in
                for try await message in request.messages { try await writer.write(message) }
                return [:]
            }
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
