import NIOCore
import NIOEmbedded
import NIOHTTP2
import Testing

@testable import EOSMargo

@Suite("DataFrameCompactor")
struct DataFrameCompactorTests {
    @Test("a DATA frame cut from a large buffer goes on in a buffer sized to it, with its bytes and flags")
    func compactsData() throws {
        let channel = EmbeddedChannel(handler: DataFrameCompactor())
        var read = ByteBuffer(repeating: 0x2A, count: 32 * 1024)
        read.setBytes(Array("status".utf8), at: 100)
        let slice = read.getSlice(at: 100, length: 600)!
        #expect(slice.storageCapacity >= 32 * 1024)

        try channel.writeInbound(
            HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(slice), endStream: true)))

        let payload = try #require(try channel.readInbound(as: HTTP2Frame.FramePayload.self))
        guard case .data(let frame) = payload, case .byteBuffer(let bytes) = frame.data else {
            Issue.record("not a DATA frame with bytes: \(payload)")
            return
        }
        #expect(bytes == slice)
        #expect(frame.endStream)
        #expect(bytes.storageCapacity < 2 * bytes.readableBytes)
        #expect(try channel.finish().isClean)
    }

    @Test("frames other than DATA pass as they are")
    func passesOthers() throws {
        let channel = EmbeddedChannel(handler: DataFrameCompactor())
        let headers = HTTP2Frame.FramePayload.headers(.init(headers: [":status": "200"]))
        try channel.writeInbound(headers)
        let payload = try #require(try channel.readInbound(as: HTTP2Frame.FramePayload.self))
        guard case .headers(let read) = payload else {
            Issue.record("not a HEADERS frame: \(payload)")
            return
        }
        #expect(read.headers[":status"] == ["200"])
        #expect(try channel.finish().isClean)
    }
}
