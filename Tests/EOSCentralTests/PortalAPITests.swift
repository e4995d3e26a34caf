import EOSKit
import EOSTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// What the web portal needs from the central besides the API it already had: its files, how to sign in, who the
/// caller is, a dry run of a deploy, the audit log and how far a rollout has released.
@Suite("Web portal: files and the API it uses", .timeLimit(.minutes(5)))
struct PortalAPITests {
    static let token = APIClient.token

    /// `hello` on the four nodes of line 1.
    static let hello = CentralAPITests.hello

    @Test("the portal's files are served without a token, with a digest ETag, a strict CSP and 304 on revalidation")
    func files() async throws {
        let assets = try #require(PortalAssets.shipped, "the portal's files ship with EOSCentral")
        #expect(assets.files.keys.contains("js/app.js") && assets.files.keys.contains("portal.css"))
        let fleet = try CentralTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let central = try CentralOrchestrator(
            configuration: fleet.centralConfiguration(),
            tls: try await fleet.tls(try SPIFFEIdentity.central(in: CentralTestFleet.domain)),
            logger: .init(label: "test.portal"))
        let app = Application(router: CentralAPI(central: central, token: Self.token).router())
        try await app.test(.router) { client in
            var etag = ""
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("/portal/js/app.js"))
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("script-src 'self'") && policy.contains("connect-src 'self';"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(response.headers[.init("Referrer-Policy")!] == "no-referrer")
            }
            try await client.execute(uri: "/portal/js/app.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                etag = try #require(response.headers[.eTag])
                #expect(Data(buffer: response.body) == Data(try #require(assets.files["js/app.js"]).bytes))
            }
            var revalidate = HTTPFields()
            revalidate[.ifNoneMatch] = etag
            try await client.execute(uri: "/portal/js/app.js", method: .get, headers: revalidate) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/portal/js/missing.js", method: .get) { response in
                #expect(response.status == .notFound)
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                #expect(problem.detail == "no portal file js/missing.js")
            }
            try await client.execute(uri: "/portal/config.json", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"signIn":"token"}"#)
            }
            // The page is open; the data is not.
            try await client.execute(uri: "/me", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
        // Signing in at an OIDC provider: the page may talk to the central and that provider's origin, nothing else.
        let issuer = try #require(URL(string: "https://sso.example.com:8443/realms/fleet"))
        let oidc = Application(
            router: CentralAPI(
                central: central, authenticator: StaticTokenAuthenticator(token: Self.token),
                signIn: .openIDConnect(issuer: issuer, clientID: "eos-portal")
            ).router())
        try await oidc.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("connect-src 'self' https://sso.example.com:8443;"), "\(policy)")
            }
        }
    }

    @Test("with OIDC the portal is told the issuer (no trailing slash), the client and the scope")
    func openIDConnectSignIn() throws {
        let issuer = try #require(URL(string: "https://sso.example.com:8443/realms/fleet/"))
        let signIn = PortalSignIn.openIDConnect(issuer: issuer, clientID: "eos-portal")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(signIn), as: UTF8.self)
        #expect(
            json == #"{"clientId":"eos-portal","issuer":"https:\/\/sso.example.com:8443\/realms\/fleet","#
                + #""scope":"openid profile","signIn":"oidc"}"#)
    }

    @Test("portal files: a folder without index.html is refused, content types follow the extension")
    func assetsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eos-portal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("js"), withIntermediateDirectories: true)
        try Data("export {};".utf8).write(to: folder.appendingPathComponent("js/app.js"))
        #expect(throws: (any Error).self) { try PortalAssets(directory: folder) }
        #expect(PortalAssets.bundled(directory: folder) == nil, "a folder asked for by name is not replaced")
        try Data("<!doctype html>".utf8).write(to: folder.appendingPathComponent("index.html"))
        let assets = try PortalAssets(directory: folder)
        #expect(Set(assets.files.keys) == ["index.html", "js/app.js"])
        #expect(assets.files["js/app.js"]?.contentType == "text/javascript; charset=utf-8")
        #expect(assets.files["index.html"]?.etag != assets.files["js/app.js"]?.etag)
    }

    @Test("GET /me, a dry-run deploy that records nothing, the audit log over REST and GraphQL, rollout.released")
    func portalQueries() async throws {
        let fleet = try CentralTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        try await fleet.runWithAPI { central, api in
            let me = try api.decode(CurrentUser.self, try await api.get("/me"))
            #expect(me.permissions == ["deploy", "pause", "read", "remove", "resume", "rollback"])

            // A dry run answers what would be recorded, and records nothing.
            let preview = try await api.post("/deploy/fleet?dryRun=true", yaml: Self.hello)
            #expect(preview.status == .ok, "\(String(buffer: preview.body))")
            #expect(
                try api.decode(DeployPreview.self, preview)
                    == DeployPreview(name: "hello", generation: 1, changed: true, workloads: ["greeter"]))
            #expect(try await api.get("/deployments/hello").status == .notFound)
            let broken = Self.hello.replacingOccurrences(of: "command:", with: "comand:")
            let refused = try await api.post("/deploy/fleet?dryRun=true", yaml: broken)
            #expect(refused.status == .unprocessableContent)
            #expect(
                try api.decode(ProblemDetails.self, refused).problems?.contains { $0.location?.line == 11 } == true)
            let badFlag = try await api.post("/deploy/fleet?dryRun=maybe", yaml: Self.hello)
            #expect(badFlag.status == .badRequest)
            #expect(String(buffer: badFlag.body).contains("dryRun"))

            #expect(try await api.post("/deploy/fleet", yaml: Self.hello).status == .accepted)
            try await eventually("hello complete on four nodes") {
                let status = try await api.status("hello")
                return status.phase == .complete && status.nodes.installed == 4
            }
            let status = try await api.status("hello")
            #expect(status.rollout.released == 4)
            let again = try api.decode(
                DeployPreview.self, try await api.post("/deploy/fleet?dryRun=true", yaml: Self.hello))
            #expect(again.changed == false && again.generation == 1)

            let audit = try api.decode(Page<AuditEntry>.self, try await api.get("/deployments/hello/audit"))
            #expect(audit.items.first?.action == .deploy)
            #expect(audit.items.first?.actor == "admin")
            #expect(audit.items.contains { $0.action == .progress && $0.detail.hasPrefix("Complete") })
            let first = try api.decode(Page<AuditEntry>.self, try await api.get("/deployments/hello/audit?limit=1"))
            #expect(first.items.count == 1 && first.next == String(first.items[0].sequence))
            let rest = try api.decode(
                Page<AuditEntry>.self, try await api.get("/deployments/hello/audit?after=\(first.next ?? "")"))
            #expect(rest.items.map(\.sequence) == Array(audit.items.dropFirst()).map(\.sequence))
            #expect(try await api.get("/deployments/nothing/audit").status == .notFound)
            #expect(try await api.get("/deployments/hello/audit?limit=0").status == .badRequest)
            #expect(try await api.get("/deployments/hello/audit?after=-1").status == .badRequest)

            let data = try await api.graphQL(
                "{ deployment(name: \"hello\") { audit(last: 1) { sequence action } "
                    + "status { rollout { released } } } }")
            let deployment = try #require(data["deployment"] as? [String: Any])
            let entries = try #require(deployment["audit"] as? [[String: Any]])
            #expect(entries.count == 1 && entries[0]["sequence"] as? Int == Int(audit.items.last?.sequence ?? 0))
            let rollout = (deployment["status"] as? [String: Any])?["rollout"] as? [String: Any]
            #expect(rollout?["released"] as? Int == 4)
        }
    }
}
