internal import NIOCore

/// Copies each chunk of decrypted bytes out of the TLS handler's read buffer into one of its own size, so the
/// handlers above never hold on to that buffer.
///
/// The TLS handler decrypts into one 32 KB buffer per connection and hands slices of it up. HTTP/2 and gRPC keep a
/// slice while a frame or message is incomplete, and often an emptied one after, which keeps the whole 32 KB alive;
/// the TLS handler's next read then copies the buffer to a fresh 32 KB one. A parent holding a connection to each of
/// hundreds of children paid about 64 KB a connection for reads of a few hundred bytes. With this handler behind the
/// TLS handler, each connection keeps its one read buffer, and the handlers above keep only what a message needs.
final class PlaintextCompactor: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        var copy = context.channel.allocator.buffer(capacity: chunk.readableBytes)
        copy.writeBuffer(&chunk)
        context.fireChannelRead(wrapInboundOut(copy))
    }
}
