import EOSSecurity
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization
import Testing

@testable import EOSMargo

@Suite("Peer identity interceptor, called directly")
struct PeerIdentityInterceptorTests {
    static let node = try! SPIFFEIdentity.node("edge-01", in: "fleet.example.com")
    static let site = try! SPIFFEIdentity.site("store-0042", in: "fleet.example.com")

    /// Runs one `EdgeNode/ApplyDeploy` call through the interceptor with `transport` as what the transport says
    /// about the connection; the error it ends with, if any, and whether the handler ran.
    static func call(
        _ interceptor: PeerIdentityInterceptor, transport: (any ServerContext.TransportSpecific)?
    ) async -> (error: RPCError?, handled: Bool) {
        await withServerContextRPCCancellationHandle { cancellation in
            var context = ServerContext(
                descriptor: MethodDescriptor(
                    fullyQualifiedService: "\(MargoRPC.protoPackage).EdgeNode", method: "ApplyDeploy"),
                remotePeer: "ipv4:127.0.0.1:40000", localPeer: "ipv4:127.0.0.1:50051", cancellation: cancellation)
            context.transportSpecific = transport
            let handled = Atomic(false)
            do {
                _ = try await interceptor.intercept(
                    request: StreamingServerRequest<Int>(single: ServerRequest(metadata: [:], message: 1)),
                    context: context
                ) { _, _ in
                    handled.store(true, ordering: .relaxed)
                    return StreamingServerResponse<Int>(single: ServerResponse(message: 2, metadata: [:]))
                }
                return (nil, handled.load(ordering: .relaxed))
            } catch let error as RPCError {
                return (error, handled.load(ordering: .relaxed))
            } catch {
                Issue.record("not an RPCError: \(error)")
                return (nil, handled.load(ordering: .relaxed))
            }
        }
    }

    @Test("a TLS connection whose client certificate could not be read is UNAVAILABLE, not a counted refusal")
    func certificateUnread() async {
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: Self.node, parent: Self.site))
        let outcome = await Self.call(interceptor, transport: HTTP2ServerTransport.Posix.Context())
        #expect(outcome.error?.code == .unavailable)
        #expect(outcome.error?.message.contains("closed before its client certificate could be read") == true)
        #expect(!outcome.handled)
        #expect(interceptor.denials == 0)
    }

    @Test("a call with no transport identity at all is refused PERMISSION_DENIED and counted")
    func noIdentity() async {
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: Self.node, parent: Self.site))
        let outcome = await Self.call(interceptor, transport: nil)
        #expect(outcome.error?.code == .permissionDenied)
        #expect(outcome.error?.message.contains("the caller has none") == true)
        #expect(!outcome.handled)
        #expect(interceptor.denials == 1)
    }

    @Test("the assumed identity of the node's parent passes through to the handler")
    func assumedParent() async {
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: Self.node, parent: Self.site), source: .assumed(Self.site))
        let outcome = await Self.call(interceptor, transport: nil)
        #expect(outcome.error == nil)
        #expect(outcome.handled)
        #expect(interceptor.denials == 0)
    }
}
