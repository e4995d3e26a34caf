internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import NIOCore

/// The web portal's routes, served without a token (the page holds no data; every call it makes carries the user's):
///
/// | path | answers |
/// |---|---|
/// | `GET /` | the portal's page, `index.html` |
/// | `GET /portal/config.json` | how to sign in, ``PortalSignIn`` |
/// | `GET /portal/PATH` | the portal's files: CSS and JavaScript modules |
///
/// Every answer forbids framing, sniffing and referrers (an authorization code in the address must not leak), and
/// carries a Content-Security-Policy that lets the page load nothing but the central's own files and talk to nothing
/// but the central and, when it signs in by OIDC, the identity provider.
struct CentralPortal: Sendable {
    /// The prefix of the portal's files.
    static let prefix = "/portal/"

    let assets: PortalAssets?
    let signIn: PortalSignIn
    /// Lets the page load only the central's own files and talk only to the central and the sign-in provider; made
    /// once, as every answer carries it.
    private let contentSecurityPolicy: String

    init(assets: PortalAssets?, signIn: PortalSignIn) {
        self.assets = assets
        self.signIn = signIn
        let connect = ["'self'", signIn.providerOrigin].compactMap { $0 }.joined(separator: " ")
        contentSecurityPolicy =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src \(connect); base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    func add(to router: Router<CentralRequestContext>) {
        let portal = self
        router.get("/") { request, _ -> Response in try portal.file("index.html", request: request) }
        router.get("/portal/config.json") { _, _ -> Response in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return portal.response(
                bytes: Array(try encoder.encode(portal.signIn)), type: "application/json", etag: nil)
        }
        router.get("/portal/**") { request, context -> Response in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            return try portal.file(path, request: request)
        }
    }

    private func file(_ path: String, request: Request) throws -> Response {
        guard let assets else {
            throw ProblemDetails(
                .serviceUnavailable,
                "the portal's files were not found: install the EOS_EOSCentral.resources directory beside the "
                    + "executable; the REST and GraphQL APIs work without it")
        }
        guard let file = assets.files[path] else { throw ProblemDetails(.notFound, "no portal file \(path)") }
        if let tag = request.headers[.ifNoneMatch],
            tag.split(separator: ",").contains(where: {
                $0.trimmingCharacters(in: .whitespaces) == file.etag
            })
        {
            var response = response(bytes: [], type: file.contentType, etag: file.etag)
            response.status = .notModified
            return response
        }
        return response(bytes: file.bytes, type: file.contentType, etag: file.etag)
    }

    private func response(bytes: [UInt8], type: String, etag: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        if let etag { headers[.eTag] = etag }
        // Revalidated on every load, so a new central's portal is never mixed with an old one's cached modules.
        headers[.cacheControl] = "no-cache"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[Self.referrerPolicy] = "no-referrer"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
