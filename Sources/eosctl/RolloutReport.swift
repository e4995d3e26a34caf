import EOSKit

/// A rollout's status drawn for people: the totals, the wave, each site, and each failing node with its reason.
enum RolloutReport {
    /// One deployment in detail; the failing nodes listed are those that failed `generation` (by default the one
    /// rolling out, but a wait that ended in a rollback asks for the generation that failed).
    static func text(_ summary: DeploymentStatusSummary, failuresOf generation: Int64? = nil) -> String {
        let counts = summary.nodes
        var text = """
            \(summary.name)  generation \(summary.generation)  \(summary.phase.rawValue)  \
            \(summary.rollout.strategy.rawValue) wave \(summary.rollout.step)/\(summary.rollout.steps)  \
            updated \(TextTable.age(summary.updatedAt))
            nodes: \(counts.installed)/\(counts.targeted) installed, \(counts.installing) installing, \
            \(counts.pending) pending, \(counts.failed) failed, \(counts.unreachable) unreachable

            """
        if let rollbackOf = summary.rollout.rollbackOf {
            text += "rolls back generation \(rollbackOf)\(summary.rollout.reason.map { ": \($0)" } ?? "")\n"
        } else if let reason = summary.rollout.reason {
            text += "failed: \(reason)\n"
        }
        if !summary.sites.isEmpty {
            var sites = TextTable("SITE", "TARGETED", "INSTALLED", "FAILED", "UNREACHABLE", "OBSERVED")
            for site in summary.sites {
                sites.add(
                    site.id, "\(site.targeted)", "\(site.installed)", "\(site.failed)", "\(site.unreachable)",
                    TextTable.age(site.observedAt))
            }
            text += sites.text
        }
        let failing = (summary.nodeStatuses ?? []).filter {
            $0.state == .failed && $0.observedGeneration == generation ?? summary.generation
        }
        if !failing.isEmpty {
            var nodes = TextTable("FAILED NODE", "SITE", "REASON")
            for status in failing.sorted(by: { $0.nodeID < $1.nodeID }) {
                nodes.add(status.nodeID, status.siteID ?? "-", status.message ?? "-")
            }
            text += nodes.text
        }
        return text
    }

    /// Every deployment, one a row.
    static func table(_ summaries: [DeploymentStatusSummary]) -> TextTable {
        var table = TextTable("NAME", "GENERATION", "PHASE", "INSTALLED", "FAILED", "UNREACHABLE", "WAVE", "UPDATED")
        for summary in summaries {
            table.add(
                summary.name, "\(summary.generation)", summary.phase.rawValue,
                "\(summary.nodes.installed)/\(summary.nodes.targeted)", "\(summary.nodes.failed)",
                "\(summary.nodes.unreachable)", "\(summary.rollout.step)/\(summary.rollout.steps)",
                TextTable.age(summary.updatedAt))
        }
        return table
    }
}
