import ArgumentParser
import EOSKit

/// `eosctl get sites|nodes|deployments`: the registry as the central knows it.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "List the fleet's sites, nodes or deployments.",
        discussion: "Liveness is Ready, Unknown since the last report, or Offline. Exits 1 when the request fails."
    )

    /// What `get` lists.
    enum Resource: String, ExpressibleByArgument, CaseIterable {
        case sites, nodes, deployments
        case site, node, deployment

        var plural: Resource {
            switch self {
            case .site: .sites
            case .node: .nodes
            case .deployment: .deployments
            default: self
            }
        }
    }

    @Argument(help: "sites, nodes or deployments.")
    var resource: Resource

    @Option(help: ArgumentHelp("Only the nodes of this site.", valueName: "id"))
    var site: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "table, json or yaml.")
    var output: OutputFormat = .table

    @OptionGroup var server: ServerOptions

    func validate() throws {
        if site != nil, resource.plural != .nodes { throw ValidationError("--site filters nodes only") }
    }

    func run() async throws {
        let client = try await server.client()
        try await RequestFailure.reporting {
            switch resource.plural {
            case .sites: try await show(try await client.sites(), table: Self.sites)
            case .nodes: try await show(try await client.nodes(site: site), table: Self.nodes)
            default: try await show(try await client.deployments(), table: Self.deployments)
            }
        }
    }

    private func show<Item: Encodable>(_ items: [Item], table: ([Item]) -> TextTable) async throws {
        Console.out(try output.document(items) ?? table(items).text)
    }

    static func sites(_ sites: [SiteSummary]) -> TextTable {
        var table = TextTable("ID", "LIVENESS", "NODES", "LAST SEEN", "LABELS")
        for site in sites {
            table.add(
                site.id, site.liveness.text, "\(site.nodes)", TextTable.age(site.liveness.lastSeen),
                TextTable.labels(site.labels))
        }
        return table
    }

    static func nodes(_ nodes: [NodeRecord]) -> TextTable {
        var table = TextTable("ID", "SITE", "LIVENESS", "LAST SEEN", "CPUS", "ARCH", "LABELS")
        for node in nodes {
            table.add(
                node.id, node.siteID ?? "-", node.liveness.text, TextTable.age(node.liveness.lastSeen),
                node.capabilities.map { String(format: "%g", $0.cpus) } ?? "-", node.capabilities?.architecture ?? "-",
                TextTable.labels(node.labels))
        }
        return table
    }

    static func deployments(_ deployments: [DeploymentRecord]) -> TextTable {
        var table = TextTable("NAME", "GENERATION", "STRATEGY", "WORKLOADS", "CREATED", "BY")
        for record in deployments {
            table.add(
                record.name, "\(record.generation)", record.spec.rollout.strategy.rawValue,
                "\(record.spec.workloads.count)", TextTable.age(record.createdAt), record.createdBy)
        }
        return table
    }
}
