import Foundation

/// The replies that need no running cell: kernel_info, complete, is_complete, inspect,
/// history, comm_info.
enum Requests {
    /// `kernel_info_reply` (the same on shell and control).
    static let kernelInfo: JSONValue = [
        "status": "ok", "protocol_version": .string(KernelMessage.protocolVersion),
        "implementation": "rnnlab", "implementation_version": .string(RNNLab.version),
        "language_info": [
            "name": "rnnlab", "version": .string(RNNLab.version), "mimetype": "text/x-rnnlab",
            "file_extension": ".rnn", "pygments_lexer": "text", "codemirror_mode": "text/plain",
        ],
        "banner": .string("rnnlab \(RNNLab.version): training stacked LSTMs on long sequences ('help' lists the commands)"),
        "help_links": [], "debugger": false,
    ]

    /// `complete_reply`: candidates for the word before the cursor (file names inside a string).
    static func complete(_ content: JSONValue, session: KernelSession) -> JSONValue {
        let scalars = Array((content["code"]?.string ?? "").unicodeScalars)
        let cursor = min(max(0, content["cursor_pos"]?.int ?? scalars.count), scalars.count)
        let before = String(String.UnicodeScalarView(scalars[..<cursor]))
        let statement = currentStatement(before)
        let word = String(statement.split(separator: " ", omittingEmptySubsequences: false).last ?? "")
        var matches: [String]
        var replaced = word.unicodeScalars.count
        if let quote = word.lastIndex(of: "\"") {
            let partial = String(word[word.index(after: quote)...])
            matches = fileNames(completing: partial)
            replaced = partial.unicodeScalars.count
        } else {
            matches = session.completions(line: statement)
        }
        matches = matches.filter { !$0.isEmpty }
        return ["status": "ok", "matches": .array(matches.map { .string($0) }),
                "cursor_start": .int(cursor - replaced), "cursor_end": .int(cursor), "metadata": [:]]
    }

    /// `is_complete_reply`: incomplete (with an indent) inside an open block or string or
    /// after a trailing `\`; invalid for a syntax error; else complete.
    static func isComplete(_ content: JSONValue, session: KernelSession) -> JSONValue {
        let code = content["code"]?.string ?? ""
        if session.needsMoreInput(code) { return ["status": "incomplete", "indent": "  "] }
        if session.isInvalid(code) { return ["status": "invalid"] }
        return ["status": "complete"]
    }

    /// `inspect_reply`: the help of the command the cursor is in (or on).
    static func inspect(_ content: JSONValue, session: KernelSession) -> JSONValue {
        let scalars = Array((content["code"]?.string ?? "").unicodeScalars)
        let cursor = min(max(0, content["cursor_pos"]?.int ?? scalars.count), scalars.count)
        // The statement around the cursor: from its start up to the end of the word under it.
        var end = cursor
        while end < scalars.count, !" \n;{}".unicodeScalars.contains(scalars[end]) { end += 1 }
        let statement = currentStatement(String(String.UnicodeScalarView(scalars[..<end])))
        let words = statement.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let known = Set(session.commandNames)
        let command = words.first(where: { known.contains($0) })
        guard let command, let help = session.helpText(for: command) else {
            return ["status": "ok", "found": false, "data": [:], "metadata": [:]]
        }
        return ["status": "ok", "found": true, "data": ["text/plain": .string(help)], "metadata": [:]]
    }

    static func history(_ content: JSONValue, session: KernelSession) -> JSONValue {
        guard let store = session.store, let id = session.sessionID else { return ["status": "ok", "history": []] }
        return ["status": "ok", "history": .array(HistoryQuery(store: store, currentSession: id).entries(content))]
    }

    /// `comm_info_reply`: rnnlab opens no comms.
    static let commInfo: JSONValue = ["status": "ok", "comms": [:]]

    /// The statement the text ends in: after the last newline, `;`, `{` or `}` (a loop's
    /// variable and list are not a command), without leading blanks.
    static func currentStatement(_ text: String) -> String {
        var start = text.endIndex
        while start > text.startIndex {
            let previous = text.index(before: start)
            if "\n;{}".contains(text[previous]) { break }
            start = previous
        }
        return String(text[start...].drop(while: { $0 == " " || $0 == "\t" }))
    }

    /// Entries of the folder a partial path names whose names start with its last part
    /// (folders with a trailing `/`), as the partial path continued.
    static func fileNames(completing partial: String) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let folder = slash.map { String(partial[...$0]) } ?? ""
        let prefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let directory = folder.isEmpty ? "." : folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
            return folder + name + (exists && isDirectory.boolValue ? "/" : "")
        }
    }
}
