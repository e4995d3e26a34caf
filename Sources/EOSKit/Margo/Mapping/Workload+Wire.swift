import EOSModel

// FleetSpec `spec.workloads[]` ↔ eos.margo.v1.Workload and the messages inside it.

extension Workload {
    /// Decodes a workload; a name, a container or a process, a restart policy and a stop timeout are required.
    init(wire: Eos_Margo_V1_Workload, at path: WirePath) throws(MargoError) {
        let kind: Kind
        switch wire.kind {
        case .container(let container)?:
            kind = .container(try ContainerSpec(wire: container, at: path.appending("container")))
        case .process(let process)?:
            kind = .process(try ProcessSpec(wire: process, at: path.appending("process")))
        case nil: throw path.invalid("required: a container or a process")
        }
        self.init(
            name: try path.appending("name").requiredText(wire.name),
            kind: kind,
            restartPolicy: try RestartPolicy(wire: wire.restartPolicy, at: path.appending("restartPolicy")),
            healthCheck: wire.hasHealthCheck
                ? try HealthCheck(wire: wire.healthCheck, at: path.appending("healthCheck")) : nil,
            stopTimeout: try path.appending("stopTimeout").duration(wire.stopTimeout))
    }

    /// The workload as a wire message.
    var wire: Eos_Margo_V1_Workload {
        var wire = Eos_Margo_V1_Workload()
        wire.name = name
        switch kind {
        case .container(let container): wire.container = container.wire
        case .process(let process): wire.process = process.wire
        }
        wire.restartPolicy = restartPolicy.wire
        if let healthCheck { wire.healthCheck = healthCheck.wire }
        wire.stopTimeout = stopTimeout.text
        return wire
    }
}

extension RestartPolicy {
    /// Decodes a restart policy; unspecified is refused.
    init(wire: Eos_Margo_V1_RestartPolicy, at path: WirePath) throws(MargoError) {
        switch wire {
        case .always: self = .always
        case .onFailure: self = .onFailure
        case .never: self = .never
        case .unspecified, .UNRECOGNIZED: throw path.unknownEnum(wire.rawValue)
        }
    }

    /// The restart policy on the wire.
    var wire: Eos_Margo_V1_RestartPolicy {
        switch self {
        case .always: return .always
        case .onFailure: return .onFailure
        case .never: return .never
        }
    }
}

extension ContainerSpec {
    /// Decodes a container; `image` is required.
    init(wire: Eos_Margo_V1_ContainerSpec, at path: WirePath) throws(MargoError) {
        self.init(
            image: try path.appending("image").requiredText(wire.image),
            command: wire.hasCommand ? wire.command.values : nil,
            args: wire.args,
            env: try EnvironmentWire.decode(wire.env, at: path.appending("env")),
            mounts: try path.each("mounts", wire.mounts) { (mount, path) throws(MargoError) in
                try Mount(wire: mount, at: path)
            },
            resources: wire.hasResources
                ? try ResourceRequirements(wire: wire.resources, at: path.appending("resources")) : nil,
            hostNetwork: wire.hostNetwork)
    }

    /// The container as a wire message.
    var wire: Eos_Margo_V1_ContainerSpec {
        var wire = Eos_Margo_V1_ContainerSpec()
        wire.image = image
        if let command {
            var list = Eos_Margo_V1_StringList()
            list.values = command
            wire.command = list
        }
        wire.args = args
        wire.env = env
        wire.mounts = mounts.map(\.wire)
        if let resources { wire.resources = resources.wire }
        wire.hostNetwork = hostNetwork
        return wire
    }
}

extension ProcessSpec {
    /// Decodes a process; `command` must name at least the program.
    init(wire: Eos_Margo_V1_ProcessSpec, at path: WirePath) throws(MargoError) {
        guard !(wire.command.first ?? "").isEmpty else {
            throw path.appending("command").invalid("required: name the program to run")
        }
        self.init(
            command: wire.command,
            env: try EnvironmentWire.decode(wire.env, at: path.appending("env")),
            workingDirectory: wire.hasWorkingDirectory ? wire.workingDirectory : nil,
            resources: wire.hasResources
                ? try ResourceRequirements(wire: wire.resources, at: path.appending("resources")) : nil)
    }

    /// The process as a wire message.
    var wire: Eos_Margo_V1_ProcessSpec {
        var wire = Eos_Margo_V1_ProcessSpec()
        wire.command = command
        wire.env = env
        if let workingDirectory { wire.workingDirectory = workingDirectory }
        if let resources { wire.resources = resources.wire }
        return wire
    }
}

/// Environment maps: a variable name must not be empty.
enum EnvironmentWire {
    static func decode(_ env: [String: String], at path: WirePath) throws(MargoError) -> [String: String] {
        if env.keys.contains("") { throw path.invalid("a variable name must not be empty") }
        return env
    }
}

extension Mount {
    /// Decodes a mount; `source` and `target` are required.
    init(wire: Eos_Margo_V1_Mount, at path: WirePath) throws(MargoError) {
        self.init(
            source: try path.appending("source").requiredText(wire.source),
            target: try path.appending("target").requiredText(wire.target),
            readOnly: wire.readOnly)
    }

    /// The mount as a wire message.
    var wire: Eos_Margo_V1_Mount {
        var wire = Eos_Margo_V1_Mount()
        wire.source = source
        wire.target = target
        wire.readOnly = readOnly
        return wire
    }
}

extension ResourceRequirements {
    /// Decodes limits; each present quantity must parse.
    init(wire: Eos_Margo_V1_ResourceRequirements, at path: WirePath) throws(MargoError) {
        self.init(
            cpu: wire.hasCpu ? try path.appending("cpu").quantity(wire.cpu) : nil,
            memory: wire.hasMemory ? try path.appending("memory").quantity(wire.memory) : nil)
    }

    /// The limits as a wire message, each quantity as the user wrote it.
    var wire: Eos_Margo_V1_ResourceRequirements {
        var wire = Eos_Margo_V1_ResourceRequirements()
        if let cpu { wire.cpu = cpu.text }
        if let memory { wire.memory = memory.text }
        return wire
    }
}

extension HealthCheck {
    /// Decodes a health check; `exec` is required and no number may be negative.
    init(wire: Eos_Margo_V1_HealthCheck, at path: WirePath) throws(MargoError) {
        guard !(wire.exec.first ?? "").isEmpty else {
            throw path.appending("exec").invalid("required: name the command to run")
        }
        self.init(
            exec: wire.exec,
            periodSeconds: try path.appending("periodSeconds").count(wire.periodSeconds),
            failureThreshold: try path.appending("failureThreshold").count(wire.failureThreshold),
            timeoutSeconds: try path.appending("timeoutSeconds").count(wire.timeoutSeconds),
            initialDelaySeconds: try path.appending("initialDelaySeconds").count(wire.initialDelaySeconds))
    }

    /// The health check as a wire message.
    var wire: Eos_Margo_V1_HealthCheck {
        var wire = Eos_Margo_V1_HealthCheck()
        wire.exec = exec
        wire.periodSeconds = Int32(clamping: periodSeconds)
        wire.failureThreshold = Int32(clamping: failureThreshold)
        wire.timeoutSeconds = Int32(clamping: timeoutSeconds)
        wire.initialDelaySeconds = Int32(clamping: initialDelaySeconds)
        return wire
    }
}
