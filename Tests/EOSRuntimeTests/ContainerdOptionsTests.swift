import EOSModel
import Foundation
import Testing

@testable import EOSRuntime

@Suite("containerd: workload spec to ctr arguments")
struct ContainerdOptionsTests {
    static func instance(
        _ spec: ContainerSpec, generation: Int64 = 3, environment: [String: String] = ["EOS_NODE_ID": "edge-01"]
    ) -> WorkloadInstance {
        WorkloadInstance(
            deployment: "vision", generation: generation, workload: Workload(name: "detector", kind: .container(spec)),
            environment: environment)
    }

    @Test("a full spec: labels, env, mounts, limits, host network, command then args")
    func fullSpec() throws {
        let spec = ContainerSpec(
            image: "registry.local/vision/detector:1.4.2", command: ["/bin/detector", "-c"],
            args: ["--model", "/models/yolo.onnx"], env: ["LOG_LEVEL": "info", "EOS_NODE_ID": "own-value"],
            mounts: [
                Mount(source: "/srv/models", target: "/models", readOnly: true),
                Mount(source: "/var/lib/detector", target: "/data"),
            ],
            resources: ResourceRequirements(cpu: Quantity("500m"), memory: Quantity("256Mi")))
        let options = try ContainerOptions(instance: Self.instance(spec))
        #expect(
            options.createArguments == [
                "containers", "create",
                "--label=eos.deployment=vision", "--label=eos.generation=3", "--label=eos.workload=detector",
                "--env=EOS_NODE_ID=own-value", "--env=LOG_LEVEL=info",
                "--mount=type=bind,src=/srv/models,dst=/models,options=rbind:ro",
                "--mount=type=bind,src=/var/lib/detector,dst=/data,options=rbind:rw",
                "--cpu-quota=50000", "--cpu-period=100000", "--memory-limit=268435456",
                "--net-host=true",
                "--", "registry.local/vision/detector:1.4.2", "vision_detector",
                "/bin/detector", "-c", "--model", "/models/yolo.onnx",
            ])
        #expect(options.id == "vision_detector")
    }

    @Test("the image's default process when neither command nor args are given; no host network when asked")
    func imageDefaults() throws {
        let options = try ContainerOptions(
            instance: Self.instance(ContainerSpec(image: "local/busybox:latest", hostNetwork: false), environment: [:]),
            snapshotter: "native")
        #expect(options.processArguments == nil)
        #expect(
            options.createArguments == [
                "containers", "create", "--snapshotter=native",
                "--label=eos.deployment=vision", "--label=eos.generation=3", "--label=eos.workload=detector",
                "--", "local/busybox:latest", "vision_detector",
            ])
    }

    @Test("args alone follow the image's entrypoint")
    func argsAfterEntrypoint() throws {
        let spec = ContainerSpec(image: "local/ep:latest", args: ["a", "b"])
        #expect(ContainerOptions.needsImageEntrypoint(spec))
        let options = try ContainerOptions(instance: Self.instance(spec), imageEntrypoint: ["/bin/echo", "EP"])
        #expect(options.processArguments == ["/bin/echo", "EP", "a", "b"])
        #expect(
            options.createArguments.suffix(6) == ["local/ep:latest", "vision_detector", "/bin/echo", "EP", "a", "b"])
        // An image with only a Cmd: the args are the whole command line, as in Kubernetes.
        let noEntrypoint = try ContainerOptions(instance: Self.instance(spec), imageEntrypoint: [])
        #expect(noEntrypoint.processArguments == ["a", "b"])
        #expect(!ContainerOptions.needsImageEntrypoint(ContainerSpec(image: "x", command: ["/x"], args: ["a"])))
        #expect(!ContainerOptions.needsImageEntrypoint(ContainerSpec(image: "x")))
    }

    @Test("CPU quota: thousandths of a core over a 100 ms period, never under the kernel's 1 ms")
    func cpuQuota() throws {
        func quota(_ cpu: String) throws -> Int64? {
            try ContainerOptions(
                instance: Self.instance(
                    ContainerSpec(image: "x", resources: ResourceRequirements(cpu: Quantity(cpu))))
            ).cpuQuota
        }
        #expect(try quota("500m") == 50_000)
        #expect(try quota("2") == 200_000)
        #expect(try quota("0.25") == 25_000)
        #expect(try quota("1m") == 1000)
        #expect(try quota("5m") == 1000)  // 500 µs is below the minimum
        #expect(try quota("20m") == 2000)
        let memory = try ContainerOptions(
            instance: Self.instance(ContainerSpec(image: "x", resources: ResourceRequirements(memory: Quantity("1G")))))
        #expect(memory.memoryLimit == 1_000_000_000 && memory.cpuQuota == nil)
    }

    @Test("what ctr cannot express is refused before it runs")
    func refusals() {
        let process = WorkloadInstance(
            deployment: "d", generation: 1, workload: Workload(name: "p", kind: .process(ProcessSpec(command: ["/x"]))))
        #expect(throws: RuntimeError.self) { try ContainerOptions(instance: process) }
        let comma = Self.instance(ContainerSpec(image: "x", mounts: [Mount(source: "/a,b", target: "/c")]))
        let error = #expect(throws: RuntimeError.self) { try ContainerOptions(instance: comma) }
        #expect(error?.code == .unsupported)
    }

    @Test("archives are named after the image; imported with the image's name as base name")
    func archives() {
        #expect(ContainerdConfiguration.archiveFileName(for: "local/busybox:latest") == "local_busybox_latest.tar")
        #expect(
            ContainerdConfiguration.archiveFileName(for: "registry.local:5000/vision/detector:1.4.2")
                == "registry.local_5000_vision_detector_1.4.2.tar")
        #expect(ContainerdRuntime.imageName("local/busybox:latest") == "local/busybox")
        #expect(
            ContainerdRuntime.imageName("registry.local:5000/vision/detector:1.4.2")
                == "registry.local:5000/vision/detector")
        #expect(
            ContainerdRuntime.imageName(
                "docker.io/library/busybox@sha256:ef0e39f21e7944e7b587b5ff1ca93bb81706d5f6341f7ef856a3d9697050f609")
                == "docker.io/library/busybox")
        #expect(ContainerdRuntime.imageName("localhost:5000/x") == "localhost:5000/x")
    }
}
