import EOSModel
import EOSRuntime
import Foundation
import Testing

@testable import EOSEdge

@Suite("WorkloadSupervisor")
struct WorkloadSupervisorTests {
    static func workload(
        _ name: String = "web", restart: RestartPolicy = .always, health: HealthCheck? = nil
    ) -> Workload {
        Workload(
            name: name, kind: .process(ProcessSpec(command: ["/bin/sleep", "100"])), restartPolicy: restart,
            healthCheck: health)
    }

    static func instance(_ workload: Workload, generation: Int64 = 1) -> WorkloadInstance {
        WorkloadInstance(deployment: "shop", generation: generation, workload: workload)
    }

    static func running(
        _ instance: WorkloadInstance, since: Date = Date(timeIntervalSince1970: 1000)
    )
        -> WorkloadInspection
    {
        WorkloadInspection(
            id: instance.id, deployment: instance.deployment, generation: instance.generation, state: .running,
            pid: 42, startedAt: since)
    }

    static func exited(_ instance: WorkloadInstance, code: Int32, after seconds: Double = 1) -> WorkloadInspection {
        WorkloadInspection(
            id: instance.id, deployment: instance.deployment, generation: instance.generation, state: .exited,
            exitCode: code, startedAt: Date(timeIntervalSince1970: 1000),
            finishedAt: Date(timeIntervalSince1970: 1000 + seconds))
    }

    static func desired(_ workloads: [Workload], generation: Int64 = 1) -> FleetDesiredState {
        FleetDesiredState(deployment: "shop", generation: generation, spec: FleetDeploymentSpec(workloads: workloads))
    }

    @Test("a desired workload that is absent is installed; one nothing desires is removed")
    func installAndRemove() {
        var supervisor = WorkloadSupervisor()
        let web = Self.instance(Self.workload())
        let stray = WorkloadInspection(id: "old_job", deployment: "old", generation: 3, state: .running)
        let actions = supervisor.plan(desired: [web], observed: [stray], now: .zero)
        #expect(actions == [.remove(id: "old_job", stopTimeout: .seconds(10)), .install(web)])
    }

    @Test("a new generation replaces the workload the runtime holds")
    func replace() {
        var supervisor = WorkloadSupervisor()
        let old = Self.instance(Self.workload(), generation: 1)
        let new = Self.instance(Self.workload(), generation: 2)
        #expect(
            supervisor.plan(desired: [new], observed: [Self.running(old)], now: .zero)
                == [.replace(new, stopTimeout: .seconds(10))])
    }

    @Test("until the replace is done, the previous generation's running workload is not reported as the new one's")
    func statusDuringReplace() {
        var supervisor = WorkloadSupervisor()
        let old = Self.instance(Self.workload(), generation: 1)
        let new = Self.instance(Self.workload(), generation: 2)
        let replace = supervisor.plan(desired: [new], observed: [Self.running(old)], now: .zero)
        let replacing = supervisor.status(
            of: Self.desired([new.workload], generation: 2), nodeID: "edge-01", at: Date(), reportedBy: "node/edge-01")
        #expect(replacing.observedGeneration == 2 && replacing.state == .installing)
        #expect(replacing.workloads.first?.state == .pending)

        supervisor.record(replace[0], outcome: .success(()), now: .seconds(1))
        supervisor.observe([Self.running(new)])
        let replaced = supervisor.status(
            of: Self.desired([new.workload], generation: 2), nodeID: "edge-01", at: Date(), reportedBy: "node/edge-01")
        #expect(replaced.state == .installed && replaced.workloads.first?.state == .running)
    }

    @Test("an exit under Always is restarted after a growing backoff, and the restarts are counted")
    func restartAlways() {
        var supervisor = WorkloadSupervisor(backoff: RestartBackoff(initial: .seconds(1), maximum: .seconds(8)))
        let web = Self.instance(Self.workload())
        _ = supervisor.plan(desired: [web], observed: [Self.running(web)], now: .zero)
        // The first exit waits 1 s.
        #expect(supervisor.plan(desired: [web], observed: [Self.exited(web, code: 1)], now: .seconds(10)).isEmpty)
        #expect(supervisor.nextDue(after: .seconds(10)) == .seconds(11))
        #expect(supervisor.plan(desired: [web], observed: [Self.exited(web, code: 1)], now: .seconds(10.5)).isEmpty)
        let restart = supervisor.plan(desired: [web], observed: [Self.exited(web, code: 1)], now: .seconds(11))
        #expect(restart == [.start(id: web.id, isRestart: true)])
        supervisor.record(restart[0], outcome: .success(()), now: .seconds(11))
        #expect(supervisor.restartCounts[web.id] == 1)
        // The second exit (a new finish time) waits 2 s.
        let second = Self.exited(web, code: 1, after: 20)
        #expect(supervisor.plan(desired: [web], observed: [second], now: .seconds(30)).isEmpty)
        #expect(supervisor.nextDue(after: .seconds(30)) == .seconds(32))
        #expect(
            supervisor.plan(desired: [web], observed: [second], now: .seconds(32)) == [
                .start(id: web.id, isRestart: true)
            ])
    }

    @Test("a workload that ran long enough starts its backoff over")
    func backoffResets() {
        var supervisor = WorkloadSupervisor(backoff: RestartBackoff(initial: .seconds(1), resetAfter: .seconds(60)))
        let web = Self.instance(Self.workload())
        for (index, now) in [Duration.seconds(10), .seconds(20), .seconds(40)].enumerated() {
            let exit = Self.exited(web, code: 1, after: Double(index + 1))
            _ = supervisor.plan(desired: [web], observed: [exit], now: now)
            let due = try! #require(supervisor.nextDue(after: now))
            _ = supervisor.plan(desired: [web], observed: [exit], now: due)
        }
        // Three quick failures: the next wait is 8 s. One that ran 100 s waits 1 s again.
        _ = supervisor.plan(desired: [web], observed: [Self.exited(web, code: 1, after: 100)], now: .seconds(200))
        #expect(supervisor.nextDue(after: .seconds(200)) == .seconds(201))
    }

    @Test("OnFailure restarts a failing exit only; Never restarts nothing")
    func policies() {
        var supervisor = WorkloadSupervisor(backoff: RestartBackoff(initial: .milliseconds(1)))
        let job = Self.instance(Self.workload("job", restart: .onFailure))
        let once = Self.instance(Self.workload("once", restart: .never))
        let observed = [Self.exited(job, code: 0), Self.exited(once, code: 2)]
        _ = supervisor.plan(desired: [job, once], observed: observed, now: .zero)
        #expect(supervisor.plan(desired: [job, once], observed: observed, now: .seconds(1)).isEmpty)
        let failed = [Self.exited(job, code: 3), Self.exited(once, code: 2)]
        _ = supervisor.plan(desired: [job, once], observed: failed, now: .seconds(2))
        #expect(
            supervisor.plan(desired: [job, once], observed: failed, now: .seconds(3))
                == [.start(id: job.id, isRestart: true)])

        let status = supervisor.status(
            of: Self.desired([job.workload, once.workload]), nodeID: "edge-01", at: Date(), reportedBy: "node/edge-01")
        #expect(status.workloads.map(\.state) == [.exited, .exited])
        #expect(status.workloads.map(\.exitCode) == [3, 2])
        #expect(status.state == .installing)  // the job is still to be restarted
    }

    @Test("a failed install reports failed with the runtime's message and is retried after the backoff")
    func failedInstall() {
        var supervisor = WorkloadSupervisor(backoff: RestartBackoff(initial: .seconds(5)))
        let web = Self.instance(Self.workload())
        let install = supervisor.plan(desired: [web], observed: [], now: .zero)
        #expect(install == [.install(web)])
        let error = RuntimeError(code: .imageUnavailable, message: "cannot pull", runtimeMessage: "not found")
        supervisor.record(install[0], outcome: .failure(error), now: .zero)
        let status = supervisor.status(
            of: Self.desired([web.workload]), nodeID: "edge-01", at: Date(), reportedBy: "node/edge-01")
        #expect(status.state == .failed)
        #expect(status.message == "web: cannot pull: not found")
        #expect(supervisor.plan(desired: [web], observed: [], now: .seconds(4)).isEmpty)
        #expect(supervisor.plan(desired: [web], observed: [], now: .seconds(5)) == [.install(web)])
        supervisor.record(.install(web), outcome: .success(()), now: .seconds(5))
        supervisor.observe([Self.running(web)])
        let healed = supervisor.status(
            of: Self.desired([web.workload]), nodeID: "edge-01", at: Date(), reportedBy: "node/edge-01")
        #expect(healed.state == .installed)
        #expect(healed.message == nil)
        #expect(healed.workloads.first?.state == .running)
    }

    @Test("health checks: failures up to the threshold mark the workload unhealthy and restart it")
    func health() {
        let check = HealthCheck(exec: ["/bin/true"], periodSeconds: 5, failureThreshold: 2, initialDelaySeconds: 3)
        var supervisor = WorkloadSupervisor()
        let web = Self.instance(Self.workload(health: check))
        supervisor.record(.install(web), outcome: .success(()), now: .zero)  // not tracked yet: ignored
        #expect(supervisor.plan(desired: [web], observed: [], now: .zero) == [.install(web)])
        supervisor.record(.install(web), outcome: .success(()), now: .zero)
        supervisor.observe([Self.running(web)])
        #expect(supervisor.probesDue(now: .seconds(2)).isEmpty)
        #expect(supervisor.probesDue(now: .seconds(3)).map(\.id) == [web.id])
        supervisor.recordProbe(web.id, passed: true, now: .seconds(3))
        #expect(supervisor.probesDue(now: .seconds(7)).isEmpty)
        supervisor.recordProbe(web.id, passed: false, now: .seconds(8))
        #expect(supervisor.plan(desired: [web], observed: [Self.running(web)], now: .seconds(9)).isEmpty)
        supervisor.recordProbe(web.id, passed: false, now: .seconds(13))
        let status = supervisor.status(
            of: Self.desired([web.workload]), nodeID: "edge-01", at: Date(), reportedBy: "node/edge-01")
        #expect(status.workloads.first?.health == .unhealthy)
        let restart = supervisor.plan(desired: [web], observed: [Self.running(web)], now: .seconds(14))
        #expect(restart == [.restart(id: web.id, stopTimeout: .seconds(10))])
        supervisor.record(restart[0], outcome: .success(()), now: .seconds(14))
        #expect(supervisor.restartCounts[web.id] == 1)
        #expect(supervisor.plan(desired: [web], observed: [Self.running(web)], now: .seconds(15)).isEmpty)
    }

    @Test("restart counts recorded before a node restart carry on")
    func restartCountsSurvive() {
        var supervisor = WorkloadSupervisor(restarts: ["shop_web": 7])
        let web = Self.instance(Self.workload())
        _ = supervisor.plan(desired: [web], observed: [Self.running(web)], now: .zero)
        #expect(supervisor.restartCounts == ["shop_web": 7])
        let status = supervisor.status(
            of: Self.desired([web.workload]), nodeID: "edge-01", at: Date(), reportedBy: "node/edge-01")
        #expect(status.workloads.first?.restarts == 7)
        #expect(status.state == .installed)
    }

    @Test("the backoff grows by the multiplier up to its ceiling")
    func backoff() {
        let backoff = RestartBackoff(initial: .seconds(1), maximum: .seconds(10), multiplier: 3)
        #expect(
            (0...5).map { backoff.delay(afterFailures: $0) }
                == [.zero, .seconds(1), .seconds(3), .seconds(9), .seconds(10), .seconds(10)])
        #expect(backoff.delay(afterFailures: 10_000) == .seconds(10))
    }
}
