import NIOCore
import NIOPosix
import Testing

@testable import EOSMargo

/// What a parent's connection holds of what a child sends: the compactor behind the TLS handler, on a real loopback
/// socket (plain bytes stand for the decrypted ones; the socket reads are what it bounds).
@Suite("PlaintextCompactor", .timeLimit(.minutes(1)))
struct PlaintextCompactorTests {
    /// Notes the size of every buffer the compactor hands up and of the storage behind it, and completes once the
    /// peer hung up.
    final class Recorder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer

        // Touched on the channel's event loop only, and read after `done` completed.
        private(set) var chunks: [(bytes: Int, storage: Int)] = []
        let done: EventLoopPromise<Void>

        init(done: EventLoopPromise<Void>) {
            self.done = done
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let chunk = unwrapInboundIn(data)
            chunks.append((chunk.readableBytes, chunk.storageCapacity))
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.succeed()
        }
    }

    @Test("a burst arrives in reads of one TLS record at most, each copied into a buffer sized to it")
    func boundedCompactReads() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let done = group.next().makePromise(of: Void.self)
        let recorder = Recorder(done: done)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([PlaintextCompactor(), recorder])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let burst = 256 * 1024
        let client = try await ClientBootstrap(group: group).connect(to: server.localAddress!).get()
        try await client.writeAndFlush(ByteBuffer(repeating: 0x2A, count: burst)).get()
        try await client.close().get()
        try await done.futureResult.get()
        try await server.close().get()
        try await group.shutdownGracefully()

        #expect(recorder.chunks.reduce(0) { $0 + $1.bytes } == burst)
        #expect(recorder.chunks.allSatisfy { $0.bytes <= PlaintextCompactor.readSize })
        // The allocator rounds a size up to a power of two.
        #expect(recorder.chunks.allSatisfy { $0.storage < 2 * $0.bytes }, "\(recorder.chunks)")
    }
}
