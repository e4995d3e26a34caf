import EOSModel
import Testing

@testable import EOSRuntime

@Suite("SimulatedRuntime")
struct SimulatedRuntimeTests {
    static func instance(
        _ workload: String = "web", image: String = "local/busybox:latest", generation: Int64 = 1
    )
        -> WorkloadInstance
    {
        WorkloadInstance(
            deployment: "shop", generation: generation,
            workload: Workload(name: workload, kind: .container(ContainerSpec(image: image))),
            environment: ["EOS_NODE_ID": "edge-01"])
    }

    @Test("a workload goes through its life: image, create, start, exit, restart, stop, remove")
    func lifecycle() async throws {
        let runtime = SimulatedRuntime()
        let events = runtime.events()
        let web = Self.instance()
        try await runtime.ensureImage(for: web)
        try await runtime.create(web)
        #expect(try await runtime.inspect(web.id).state == .created)
        try await runtime.start(web.id)
        let running = try await runtime.inspect(web.id)
        #expect(running.state == .running)
        #expect(running.deployment == "shop" && running.generation == 1)
        #expect(running.pid != nil && running.startedAt != nil)
        runtime.exit(web.id, code: 3)
        let exited = try await runtime.inspect(web.id)
        #expect(exited.state == .exited && exited.exitCode == 3 && exited.pid == nil)
        try await runtime.start(web.id)
        try await runtime.stop(web.id, timeout: .seconds(1))
        #expect(try await runtime.inspect(web.id).exitCode == 143)
        try await runtime.remove(web.id)
        #expect(try await runtime.list().isEmpty)
        try await runtime.remove(web.id)  // removing what is gone succeeds

        var seen: [RuntimeEvent.Kind] = []
        for await event in events {
            seen.append(event.kind)
            if seen.count == 4 { break }
        }
        #expect(seen == [.started, .exited(code: 3), .started, .exited(code: 143)])
    }

    @Test("create refuses a taken id and an image that was never made available")
    func createRefusals() async throws {
        let runtime = SimulatedRuntime()
        let web = Self.instance()
        let missing = await #expect(throws: RuntimeError.self) { try await runtime.create(web) }
        #expect(missing?.code == .imageUnavailable)
        #expect(missing?.runtimeMessage?.contains("local/busybox:latest") == true)
        try await runtime.ensureImage(for: web)
        try await runtime.create(web)
        let taken = await #expect(throws: RuntimeError.self) { try await runtime.create(web) }
        #expect(taken?.code == .alreadyExists)
        let running = await #expect(throws: RuntimeError.self) {
            try await runtime.start(web.id)
            try await runtime.remove(web.id)
        }
        #expect(running?.code == .failed)
        let unknown = await #expect(throws: RuntimeError.self) { try await runtime.inspect("shop_nothing") }
        #expect(unknown?.code == .notFound)
    }

    @Test("injected faults fail the chosen operation for matching workloads, as many times as asked")
    func faults() async throws {
        let runtime = SimulatedRuntime()
        runtime.inject(SimulatedFault(.ensureImage, matching: "broken", message: "pull access denied"))
        runtime.inject(SimulatedFault(.start, matching: "shop_web", times: 2, message: "exec format error"))
        let broken = Self.instance("api", image: "local/broken:1")
        let error = await #expect(throws: RuntimeError.self) { try await runtime.ensureImage(for: broken) }
        #expect(error?.code == .failed)
        #expect(error?.runtimeMessage == "pull access denied")

        let web = Self.instance()
        try await runtime.ensureImage(for: web)
        try await runtime.create(web)
        for _ in 0..<2 {
            await #expect(throws: RuntimeError.self) { try await runtime.start(web.id) }
        }
        try await runtime.start(web.id)
        #expect(try await runtime.inspect(web.id).state == .running)
        runtime.clearFaults()
        try await runtime.ensureImage(for: broken)
    }

    @Test("exec answers the health the test sets")
    func health() async throws {
        let runtime = SimulatedRuntime()
        let web = Self.instance()
        try await runtime.ensureImage(for: web)
        try await runtime.create(web)
        try await runtime.start(web.id)
        #expect(try await runtime.exec(web.id, command: ["true"], timeout: .seconds(1)).succeeded)
        runtime.setHealthy(web.id, false)
        #expect(try await !runtime.exec(web.id, command: ["true"], timeout: .seconds(1)).succeeded)
    }

    @Test("10,000 workloads fit in one runtime")
    func scale() async throws {
        let runtime = SimulatedRuntime()
        for index in 0..<10_000 {
            let instance = Self.instance("w\(index)")
            try await runtime.ensureImage(for: instance)
            try await runtime.create(instance)
            try await runtime.start(instance.id)
        }
        let listed = try await runtime.list()
        #expect(listed.count == 10_000)
        #expect(listed.allSatisfy { $0.state == .running })
    }

    @Test("the spec's environment wins over the node's on a clash")
    func environment() {
        var instance = WorkloadInstance(
            deployment: "shop", generation: 1,
            workload: Workload(name: "p", kind: .process(ProcessSpec(command: ["/bin/true"], env: ["MODE": "spec"]))),
            environment: ["MODE": "node", "EOS_NODE_ID": "edge-01"])
        #expect(instance.effectiveEnvironment == ["MODE": "spec", "EOS_NODE_ID": "edge-01"])
        instance.workload.name = "q"
        #expect(instance.id == "shop_q")
    }
}
