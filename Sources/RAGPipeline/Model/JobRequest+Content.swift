extension JobRequest {
    /// The request's free text: title, description, skills, questions, the client's country,
    /// the URL and every string inside `metadata`. Content (``Telemetry/ContentClass/content``):
    /// the worker registers it with the ``Telemetry/ContentScreen`` while the job runs, so no
    /// exported diagnostic repeats it.
    public var contentTexts: [String] {
        var texts = [title, description] + skills + questions
        if let country = client?.country { texts.append(country) }
        if let url { texts.append(url) }
        for value in (metadata ?? [:]).values {
            Self.collectStrings(value, into: &texts)
        }
        return texts
    }

    private static func collectStrings(_ value: JSONValue, into texts: inout [String]) {
        switch value {
        case .string(let text): texts.append(text)
        case .array(let values): for item in values { collectStrings(item, into: &texts) }
        case .object(let members): for item in members.values { collectStrings(item, into: &texts) }
        default: break
        }
    }
}
