internal import EOSModel
internal import EOSTelemetry
internal import Graphiti

extension CentralGraphQL {
    /// The schema: sites, nodes, deployments and their status, nested per site and per node with filters; and the
    /// mutations deploy, remove, rollback, pause and resume. `Docs/graphql.schema.graphql` is its printed form.
    static func makeSchema() throws -> Schema<GraphQLResolver, GraphQLContext> {
        try Schema<GraphQLResolver, GraphQLContext> {
            Scalar(Timestamp.self, as: "DateTime").description("An RFC 3339 time such as 2026-11-29T10:00:00Z.")

            Enum(NodeLiveness.self, as: "Liveness") {
                Value(.ready).description("Heard from within three heartbeats.")
                Value(.unknown).description("Silent for three heartbeats, or behind a site that is.")
                Value(.offline).description("Silent for longer than the offline time.")
            }
            Enum(DeploymentPhase.self, as: "Phase") {
                Value(.progressing)
                Value(.complete)
                Value(.paused)
                Value(.degraded)
                Value(.rolledBack)
                Value(.failed)
            }
            Enum(RolloutPolicy.Strategy.self, as: "Strategy") {
                Value(.allAtOnce)
                Value(.rolling)
                Value(.canary)
            }
            Enum(MargoDeploymentState.self, as: "DeploymentState") {
                Value(.pending)
                Value(.installing)
                Value(.installed)
                Value(.failed)
                Value(.removing)
                Value(.removed)
            }
            Enum(WorkloadStatus.RunState.self, as: "RunState") {
                Value(.pending)
                Value(.running)
                Value(.exited)
                Value(.unknown)
            }
            Enum(WorkloadStatus.Health.self, as: "Health") {
                Value(.unknown)
                Value(.healthy)
                Value(.unhealthy)
            }

            Enum(AuditEntry.Action.self, as: "AuditAction") {
                Value(.deploy).description("A spec was posted: a new generation.")
                Value(.remove).description("The deployment was removed.")
                Value(.rollback).description("The rollout was rolled back to an earlier generation.")
                Value(.pause).description("The rollout was paused.")
                Value(.resume).description("The paused rollout was resumed.")
                Value(.progress).description("The rollout moved to another phase or wave by itself.")
            }

            Enum(MetricPoint.Kind.self, as: "MetricKind") {
                Value(.gauge).description("A value that goes up and down.")
                Value(.counter).description("A running total that only goes up, except when its source restarts.")
            }

            Type(GraphQLLabel.self, as: "Label") {
                Field("key", at: \.key)
                Field("value", at: \.value)
            }
            Type(NodeCapabilities.self, as: "Capabilities") {
                Field("cpus", at: \.cpus)
                Field("memoryBytes", at: \.memory)
                Field("storageBytes", at: \.storage)
                Field("architecture", at: \.architecture)
                Field("runtimes", at: \.runtimes)
            }
            Type(MetricSeries.Sample.self, as: "MetricSample") {
                Field("timestamp", at: \.timestamp)
                Field("value", at: \.value)
            }
            Type(MetricSeries.self, as: "MetricSeries") {
                Field("name", at: \.name)
                Field("labels", at: \.labelList)
                Field("kind", at: \.kind)
                Field("unit", at: \.unit)
                Field("latest", at: \.latest)
                Field("samples", at: \.samples).description("Oldest first.")
            }
            Type(SiteSummary.self, as: "Site") {
                Field("id", at: \.id)
                Field("labels", at: \.labelList)
                Field("endpoint", at: \.endpoint)
                Field("capabilities", at: \.capabilities)
                Field("liveness", at: \.liveness.liveness)
                Field("unknownSince", at: \.liveness.since)
                Field("lastSeen", at: \.liveness.lastSeen)
                Field("nodeCount", at: \.nodes)
                Field("nodes", at: SiteSummary.nodes) {
                    Argument("liveness", at: \.liveness)
                    Argument("label", at: \.label).description("key=value, or key alone")
                }
                Field("metrics", at: SiteSummary.metrics) {
                    Argument("names", at: \.names).description("Only these metrics; all when absent.")
                    Argument("since", at: \.since).description("Only samples from this time on.")
                }
                .description("Rollups over the site's nodes: per metric and window, the sum, or the mean for a ratio.")
                Field("localOrchestratorMetrics", at: SiteSummary.localOrchestratorMetrics) {
                    Argument("names", at: \.names).description("Only these metrics; all when absent.")
                    Argument("since", at: \.since).description("Only samples from this time on.")
                }
                .description("The site's Local Orchestrator's own host.")
            }
            Type(NodeRecord.self, as: "Node") {
                Field("id", at: \.id)
                Field("siteId", at: \.siteID)
                Field("site", at: NodeRecord.site)
                Field("labels", at: \.labelList)
                Field("capabilities", at: \.capabilities)
                Field("liveness", at: \.liveness.liveness)
                Field("unknownSince", at: \.liveness.since)
                Field("lastSeen", at: \.liveness.lastSeen)
                Field("updatedAt", at: \.updatedAt)
                Field("deployments", at: NodeRecord.deployments) {
                    Argument("name", at: \.name)
                }
                Field("metrics", at: NodeRecord.metrics) {
                    Argument("names", at: \.names).description("Only these metrics; all when absent.")
                    Argument("since", at: \.since).description("Only samples from this time on.")
                }
                .description("The node's telemetry: its host's and workloads' figures, as its agent sent them.")
            }
            Type(WorkloadStatus.self, as: "Workload") {
                Field("name", at: \.name)
                Field("state", at: \.state)
                Field("exitCode", at: \.exitCodeNumber)
                Field("restarts", at: \.restarts)
                Field("health", at: \.health)
                Field("startedAt", at: \.startedAt)
                Field("message", at: \.message)
            }
            Type(NodeDeploymentStatus.self, as: "NodeStatus") {
                Field("deployment", at: \.deployment)
                Field("generation", at: \.generationNumber)
                Field("nodeId", at: \.nodeID)
                Field("siteId", at: \.siteID)
                Field("state", at: \.state)
                Field("message", at: \.message)
                Field("workloads", at: \.workloads)
                Field("observedAt", at: \.observedAt)
                Field("reportedBy", at: \.reportedBy)
            }
            Type(RolloutCounts.self, as: "Counts") {
                Field("targeted", at: \.targeted)
                Field("installed", at: \.installed)
                Field("installing", at: \.installing)
                Field("pending", at: \.pending)
                Field("failed", at: \.failed)
                Field("unreachable", at: \.unreachable)
            }
            Type(DeploymentStatusSummary.RolloutProgress.self, as: "Rollout") {
                Field("strategy", at: \.strategy)
                Field("step", at: \.step)
                Field("steps", at: \.steps)
                Field("rollbackOf", at: \.rollbackOfNumber)
                    .description("The generation this one returns from, when it is a rollback.")
                Field("reason", at: \.reason)
                    .description("Why the rollout failed or was rolled back: the nodes that failed and what they said.")
                Field("released", at: \.released)
                    .description("How many targeted nodes have been released to the generation so far.")
            }
            Type(SiteRollup.self, as: "SiteRollup") {
                Field("id", at: \.id)
                Field("targeted", at: \.targeted)
                Field("installed", at: \.installed)
                Field("failed", at: \.failed)
                Field("unreachable", at: \.unreachable)
                Field("observedAt", at: \.observedAt)
            }
            Type(DeploymentStatusSummary.self, as: "DeploymentStatus") {
                Field("name", at: \.name)
                Field("generation", at: \.generationNumber)
                Field("phase", at: \.phase)
                Field("nodes", at: \.nodes)
                Field("rollout", at: \.rollout)
                Field("sites", at: DeploymentStatusSummary.siteRollups) {
                    Argument("id", at: \.id)
                }
                Field("nodeStatuses", at: DeploymentStatusSummary.nodeReports) {
                    Argument("site", at: \.site)
                    Argument("state", at: \.state)
                }
                Field("updatedAt", at: \.updatedAt)
            }
            Type(DeploymentRecord.self, as: "Deployment") {
                Field("name", at: \.name)
                Field("generation", at: \.generationNumber)
                Field("labels", at: \.labelList)
                Field("strategy", at: \.spec.rollout.strategy)
                Field("workloads", at: \.workloadNames)
                Field("spec", at: \.specJSON).description("The spec of this generation as JSON text.")
                Field("createdAt", at: \.createdAt)
                Field("createdBy", at: \.createdBy)
                Field("status", at: DeploymentRecord.status)
                Field("audit", at: DeploymentRecord.audit) {
                    Argument("last", at: \.last).description("Only the latest this many; all when absent.")
                }
                .description("Who changed the deployment and its rollout, and how; oldest first.")
            }
            Type(AuditEntry.self, as: "AuditEvent") {
                Field("sequence", at: \.sequenceNumber)
                Field("at", at: \.at)
                Field("actor", at: \.actor)
                Field("action", at: \.action)
                Field("generation", at: \.generationNumber)
                Field("detail", at: \.detail)
            }
            Type(DeployAccepted.self, as: "Accepted") {
                Field("name", at: \.name)
                Field("generation", at: \.generationNumber)
                Field("statusURL", at: \.statusURL)
            }

            Query {
                Field("sites", at: GraphQLResolver.sites) {
                    Argument("liveness", at: \.liveness)
                    Argument("label", at: \.label).description("key=value, or key alone")
                    Argument("after", at: \.after)
                    Argument("limit", at: \.limit)
                }
                Field("site", at: GraphQLResolver.site) {
                    Argument("id", at: \.id)
                }
                Field("nodes", at: GraphQLResolver.nodes) {
                    Argument("site", at: \.site)
                    Argument("liveness", at: \.liveness)
                    Argument("label", at: \.label).description("key=value, or key alone")
                    Argument("after", at: \.after)
                    Argument("limit", at: \.limit)
                }
                Field("node", at: GraphQLResolver.node) {
                    Argument("id", at: \.id)
                }
                Field("deployments", at: GraphQLResolver.deployments) {
                    Argument("phase", at: \.phase)
                    Argument("after", at: \.after)
                    Argument("limit", at: \.limit)
                }
                Field("deployment", at: GraphQLResolver.deployment) {
                    Argument("name", at: \.name)
                }
                Field("status", at: GraphQLResolver.status) {
                    Argument("name", at: \.name)
                }
            }
            Mutation {
                Field("deploy", at: GraphQLResolver.deploy) {
                    Argument("document", at: \.document).description("One FleetDeployment in YAML or JSON.")
                }
                Field("remove", at: GraphQLResolver.remove) {
                    Argument("name", at: \.name)
                }
                Field("rollback", at: GraphQLResolver.rollback) {
                    Argument("name", at: \.name)
                }
                Field("pause", at: GraphQLResolver.pause) {
                    Argument("name", at: \.name)
                }
                Field("resume", at: GraphQLResolver.resume) {
                    Argument("name", at: \.name)
                }
            }
        }
    }
}
