/// Text of a script between two locations, counted as the lexer counts them: lines end at
/// `"\r\n"`, `"\r"` or `"\n"`; columns are Unicode scalars from 1.
public enum SourceText {
    public static func slice(_ source: String, _ range: SourceRange) -> String {
        let start = (range.start.line, range.start.column), end = (range.end.line, range.end.column)
        var text = ""
        var here = (1, 1)
        var previous = (scalar: Unicode.Scalar(0), at: (0, 0))
        for scalar in source.unicodeScalars {
            // The "\n" of "\r\n" belongs to the "\r": one line break, one place.
            let joined = scalar == "\n" && previous.scalar == "\r"
            let at = joined ? previous.at : here
            if at >= start && at < end { text.unicodeScalars.append(scalar) }
            if !joined { here = scalar == "\n" || scalar == "\r" ? (here.0 + 1, 1) : (here.0, here.1 + 1) }
            previous = (scalar, at)
        }
        return text
    }
}
