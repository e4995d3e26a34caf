internal import NIOCore
internal import NIOHTTP2

/// Copies the payload of each DATA frame a call's stream reads into a buffer sized to it, so the gRPC messages a
/// handler has not taken yet hold only their own bytes, not the connection's larger buffers they were cut from.
///
/// HTTP/2 cuts every stream's frames out of buffers of 16 to 32 KB, which a frame or message still waiting to be
/// taken keeps alive whole; a call queues up to ten messages while its handler is busy. A central taking statuses
/// from 100 sites at full speed held about 14 MB of such buffers for a few MB of messages. ``MargoTransport`` puts
/// one first in each call's stream on its servers.
final class DataFrameCompactor: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .data(var frame) = unwrapInboundIn(data), case .byteBuffer(var payload) = frame.data else {
            context.fireChannelRead(data)
            return
        }
        var copy = context.channel.allocator.buffer(capacity: payload.readableBytes)
        copy.writeBuffer(&payload)
        frame.data = .byteBuffer(copy)
        context.fireChannelRead(wrapInboundOut(.data(frame)))
    }
}
