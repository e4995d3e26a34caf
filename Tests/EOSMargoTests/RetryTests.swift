import EOSModel
import EOSSecurity
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Synchronization
import Testing

@testable import EOSMargo

/// An EN that answers UNAVAILABLE (or another error) a set number of times before it takes an apply.
final class FlakyEdgeNode: EdgeNodeHandler {
    let failures: Int
    let failure: MargoError
    let calls = Mutex(0)

    init(failures: Int, with failure: MargoError = MargoError(code: .unavailable, message: "restarting")) {
        self.failures = failures
        self.failure = failure
    }

    func applyDeploy(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        let call = calls.withLock { calls in
            calls += 1
            return calls
        }
        if call <= failures { throw failure }
        return ApplyResult(outcome: .accepted, generation: desiredState.generation)
    }

    func removeDeploy(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        ApplyResult(outcome: .accepted, generation: removal.generation)
    }

    func nodeStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> NodeStatus {
        NodeStatus(nodeID: "edge-01")
    }
}

@Suite("Retries of idempotent calls")
struct RetryTests {
    static let domain = "fleet.example.com"

    /// Calls ApplyDeploy on `handler` over the in-process transport with `policy`.
    static func apply(_ handler: FlakyEdgeNode, policy: MargoCallPolicy) async throws -> ApplyResult {
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let node = try SPIFFEIdentity.node("edge-01", in: Self.domain)
        let transport = InProcessTransport()
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: node, parent: site), source: .assumed(site))
        return try await withGRPCServer(
            transport: transport.server, services: [EdgeNodeService(handler: handler)], interceptors: [interceptor]
        ) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                try await EdgeClient(client, policy: policy).applyDeploy(EdgeNodeCallTests.desiredState(generation: 1))
            }
        }
    }

    static let quick = MargoCallPolicy(
        timeout: .seconds(120), maxAttempts: 4, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))

    @Test("UNAVAILABLE is retried until the call is taken")
    func retriedUntilTaken() async throws {
        let handler = FlakyEdgeNode(failures: 3)
        #expect(try await Self.apply(handler, policy: Self.quick).outcome == .accepted)
        #expect(handler.calls.withLock { $0 } == 4)
    }

    @Test("after maxAttempts the call fails with the last answer")
    func attemptsRunOut() async throws {
        let handler = FlakyEdgeNode(failures: 10)
        let error = await #expect(throws: MargoError.self) { try await Self.apply(handler, policy: Self.quick) }
        #expect(error?.code == .unavailable)
        #expect(handler.calls.withLock { $0 } == 4)
    }

    @Test("any other error, and a policy of one attempt, are not retried")
    func notRetried() async throws {
        let refusing = FlakyEdgeNode(failures: 1, with: MargoError(code: .invalidMessage, message: "no"))
        let error = await #expect(throws: MargoError.self) { try await Self.apply(refusing, policy: Self.quick) }
        #expect(error?.code == .invalidMessage)
        #expect(refusing.calls.withLock { $0 } == 1)

        var once = Self.quick
        once.maxAttempts = 1
        let flaky = FlakyEdgeNode(failures: 1)
        await #expect(throws: MargoError.self) { try await Self.apply(flaky, policy: once) }
        #expect(flaky.calls.withLock { $0 } == 1)
    }

    @Test("the deadline covers every attempt and the waits between them")
    func deadlineCoversRetries() async throws {
        let slow = MargoCallPolicy(
            timeout: .milliseconds(500), maxAttempts: 5, initialBackoff: .seconds(5), maxBackoff: .seconds(5))
        let handler = FlakyEdgeNode(failures: 10)
        let error = await #expect(throws: MargoError.self) { try await Self.apply(handler, policy: slow) }
        // Waits of up to five seconds each against a half-second deadline: the deadline ends the call, not the
        // attempts running out (which would fail with the last answer, UNAVAILABLE). Judged by the outcome, not
        // timed, so a busy machine cannot fail it.
        #expect(error?.code == .deadlineExceeded)
        #expect(handler.calls.withLock { $0 } < 5)
    }
}
