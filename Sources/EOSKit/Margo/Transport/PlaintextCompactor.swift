internal import NIOCore

/// Copies each chunk of decrypted bytes out of the TLS handler's read buffer into one sized to it, so the
/// handlers above never hold on to that buffer; and has the connection read at most one TLS record's worth of bytes
/// from its socket at a time, so that buffer never grows.
///
/// The TLS handler decrypts into one 32 KB buffer per connection and hands slices of it up. HTTP/2 and gRPC keep a
/// slice while a frame or message is incomplete, and often an emptied one after, which keeps the whole 32 KB alive;
/// the TLS handler's next read then copies the buffer to a fresh 32 KB one. A parent holding a connection to each of
/// hundreds of children paid about 64 KB a connection for reads of a few hundred bytes. With this handler behind the
/// TLS handler, each connection keeps its one read buffer, and the handlers above keep only what a message needs.
///
/// That buffer grows, for good, when one socket read brings more than two records: the socket's default reads of up
/// to 64 KB do whenever a peer sends at full speed (a site flushing its outbox), and a central taking such floods from
/// 100 sites kept about 45 KB more per connection, besides the larger read buffers themselves. Reads of at most
/// ``readSize`` bring one record, or the end of one and the start of the next.
final class PlaintextCompactor: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The most bytes a connection reads from its socket at once: a TLS record's worth.
    static let readSize = 16 * 1024

    func handlerAdded(context: ChannelHandlerContext) {
        // Socket channels take it at any time; a channel of another kind keeps its own.
        try? context.channel.syncOptions?.setOption(
            ChannelOptions.recvAllocator,
            value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: Self.readSize))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        var copy = context.channel.allocator.buffer(capacity: chunk.readableBytes)
        copy.writeBuffer(&chunk)
        context.fireChannelRead(wrapInboundOut(copy))
    }
}
