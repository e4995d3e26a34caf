import EOSModel
import EOSSecurity
import GRPCCore
import GRPCInProcessTransport
import Synchronization
import Testing

@testable import EOSMargo

/// A parent that answers heartbeats late while told to, and every other call at once.
final class SlowHeartbeatParent: UpstreamHandler {
    /// Which heartbeats, counted from 1, are answered late.
    let isLate: @Sendable (Int) -> Bool
    /// Which heartbeats, counted from 1, are answered `NOT_FOUND`, as from a parent that forgot the child.
    let isRefused: @Sendable (Int) -> Bool
    let answered = Mutex(0)
    /// Set when the test is over, which answers the late heartbeats still waiting.
    let released = Mutex(false)

    init(
        late isLate: @escaping @Sendable (Int) -> Bool,
        refused isRefused: @escaping @Sendable (Int) -> Bool = { _ in false }
    ) {
        self.isLate = isLate
        self.isRefused = isRefused
    }

    func register(_ registration: ChildRegistration, caller: SPIFFEIdentity) async throws -> RegistrationAcceptance {
        RegistrationAcceptance(heartbeatInterval: .milliseconds(100))
    }

    func heartbeat(_ heartbeat: Heartbeat, caller: SPIFFEIdentity) async throws -> HeartbeatAcknowledgement {
        let count = answered.withLock { count in
            count += 1
            return count
        }
        if isRefused(count) { throw RPCError(code: .notFound, message: "site store-0042 is not registered") }
        if isLate(count) {
            // Long past the child's deadline: until the test is over.
            while !released.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        }
        return HeartbeatAcknowledgement(heartbeatInterval: .milliseconds(100), syncRequired: count == 1)
    }

    func sync(_ request: SyncRequest, caller: SPIFFEIdentity) async throws -> SyncResponse { SyncResponse() }

    func reportStatus(
        _ reports: any AsyncSequence<StatusReport, any Error> & Sendable, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        ReportAcknowledgement(lastSequence: 0, accepted: 0)
    }

    func reportTelemetry(
        _ batches: any AsyncSequence<TelemetryBatch, any Error>, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        ReportAcknowledgement(lastSequence: 0, accepted: 0)
    }

    func nodesAttached(toSite siteID: String) async -> Set<String> { [] }
}

@Suite("A child's heartbeats: a slow parent is not a lost one")
struct HeartbeatLoopTests {
    /// What the child saw while it heartbeated.
    final class Seen: Sendable {
        /// How many in a row each late heartbeat was.
        let late = Mutex<[Int]>([])
        /// How many syncs the parent asked for.
        let syncs = Mutex(0)
        /// The failure that ended the heartbeats.
        let failure = Mutex<MargoError?>(nil)
    }

    /// Heartbeats time out after ten seconds, and are not retried: a heartbeat answered at once is on time even on a
    /// machine busy with every other test. Two seconds were not always enough with the whole suite on two cores.
    static let policy = MargoCallPolicy(timeout: .seconds(10), maxAttempts: 1)

    /// Heartbeats as site store-0042 until `heartbeats` ends them or `enough` heartbeats were answered on time; answers
    /// how many in a row each late heartbeat was, how many syncs were asked for, and the failure that ended them.
    static func run(
        _ parent: SlowHeartbeatParent, until enough: Int
    ) async throws -> (late: [Int], syncs: Int, failure: MargoError?) {
        let seen = Seen()
        let site = try SPIFFEIdentity.site("store-0042", in: UpstreamCallTests.domain)
        try await UpstreamCallTests.withParent(parent, caller: site, policy: policy) { upstream in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await upstream.heartbeats(
                            kind: .site, id: "store-0042", every: .milliseconds(100), clock: ContinuousClock(),
                            sync: { seen.syncs.withLock { $0 += 1 } },
                            onLate: { _, inARow in seen.late.withLock { $0.append(inARow) } })
                    } catch let error as MargoError {
                        seen.failure.withLock { $0 = error }
                    } catch {}
                }
                group.addTask {
                    while !Task.isCancelled,
                        parent.answered.withLock({ $0 }) - seen.late.withLock({ $0.count }) < enough
                    {
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }
                await group.next()
                group.cancelAll()
            }
            parent.released.withLock { $0 = true }
        }
        return (seen.late.withLock { $0 }, seen.syncs.withLock { $0 }, seen.failure.withLock { $0 })
    }

    @Test("late heartbeats are counted and the next ones go on; answered ones reset the count; sync when asked")
    func lateHeartbeatsAreTolerated() async throws {
        // The 2nd and 3rd heartbeats are late, the 4th on time, the 5th late again.
        let parent = SlowHeartbeatParent(late: { [2, 3, 5].contains($0) })
        let (late, syncs, failure) = try await Self.run(parent, until: 4)
        #expect(late == [1, 2, 1])
        #expect(syncs == 1)
        #expect(failure == nil)
    }

    @Test("a heartbeat late once more than tolerated ends the session with the deadline's error")
    func tooManyLateHeartbeatsEndTheSession() async throws {
        let parent = SlowHeartbeatParent(late: { $0 > 1 })
        let (late, _, failure) = try await Self.run(parent, until: 100)
        #expect(late == Array(1...UpstreamClient<InProcessTransport.Client>.toleratedLateHeartbeats))
        #expect(failure?.code == .deadlineExceeded)
        #expect(
            parent.answered.withLock { $0 } == 2 + UpstreamClient<InProcessTransport.Client>.toleratedLateHeartbeats)
    }

    @Test("any other failure ends the session at once")
    func otherFailuresEndTheSession() async throws {
        let parent = SlowHeartbeatParent(late: { _ in false }, refused: { $0 == 2 })
        let (late, _, failure) = try await Self.run(parent, until: 100)
        #expect(late.isEmpty)
        #expect(failure?.code == .remoteFailure)
    }
}
