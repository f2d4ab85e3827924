import Foundation
import Testing
@testable import rnnlab

/// The kernel's wire protocol without sockets: signing, framing, the connection file.
@Suite struct KernelProtocolTests {
    static let key = "5ad1ac1e-0d8e-4b3c-9a1f-6b2f0c3e9d77"

    static func message(_ content: JSONValue = ["code": "print \"hello, world\"", "silent": false]) -> KernelMessage {
        KernelMessage(identities: [Data("client-7".utf8)],
                      header: KernelMessage.header(type: "execute_request", session: "s1"),
                      parentHeader: [:], metadata: [:], content: content)
    }

    /// RFC 4231 test case 2 (HMAC-SHA256, key "Jefe"), the message split across two parts as
    /// the signer concatenates header, parent header, metadata and content.
    @Test func hmacMatchesTheRFC4231Vector() {
        let signer = MessageSigner(key: "Jefe")
        let signature = signer.signature([Data("what do ya want ".utf8), Data("for nothing?".utf8)])
        #expect(signature == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(signer.isValid(signature: Data(signature.uppercased().utf8),
                               parts: [Data("what do ya want for nothing?".utf8)]))
    }

    @Test func framesRoundTrip() throws {
        let signer = MessageSigner(key: Self.key)
        var original = Self.message()
        original.buffers = [Data([0, 1, 2])]
        let frames = Wire.frames(original, signer: signer)
        #expect(frames[0] == Data("client-7".utf8))
        #expect(frames[1] == Wire.delimiter)
        #expect(frames[2].count == 64)
        let parsed = try Wire.parse(frames, signer: signer)
        #expect(parsed == original)
        #expect(parsed.type == "execute_request")
        #expect(parsed.content["code"]?.string == "print \"hello, world\"")
    }

    /// Any change to a signed part, the signature, or the key is refused as a bad signature.
    @Test(arguments: [3, 4, 5, 6])
    func aTamperedPartIsRejected(part: Int) {
        let signer = MessageSigner(key: Self.key)
        var frames = Wire.frames(Self.message(), signer: signer)
        var bytes = [UInt8](frames[part])
        bytes[bytes.count / 2] ^= 0x01
        frames[part] = Data(bytes)
        #expect(throws: WireError.badSignature) { try Wire.parse(frames, signer: signer) }
    }

    @Test func aWrongSignatureOrKeyIsRejected() {
        let signer = MessageSigner(key: Self.key)
        var frames = Wire.frames(Self.message(), signer: signer)
        #expect(throws: WireError.badSignature) { try Wire.parse(frames, signer: MessageSigner(key: "another key")) }
        for bad in ["", "zz", String(repeating: "0", count: 64), String(repeating: "a", count: 63)] {
            frames[2] = Data(bad.utf8)
            #expect(throws: WireError.badSignature) { try Wire.parse(frames, signer: signer) }
        }
    }

    @Test func anUnsignedKernelAcceptsUnsignedMessages() throws {
        let signer = MessageSigner(key: "")
        let frames = Wire.frames(Self.message(), signer: signer)
        #expect(frames[2].isEmpty)
        #expect(try Wire.parse(frames, signer: signer).type == "execute_request")
    }

    @Test func malformedFramesGiveClearErrors() {
        let signer = MessageSigner(key: Self.key)
        let good = Wire.frames(Self.message(), signer: signer)
        #expect(throws: WireError.noDelimiter(frames: 2)) { try Wire.parse([Data("a".utf8), Data("{}".utf8)], signer: signer) }
        #expect(throws: WireError.tooFewFrames(found: 3)) { try Wire.parse(Array(good.prefix(5)), signer: signer) }
        #expect(throws: WireError.noDelimiter(frames: 0)) { try Wire.parse([], signer: signer) }

        // Signed garbage: the signature is right, the JSON is not.
        func signed(_ parts: [String]) -> [Data] {
            let data = parts.map { Data($0.utf8) }
            return [Wire.delimiter, Data(signer.signature(data).utf8)] + data
        }
        #expect(throws: WireError.notJSON(part: "header")) { try Wire.parse(signed(["{", "{}", "{}", "{}"]), signer: signer) }
        #expect(throws: WireError.notJSON(part: "content")) { try Wire.parse(signed(["{\"msg_type\":\"x\"}", "{}", "{}", "[1]"]), signer: signer) }
        #expect(throws: WireError.noMessageType) { try Wire.parse(signed(["{}", "{}", "{}", "{}"]), signer: signer) }
        #expect(WireError.tooFewFrames(found: 3).description.contains("expected at least 5"))
    }

    /// Random frames never trap: each is a message or a WireError.
    @Test func randomFramesNeverTrap() {
        var rng = SystemRandomNumberGenerator()
        let signer = MessageSigner(key: "")
        for _ in 0..<500 {
            let count = Int.random(in: 0...8, using: &rng)
            var frames = (0..<count).map { _ in Data((0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
            if Bool.random(using: &rng), !frames.isEmpty { frames[Int.random(in: 0..<frames.count, using: &rng)] = Wire.delimiter }
            do { _ = try Wire.parse(frames, signer: signer) } catch {}
        }
    }

    // MARK: Connection file

    static let connection = """
        {"shell_port": 51001, "iopub_port": 51002, "stdin_port": 51003, "control_port": 51004, "hb_port": 51005,
         "ip": "127.0.0.1", "key": "k3y", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "rnnlab"}
        """

    @Test func aConnectionFileParses() throws {
        let info = try ConnectionFile.parse(Data(Self.connection.utf8), path: "c.json")
        #expect(info.shellPort == 51001 && info.iopubPort == 51002 && info.stdinPort == 51003)
        #expect(info.controlPort == 51004 && info.heartbeatPort == 51005)
        #expect(info.key == "k3y" && info.endpoint(port: info.shellPort) == "tcp://127.0.0.1:51001")
    }

    @Test(arguments: [
        ("not json", "is not JSON"),
        ("[1, 2]", "is not a JSON object"),
        (#"{"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1,"key":""}"#, "field 'shell_port' is missing"),
        (#"{"shell_port":"x","iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1,"key":""}"#, "field 'shell_port' must be a port number"),
        (#"{"shell_port":70000,"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1,"key":""}"#, "field 'shell_port' must be a port number"),
        (#"{"shell_port":1.5,"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1,"key":""}"#, "field 'shell_port' must be a port number"),
        (#"{"shell_port":1,"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1e300,"key":""}"#, "field 'hb_port' must be a port number"),
        (#"{"shell_port":1,"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1}"#, "field 'key' is missing"),
        (#"{"shell_port":1,"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1,"key":7}"#, "field 'key' must be a string"),
        (#"{"shell_port":1,"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1,"key":"","transport":"udp"}"#, "field 'transport' is 'udp' (expected tcp or ipc)"),
        (#"{"shell_port":1,"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1,"key":"","signature_scheme":"hmac-md5"}"#, "expected hmac-sha256"),
    ])
    func aMalformedConnectionFileNamesTheField(text: String, expected: String) {
        do {
            _ = try ConnectionFile.parse(Data(text.utf8), path: "bad.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix("connection file 'bad.json': "))
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test func aMissingConnectionFileSaysSo() {
        #expect(throws: ConnectionFileError(path: "/nonexistent/c.json", message: "cannot be read (is the path right?)")) {
            try ConnectionFile.read("/nonexistent/c.json")
        }
    }

    @Test func theKernelRefusesAMalformedConnectionFileWithStatus2() throws {
        let scratch = try Scratch()
        let file = try scratch.write("c.json", #"{"shell_port": -1}"#)
        let result = try Binary.run(["kernel", "-f", file.path], in: scratch.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("field 'shell_port' must be a port number"), "\(result.stderr)")
        let usage = try Binary.run(["kernel"], in: scratch.url)
        #expect(usage.status == 2 && usage.stderr.contains("kernel needs -f FILE"))
    }
}
