import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document, flattened for assertions: every element with its attributes, its
/// own text, and the `class` attributes of its ancestors. Parsing uses Foundation's
/// `XMLParser` (libxml2 underneath), so a document that loads here is well-formed.
///
/// On Linux `parse()` can return true after an error (a missing end tag, for one), so any
/// error reported to the delegate, or an element left open, also counts as a failure.
struct ParsedXML {
    struct Element {
        let name: String
        let attributes: [String: String]
        var text: String
        /// `class` values of the enclosing elements, outermost first.
        let ancestorClasses: [String]

        func isInside(_ className: String) -> Bool { ancestorClasses.contains(className) }
    }

    let elements: [Element]

    /// Parses `text`; throws with the parser's message and line when it is not well-formed.
    init(_ text: String) throws {
        let collector = Collector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        let parsed = parser.parse()
        if !parsed || parser.parserError != nil || collector.error != nil {
            let error = collector.error ?? parser.parserError
            throw ParseError(message: error.map { "\($0)" } ?? "unknown error", line: parser.lineNumber)
        }
        guard collector.isBalanced else { throw ParseError(message: "an element was left open", line: parser.lineNumber) }
        elements = collector.finished
    }

    struct ParseError: Error, CustomStringConvertible {
        let message: String
        let line: Int
        var description: String { "not well-formed at line \(line): \(message)" }
    }

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    func all(_ name: String, inside className: String) -> [Element] {
        all(name).filter { $0.isInside(className) }
    }

    func all(_ name: String, withClass className: String) -> [Element] {
        all(name).filter { $0.attributes["class"] == className }
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var finished: [Element] = []
        var error: Error?
        private var open: [Element] = []
        private var started = 0

        var isBalanced: Bool { open.isEmpty && started == finished.count && started > 0 }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if error == nil { error = parseError }
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            started += 1
            let classes = open.compactMap { $0.attributes["class"] }
            open.append(Element(name: name, attributes: attributes, text: "", ancestorClasses: classes))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !open.isEmpty else { return }
            open[open.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if let element = open.popLast() { finished.append(element) }
        }
    }
}
