/// What the metrics EOS's agents report mean, for the `# HELP` lines of the central's `/metrics`.
enum MetricCatalog {
    static func help(_ name: String) -> String {
        known[name] ?? "Reported by the fleet's agents."
    }

    private static let known: [String: String] = [
        "eos_host_cpu_cores": "CPU cores the host's kernel schedules on.",
        "eos_host_cpu_utilization_ratio": "Busy share of all the host's cores over the agent's last interval.",
        "eos_host_load1": "The host's one-minute load average.",
        "eos_host_memory_total_bytes": "The host's memory.",
        "eos_host_memory_available_bytes": "Memory available to new work on the host.",
        "eos_host_filesystem_size_bytes": "Size of the filesystem holding the agent's data.",
        "eos_host_filesystem_free_bytes":
            "Space free to unprivileged users on the filesystem holding the agent's data.",
        "eos_host_network_receive_bytes_total": "Bytes received on a network interface since the host booted.",
        "eos_host_network_transmit_bytes_total": "Bytes sent on a network interface since the host booted.",
        "eos_workload_cpu_seconds_total": "CPU time a workload used since it started.",
        "eos_workload_memory_bytes": "Resident memory of a workload.",
    ]
}
